"""Drive the portal spider's callbacks in-process on saved responses: no reactor, no child process, no network.

In the style of city-scrapers' `file_response` (city_scrapers_core.utils): a saved page plus a URL becomes a
Scrapy response with its request attached, handed straight to a callback. `drive` goes one step further and
plays the engine's part for a whole site: every request the callbacks yield is answered from a dict of saved
pages (404 for the rest), so frontier order, budgets and site outcomes are tested without a server.
"""
from __future__ import annotations

import asyncio
import inspect
from collections import deque
from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse, Response, TextResponse
from scrapy.utils.test import get_crawler

from crawler.frontier import SiteState
from crawler.items import PageItem, SiteDoneItem
from crawler.spiders.portal import PortalSpider
from store.runs import SiteSpec

# in-process: extraction inline (no worker processes), no browser, no database
IN_PROCESS = {"MUNIAUDIT_EXTRACT_WORKERS": 0, "MUNIAUDIT_RENDER": "never", "LOG_LEVEL": "WARNING"}


def file_response(path: str | Path | bytes, url: str, headers: dict | None = None, status: int = 200,
                  meta: dict | None = None, request: Request | None = None) -> Response:
    """A saved file (a path, or its bytes) served at `url` as the response to `request` (a GET of `url` with
    `meta` when none is given). HTML unless the headers say otherwise."""
    body = path if isinstance(path, bytes) else Path(path).read_bytes()
    headers = {"Content-Type": "text/html; charset=utf-8", **(headers or {})}
    request = request or Request(url, meta=dict(meta or {}))
    ctype = headers["Content-Type"].lower()
    cls = HtmlResponse if "html" in ctype else TextResponse if ("text" in ctype or "xml" in ctype) else Response
    return cls(url=url, status=status, headers=headers, body=body, request=request)


def make_spider(**settings) -> PortalSpider:
    """The portal spider with the project's settings (crawler/settings.py), run in-process, plus overrides."""
    import crawler.settings as project

    # no reactor runs here: Scrapy's test crawler brings its own reactor settings
    merged = {k: getattr(project, k) for k in dir(project)
              if k.isupper() and k not in ("TWISTED_REACTOR", "TWISTED_DNS_RESOLVER")}
    merged |= IN_PROCESS | settings
    crawler = get_crawler(PortalSpider, merged)
    return PortalSpider.from_crawler(crawler)


def add_site(spider: PortalSpider, start_url: str, site_id: int = 1, extra: tuple[str, ...] = ()) -> SiteState:
    """Register a site with the spider (what `start` does after reading the store)."""
    state = SiteState.of(SiteSpec(site_id, f"{site_id:05d}", start_url, extra, "Municipio", "Estado"))
    spider.sites[site_id] = state
    return state


def page_meta(state: SiteState, page: str = "home", depth: int = 0, **extra) -> dict:
    """The meta the spider gives a page request of this site."""
    return {"site": state.spec.site_crawl_id, "depth_": depth, "page": page, **extra}


def run(output) -> list:
    """Everything a callback yields (a generator or an async generator), in order."""
    if inspect.isasyncgen(output):
        async def collect():
            return [item async for item in output]
        return asyncio.run(collect())
    return list(output)


def callback_output(spider: PortalSpider, state: SiteState, response: Response) -> list:
    """Hand `response` to the callback a real request of this site would reach, counting the request as the
    spider's `_request` does (so the site's bookkeeping settles)."""
    state.outstanding += 1
    callback = response.request.callback or spider.parse_page
    return run(callback(response))


def drive(spider: PortalSpider, state: SiteState, site: dict[str, bytes | tuple[int, dict, bytes]],
          max_requests: int = 2000) -> tuple[list, list[Request]]:
    """Play the engine for one site: start it, answer each request from `site` (path -> body, or
    (status, headers, body)); other paths get a 404 page. Returns (items, requests in the order yielded)."""
    items: list = []
    requested: list[Request] = []
    queue: deque[Request] = deque(spider.start_site(state))
    while queue and len(requested) < max_requests:
        request = queue.popleft()
        requested.append(request)
        response = _answer(request, site)
        for out in run(request.callback(response)):
            (queue.append if isinstance(out, Request) else items.append)(out)
    return items, requested


def _answer(request: Request, site: dict) -> Response:
    path = "/" + request.url.split("/", 3)[3] if request.url.count("/") >= 3 else "/"
    entry = site.get(path.split("#")[0])
    if entry is None:
        entry = (404, {}, b"<html><head><title>No encontrado</title></head><body>404</body></html>")
    status, headers, body = entry if isinstance(entry, tuple) else (200, {}, entry)
    if request.method == "HEAD":
        body = b""
    return file_response(body, request.url, headers=headers, status=status, request=request)


def pages_of(items: list) -> list[PageItem]:
    return [i for i in items if isinstance(i, PageItem)]


def done_of(items: list) -> SiteDoneItem:
    (done,) = [i for i in items if isinstance(i, SiteDoneItem)]
    return done


