"""Building blocks of checks: the outcome type, parameter specs and an index of one evidence by signal kind."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from audit.evidence import CRAWL_PARTIAL, Evidence, EvidenceSignal
from audit.messages import Message, joined, msg, render
from audit.result import ERROR, FAIL, NEEDS_REVIEW, PARTIAL, PASS, EvidenceRef

MAX_REFS = 5


@dataclass
class CheckOutcome:
    """What a check concluded: status, fraction of the requirement met (0-1), a Spanish reason and evidence.

    `message` / `suggestion_message` are the same texts as audit.messages keys plus parameters, so reports can
    render them in the reader's language; checks that only give text leave them None."""

    status: str
    fraction: float
    reason: str
    evidence: list[EvidenceRef] = field(default_factory=list)
    suggestion: str | None = None
    absent: bool = False      # failed because nothing was found: uncertain when the crawl was incomplete
    message: Message | None = None
    suggestion_message: Message | None = None


Reason = str | Message


def outcome(status: str, fraction: float, reason: Reason, evidence: list[EvidenceRef] | None = None,
            suggestion: Reason | None = None, absent: bool = False) -> CheckOutcome:
    """A CheckOutcome whose texts may be messages (rendered in Spanish for `reason`/`suggestion`)."""
    message = reason if isinstance(reason, dict) else None
    suggestion_message = suggestion if isinstance(suggestion, dict) else None
    return CheckOutcome(status, fraction, render(reason, "es"), list(evidence or []),
                        render(suggestion, "es") if suggestion is not None else None, absent,
                        message, suggestion_message)


@dataclass(frozen=True)
class Param:
    """Declared parameter of a check; the loader validates rubric params against it."""

    types: tuple[type, ...]
    required: bool = False
    default: Any = None
    choices: tuple[Any, ...] | Callable[[], tuple[Any, ...]] | None = None   # a callable is read at validation
    help: str = ""
    validate: Callable[[Any], str | None] | None = None   # extra rule: returns a problem or None

    def type_names(self) -> str:
        return " or ".join(_TYPE_NAMES.get(t, t.__name__) for t in self.types)

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) and bool not in self.types:
            return False
        return isinstance(value, self.types)


_TYPE_NAMES = {str: "text", int: "integer", float: "number", bool: "true/false", list: "list", dict: "mapping"}


class EvidenceIndex:
    """One Evidence with its signals indexed by kind, built once per scoring."""

    __slots__ = ("evidence", "by_kind", "crawled_on", "incomplete_reason", "incomplete_message")

    def __init__(self, evidence: Evidence) -> None:
        self.evidence = evidence
        self.by_kind: dict[str, list[EvidenceSignal]] = {}
        for signal in evidence.signals:
            self.by_kind.setdefault(signal.kind, []).append(signal)
        self.crawled_on: date = evidence.crawled_at.date()
        self.incomplete_message = _incomplete_message(evidence)
        self.incomplete_reason = render(self.incomplete_message, "es") if self.incomplete_message else None

    def of_kind(self, kinds: str | Iterable[str]) -> list[EvidenceSignal]:
        if isinstance(kinds, str):
            return self.by_kind.get(kinds, [])
        return [s for k in kinds for s in self.by_kind.get(k, [])]

    @property
    def facts(self) -> Mapping[str, Any]:
        return self.evidence.facts


def _incomplete_message(evidence: Evidence) -> Message | None:
    """Why an absence may be an artefact of the crawl, or None when the crawl was complete."""
    parts = []
    if evidence.crawl_status == CRAWL_PARTIAL:
        parts.append(msg("incomplete.partial"))
    if evidence.pages_needing_render:
        parts.append(msg("incomplete.render", n=evidence.pages_needing_render))
    blocked = evidence.facts.get("blocked_pages") or 0
    if isinstance(blocked, int | float) and blocked > 0:
        parts.append(msg("incomplete.blocked", n=int(blocked)))
    return joined(parts, ";") if parts else None


def index(evidence: Evidence | EvidenceIndex) -> EvidenceIndex:
    return evidence if isinstance(evidence, EvidenceIndex) else EvidenceIndex(evidence)


def ref(signal: EvidenceSignal) -> EvidenceRef:
    captured = signal.captured_at.isoformat() if isinstance(signal.captured_at, datetime) else None
    data = signal.data
    confidence = data.get("confidence")
    return EvidenceRef(url=signal.url, found_on=signal.found_on, snippet=signal.snippet[:200], captured_at=captured,
                       placement=_text_or_none(data.get("placement")), page_role=_text_or_none(data.get("source_role")),
                       target_role=_text_or_none(data.get("target_role")),
                       confidence=float(confidence) if isinstance(confidence, int | float) else None)


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def text_problem(value: Any) -> str | None:
    """A rubric text parameter: a string, or a mapping with a Spanish text and optionally an English one."""
    if isinstance(value, dict):
        if not isinstance(value.get("es"), str) or not value["es"] or set(value) - {"es", "en"}:
            return "needs {es: ..., en: ...} with a Spanish text"
        if "en" in value and not isinstance(value["en"], str):
            return "en: must be text"
    return None


# -- graded signals: the crawler's status and confidence (crawler.extract.grading) ----------------------------

CONFIRMED, REFERENCE = "confirmed", "reference"
DEFAULT_MIN_CONFIDENCE = 0.7
MIN_CONFIDENCE = Param((int, float), default=DEFAULT_MIN_CONFIDENCE,
                       help="below this confidence (or when unconfirmed) a detection goes to a person")
INCLUDE_REFERENCES = Param((bool,), default=False,
                           help="true: count other bodies' portals and accounts (e.g. a link to the national platform)")


def is_reference(signal: EvidenceSignal) -> bool:
    """Somebody else's thing the site points at (the national portal, another state's portal)."""
    return signal.data.get("status") == REFERENCE


def is_decided(signal: EvidenceSignal, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> bool:
    """Counts automatically: confirmed and confident enough (signals stored before grading count as confirmed)."""
    status = signal.data.get("status", CONFIRMED)
    confidence = signal.data.get("confidence", 1.0)
    return status == CONFIRMED and isinstance(confidence, int | float) and confidence >= min_confidence


def refs(signals: Iterable[EvidenceSignal]) -> list[EvidenceRef]:
    out: list[EvidenceRef] = []
    for signal in signals:
        out.append(ref(signal))
        if len(out) >= MAX_REFS:
            break
    return out


def passed(reason: Reason, signals: Iterable[EvidenceSignal] = ()) -> CheckOutcome:
    return outcome(PASS, 1.0, reason, refs(signals))


def failed(reason: Reason, absent: bool = True, signals: Iterable[EvidenceSignal] = ()) -> CheckOutcome:
    return outcome(FAIL, 0.0, reason, refs(signals), absent=absent)


def partly(fraction: float, reason: Reason, signals: Iterable[EvidenceSignal] = ()) -> CheckOutcome:
    fraction = min(max(fraction, 0.0), 1.0)
    status = PASS if fraction >= 1 else PARTIAL if fraction > 0 else FAIL
    return outcome(status, fraction, reason, refs(signals), absent=fraction == 0)


def to_review(reason: Reason, suggestion: Reason | None = None,
              signals: Iterable[EvidenceSignal] = ()) -> CheckOutcome:
    return outcome(NEEDS_REVIEW, 0.0, reason, refs(signals), suggestion=suggestion)


def errored(reason: Reason) -> CheckOutcome:
    return outcome(ERROR, 0.0, reason)


def matches(signal: EvidenceSignal, where: Mapping[str, Any] | None) -> bool:
    """True when each `where` field equals the signal's data field (a list value means any of)."""
    if not where:
        return True
    for key, wanted in where.items():
        value = signal.data.get(key)
        if isinstance(wanted, list):
            if value not in wanted:
                return False
        elif value != wanted:
            return False
    return True


def parse_date(value: Any) -> date | None:
    """An ISO date (or datetime) from signal data, or None when unparsable."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def fmt_date(value: date) -> str:
    return value.strftime("%d/%m/%Y")
