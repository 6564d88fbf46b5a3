"""The re-audit benchmark's building blocks: deterministic synthetic evidence and the reusable reaudit()."""
from __future__ import annotations

from audit.loader import builtin_rubric_path, load_rubric
from benchmarks.reaudit import reaudit, synthetic_evidence


def test_synthetic_evidence_is_deterministic_and_reaudit_counts() -> None:
    rubric = load_rubric(builtin_rubric_path("aidh-2016"))
    first = reaudit(rubric, synthetic_evidence(60, seed=7))
    second = reaudit(rubric, synthetic_evidence(60, seed=7))
    assert first.municipalities == 60 and sum(first.statuses.values()) == 60
    assert first.scores == second.scores and first.statuses == second.statuses
    assert all(0 <= s <= 100 for s in first.scores)
    assert len({e.cvegeo for e in synthetic_evidence(2478)}) == 2478
