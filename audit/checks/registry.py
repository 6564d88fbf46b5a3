"""The registry of named checks: `@check("name", params={...}, reads=[...])` and `run_check(name, evidence, params)`.

`reads` declares which signal kinds a check looks at (like Lighthouse's required artifacts): kind names, or
`FromParam("kind")` for the kinds a rubric names in a parameter. The rubric loader rejects a criterion whose check
reads a kind missing from the table (store.kinds), and a human review goes stale only when the signals of the
kinds its criterion reads change (kinds_read, store.evidence.evidence_hash).
"""
from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from audit.checks.base import CheckOutcome, EvidenceIndex, Param, errored, index, outcome
from audit.evidence import CRAWL_BLOCKED, CRAWL_NO_URL, CRAWL_UNREACHABLE, Evidence
from audit.messages import msg, render
from audit.result import FAIL, NEEDS_REVIEW
from store.kinds import kind_names

CheckFn = Callable[[EvidenceIndex, Mapping[str, Any]], CheckOutcome]

NOT_AUDITABLE_MESSAGES = {CRAWL_UNREACHABLE: msg("site.unreachable"), CRAWL_BLOCKED: msg("site.blocked"),
                          CRAWL_NO_URL: msg("site.no_url")}
NOT_AUDITABLE = {status: render(message) for status, message in NOT_AUDITABLE_MESSAGES.items()}


@dataclass(frozen=True)
class FromParam:
    """A check reads the kinds named by one of its parameters (a kind or a list; empty or None = every kind)."""

    param: str


ALL_KINDS = "*"     # reads every kind (a check that searches all signals, or a person judging the whole site)
Reads = tuple[str | FromParam, ...]


@dataclass(frozen=True)
class RegisteredCheck:
    name: str
    fn: CheckFn
    params: Mapping[str, Param]
    doc: str
    reads: Reads = ()
    final: frozenset[str] | Callable[[Mapping[str, Any]], Iterable[str]] = frozenset()   # see `check`


CHECKS: dict[str, RegisteredCheck] = {}


def check(name: str, params: Mapping[str, Param] | None = None,
          reads: Iterable[str | FromParam] = (),
          final: Iterable[str] | Callable[[Mapping[str, Any]], Iterable[str]] = ()) -> Callable[[CheckFn], CheckFn]:
    """Register a pure function (evidence index, params) -> CheckOutcome under `name`, with the kinds it reads.

    `final` names the outcomes more signals can never change (a count that has reached its minimum stays
    there), or a function of the check's params that names them: a crawl stops looking for a criterion's kinds
    once its check is final (audit.decider). A check that declares none (a share, an average) keeps its kinds
    wanted until the crawl runs out of candidates."""

    def register(fn: CheckFn) -> CheckFn:
        if name in CHECKS:
            raise ValueError(f"check '{name}' registered twice")
        declared = tuple(reads)
        for entry in declared:
            if isinstance(entry, FromParam) and entry.param not in (params or {}):
                raise ValueError(f"check '{name}' reads param '{entry.param}' it does not declare")
        doc = (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else ""
        CHECKS[name] = RegisteredCheck(name, fn, dict(params or {}), doc, declared,
                                       final if callable(final) else frozenset(final))
        return fn

    return register


def unregister(name: str) -> None:
    """Remove a check added at run time (tests clean up after themselves)."""
    CHECKS.pop(name, None)


def kinds_read(name: str, params: Mapping[str, Any] | None = None) -> frozenset[str] | None:
    """The signal kinds check `name` reads with these params (defaults filled in); None means every kind."""
    registered = CHECKS[name]
    filled = with_defaults(name, params or {})
    kinds: set[str] = set()
    for entry in registered.reads:
        if isinstance(entry, FromParam):
            value = filled.get(entry.param)
            if not value:
                return None
            kinds.update([value] if isinstance(value, str) else map(str, value))
        elif entry == ALL_KINDS:
            return None
        else:
            kinds.add(entry)
    return frozenset(kinds)


def final_statuses(name: str, params: Mapping[str, Any] | None = None) -> frozenset[str]:
    """The outcomes of check `name` (with these params) that more evidence cannot change."""
    final = CHECKS[name].final
    return frozenset(final(with_defaults(name, params or {}))) if callable(final) else final


def criterion_reads(rubric: Any) -> dict[str, frozenset[str] | None]:
    """Per criterion id of a loaded rubric, the kinds its check reads (None: every kind, or an unknown check)."""
    return {c.id: kinds_read(c.check.name, c.check.params) if c.check.name in CHECKS else None
            for c in rubric.criteria}


def reads_errors(name: str) -> list[str]:
    """Kinds the check declares it reads that the table of kinds (store.kinds) does not have."""
    registered = CHECKS[name]
    known = kind_names()
    problems = []
    for entry in registered.reads:
        if isinstance(entry, str) and entry != ALL_KINDS and entry not in known:
            problems.append(f"check '{name}' reads signal kind '{entry}', which does not exist{suggest(entry, known)}")
    return problems


def _choices(param: Param) -> tuple[Any, ...] | None:
    """A parameter's allowed values; a callable is read now, so kinds added to the table are accepted."""
    return param.choices() if callable(param.choices) else param.choices


def suggest(name: str, known: list[str] | tuple[str, ...] | set[str]) -> str:
    """'; did you mean 'x'?' for the closest known name, or ''."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def param_errors(name: str, params: Mapping[str, Any]) -> list[tuple[str | None, str]]:
    """Problems with `params` for check `name`, as (param name or None, message) pairs."""
    spec = CHECKS[name].params
    problems: list[tuple[str | None, str]] = []
    for key, value in params.items():
        if key not in spec:
            problems.append((key, f"check '{name}' has no param '{key}'{suggest(key, list(spec))}"))
            continue
        declared = spec[key]
        if not declared.accepts(value):
            problems.append((key, f"param '{key}' of check '{name}' must be {declared.type_names()}, "
                                  f"got {value!r}"))
        elif (choices := _choices(declared)) is not None and not _in_choices(value, choices):
            allowed = ", ".join(map(str, choices))
            problems.append((key, f"param '{key}' of check '{name}': {value!r} is not one of: {allowed}"
                                  f"{suggest(str(value), [str(c) for c in choices])}"))
        elif declared.validate is not None and (problem := declared.validate(value)):
            problems.append((key, f"param '{key}' of check '{name}': {problem}"))
    for key, declared in spec.items():
        if declared.required and key not in params:
            problems.append((None, f"check '{name}' needs param '{key}' ({declared.help or declared.type_names()})"))
    return problems


def _in_choices(value: Any, choices: tuple[Any, ...]) -> bool:
    if isinstance(value, list):
        return all(v in choices for v in value)
    return value in choices


def with_defaults(name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    spec = CHECKS[name].params
    filled = {key: p.default for key, p in spec.items()}
    filled.update(params)
    return filled


def run_check(name: str, evidence: Evidence | EvidenceIndex, params: Mapping[str, Any] | None = None) -> CheckOutcome:
    """Run a registered check with crawl-status guards: never a silent fail for what could not be seen."""
    ev = index(evidence)
    not_auditable = NOT_AUDITABLE_MESSAGES.get(ev.evidence.crawl_status)
    if not_auditable:
        return errored(not_auditable)
    registered = CHECKS.get(name)
    if registered is None:
        return errored(msg("check.unknown", name=name))
    try:
        result = registered.fn(ev, with_defaults(name, params or {}))
    except Exception as exc:  # noqa: BLE001 - one malformed signal must not stop a national run
        return errored(msg("check.internal_error", name=name, error=f"{type(exc).__name__}: {exc}"))
    return _uncertain_absence(result, ev)


def _uncertain_absence(result: CheckOutcome, ev: EvidenceIndex) -> CheckOutcome:
    if result.status != FAIL or not result.absent or ev.incomplete_message is None:
        return result
    reason = msg("absence.unconfirmed", reason=result.message or result.reason, why=ev.incomplete_message)
    return outcome(NEEDS_REVIEW, 0.0, reason, result.evidence, suggestion=msg("absence.suggestion"), absent=True)
