"""Run statistics, kept by a Scrapy extension rather than by the spider: per-site outcomes and faults, counted
in the crawl's stats (saved with the run by crawler.pipelines.crawl_stats)."""
from __future__ import annotations

from scrapy import signals

from crawler.items import SiteDoneItem
from store.runs import now


class RunStats:
    """On every finished site: `muniaudit/site_status/<status>` and `muniaudit/fault/<kind>` (from the site's
    facts) are counted, and `muniaudit/last_site_done` is set (the engine notices it is idle only on its next
    heartbeat, seconds later: this keeps the real end of the crawl)."""

    def __init__(self, stats) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.stats)
        crawler.signals.connect(ext.item_scraped, signal=signals.item_scraped)
        return ext

    def item_scraped(self, item, spider=None, response=None) -> None:
        if not isinstance(item, SiteDoneItem):
            return
        self.stats.inc_value(f"muniaudit/site_status/{item.status}")
        for kind, n in (item.facts.get("faults") or {}).items():
            self.stats.inc_value(f"muniaudit/fault/{kind}", n)
        self.stats.set_value("muniaudit/last_site_done", now())
