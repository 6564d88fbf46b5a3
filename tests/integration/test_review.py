"""Human review loop: export batches, a reviewer decides in a spreadsheet, import, re-audit uses it,
and a review goes stale when the evidence it judged changes."""
from __future__ import annotations

import csv
from datetime import UTC, datetime

from sqlalchemy import select

from muniaudit import service
from muniaudit.review import import_reviews, review_rows, write_batches
from store.db import session_scope
from store.models import Audit, Municipality, SignalRow, SiteCrawl
from store.runs import create_run, pending_sites


def _crawled_site(engine, signals: list[tuple[str, str, dict]]) -> int:
    with session_scope(engine) as s:
        s.get(Municipality, "14097").url = "https://tlajomulco.gob.mx/"
        run_id = create_run(s, ["14097"])
    with session_scope(engine) as s:
        [spec] = pending_sites(s, run_id)
        site = s.get(SiteCrawl, spec.site_crawl_id)
        now = datetime(2026, 11, 1, tzinfo=UTC)
        for kind, url, data in signals:
            s.add(SignalRow(site_crawl_id=site.id, kind=kind, url=url, found_on=spec.start_url, on_home=True,
                            data=data, captured_at=now))
        site.status, site.finished_at, site.pages_seen = "ok", now, 10
    return run_id


SIGNALS = [
    ("open_data_section", "https://tlajomulco.gob.mx/datos", {"label": "Datos abiertos", "external": False, "depth": 0}),
    ("social_profile", "https://www.facebook.com/tlajomulco", {"platform": "facebook", "handle": "tlajomulco",
                                                                "identity": "facebook:tlajomulco"}),
]


def _criterion(engine, run_id, rubric, criterion_id):
    with session_scope(engine) as s:
        audit = s.scalar(select(Audit).join(SiteCrawl).where(SiteCrawl.run_id == run_id).order_by(Audit.id.desc()))
        return next(c for c in audit.criteria if c.criterion_id == criterion_id)


def test_review_round_trip_and_staleness(db_url, tmp_path):
    engine = service.open_store(db_url)
    rubric = service.load_rubric("aidh-2016")
    run_id = _crawled_site(engine, SIGNALS)
    service.audit_run(engine, run_id, rubric)
    with session_scope(engine) as s:
        rows = review_rows(s, run_id, rubric)
    manual = [r for r in rows if r["modo"] == "manual"]
    assert manual, "the AIDH rubric has manual criteria"
    [batch] = write_batches(rows, tmp_path, batch_size=1000)
    target = manual[0]["criterio"]

    # A reviewer fills two rows; one more row is broken (unknown decision); the rest stay blank.
    with batch.open(encoding="utf-8-sig", newline="") as fh:
        data = list(csv.DictReader(fh))
    for row in data:
        if row["criterio"] == target:
            row.update(decision="cumple", revisor="Ana Pérez (CIMTRA)", fecha="05/11/2026", nota="Lenguaje claro")
        elif row is data[-1]:
            row.update(decision="tal vez", revisor="Ana")
    with batch.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(data[0]))
        writer.writeheader()
        writer.writerows(data)
    with session_scope(engine) as s:
        result = import_reviews(s, batch, rubric)
    assert result.recorded == 1
    assert [e.field for e in result.errors] == ["decision"] and result.errors[0].line == len(data) + 1

    service.audit_run(engine, run_id, rubric)
    crit = _criterion(engine, run_id, rubric, target)
    assert crit.status == "pass" and crit.reviewed_by == "Ana Pérez (CIMTRA)"

    # Next month the evidence changed (a new account appeared): the review is flagged for re-review.
    run2 = _crawled_site(engine, SIGNALS + [("social_profile", "https://x.com/tlajomulco",
                                              {"platform": "x", "handle": "tlajomulco", "identity": "x:tlajomulco"})])
    service.audit_run(engine, run2, rubric)
    assert _criterion(engine, run2, rubric, target).status == "needs_review"

    # Same evidence as the reviewed crawl: the review still holds.
    run3 = _crawled_site(engine, SIGNALS)
    service.audit_run(engine, run3, rubric)
    assert _criterion(engine, run3, rubric, target).reviewed_by == "Ana Pérez (CIMTRA)"


def _import(engine, tmp_path, rubric, rows: list[str]):
    path = tmp_path / f"revision_{len(list(tmp_path.glob('revision_*')))}.csv"
    path.write_text("cvegeo,criterio,decision,revisor,fecha,nota\n" + "\n".join(rows) + "\n", encoding="utf-8")
    with session_scope(engine) as s:
        return import_reviews(s, path, rubric)


def test_a_review_dated_in_the_future_is_refused_and_never_outranks_a_later_correction(db_url, tmp_path):
    engine = service.open_store(db_url)
    rubric = service.load_rubric("aidh-2016")
    run_id = _crawled_site(engine, SIGNALS)
    future = _import(engine, tmp_path, rubric, ["14097,h_lenguaje_entendible,cumple,Ana,2099-01-01,"])
    assert future.recorded == 0 and [(e.line, e.field) for e in future.errors] == [(2, "fecha")]
    # stored before imports refused them: a later correction still wins, whatever date the old one carries
    from store.models import ManualReview
    with session_scope(engine) as s:
        s.add(ManualReview(cvegeo="14097", rubric_id=rubric.id, criterion_id="h_lenguaje_entendible",
                           decision="pass", reviewer="Ana", reviewed_at=datetime(2099, 1, 1, tzinfo=UTC)))
    fixed = _import(engine, tmp_path, rubric, ["14097,h_lenguaje_entendible,no cumple,Luis,2026-11-05,corrige"])
    assert fixed.recorded == 1
    service.audit_run(engine, run_id, rubric)
    assert _criterion(engine, run_id, rubric, "h_lenguaje_entendible").reviewed_by == "Luis"
