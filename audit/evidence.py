"""What the audit scores: one municipality's stored evidence from one crawl, plus human reviews."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from store.status import CrawlStatus

# Site-level crawl outcomes recorded by the crawler (store.status.CrawlStatus spells them; these are its names here).
CRAWL_OK = CrawlStatus.OK
CRAWL_PARTIAL = CrawlStatus.PARTIAL
CRAWL_UNREACHABLE = CrawlStatus.UNREACHABLE
CRAWL_BLOCKED = CrawlStatus.BLOCKED
CRAWL_NO_URL = CrawlStatus.NO_URL
CRAWL_STATUSES = (CRAWL_OK, CRAWL_PARTIAL, CRAWL_UNREACHABLE, CRAWL_BLOCKED, CRAWL_NO_URL)


@dataclass
class EvidenceSignal:
    """A stored signal as the audit sees it (mirrors crawler.extract.types.Signal plus capture time)."""

    kind: str
    url: str
    found_on: str
    on_home: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    snippet: str = ""
    captured_at: datetime | None = None


@dataclass
class Review:
    """A human judgement on one criterion (from `muniaudit review import`)."""

    criterion_id: str
    decision: str                 # pass | partial | fail | not_applicable
    reviewer: str
    reviewed_at: datetime
    note: str = ""
    points: float | None = None   # for partial credit; None = derive from decision
    stale: bool = False           # evidence changed since the review: needs re-review


@dataclass
class Evidence:
    """All the audit needs about one municipality for one crawl."""

    cvegeo: str
    crawl_status: str                       # one of CRAWL_STATUSES
    crawled_at: datetime                    # time windows are relative to this, not to today
    signals: list[EvidenceSignal] = field(default_factory=list)
    pages_seen: int = 0
    pages_needing_render: int = 0           # JS shells we could not render (Chromium absent or capped)
    reviews: dict[str, Review] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)   # crawl facts: robots_disallowed, blocked_pages, ...

    def of_kind(self, kind: str) -> list[EvidenceSignal]:
        return [s for s in self.signals if s.kind == kind]
