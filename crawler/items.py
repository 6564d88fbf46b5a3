"""What the spider hands to the store pipeline."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.extract.types import Diagnostic, Signal


@dataclass
class PageItem:
    site_crawl_id: int
    url: str
    final_url: str
    status: int | None
    content_type: str
    depth: int
    render_mode: str                  # http | browser | needs_render | head | sample
    fetched_at: datetime
    sha256: str | None = None
    size: int | None = None
    title: str = ""
    last_modified: str | None = None
    fault: str | None = None
    role: str | None = None           # crawler.extract.roles (None: not an HTML page we read)
    role_detail: dict[str, Any] | None = None   # rule, says, features
    archive: dict[str, Any] | None = None       # where the WARC record is (crawler.middlewares.WarcArchiveMiddleware)


@dataclass
class SignalsItem:
    site_crawl_id: int
    signals: list[Signal]
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class SiteDoneItem:
    """Emitted once per site when its last outstanding request has ended."""

    site_crawl_id: int
    status: str                        # ok | partial | unreachable | blocked
    pages_seen: int
    pages_needing_render: int
    pages_rendered: int
    error: str | None
    facts: dict[str, Any]
