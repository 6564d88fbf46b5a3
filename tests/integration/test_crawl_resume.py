"""An interrupted run resumes where it stopped: finished sites are kept, half-written ones start again."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from crawler.runner import CrawlOptions, crawl_in_subprocess, new_run
from muniaudit.registry import seed_registry
from muniaudit.sampleweb.server import serve_sample_web
from store.db import make_engine, session_scope
from store.migrate import upgrade
from store.models import CrawlRun, Municipality, Page, SiteCrawl
from store.runs import now

pytestmark = pytest.mark.slow
FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "LOG_LEVEL": "WARNING"}


def test_resume_skips_finished_sites_and_redoes_interrupted_ones(sqlite_url):
    engine = make_engine(sqlite_url)
    upgrade(engine)
    with serve_sample_web(sites=["strong", "small_town"]) as web:
        with session_scope(engine) as session:
            seed_registry(session)
            done_muni, cut_muni = session.scalars(select(Municipality).order_by(Municipality.cvegeo).limit(2))
            done_muni.url, cut_muni.url = web.entry_url("strong"), web.entry_url("small_town")
            keys = [done_muni.cvegeo, cut_muni.cvegeo]
        run_id = new_run(sqlite_url, keys)
        # the state an interrupted crawl leaves: one site settled, one "running" with half its evidence written
        with session_scope(engine) as session:
            done, cut = session.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id).order_by(SiteCrawl.cvegeo))
            done.status, done.finished_at = "ok", now()
            cut.status = "running"
            for site, url in ((done, "http://kept/"), (cut, "http://stale/")):
                session.add(Page(site_crawl_id=site.id, url=url, final_url=url, status=200, fetched_at=now()))
            session.get(CrawlRun, run_id).status = "interrupted"
        options = CrawlOptions(db_url=sqlite_url, allow_private=True, render="never", settings=FAST)
        assert crawl_in_subprocess(run_id, options, timeout=120) == 0
    with session_scope(engine) as session:
        done, cut = session.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id).order_by(SiteCrawl.cvegeo))
        assert [p.url for p in done.pages] == ["http://kept/"]                 # not crawled again
        urls = [p.url for p in cut.pages]
        assert "http://stale/" not in urls and web.entry_url("small_town") in urls
        assert cut.status == "ok"
        run = session.get(CrawlRun, run_id)
        assert run.status == "finished" and run.stats["sites"] == {"ok": 2}
        assert run.stats["crawls"][-1]["response_received_count"] > 0         # stats of every invocation
    engine.dispose()
