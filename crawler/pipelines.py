"""Store pipeline: writes pages as they come and each site's merged signals when the site is finished."""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import asdict
from datetime import datetime

from sqlalchemy import insert

from crawler.extract import finalize_site
from crawler.extract.limits import SiteBound
from crawler.extract.site import note_page
from crawler.extract.types import Diagnostic, Signal
from crawler.items import PageItem, SignalsItem, SiteDoneItem
from store.db import make_engine, session_scope
from store.models import CrawlRun, Page, SignalRow, SiteCrawl
from store.runs import finish_run, now

PAGE_BATCH = 200
MAX_DIAGNOSTICS = 2000         # per site, before deduplication (the stored list keeps 200)
logger = logging.getLogger(__name__)


class StorePipeline:
    def __init__(self, db_url: str | None) -> None:
        self.db_url = db_url
        self.pages: list[PageItem] = []
        self.signals: dict[int, list[Signal]] = defaultdict(list)
        self.diagnostics: dict[int, list[dict]] = defaultdict(list)
        self.page_facts: dict[int, dict[str, dict]] = defaultdict(dict)   # site -> page_key -> what it is
        self.bounds: dict[int, SiteBound] = defaultdict(SiteBound)          # distinct signals kept per site
        self.fetch_times: dict[int, dict[str, datetime]] = defaultdict(dict)  # site -> page URL -> fetched at
        self.settled = 0

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler.settings.get("MUNIAUDIT_DB"))
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self, spider=None) -> None:
        self.engine = make_engine(self.db_url)

    def process_item(self, item, spider=None):
        if isinstance(item, PageItem):
            self.pages.append(item)
            self._note_page(item)
            if len(self.pages) >= PAGE_BATCH:
                self._flush_pages()
        elif isinstance(item, SignalsItem):
            bound = self.bounds[item.site_crawl_id]
            self.signals[item.site_crawl_id].extend(s for s in item.signals if bound.admit(s))
            kept = self.diagnostics[item.site_crawl_id]
            if len(kept) < MAX_DIAGNOSTICS:
                kept.extend(asdict(d) for d in item.diagnostics[:200])
        elif isinstance(item, SiteDoneItem):
            self._finish_site(item)
        return item

    def _note_page(self, item: PageItem) -> None:
        """Remember what each fetched URL turned out to be, under the URL linked and the URL answered, so
        finalize_site can judge each proposed section by its target."""
        if item.role is not None or item.render_mode in ("http", "browser", "needs_render"):
            times = self.fetch_times[item.site_crawl_id]
            for url in (item.url, item.final_url):
                times[url] = item.fetched_at     # the later fetch (a browser render) is what was read
        note_page(self.page_facts[item.site_crawl_id], (item.url, item.final_url), item.facts())

    def _flush_pages(self) -> None:
        if not self.pages:
            return
        with session_scope(self.engine) as session:
            # one executemany, not a unit of work of ORM objects: the rows are only written, never read back here
            session.execute(insert(Page), [asdict(p) for p in self.pages])
        self.pages = []

    def _finish_site(self, item: SiteDoneItem) -> None:
        """One transaction per site: its last pages, merged signals and outcome land together."""
        self._flush_pages()
        signals = self.signals.pop(item.site_crawl_id, [])
        rejected: list[Diagnostic] = []
        pages = self.page_facts.pop(item.site_crawl_id, {})
        bound = self.bounds.pop(item.site_crawl_id, SiteBound())
        # a site that showed nothing yields no facts
        merged = finalize_site(signals, pages, rejected) if signals else []
        cuts = [asdict(d) for d in bound.findings(item.facts.get("home_url") or "")]
        diagnostics = _dedupe(cuts + [asdict(d) for d in rejected] + self.diagnostics.pop(item.site_crawl_id, []))
        limits = [d for d in diagnostics if d.get("kind") == "limits"]
        captured = now()
        fetched = self.fetch_times.pop(item.site_crawl_id, {})
        with session_scope(self.engine) as session:
            site = session.get(SiteCrawl, item.site_crawl_id)
            # a signal was captured when the page it was found on was fetched (the site's end only as a fallback)
            rows = [{"site_crawl_id": site.id, "kind": s.kind, "url": s.url, "found_on": s.found_on,
                     "on_home": s.on_home, "data": s.data, "snippet": (s.snippet or "")[:1000],
                     "captured_at": fetched.get(s.found_on) or fetched.get(s.url) or captured} for s in merged]
            if rows:
                session.execute(insert(SignalRow), rows)
            site.status, site.finished_at, site.error = item.status, captured, item.error
            site.pages_seen, site.pages_needing_render = item.pages_seen, item.pages_needing_render
            site.pages_rendered = item.pages_rendered
            site.facts = {**item.facts, "diagnostics": diagnostics[:200], "limits": limits[:50]}
            cvegeo = site.cvegeo
        self.settled += 1
        total = self._total_sites()
        logger.info("progreso: %d/%s sitios terminados (%s: %s, %d páginas, %d señales)", self.settled,
                    total if total is not None else "?", cvegeo, item.status, item.pages_seen, len(merged))

    def _total_sites(self) -> int | None:
        spider = getattr(getattr(self, "crawler", None), "spider", None)
        return len(spider.sites) if spider is not None and hasattr(spider, "sites") else None

    def close_spider(self, spider=None) -> None:
        # Scrapy >= 2.13 may call this without the spider: take it from the crawler
        spider = spider or getattr(getattr(self, "crawler", None), "spider", None)
        self._flush_pages()
        run_id = getattr(spider, "run_id", None)
        if run_id is not None:
            with session_scope(self.engine) as session:
                finish_run(session, run_id)
                run = session.get(CrawlRun, run_id)
                # every invocation (a resumed run has several) appends its own Scrapy stats
                invocations = list((run.stats or {}).get("crawls", []))
                invocations.append(crawl_stats(spider))
                run.stats = {**(run.stats or {}), "crawls": invocations}
        self.engine.dispose()


def crawl_stats(spider) -> dict:
    """The Scrapy stats of this crawl as JSON-safe values, plus pages per second."""
    stats = dict(spider.crawler.stats.get_stats()) if spider is not None and spider.crawler else {}
    started = stats.get("start_time")
    elapsed = (now() - started).total_seconds() if isinstance(started, datetime) else None
    out: dict = {"elapsed_seconds": elapsed}
    for key, value in stats.items():
        out[key] = value.isoformat() if isinstance(value, datetime) else value
    last = stats.get("muniaudit/last_site_done")
    if isinstance(started, datetime) and isinstance(last, datetime):
        out["active_seconds"] = (last - started).total_seconds()
    if elapsed:
        out["responses_per_second"] = round(stats.get("response_received_count", 0) / elapsed, 2)
    return out


def _dedupe(diagnostics: list[dict]) -> list[dict]:
    seen, out = set(), []
    for d in diagnostics:
        key = (d.get("kind"), d.get("url"), d.get("reason"))
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
