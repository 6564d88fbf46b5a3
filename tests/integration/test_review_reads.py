"""A human review goes stale only when the evidence its criterion reads changes (checks declare `reads`)."""
from __future__ import annotations

from datetime import UTC, datetime

from muniaudit import service
from muniaudit.review import review_rows
from store.db import session_scope
from store.models import ManualReview
from tests.integration.test_review import SIGNALS, _crawled_site, _criterion

TARGET = "h_lenguaje_entendible"     # check `readability`: reads the clarity signals only
CLARITY = ("clarity", "https://tlajomulco.gob.mx/datos", {"readability": 55.0, "needs_human": True})
NEW_ACCOUNT = ("social_profile", "https://x.com/tlajomulco",
               {"platform": "x", "handle": "tlajomulco", "identity": "x:tlajomulco"})


def _review(engine, run_id, rubric) -> None:
    """Record a decision on TARGET with the digest the review export gave for it."""
    with session_scope(engine) as s:
        [row] = [r for r in review_rows(s, run_id, rubric) if r["criterio"] == TARGET and r["cvegeo"] == "14097"]
        s.add(ManualReview(rubric_id=rubric.id, cvegeo="14097", criterion_id=TARGET, decision="pass",
                           reviewer="Ana", note="claro", reviewed_at=datetime(2026, 11, 5, tzinfo=UTC), evidence_hash=row["hash_evidencia"]))


def test_a_new_unrelated_signal_keeps_the_review_and_a_changed_read_signal_makes_it_stale(db_url):
    engine = service.open_store(db_url)
    rubric = service.load_rubric("aidh-2016")
    run1 = _crawled_site(engine, [*SIGNALS, CLARITY])
    service.audit_run(engine, run1, rubric)
    _review(engine, run1, rubric)

    # next month a new social account appears: the clarity of the data section did not change
    run2 = _crawled_site(engine, [*SIGNALS, CLARITY, NEW_ACCOUNT])
    service.audit_run(engine, run2, rubric)
    assert _criterion(engine, run2, rubric, TARGET).reviewed_by == "Ana"

    # the month after, the clarity measurement changed: the reviewer is asked again
    changed = ("clarity", CLARITY[1], {**CLARITY[2], "readability": 70.0})
    run3 = _crawled_site(engine, [*SIGNALS, changed, NEW_ACCOUNT])
    service.audit_run(engine, run3, rubric)
    crit = _criterion(engine, run3, rubric, TARGET)
    assert crit.reviewed_by in (None, "") and crit.status == "needs_review"


def test_a_review_recorded_with_the_old_whole_site_digest_holds_while_nothing_changed(db_url):
    from sqlalchemy import select

    from store.evidence import evidence_hash
    from store.models import SignalRow, SiteCrawl

    engine = service.open_store(db_url)
    rubric = service.load_rubric("aidh-2016")
    run1 = _crawled_site(engine, [*SIGNALS, CLARITY])
    with session_scope(engine) as s:
        site = s.scalar(select(SiteCrawl).where(SiteCrawl.run_id == run1))
        whole = evidence_hash(list(s.scalars(select(SignalRow).where(SignalRow.site_crawl_id == site.id))))
        s.add(ManualReview(rubric_id=rubric.id, cvegeo="14097", criterion_id=TARGET, decision="pass",
                           reviewer="Ana", note="", reviewed_at=datetime(2026, 11, 5, tzinfo=UTC), evidence_hash=whole))
    service.audit_run(engine, run1, rubric)
    assert _criterion(engine, run1, rubric, TARGET).reviewed_by == "Ana"
