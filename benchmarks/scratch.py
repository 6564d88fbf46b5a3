"""Crawl arbitrary sites with the real spider into a scratch store (tests, benchmarks).

Not in crawler/: it seeds the scratch store from the bundled registry (muniaudit.registry), and the crawler may
not import the app (docs/architecture.md, "Rooms and doors"). Not in the installed package either: only tests
and benchmarks use it.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from functools import partial

from sqlalchemy import select

from crawler.runner import CrawlOptions, crawl_in_subprocess
from muniaudit.registry import seed_registry
from muniaudit.service import crawl
from store.db import make_engine, session_scope
from store.migrate import upgrade
from store.models import CrawlRun, Municipality, Page, SignalRow, SiteCrawl


@dataclass
class SiteResult:
    """What one site's crawl left in the store, for benchmarks and tests that do not need the DB."""

    key: str
    start_url: str
    status: str
    pages: list[dict]
    signals: list[dict]
    facts: dict


class CrawlResults(dict[str, SiteResult]):
    """key -> SiteResult, plus the run's stored stats and the crawl process's exit code."""

    run_stats: dict
    returncode: int


def crawl_sites(start_urls: dict[str, str], options: CrawlOptions | None = None, db_url: str | None = None,
                timeout: float | None = None, cvegeos: dict[str, str] | None = None) -> CrawlResults:
    """Crawl arbitrary sites (key -> start URL) with the real spider, in a child process, into a scratch store.

    Keys are mapped onto registry entries of a scratch SQLite file, so callers need no registry of their own:
    the municipality given in `cvegeos` (key -> INEGI key, so ownership is judged against the right name and
    state), else the next unused one.
    """

    options = options or CrawlOptions(allow_private=True)
    with tempfile.TemporaryDirectory() as tmp:
        db_url = db_url or f"sqlite:///{tmp}/crawl.sqlite"
        engine = make_engine(db_url)
        upgrade(engine)
        with session_scope(engine) as session:
            seed_registry(session)
            chosen = {k: session.get(Municipality, c) for k, c in (cvegeos or {}).items()}
            taken = {m.cvegeo for m in chosen.values() if m is not None}
            # a list, not a lazy generator: an unfinished SQLite cursor would pin an old snapshot of the file
            spare = iter([m for m in session.scalars(select(Municipality).order_by(Municipality.cvegeo)
                                                     .limit(len(start_urls) + len(taken))) if m.cvegeo not in taken])
            key_of = {}
            for key, url in start_urls.items():
                muni = chosen.get(key) or next(spare)
                muni.url, key_of[muni.cvegeo] = url, key
        crawled = crawl(db_url, list(key_of), options, launch=partial(crawl_in_subprocess, timeout=timeout))
        run_id = crawled.run_id
        results = CrawlResults()
        results.returncode = crawled.returncode
        with session_scope(engine) as session:
            results.run_stats = dict(session.get(CrawlRun, run_id).stats or {})
            for site in session.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id)):
                pages = [{"url": p.url, "final_url": p.final_url, "status": p.status, "render_mode": p.render_mode,
                          "fault": p.fault, "depth": p.depth, "content_type": p.content_type,
                          "sha256": p.sha256, "archive": p.archive}
                         for p in session.scalars(select(Page).where(Page.site_crawl_id == site.id))]
                signals = [{"kind": s.kind, "url": s.url, "found_on": s.found_on, "on_home": s.on_home,
                            "data": s.data, "snippet": s.snippet}
                           for s in session.scalars(select(SignalRow).where(SignalRow.site_crawl_id == site.id))]
                key = key_of[site.cvegeo]
                results[key] = SiteResult(key, start_urls[key], site.status, pages, signals, dict(site.facts or {}))
        engine.dispose()
    return results
