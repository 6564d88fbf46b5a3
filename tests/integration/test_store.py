"""The store on SQLite and on the local PostgreSQL: migrations, registry, evidence and results round-trip."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, inspect, select

from audit.result import AuditResult, CategoryResult, CriterionResult, EvidenceRef
from audit.storage import load_evidence, save_audit
from muniaudit.registry import import_csv
from muniaudit.service import open_store
from store.db import make_engine, session_scope
from store.evidence import site_crawls
from store.migrate import upgrade
from store.models import Audit, Municipality, Page, SignalRow, SiteCrawl
from store.runs import create_run, pending_sites


def test_migrations_create_every_table_and_are_idempotent(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert {"municipality", "crawl_run", "site_crawl", "page", "signal", "audit", "criterion_result",
            "manual_review"} <= tables


def test_registry_import_and_evidence_round_trip(db_url, tmp_path):
    engine = open_store(db_url)
    csv = tmp_path / "urls.csv"
    csv.write_text("cvegeo,url\n14097,https://tlajomulco.gob.mx\n14120,notaurl\n", encoding="utf-8")
    with session_scope(engine) as s:
        report = import_csv(s, csv)
        assert s.scalar(select(func.count()).select_from(Municipality)) == 2478
    assert report.imported == 1 and report.errors[0].line == 3

    with session_scope(engine) as s:
        run_id = create_run(s, ["14097", "14120"])
    with session_scope(engine) as s:
        [spec] = pending_sites(s, run_id)       # 14120 has no URL: settled as no_url at once
        assert spec.cvegeo == "14097"
        site = s.get(SiteCrawl, spec.site_crawl_id)
        now = datetime.now(UTC)
        s.add(Page(site_crawl_id=site.id, url=spec.start_url, final_url=spec.start_url, status=200,
                   content_type="text/html", depth=0, render_mode="http", fetched_at=now))
        s.add(SignalRow(site_crawl_id=site.id, kind="social_profile", url="https://www.facebook.com/tlajomulco",
                        found_on=spec.start_url, on_home=True, data={"platform": "facebook", "handle": "tlajomulco"},
                        captured_at=now))
        site.status, site.finished_at, site.pages_seen = "ok", now, 1

    with session_scope(engine) as s:
        sites = {x.cvegeo: x for x in site_crawls(s, run_id)}
        assert sites["14120"].status == "no_url"
        evidence = load_evidence(s, sites["14097"])
        assert evidence.crawl_status == "ok" and evidence.crawled_at.tzinfo is not None
        assert evidence.of_kind("social_profile")[0].data["handle"] == "tlajomulco"
        result = AuditResult("14097", "r", "1", "h" * 64, "0.1.0", 55.0, 100.0, "complete", 0.0,
                             [CategoryResult("c", "Cat", 1.0, 55.0, 100.0, 0.0, "complete")],
                             [CriterionResult("a", "c", "A", "pass", 55.0, 55.0, "auto", "ok",
                                              [EvidenceRef("https://www.facebook.com/tlajomulco")])])
        save_audit(s, sites["14097"], result)
        save_audit(s, sites["14097"], result)   # same crawl + rubric version: replaced, not duplicated
    with session_scope(engine) as s:
        audits = list(s.scalars(select(Audit)))
        assert len(audits) == 1 and audits[0].criteria[0].evidence[0]["url"].endswith("tlajomulco")


def test_failed_transaction_leaves_nothing_half_written(db_url):
    engine = open_store(db_url)
    with pytest.raises(RuntimeError):
        with session_scope(engine) as s:
            s.get(Municipality, "14097").url = "https://half.gob.mx/"
            raise RuntimeError("crash mid-way")
    with session_scope(engine) as s:
        assert s.get(Municipality, "14097").url is None


def test_interrupted_site_is_reset_on_resume(db_url):
    engine = open_store(db_url)
    with session_scope(engine) as s:
        s.get(Municipality, "14097").url = "https://tlajomulco.gob.mx/"
        run_id = create_run(s, ["14097"])
    with session_scope(engine) as s:
        [spec] = pending_sites(s, run_id)
        s.add(Page(site_crawl_id=spec.site_crawl_id, url="u", final_url="u", status=200, content_type="",
                   depth=0, render_mode="http", fetched_at=datetime.now(UTC)))
    with session_scope(engine) as s:     # the crawl died: the site is still "running"; resuming discards its pages
        [again] = pending_sites(s, run_id)
        assert again.site_crawl_id == spec.site_crawl_id
        assert s.scalar(select(func.count()).select_from(Page)) == 0
