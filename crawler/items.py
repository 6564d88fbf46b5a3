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

    def facts(self) -> dict[str, Any]:
        """What the page turned out to be, as finalize_site judges proposed sections by it."""
        return {"status": self.status, "fault": self.fault, "role": self.role, **(self.role_detail or {})}


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


def page_item(site_crawl_id: int, response, depth: int, render_mode: str, fault: str | None,
              title: str | None = None) -> PageItem:
    """The page row of an HTML response the spider read (its hash is of the body as served, kept in meta when
    the body was re-decoded); `title` when a worker already read it (crawler.pool.read_page)."""
    import hashlib

    from crawler import faults, links
    from store.runs import now

    return PageItem(
        site_crawl_id, response.request.url, response.url, response.status,
        faults.header(response, "Content-Type"), depth, render_mode, now(),
        sha256=response.meta.get("body_sha256") or hashlib.sha256(response.body).hexdigest(),
        size=len(response.body), title=(links.page_title(response) if title is None else title)[:500],
        last_modified=faults.header(response, "Last-Modified") or None, fault=fault,
        archive=response.meta.get("muniaudit_archive"),
    )


def failed_page_item(site_crawl_id: int, request, fault: str) -> PageItem:
    """The page row of a page or file request that failed: the URL the site linked (before redirects), how it was
    asked (browser render, HEAD probe or plain GET) and the fault."""
    from store.runs import now

    meta = request.meta
    mode = "browser" if meta.get("playwright") else ("head" if meta.get("head") else "http")
    first = (meta.get("redirect_urls") or [request.url])[0]
    return PageItem(site_crawl_id, first, request.url, None, "", meta.get("depth_", 0), mode, now(), fault=fault)
