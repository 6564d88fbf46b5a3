"""Results of scoring one municipality against one rubric. Plain data, serialisable to the export document."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Criterion statuses (Lighthouse-like): error and needs_review are never silently counted as 0.
PASS, PARTIAL, FAIL = "pass", "partial", "fail"
NOT_APPLICABLE, NEEDS_REVIEW, ERROR = "not_applicable", "needs_review", "error"
INFORMATIVE = "informative"
STATUSES = (PASS, PARTIAL, FAIL, NOT_APPLICABLE, NEEDS_REVIEW, ERROR, INFORMATIVE)


@dataclass
class EvidenceRef:
    url: str
    found_on: str = ""
    snippet: str = ""
    captured_at: str | None = None    # ISO 8601
    placement: str | None = None      # where the link sat on found_on: "navigation/menu", "content/article_body"
    page_role: str | None = None      # what found_on is: home, hub, article, listing, ...
    target_role: str | None = None    # what the linked page turned out to be, when the crawler read it
    confidence: float | None = None   # the crawler's confidence in the detection (0-1)


@dataclass
class CriterionResult:
    id: str
    category: str
    title: str
    status: str
    points: float
    max_points: float
    mode: str                          # auto | assisted | manual | informative
    reason: str = ""                   # why, in the rubric's language
    evidence: list[EvidenceRef] = field(default_factory=list)
    reviewed_by: str | None = None     # set when a human decided this result
    suggestion: str | None = None      # machine proposal for assisted criteria
    message: dict[str, Any] | None = None             # `reason` as {"key", "params"} (audit.messages)
    suggestion_message: dict[str, Any] | None = None  # `suggestion` likewise


@dataclass
class CategoryResult:
    id: str
    title: str
    weight: float
    points: float                      # points obtained (already on the 0-100 scale)
    max_points: float
    pending_points: float              # points under needs_review / error
    status: str                        # complete | incomplete


@dataclass
class AuditResult:
    cvegeo: str
    rubric_id: str
    rubric_version: str
    rubric_hash: str
    code_version: str
    score: float | None                # None when the site could not be audited (unreachable, no URL)
    max_score: float
    status: str                        # complete | incomplete | unreachable | blocked | no_url
    pending_points: float
    categories: list[CategoryResult] = field(default_factory=list)
    criteria: list[CriterionResult] = field(default_factory=list)
    caps_applied: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
