"""Score one municipality's evidence against a rubric. Pure: no I/O, no clock; windows use Evidence.crawled_at.

Lighthouse-like semantics: `needs_review` and `error` criteria are never counted as 0 silently: their points are
reported as pending and make the category and total `incomplete`. `not_applicable` removes a criterion's points
from the denominator; category weights are rescaled to a 0-100 total; caps (gatekeepers) are applied and listed.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from audit.checks import CheckOutcome, EvidenceIndex, run_check
from audit.checks.registry import NOT_AUDITABLE, NOT_AUDITABLE_MESSAGES
from audit.evidence import Evidence, Review
from audit.messages import Message, joined, localized, msg, render, status_word
from audit.result import (
    ERROR,
    FAIL,
    INFORMATIVE,
    NEEDS_REVIEW,
    NOT_APPLICABLE,
    PARTIAL,
    PASS,
    AuditResult,
    CategoryResult,
    CriterionResult,
)
from audit.schema import Cap, Criterion, Rubric

COMPLETE, INCOMPLETE = "complete", "incomplete"
PENDING = (NEEDS_REVIEW, ERROR)
DECISIONS = {PASS: 1.0, FAIL: 0.0, PARTIAL: 0.5, NOT_APPLICABLE: 0.0}


@dataclass
class Judgement:
    """A criterion's final status and credit (0-1 of its points) before scaling."""

    status: str
    credit: float
    reason: str
    outcome: CheckOutcome | None = None
    reviewed_by: str | None = None
    suggestion: str | None = None
    message: Message | None = None             # `reason` as an audit.messages key and parameters
    suggestion_message: Message | None = None


def judgement(status: str, credit: float, reason: str | Message, outcome: CheckOutcome | None = None,
              reviewed_by: str | None = None, suggestion: str | Message | None = None) -> Judgement:
    """A Judgement from texts or messages (texts are kept as given; messages are rendered in Spanish)."""
    return Judgement(status, credit, render(reason), outcome, reviewed_by,
                     render(suggestion) if suggestion is not None else None,
                     reason if isinstance(reason, dict) else None,
                     suggestion if isinstance(suggestion, dict) else None)


def _reason_of(outcome: CheckOutcome) -> str | Message:
    return outcome.message or outcome.reason


def _suggestion_of(outcome: CheckOutcome) -> str | Message | None:
    return outcome.suggestion_message or outcome.suggestion


@dataclass(frozen=True)
class Plan:
    """What only depends on the rubric: criteria in dependency order."""

    order: tuple[Criterion, ...]


_PLANS: dict[int, tuple[Rubric, Plan]] = {}


def plan(rubric: Rubric) -> Plan:
    cached = _PLANS.get(id(rubric))
    if cached is not None and cached[0] is rubric:
        return cached[1]
    built = Plan(tuple(_dependency_order(rubric.criteria)))
    _PLANS[id(rubric)] = (rubric, built)
    return built


def _dependency_order(criteria: list[Criterion]) -> Iterator[Criterion]:
    by_id = {c.id: c for c in criteria}
    done: set[str] = set()

    def visit(crit: Criterion) -> Iterator[Criterion]:
        if crit.id in done:
            return
        done.add(crit.id)
        for req in crit.requires:
            if req in by_id:
                yield from visit(by_id[req])
        yield crit

    for crit in criteria:
        yield from visit(crit)


def score(rubric: Rubric, evidence: Evidence, code_version: str = "", lang: str | None = None) -> AuditResult:
    """Score `evidence` with `rubric` and explain every point."""
    lang = lang or rubric.language
    if evidence.crawl_status in NOT_AUDITABLE:
        return _not_auditable(rubric, evidence, code_version, lang)
    judged = judge_all(rubric, EvidenceIndex(evidence))
    return _aggregate(rubric, evidence, judged, code_version, lang)


def judge_all(rubric: Rubric, ev: EvidenceIndex) -> dict[str, Judgement]:
    """Each criterion's judgement, prerequisites first (for `requires`)."""
    judged: dict[str, Judgement] = {}
    for crit in plan(rubric).order:
        judged[crit.id] = judge(crit, ev, judged, rubric)
    return judged


def judge(crit: Criterion, ev: EvidenceIndex, judged: dict[str, Judgement], rubric: Rubric) -> Judgement:
    """One criterion: human review > unmet prerequisite > stale review > check outcome by mode."""
    if crit.mode == INFORMATIVE:
        outcome = run_check(crit.check.name, ev, crit.check.params)
        return judgement(outcome.status, 0.0, _reason_of(outcome), outcome, suggestion=_suggestion_of(outcome))
    review = ev.evidence.reviews.get(crit.id)
    stale = review is not None and is_stale(review, ev.evidence.crawled_at, rubric.review_valid_days)
    unmet = [r for r in crit.requires if _basis_status(judged.get(r)) == FAIL]
    if unmet and (review is None or stale):
        names = joined([msg("quoted", text=localized(rubric.criterion(r).title.model_dump())) for r in unmet], ",")
        return judgement(FAIL, 0.0, msg("engine.unmet", names=names))
    outcome = run_check(crit.check.name, ev, crit.check.params)
    if review is not None and not stale:
        return from_review(crit, review, outcome)
    if stale and review is not None:
        return judgement(NEEDS_REVIEW, 0.0, msg("engine.stale_review", reviewer=review.reviewer,
                                                date=review.reviewed_at.date().isoformat()),
                         outcome, suggestion=_proposal(outcome))
    return from_outcome(crit, outcome)


def _basis_status(judgement: Judgement | None) -> str | None:
    if judgement is None:
        return None
    if judgement.status == INFORMATIVE and judgement.outcome is not None:
        return judgement.outcome.status
    return judgement.status


def is_stale(review: Review, crawled_at: datetime, valid_days: int | None) -> bool:
    """Flagged stale, or older than the rubric's validity window before the crawl."""
    if review.stale:
        return True
    if valid_days is None:
        return False
    return _days_between(review.reviewed_at, crawled_at) > valid_days


def _days_between(earlier: datetime, later: datetime) -> int:
    if (earlier.tzinfo is None) != (later.tzinfo is None):
        earlier, later = earlier.replace(tzinfo=None), later.replace(tzinfo=None)
    return (later - earlier).days


def from_review(crit: Criterion, review: Review, outcome: CheckOutcome) -> Judgement:
    decision = review.decision
    if decision not in DECISIONS:
        return judgement(NEEDS_REVIEW, 0.0, msg("engine.invalid_decision", decision=decision), outcome,
                         suggestion=_proposal(outcome))
    credit = DECISIONS[decision]
    if decision == PARTIAL and review.points is not None:
        credit = min(max(review.points / crit.points, 0.0), 1.0)
    status = decision if decision == NOT_APPLICABLE else _status_of(credit)
    words = {"reviewer": review.reviewer, "date": review.reviewed_at.date().isoformat(), "status": status_word(status)}
    reason = (msg("engine.human_review_note", note=review.note, **words) if review.note
              else msg("engine.human_review", **words))
    return judgement(status, credit, reason, outcome, reviewed_by=review.reviewer, suggestion=_proposal(outcome))


def from_outcome(crit: Criterion, outcome: CheckOutcome) -> Judgement:
    reason = _reason_of(outcome)
    if outcome.status in (ERROR, NOT_APPLICABLE):
        return judgement(outcome.status, 0.0, reason, outcome)
    if crit.mode == "manual":
        return judgement(NEEDS_REVIEW, 0.0, reason, outcome)
    if crit.mode == "assisted" or outcome.status == NEEDS_REVIEW:
        if outcome.status != NEEDS_REVIEW:
            reason = msg("engine.needs_confirmation", reason=reason)
        return judgement(NEEDS_REVIEW, 0.0, reason, outcome, suggestion=_proposal(outcome))
    credit = crit.partial.credit(outcome.fraction)
    return judgement(_status_of(credit), credit, reason, outcome, suggestion=_suggestion_of(outcome))


def _proposal(outcome: CheckOutcome) -> str | Message | None:
    """What the machine proposes to a reviewer, without a label: reports and review sheets add their own
    ("Propuesta automática: ..."), so the label is never doubled."""
    if outcome.suggestion:
        return _suggestion_of(outcome)
    if outcome.status in (PASS, PARTIAL, FAIL):
        return msg("engine.proposal", status=status_word(outcome.status), reason=_reason_of(outcome))
    return None


def _status_of(credit: float) -> str:
    return PASS if credit >= 1.0 else PARTIAL if credit > 0 else FAIL


# --- aggregation ------------------------------------------------------------------------------------------

def _aggregate(rubric: Rubric, evidence: Evidence, judged: dict[str, Judgement], code_version: str,
               lang: str) -> AuditResult:
    raw_max = {c.id: 0.0 for c in rubric.categories}
    for crit in rubric.criteria:
        if crit.mode != INFORMATIVE and judged[crit.id].status != NOT_APPLICABLE:
            raw_max[crit.category] += crit.points
    weight_sum = sum(c.weight for c in rubric.categories if raw_max[c.id] > 0)
    scale = 100.0 / weight_sum if weight_sum else 0.0
    cat_max = {c.id: c.weight * scale if raw_max[c.id] > 0 else 0.0 for c in rubric.categories}
    criteria = [_criterion_result(crit, judged[crit.id], cat_max, raw_max, lang) for crit in rubric.criteria]
    caps_applied: list[str] = []
    categories = []
    for cat in rubric.categories:
        mine = [r for r in criteria if r.category == cat.id]
        points = sum(r.points for r in mine)
        pending = sum(r.max_points for r in mine if r.status in PENDING)
        points, pending = _apply_caps(rubric.caps, cat.id, judged, points, pending, caps_applied, lang)
        categories.append(CategoryResult(cat.id, cat.title.get(lang), cat.weight, round(points, 2),
                                         round(cat_max[cat.id], 2), round(pending, 2),
                                         INCOMPLETE if round(pending, 2) > 0 else COMPLETE))
    total = sum(c.points for c in categories)
    pending = sum(c.pending_points for c in categories)
    total, pending = _apply_caps(rubric.caps, "total", judged, total, pending, caps_applied, lang)
    total, pending = round(total, 2), round(pending, 2)
    return AuditResult(
        cvegeo=evidence.cvegeo, rubric_id=rubric.id, rubric_version=rubric.version, rubric_hash=rubric.content_hash,
        code_version=code_version, score=total if weight_sum else None, max_score=100.0 if weight_sum else 0.0,
        status=INCOMPLETE if pending > 0 or not weight_sum else COMPLETE, pending_points=pending,
        categories=categories, criteria=criteria, caps_applied=caps_applied)


def _criterion_result(crit: Criterion, judgement: Judgement, cat_max: dict[str, float],
                      raw_max: dict[str, float], lang: str) -> CriterionResult:
    scored = crit.mode != INFORMATIVE and judgement.status != NOT_APPLICABLE and raw_max[crit.category] > 0
    max_points = crit.points * cat_max[crit.category] / raw_max[crit.category] if scored else 0.0
    status = INFORMATIVE if crit.mode == INFORMATIVE else judgement.status
    outcome = judgement.outcome
    return CriterionResult(
        id=crit.id, category=crit.category, title=crit.title.get(lang), status=status,
        points=round(max_points * judgement.credit, 4), max_points=round(max_points, 4), mode=crit.mode,
        reason=render(judgement.message, lang) if judgement.message else judgement.reason,
        evidence=list(outcome.evidence) if outcome else [],
        reviewed_by=judgement.reviewed_by, suggestion=render(judgement.suggestion_message, lang)
        if judgement.suggestion_message else judgement.suggestion,
        message=judgement.message, suggestion_message=judgement.suggestion_message)


def _apply_caps(caps: list[Cap], scope: str, judged: dict[str, Judgement], points: float, pending: float,
                applied: list[str], lang: str) -> tuple[float, float]:
    for cap in caps:
        if cap.scope != scope or _basis_status(judged.get(cap.criterion)) not in cap.statuses:
            continue
        applied.append(f"{cap.id}: {cap.reason.get(lang)} (máximo {cap.max:g})")
        points = min(points, cap.max)
        pending = min(pending, max(0.0, cap.max - points))
    return points, pending


def _not_auditable(rubric: Rubric, evidence: Evidence, code_version: str, lang: str) -> AuditResult:
    """Unreachable, blocked or no URL: every criterion is an error and there is no score."""
    reason = NOT_AUDITABLE_MESSAGES[evidence.crawl_status]
    judged = {c.id: judgement(ERROR, 0.0, reason) for c in rubric.criteria}
    result = _aggregate(rubric, evidence, judged, code_version, lang)
    result.score = None
    result.status = evidence.crawl_status
    for crit in result.criteria:
        crit.status = INFORMATIVE if crit.mode == INFORMATIVE else ERROR
    return result
