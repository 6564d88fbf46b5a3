"""The one generic spider: crawls each municipality's site within its domains and records evidence.

`scrapy crawl portal -a cvegeo=14097` (or `-a run_id=N` to resume a run created by `muniaudit crawl`).
The spider never scores: it yields pages, signals and one SiteDoneItem per site to the store pipeline.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import HtmlResponse, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionLost, ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError,
)
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from crawler import faults, links
from crawler.extract import extract_page
from crawler.extract.types import PageContext
from crawler.items import PageItem, SignalsItem, SiteDoneItem
from crawler.middlewares import ForbiddenAddress
from crawler.sites import SiteSpec, create_run, now, pending_sites
from store.db import make_engine, session_scope
from store.migrate import upgrade

ERROR_STATUSES = list(range(400, 600))
HOME_BAD_STATUS = 500
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]


@dataclass
class SiteState:
    """Per-site bookkeeping: every scheduled request ends in a callback or errback that decrements
    `outstanding`; when it reaches zero the site is finished."""

    spec: SiteSpec
    keys: frozenset[str]
    seen: set[str] = field(default_factory=set)
    pages: int = 0
    files: int = 0
    outstanding: int = 0
    rendered: int = 0
    needing_render: list[str] = field(default_factory=list)
    trap_counts: Counter = field(default_factory=Counter)
    faults: Counter = field(default_factory=Counter)
    probe_fingerprint: str | None = None
    home_url: str | None = None
    home_outcome: str | None = None      # ok | unreachable | blocked | forbidden | robots
    home_error: str | None = None
    robots_disallowed: list[str] = field(default_factory=list)
    done: bool = False


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, cvegeo: str | None = None, run_id: str | None = None, label: str = "", *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cvegeos = [c.strip() for c in cvegeo.split(",")] if cvegeo else None
        self.run_id = int(run_id) if run_id else None
        self.label = label
        self.sites: dict[int, SiteState] = {}

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        if _render_enabled(settings):
            settings.set("DOWNLOAD_HANDLERS", {
                "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
                "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
            }, priority="spider")
            settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", {
                "executable_path": settings.get("MUNIAUDIT_CHROMIUM"), "headless": True, "args": BROWSER_ARGS,
            }, priority="spider")
            settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", 20000, priority="spider")
            settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 2, priority="spider")

    # -- start -------------------------------------------------------------------------------------------

    async def start(self):
        for spec in self._load_sites():
            state = SiteState(spec, frozenset(links.host_key(u) for u in (spec.start_url, *spec.extra_urls)))
            self.sites[spec.site_crawl_id] = state
            probe = urljoin(spec.start_url, f"/muniaudit-probe-{secrets.token_hex(6)}")
            yield self._request(state, probe, self.parse_probe, depth=0, priority=1000, count=False)

    def _load_sites(self) -> list[SiteSpec]:
        engine = make_engine(self.settings.get("MUNIAUDIT_DB"))
        upgrade(engine)
        with session_scope(engine) as session:
            if self.run_id is None:
                self.run_id = create_run(session, self.cvegeos, self.label)
            specs = pending_sites(session, self.run_id)
        engine.dispose()
        self.logger.info("run %s: %d sites to crawl", self.run_id, len(specs))
        return specs

    def _request(self, state: SiteState, url: str, callback, depth: int, priority: int = 0,
                 count: bool = True, method: str = "GET", **meta) -> scrapy.Request:
        state.outstanding += 1
        return scrapy.Request(
            url, callback=callback, errback=self.on_error, method=method, dont_filter=True,
            priority=priority, meta={"site": state.spec.site_crawl_id, "depth_": depth,
                                     "handle_httpstatus_list": ERROR_STATUSES, **meta},
        )

    # -- callbacks ---------------------------------------------------------------------------------------

    def parse_probe(self, response):
        """A random path: if the site answers 200 with a page, remember it to recognise soft 404s."""
        state = self._state(response)
        if response.status == 200 and isinstance(response, TextResponse):
            state.probe_fingerprint = faults.fingerprint(response.text)
            state.faults["soft_404_site"] += 1
        yield self._request(state, state.spec.start_url, self.parse_page, depth=0, priority=900)
        state.seen.add(links.clean_url(state.spec.start_url))
        yield from self._settle(state)

    def parse_page(self, response):
        state = self._state(response)
        depth = response.meta["depth_"]
        is_home = depth == 0 and not state.home_url
        try:
            yield from self._handle_page(state, response, depth, is_home)
        finally:
            yield from self._settle(state)

    def _handle_page(self, state: SiteState, response, depth: int, is_home: bool):
        render_mode = "browser" if response.meta.get("playwright") else "http"
        if is_home:
            state.home_url = response.url
            state.keys = state.keys | {links.host_key(response.url)}   # follow www/bare and http/https redirects
        if not isinstance(response, TextResponse) or not _is_html(response):
            yield self._file_item(state, response, depth)
            if is_home:
                state.home_outcome = "ok"
            return
        text, encoding_fault = _decode(response)
        fault = self._page_fault(state, response, text, is_home)
        if encoding_fault:
            state.faults[encoding_fault] += 1
        yield self._page_item(state, response, depth, render_mode, text, fault or encoding_fault)
        if is_home:
            state.home_outcome = _home_outcome(response.status, fault)
            state.home_error = fault
        if fault in ("blocked", "soft_404") or response.status >= 400:
            return
        page_links = _extract_links(response, text)
        if render_mode == "http":
            reason = faults.needs_rendering(text, len(page_links))
            if reason:
                request = self._maybe_render(state, response, depth, reason)
                if request is not None:
                    yield request
                    return
        ctx = PageContext(url=response.url, site_hosts=frozenset(k.split(":")[0] for k in state.keys),
                          is_home=is_home, depth=depth)
        headers = {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v}
        try:
            extraction = extract_page(text, ctx, headers)
        except Exception as exc:  # a hostile page must not stop the crawl: record and go on
            self.logger.warning("extraction failed on %s: %r", response.url, exc)
            state.faults["extraction_error"] += 1
        else:
            if extraction.signals or extraction.diagnostics:
                yield SignalsItem(state.spec.site_crawl_id, extraction.signals, extraction.diagnostics)
        for target in faults.js_targets(text):
            page_links.append((urljoin(response.url, target), "js-handler"))
        yield from self._follow(state, page_links, depth)

    def _page_fault(self, state: SiteState, response, text: str, is_home: bool) -> str | None:
        if faults.block_reason(text, response.status):
            state.faults["blocked"] += 1
            return "blocked"
        if response.status >= 400:
            state.faults[f"http_{response.status}"] += 1
            return f"http_{response.status}"
        if (not is_home and state.probe_fingerprint
                and faults.fingerprint(text) == state.probe_fingerprint):
            state.faults["soft_404"] += 1
            return "soft_404"
        if faults.php_error(text):
            state.faults["php_error"] += 1
            return "php_error"
        return None

    def _maybe_render(self, state: SiteState, response, depth: int, reason: str):
        state.faults[reason] += 1
        if _render_enabled(self.settings) and state.rendered < self.settings.getint("MUNIAUDIT_RENDER_BUDGET"):
            state.rendered += 1
            return self._request(state, response.url, self.parse_page, depth, priority=800,
                                 playwright=True, playwright_page_goto_kwargs={"wait_until": "load"})
        state.needing_render.append(response.url)
        return None

    def _follow(self, state: SiteState, page_links: list[tuple[str, str]], depth: int):
        max_depth = self.settings.getint("MUNIAUDIT_MAX_DEPTH")
        for url, text in page_links:
            if links.should_skip(url) or not links.is_same_site(url, state.keys):
                continue
            clean = links.clean_url(url)
            if clean in state.seen:
                continue
            state.seen.add(clean)
            if links.is_file(clean):
                request = self._file_request(state, clean, depth + 1)
                if request is not None:
                    yield request
                continue
            if depth + 1 > max_depth or state.pages >= self.settings.getint("MUNIAUDIT_PAGE_BUDGET"):
                state.faults["budget_or_depth_skipped"] += 1
                continue
            if self._is_trap(state, clean):
                continue
            state.pages += 1
            yield self._request(state, clean, self.parse_page, depth + 1, priority=links.priority(url, text) - depth)

    def _is_trap(self, state: SiteState, url: str) -> bool:
        key = links.trap_key(url)
        limit = self.settings.getint("MUNIAUDIT_QUERY_VARIANTS")
        if urlsplit(url).query or links.looks_like_calendar(url):
            state.trap_counts[key] += 1
            if state.trap_counts[key] > limit:
                state.faults["crawl_trap"] += 1
                return True
        return False

    def _file_request(self, state: SiteState, url: str, depth: int):
        """Files are never downloaded whole: HEAD for type, size and date; a small ranged GET for data."""
        if state.files >= self.settings.getint("MUNIAUDIT_FILE_BUDGET"):
            state.faults["file_budget_skipped"] += 1
            return None
        state.files += 1
        if links.extension(url) in links.DATA_SAMPLE_EXTENSIONS:
            request = self._request(state, url, self.parse_file, depth, priority=-10, sample=True)
            request.headers["Range"] = "bytes=0-8191"
            request.meta["download_maxsize"] = 64 * 1024
            return request
        return self._request(state, url, self.parse_file, depth, priority=-10, method="HEAD")

    def parse_file(self, response):
        state = self._state(response)
        try:
            yield self._file_item(state, response, response.meta["depth_"])
        finally:
            yield from self._settle(state)

    def on_error(self, failure):
        request = failure.request
        state = self.sites[request.meta["site"]]
        kind = _failure_kind(failure)
        state.faults[kind] += 1
        is_home = request.url == state.spec.start_url and state.home_url is None and request.callback == self.parse_page
        if is_home:
            state.home_outcome = {"forbidden_address": "forbidden", "robots_disallowed": "robots"}.get(kind, "unreachable")
            state.home_error = f"{kind}: {failure.getErrorMessage()[:300]}"
        if kind == "robots_disallowed":
            state.robots_disallowed.append(request.url)
        yield PageItem(state.spec.site_crawl_id, request.url, request.url, None, "",
                       request.meta.get("depth_", 0), "http", now(), fault=kind)
        if request.callback == self.parse_probe:
            # the probe failed (e.g. timeout): still try the home page itself
            state.seen.add(links.clean_url(state.spec.start_url))
            yield self._request(state, state.spec.start_url, self.parse_page, depth=0, priority=900)
        yield from self._settle(state)

    # -- helpers -----------------------------------------------------------------------------------------

    def _state(self, response) -> SiteState:
        return self.sites[response.meta["site"]]

    def _settle(self, state: SiteState):
        state.outstanding -= 1
        if state.outstanding == 0 and not state.done:
            state.done = True
            yield self._site_done(state)

    def _site_done(self, state: SiteState) -> SiteDoneItem:
        status = {"ok": "ok", "blocked": "blocked", "robots": "blocked"}.get(state.home_outcome or "", "unreachable")
        if status == "ok" and (state.needing_render or state.faults.get("blocked")
                                or any(k.startswith(("timeout", "http_5", "connection")) for k in state.faults)):
            status = "partial"
        facts = {"faults": dict(state.faults), "needing_render": state.needing_render[:50],
                 "robots_disallowed": state.robots_disallowed[:50], "home_url": state.home_url,
                 "files_probed": state.files, "soft_404_site": state.probe_fingerprint is not None}
        return SiteDoneItem(state.spec.site_crawl_id, status, state.pages + 1, len(state.needing_render),
                            state.rendered, state.home_error, facts)

    def _page_item(self, state, response, depth, render_mode, text, fault) -> PageItem:
        return PageItem(
            state.spec.site_crawl_id, response.request.url, response.url, response.status,
            _header(response, "Content-Type"), depth, render_mode, now(),
            sha256=hashlib.sha256(response.body).hexdigest(), size=len(response.body),
            title=_title(response)[:500], last_modified=_header(response, "Last-Modified") or None, fault=fault,
        )

    def _file_item(self, state, response, depth) -> PageItem:
        mode = "sample" if response.meta.get("sample") else "head"
        length = _header(response, "Content-Range").rpartition("/")[2] or _header(response, "Content-Length")
        fault = f"http_{response.status}" if response.status >= 400 else None
        if fault:
            state.faults["file_" + fault] += 1
        if response.meta.get("sample") and not fault and not _looks_like_data(response):
            fault = "format_mismatch"
            state.faults[fault] += 1
        return PageItem(
            state.spec.site_crawl_id, response.request.url, response.url, response.status,
            _header(response, "Content-Type"), depth, mode, now(),
            size=int(length) if length.isdigit() else None,
            last_modified=_header(response, "Last-Modified") or None, fault=fault,
        )


# -- pure helpers -----------------------------------------------------------------------------------------

def _render_enabled(settings) -> bool:
    mode = settings.get("MUNIAUDIT_RENDER", "auto")
    return mode != "never" and os.path.exists(settings.get("MUNIAUDIT_CHROMIUM") or "")


def _header(response, name: str) -> str:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else ""


def _is_html(response) -> bool:
    ctype = _header(response, "Content-Type").lower()
    return "html" in ctype or (not ctype and b"<html" in response.body[:2000].lower())


def _decode(response: TextResponse) -> tuple[str, str | None]:
    """The page text, fixing the commonest lie: Latin-1 bytes served as UTF-8."""
    text = response.text
    if "\ufffd" in text and response.encoding.lower().replace("-", "") in ("utf8",):
        try:
            response.body.decode("utf-8")
        except UnicodeDecodeError:
            return response.body.decode("cp1252", errors="replace"), "encoding_mismatch"
    return text, None


def _home_outcome(status: int, fault: str | None) -> str:
    if fault == "blocked":
        return "blocked"
    return "unreachable" if status >= HOME_BAD_STATUS or status in (404, 410) else "ok"


def _title(response) -> str:
    try:
        return " ".join((response.css("title::text").get() or "").split())
    except Exception:  # non-HTML or unparsable
        return ""


def _extract_links(response, text: str) -> list[tuple[str, str]]:
    """(absolute URL, link text) for a, area, frame and iframe targets; hrefs resolved like a browser."""
    if isinstance(response, HtmlResponse) and text is not response.text:
        response = response.replace(body=text.encode("utf-8"), encoding="utf-8")
    found: list[tuple[str, str]] = []
    try:
        for node in response.xpath("//a[@href]|//area[@href]"):
            href = (node.attrib.get("href") or "").strip()
            if href and not href.startswith(("#", "javascript:", "mailto:", "tel:")):
                found.append((response.urljoin(href), " ".join(node.xpath("string(.)").get("").split())[:200]))
        for node in response.xpath("//frame[@src]|//iframe[@src]"):
            found.append((response.urljoin(node.attrib["src"].strip()), "frame"))
    except (ValueError, AttributeError):   # unparsable markup: nothing to follow, recorded by the page item
        return found
    return found


def _looks_like_data(response) -> bool:
    """Is a sampled .csv/.json/.xml really that (and not an HTML error page)?"""
    head = response.body[:2048].lstrip().lower()
    return not (head.startswith(b"<!doctype html") or head.startswith(b"<html"))


def _failure_kind(failure) -> str:
    if failure.check(ForbiddenAddress):
        return "forbidden_address"
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(DNSLookupError):
        return "dns_error"
    if failure.check(TimeoutError, TCPTimedOutError):
        return "timeout"
    if failure.check(ConnectionRefusedError):
        return "connection_refused"
    if failure.check(ConnectionLost, ResponseFailed, ResponseNeverReceived):
        return "connection_reset"
    name = type(failure.value).__name__
    message = failure.getErrorMessage().lower()
    if "robots" in message or name == "IgnoreRequest" and "robots" in message:
        return "robots_disallowed"
    if "maxsize" in message or "cancelled" in message and "size" in message:
        return "too_large"
    if "ssl" in message or "certificate" in message or "tls" in message:
        return "tls_error"
    return name.lower()[:40]

