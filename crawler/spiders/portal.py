"""The one generic spider: crawls each municipality's site within its domains and records evidence.

`scrapy crawl portal -a cvegeo=14097` (or `-a run_id=N` to resume a run created by `muniaudit crawl`).
The spider never scores: it yields pages, signals and one SiteDoneItem per site to the store pipeline.

Per site, links wait in a priority frontier (transparency, open data, participation... first) and are released
a few at a time, so the page budget is spent on the best links found so far, not on the first ones found.
Every scheduled request ends in a callback or errback that calls `_settle`; when a site has nothing outstanding
and nothing left to release, it is finished.
"""
from __future__ import annotations

import asyncio
import hashlib
import heapq
import os
import secrets
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import cached_property
from itertools import count
from urllib.parse import urljoin, urlsplit

import scrapy
from lxml import etree
from parsel import Selector  # parsel itself: Scrapy's Selector would read <base href> again
from scrapy import signals
from scrapy.exceptions import StopDownload
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.response import get_base_url

from crawler import faults, links
from crawler.dns import refused_address
from crawler.extract import extract_page
from crawler.extract.datasets import format_of as dataset_format
from crawler.extract.datasets import is_machine_readable
from crawler.extract.limits import MAX_LINKS_PER_PAGE
from crawler.extract.ownership import Owner
from crawler.extract.placement import placement_of
from crawler.extract.types import Extraction, PageContext, Signal
from crawler.items import PageItem, SignalsItem, SiteDoneItem
from store.db import make_engine, session_scope
from store.lock import writer_lock
from store.migrate import upgrade
from store.runs import SiteSpec, create_run, now, parse_partition, pending_sites

ERROR_STATUSES = list(range(400, 600))
HOME_BAD_STATUS = 500
PAGE_TYPES = ("html", "xml", "text/plain")      # anything else behind a page link is a file: headers only
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
LIST_CAP = 50                                   # bounded lists in site facts


@dataclass(order=True)
class Candidate:
    sort_key: tuple[int, int]
    url: str = field(compare=False)
    depth: int = field(compare=False)


@dataclass
class SiteState:
    """Per-site bookkeeping: every scheduled request ends in a callback or errback that decrements
    `outstanding`; when it reaches zero and the frontier is spent, the site is finished."""

    spec: SiteSpec
    keys: frozenset[str]
    seen: set[str] = field(default_factory=set)
    frontier: list[Candidate] = field(default_factory=list)   # links that could lead to evidence
    later: list[Candidate] = field(default_factory=list)      # links to posts and archives (see carries_evidence)
    pages: int = 0                    # page requests released (the budget counts these)
    files: int = 0
    outstanding: int = 0
    rendered: int = 0
    render_seconds: float = 0.0
    needing_render: list[str] = field(default_factory=list)
    trap_counts: Counter = field(default_factory=Counter)
    faults: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    external: dict[str, list[str]] = field(default_factory=dict)
    tls_invalid: dict[str, str] = field(default_factory=dict)
    robots: dict = field(default_factory=dict)
    sitemap: dict = field(default_factory=lambda: {"files": 0, "urls": 0, "latest_lastmod": None})
    probe_fingerprint: str | None = None
    home_url: str | None = None
    home_redirects: list[str] = field(default_factory=list)
    home_outcome: str | None = None      # ok | unreachable | blocked | forbidden | robots
    home_error: str | None = None
    robots_disallowed: list[str] = field(default_factory=list)
    pending_files: list[scrapy.Request] = field(default_factory=list)   # file probes waiting for _pump
    requests: Counter = field(default_factory=Counter)   # scheduled requests by kind (html, files, ...)
    done: bool = False

    @cached_property
    def owner(self) -> Owner:
        """Who the site belongs to, for ownership decisions in extraction."""
        spec = self.spec
        return Owner.of(spec.name, spec.state, (spec.start_url, *spec.extra_urls), spec.known_accounts)


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, cvegeo: str | None = None, run_id: str | None = None, label: str = "",
                 partition: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cvegeos = [c.strip() for c in cvegeo.split(",")] if cvegeo else None
        self.run_id = int(run_id) if run_id else None
        self.partition = parse_partition(partition)    # "i/n": this worker's share of the run (Scrapyd)
        self.label = label
        self.sites: dict[int, SiteState] = {}
        self._seq = count()
        self._pool: ProcessPoolExecutor | None = None
        self._lock: ExitStack | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._headers_received, signal=signals.headers_received)
        return spider

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
            timeout_ms = int(settings.getfloat("MUNIAUDIT_RENDER_TIMEOUT") * 1000)
            settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", timeout_ms, priority="spider")
            settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 2, priority="spider")
            settings.set("PLAYWRIGHT_MAX_CONTEXTS", 2, priority="spider")
            settings.set("PLAYWRIGHT_ABORT_REQUEST", _browser_request_filter(settings.getbool("MUNIAUDIT_ALLOW_PRIVATE")),
                         priority="spider")

    # -- start -------------------------------------------------------------------------------------------

    async def start(self):
        for spec in self._load_sites():
            try:
                state = SiteState(spec, frozenset(links.host_key(u) for u in (spec.start_url, *spec.extra_urls)))
                probe = urljoin(spec.start_url, f"/muniaudit-probe-{secrets.token_hex(6)}")
                self.sites[spec.site_crawl_id] = state
                yield self._request(state, probe, self.parse_probe, depth=0, priority=1000, dont_retry=True)
            except ValueError as exc:   # an address no parser accepts: this site fails, the others go on
                self.sites.pop(spec.site_crawl_id, None)
                yield _invalid_site(spec, exc)

    def _load_sites(self) -> list[SiteSpec]:
        engine = make_engine(self.settings.get("MUNIAUDIT_DB"))
        upgrade(engine)
        if self.partition is None:     # a Scrapyd partition writes beside its siblings, under its dispatcher's lock
            self._lock = ExitStack()
            self._lock.enter_context(writer_lock(engine, "crawl (scrapy)"))
        with session_scope(engine) as session:
            if self.run_id is None:
                self.run_id = create_run(session, self.cvegeos, self.label)
            specs = pending_sites(session, self.run_id, self.partition)
        engine.dispose()
        self.logger.info("run %s: %d sites to crawl", self.run_id, len(specs))
        self.crawler.stats.set_value("muniaudit/sites", len(specs))
        return specs

    def _request(self, state: SiteState, url: str, callback, depth: int, priority: int = 0,
                 method: str = "GET", **meta) -> scrapy.Request:
        state.outstanding += 1
        state.requests[_request_kind(callback.__name__, meta)] += 1
        return scrapy.Request(
            url, callback=callback, errback=self.on_error, method=method, dont_filter=True, priority=priority,
            # one download slot per site: politeness limits apply to the site, its subdomains included
            meta={"site": state.spec.site_crawl_id, "depth_": depth, "download_slot": f"site-{state.spec.site_crawl_id}",
                  "handle_httpstatus_list": ERROR_STATUSES, **meta},
        )

    def in_scope(self, request: scrapy.Request) -> bool:
        """May this (redirected) request be fetched? Site pages stay on the site; the home page may move."""
        state = self.sites.get(request.meta.get("site"))
        if state is None or request.meta.get("page") == "home" or request.callback == self.parse_probe:
            return True
        if links.is_same_site(request.url, state.keys):
            return True
        self._note_external(state, request.url)
        return False

    def _headers_received(self, headers, body_length, request, spider=None) -> None:
        """A page link that turns out to be a binary file: keep the headers, never pull the body."""
        if request.meta.get("page") and not request.meta.get("playwright"):
            ctype = (headers.get(b"Content-Type") or b"").decode("latin-1").lower()
            if ctype and not any(t in ctype for t in PAGE_TYPES):
                raise StopDownload(fail=False)

    # -- callbacks ---------------------------------------------------------------------------------------

    def parse_probe(self, response):
        """A random path: if the site answers 200 with a page, remember it to recognise soft 404s."""
        state = self._state(response)
        if response.status == 200 and isinstance(response, TextResponse):
            state.probe_fingerprint = faults.fingerprint(response.text)
            self._fault(state, "soft_404_site")
        yield from self._start_site(state)
        yield from self._settle(state)

    def _start_site(self, state: SiteState):
        state.seen.add(links.clean_url(state.spec.start_url))
        yield self._request(state, state.spec.start_url, self.parse_page, depth=0, priority=900, page="home")
        robots = urljoin(state.spec.start_url, "/robots.txt")
        yield self._request(state, robots, self.parse_robots, depth=0, priority=850, dont_obey_robotstxt=True)

    async def parse_page(self, response):
        state = self._state(response)
        depth = response.meta["depth_"]
        is_home = response.meta.get("page") == "home" and not state.home_url
        try:
            async for item in self._handle_page(state, response, depth, is_home):
                yield item
        except Exception as exc:  # a hostile page must not stop the crawl: record and go on
            self.logger.exception("internal error on %s", response.url)
            self._fault(state, "internal_error")
            state.home_error = state.home_error or f"internal_error: {exc!r}"[:300]
        for item in self._settle(state):
            yield item

    async def _handle_page(self, state: SiteState, response, depth: int, is_home: bool):
        render_mode = "browser" if response.meta.get("playwright") else "http"
        if render_mode == "browser":
            state.render_seconds += response.meta.get("download_latency", 0.0)
        if is_home:
            state.home_url = response.url
            state.home_redirects = list(response.meta.get("redirect_urls", []))[:10]
            state.keys = state.keys | {links.host_key(response.url)}   # follow www/bare and http/https redirects
        self._note_tls(state, response)
        if not isinstance(response, TextResponse) or not _is_html(response):
            yield self._file_item(state, response, depth)
            if is_home:
                state.home_outcome = "ok"
            return
        text, encoding_fault = _decode(response)
        # the hash is of the body as served (content-encoding undone), so it matches the archived record
        response.meta["body_sha256"] = hashlib.sha256(response.body).hexdigest()
        if text is not response.text:
            response = response.replace(body=text.encode("utf-8"), encoding="utf-8")
        fault = self._page_fault(state, response, text, is_home, render_mode)
        if encoding_fault:
            self._fault(state, encoding_fault)
        if is_home:
            state.home_outcome = _home_outcome(response.status, fault)
            state.home_error = fault
        if fault in ("blocked", "soft_404") or response.status >= 400:
            yield self._page_item(state, response, depth, render_mode, fault)
            return
        page_links = _extract_links(response, is_home)   # one lxml parse, shared with the title
        for target in faults.js_targets(text):
            _append_joined(page_links, response.url, target, "js-handler", "js_loader")
        if render_mode == "http":
            # a home page with no way to the rest of its site is navigated with JavaScript; elsewhere it is a leaf
            own_links = _own_page_links(page_links, state.keys) if is_home else None
            reason = faults.needs_rendering(text, len(page_links), own_links)
            if reason:
                self._fault(state, reason)
                request = self._render_request(state, response, depth, of_home=is_home)
                if request is not None:
                    yield request
                else:
                    render_mode = "needs_render"
        item = self._page_item(state, response, depth, render_mode, fault or encoding_fault or _tls_fault(response))
        if not self.settings.getbool("MUNIAUDIT_EXTRACT"):
            self._follow(state, page_links, depth)
            for request in self._pump(state):
                yield request
            yield item
            return
        ctx = PageContext(url=response.url, site_hosts=frozenset(k.split(":")[0] for k in state.keys),
                          is_home=is_home or bool(response.meta.get("render_of_home")), depth=depth,
                          owner=state.owner)
        headers = {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v}
        extraction = await self._extract(state, text, ctx, headers)
        role = extraction.page.get("role", "") if extraction.page else ""
        # what the page is decides what its links are worth: the body of a news listing leads to posts
        self._follow(state, page_links, depth, role)
        for request in self._pump(state):
            yield request
        if extraction.page:
            item.role = role
            item.role_detail = {k: v for k, v in extraction.page.items() if k not in ("url", "role")}
        yield item
        if extraction.signals or extraction.diagnostics:
            yield SignalsItem(state.spec.site_crawl_id, extraction.signals, extraction.diagnostics)

    async def _extract(self, state: SiteState, text: str, ctx: PageContext, headers: dict) -> Extraction:
        """Signal extraction (the costly part) runs in worker processes when configured, off the reactor."""
        try:
            pool = self._extract_pool()
            if pool is None:
                return extract_page(text, ctx, headers)
            return await asyncio.wrap_future(pool.submit(extract_page, text, ctx, headers))
        except Exception as exc:  # a hostile page must not stop the crawl: record and go on
            self.logger.warning("extraction failed on %s: %r", ctx.url, exc)
            self._fault(state, "extraction_error")
            return Extraction()

    def _extract_pool(self) -> ProcessPoolExecutor | None:
        workers = self.settings.getint("MUNIAUDIT_EXTRACT_WORKERS")
        if workers < 0:
            workers = min(4, (os.cpu_count() or 1) - 1)
        if workers <= 0:
            return None
        if self._pool is None:
            import multiprocessing

            self._pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=die_with_parent)
        return self._pool

    def parse_robots(self, response):
        """robots.txt as evidence (status, whether it shuts the site out) and as the way to the sitemaps."""
        state = self._state(response)
        try:
            sitemaps: list[str] = []
            state.robots = {"url": response.url, "status": response.status}
            if response.status == 200 and isinstance(response, TextResponse) and not _is_html(response):
                from protego import Protego

                parser = Protego.parse(response.text[:500_000])
                sitemaps = [u for u in parser.sitemaps if links.is_same_site(u, state.keys)][:3]
                state.robots["sitemaps"] = sitemaps
                state.robots["home_allowed"] = parser.can_fetch(state.spec.start_url, self.settings.get("USER_AGENT"))
            for url in sitemaps or [urljoin(state.spec.start_url, "/sitemap.xml")]:
                yield from self._sitemap_request(state, url)
        finally:
            yield from self._settle(state)

    def _sitemap_request(self, state: SiteState, url: str):
        if state.sitemap["files"] >= self.settings.getint("MUNIAUDIT_SITEMAP_FILES"):
            return
        state.sitemap["files"] += 1
        yield self._request(state, url, self.parse_sitemap, depth=1, priority=800, dont_retry=True,
                            download_maxsize=self.settings.getint("MUNIAUDIT_SITEMAP_MAXSIZE"))

    def parse_sitemap(self, response):
        """Sitemap URLs join the frontier (as depth-1 links); the newest <lastmod> is kept as a site fact."""
        state = self._state(response)
        try:
            if response.status == 200:
                yield from self._read_sitemap(state, response)
        finally:
            yield from self._settle(state)

    def _read_sitemap(self, state: SiteState, response):
        from scrapy.utils.gz import gunzip
        from scrapy.utils.sitemap import Sitemap

        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body, max_size=self.settings.getint("MUNIAUDIT_SITEMAP_MAXSIZE"))
            except (OSError, ValueError, EOFError) as exc:   # over the size bound, or not really gzip
                self._fault(state, "sitemap_too_large" if "max" in str(exc).lower() else "sitemap_invalid")
                return
        try:
            sitemap = Sitemap(body)
        except Exception:  # broken XML where the sitemap should be
            sitemap = None
        if sitemap is None or sitemap.type not in ("urlset", "sitemapindex"):   # e.g. a soft-404 HTML page
            state.sitemap["invalid"] = state.sitemap.get("invalid", 0) + 1
            return
        limit = self.settings.getint("MUNIAUDIT_SITEMAP_URLS")
        found = []
        for entry in sitemap:
            loc = entry.get("loc", "")
            if not loc or not links.is_same_site(loc, state.keys):
                continue
            if sitemap.type == "sitemapindex":
                yield from self._sitemap_request(state, loc)
                continue
            if state.sitemap["urls"] >= limit:
                break
            state.sitemap["urls"] += 1
            lastmod = (entry.get("lastmod") or "")[:10]
            if lastmod and lastmod > (state.sitemap["latest_lastmod"] or ""):
                state.sitemap["latest_lastmod"] = lastmod
            found.append((loc, "sitemap", "sitemap"))
        self._follow(state, found, depth=0)

    def parse_file(self, response):
        state = self._state(response)
        try:
            if response.meta.get("head") and response.status in (405, 501):   # HEAD not allowed: tiny ranged GET
                yield self._file_request(state, response.request.url, response.meta["depth_"], sample=True)
            else:
                self._note_tls(state, response)
                item = self._file_item(state, response, response.meta["depth_"])
                yield item
                dated = _file_update_signal(item, state.home_url)
                if dated is not None:
                    yield SignalsItem(state.spec.site_crawl_id, [dated])
        finally:
            yield from self._settle(state)

    def on_error(self, failure):
        request = failure.request
        state = self.sites[request.meta["site"]]
        kind = faults.failure_kind(failure.value)
        if kind == "dns_error" and refused_address(urlsplit(request.url).hostname):
            kind = "forbidden_address"      # refused by the resolver's guard (DNS rebinding), not a dead name
        render = bool(request.meta.get("playwright"))
        self._fault(state, ("render_" if render else "") + kind)
        if render:
            state.needing_render.append(request.url)
        if request.meta.get("page") == "home" and state.home_url is None and not render:
            state.home_outcome = {"forbidden_address": "forbidden", "robots_disallowed": "robots"}.get(kind, "unreachable")
            state.home_error = f"{kind}: {failure.getErrorMessage()[:300]}"
        if kind == "robots_disallowed" and len(state.robots_disallowed) < LIST_CAP:
            state.robots_disallowed.append(request.url)
        if request.callback in (self.parse_page, self.parse_file):
            mode = "browser" if render else ("head" if request.meta.get("head") else "http")
            first = (request.meta.get("redirect_urls") or [request.url])[0]   # the URL the site linked
            yield PageItem(state.spec.site_crawl_id, first, request.url, None, "",
                           request.meta.get("depth_", 0), mode, now(), fault=kind)
        if request.callback == self.parse_probe:
            # the probe failed (e.g. timeout): still try the home page itself
            yield from self._start_site(state)
        yield from self._settle(state)

    # -- frontier ----------------------------------------------------------------------------------------

    def _follow(self, state: SiteState, page_links: list[tuple[str, str, str]], depth: int, role: str = "") -> None:
        """Sort a page's links: files are probed, external links recorded, site pages queued by priority (and by
        whether they could lead to evidence, given where they sit and what the page is)."""
        max_depth = self.settings.getint("MUNIAUDIT_MAX_DEPTH")
        for url, text, region in page_links:
            try:
                self._follow_one(state, url, text, depth, max_depth, region, role)
            except ValueError:   # "http://host:99999/", "http://host:abc/": no browser could open it either
                state.skipped["invalid_url"] += 1

    def _follow_one(self, state: SiteState, url: str, text: str, depth: int, max_depth: int,
                    region: str = "", role: str = "") -> None:
        if links.should_skip(url):
            return
        if not links.is_same_site(url, state.keys):
            self._note_external(state, url)
            return
        clean = links.clean_url(url)
        if clean in state.seen:
            return
        state.seen.add(clean)
        if links.has_session_param(url):
            self._fault(state, "session_id_url")
        if links.is_file(clean):
            if links.extension(clean) not in links.DATA_FILE_EXTENSIONS and \
                    not self.settings.getbool("MUNIAUDIT_PROBE_DOCUMENTS"):
                state.skipped["file_not_probed"] += 1     # a document is judged by its link's extension
                return
            request = self._file_request(state, clean, depth + 1)
            if request is not None:
                state.pending_files.append(request)
            return
        if depth + 1 > max_depth:
            state.skipped["depth"] += 1
            return
        if self._is_trap(state, clean):
            return
        prio = links.priority(url, text, region) - 5 * depth
        queue = state.frontier if links.carries_evidence(url, region, role) else state.later
        heapq.heappush(queue, Candidate((-prio, next(self._seq)), clean, depth + 1))

    def _pump(self, state: SiteState):
        """Release queued requests while the site has room in its window and budget."""
        while state.pending_files:     # file probes bypass the page window (they are HEADs or tiny GETs)
            yield state.pending_files.pop()
        window = self.settings.getint("MUNIAUDIT_SITE_WINDOW")
        budget = self.settings.getint("MUNIAUDIT_PAGE_BUDGET")
        directed = self.settings.getbool("MUNIAUDIT_EVIDENCE_DIRECTED")
        while state.outstanding < window and state.pages < budget:
            # evidence-directed: posts and archives are never released; otherwise after everything else
            queue = state.frontier or (None if directed else state.later)
            if not queue:
                break
            cand = heapq.heappop(queue)
            state.pages += 1
            yield self._request(state, cand.url, self.parse_page, cand.depth, priority=-cand.sort_key[0],
                                page="page")

    def _note_external(self, state: SiteState, url: str) -> None:
        kind = links.external_kind(url)
        state.skipped["external_" + kind] += 1
        if kind != "other":
            seen = state.external.setdefault(kind, [])
            if url not in seen and len(seen) < LIST_CAP:
                seen.append(url)

    def _is_trap(self, state: SiteState, url: str) -> bool:
        if links.looks_like_path_trap(url):
            self._fault(state, "crawl_trap")
            return True
        key = links.trap_key(url)
        if urlsplit(url).query or links.looks_like_calendar(url):
            state.trap_counts[key] += 1
            if state.trap_counts[key] > self.settings.getint("MUNIAUDIT_QUERY_VARIANTS"):
                self._fault(state, "crawl_trap")
                return True
        return False

    def _file_request(self, state: SiteState, url: str, depth: int, sample: bool = False):
        """Files are never downloaded whole: HEAD for type, size and date; a small ranged GET for data."""
        if not sample:
            if state.files >= self.settings.getint("MUNIAUDIT_FILE_BUDGET"):
                state.skipped["file_budget"] += 1
                return None
            state.files += 1
        if sample or links.extension(url) in links.DATA_SAMPLE_EXTENSIONS:
            size = self.settings.getint("MUNIAUDIT_SAMPLE_BYTES")
            request = self._request(state, url, self.parse_file, depth, priority=-10, sample=True,
                                    download_maxsize=max(size * 8, 64 * 1024))
            request.headers["Range"] = f"bytes=0-{size - 1}"
            return request
        return self._request(state, url, self.parse_file, depth, priority=-10, method="HEAD", head=True)

    def _render_request(self, state: SiteState, response, depth: int, of_home: bool):
        cap_pages = self.settings.getint("MUNIAUDIT_RENDER_BUDGET")
        cap_seconds = self.settings.getfloat("MUNIAUDIT_RENDER_SECONDS")
        if _render_enabled(self.settings) and state.rendered < cap_pages and state.render_seconds < cap_seconds:
            state.rendered += 1
            return self._request(state, response.url, self.parse_page, depth, priority=800, page="rendered",
                                 render_of_home=of_home, playwright=True, playwright_page_goto_kwargs={"wait_until": "load"},
                                 **_screenshot_meta(self.settings))
        if len(state.needing_render) < LIST_CAP:
            state.needing_render.append(response.url)
        return None

    # -- helpers -----------------------------------------------------------------------------------------

    def _state(self, response) -> SiteState:
        return self.sites[response.meta["site"]]

    def _settle(self, state: SiteState):
        state.outstanding -= 1
        yield from self._pump(state)
        if state.outstanding == 0 and not state.done:
            state.done = True
            state.skipped["budget"] += len(state.frontier)
            state.skipped["no_candidates"] += len(state.later)
            yield self._site_done(state)

    def _fault(self, state: SiteState, kind: str) -> None:
        state.faults[kind] += 1
        self.crawler.stats.inc_value(f"muniaudit/fault/{kind}")

    def _page_fault(self, state: SiteState, response, text: str, is_home: bool, render_mode: str) -> str | None:
        kind = None
        if faults.block_reason(text, response.status):
            kind = "blocked"
        elif response.status >= 400:
            kind = f"http_{response.status}"
        elif (not is_home and render_mode == "http" and state.probe_fingerprint
              and faults.fingerprint(text) == state.probe_fingerprint
              and faults.needs_rendering(text, 0) != "js_shell"):   # an SPA answers its shell everywhere
            kind = "soft_404"
        elif faults.php_error(text):
            kind = "php_error"
        if kind:
            self._fault(state, kind)
        return kind

    def _note_tls(self, state: SiteState, response) -> None:
        reason = response.meta.get("tls_invalid")
        netloc = urlsplit(response.url).netloc
        if reason and netloc not in state.tls_invalid:
            state.tls_invalid[netloc] = reason
            self._fault(state, "tls_invalid")

    def _site_done(self, state: SiteState) -> SiteDoneItem:
        status = {"ok": "ok", "blocked": "blocked", "robots": "blocked"}.get(state.home_outcome or "", "unreachable")
        if status == "ok" and (state.needing_render or state.faults.get("blocked")
                                or any(k.startswith(("timeout", "http_5", "connection")) for k in state.faults)):
            status = "partial"
        facts = {"faults": dict(state.faults), "skipped": dict(state.skipped),
                 "needing_render": state.needing_render[:LIST_CAP], "render_seconds": round(state.render_seconds, 2),
                 "robots_disallowed": state.robots_disallowed[:LIST_CAP], "robots": state.robots,
                 "sitemap": state.sitemap, "home_url": state.home_url, "home_redirects": state.home_redirects,
                 "tls_invalid": state.tls_invalid, "external_links": state.external,
                 "pages_scheduled": state.pages + 1, "files_probed": state.files,
                 "requests": dict(state.requests), "stop_reason": _stop_reason(state),
                 "soft_404_site": state.probe_fingerprint is not None}
        self.crawler.stats.inc_value(f"muniaudit/site_status/{status}")
        # the engine notices it is idle only on its next heartbeat (seconds later): keep the real end
        self.crawler.stats.set_value("muniaudit/last_site_done", now())
        return SiteDoneItem(state.spec.site_crawl_id, status, state.pages + 1, len(state.needing_render),
                            state.rendered, state.home_error, facts)

    def _page_item(self, state, response, depth, render_mode, fault) -> PageItem:
        return PageItem(
            state.spec.site_crawl_id, response.request.url, response.url, response.status,
            _header(response, "Content-Type"), depth, render_mode, now(),
            sha256=response.meta.get("body_sha256") or hashlib.sha256(response.body).hexdigest(),
            size=len(response.body), title=_title(response)[:500],
            last_modified=_header(response, "Last-Modified") or None, fault=fault,
            archive=response.meta.get("muniaudit_archive"),
        )

    def _file_item(self, state, response, depth) -> PageItem:
        mode = "sample" if response.meta.get("sample") else "head"
        length = _header(response, "Content-Range").rpartition("/")[2] or _header(response, "Content-Length")
        fault = f"http_{response.status}" if response.status >= 400 else None
        if fault:
            self._fault(state, "file_" + fault)
        if response.meta.get("sample") and not fault and not faults.looks_like(
                links.extension(response.url), response.body):
            fault = "format_mismatch"
            self._fault(state, fault)
        return PageItem(
            state.spec.site_crawl_id, response.request.url, response.url, response.status,
            _header(response, "Content-Type"), depth, mode, now(),
            size=int(length) if length.isdigit() else None,
            last_modified=_header(response, "Last-Modified") or None, fault=fault or _tls_fault(response),
        )

    def closed(self, reason: str) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        if self._lock is not None:
            self._lock.close()


# -- pure helpers -----------------------------------------------------------------------------------------

def _stop_reason(state: SiteState) -> str:
    """Why the site's crawl ended: the page budget with links still worth following ("budget"), or nothing left
    that could carry evidence ("no_candidates": posts and archives may remain, counted in skipped)."""
    return "budget" if state.frontier else "no_candidates"


def _request_kind(callback: str, meta: dict) -> str:
    """What a request is for, as the verdict benchmark counts them: html, rendered, files, robots, sitemaps,
    probe (the soft-404 check)."""
    if meta.get("playwright"):
        return "rendered"
    return {"parse_page": "html", "parse_file": "files", "parse_robots": "robots", "parse_sitemap": "sitemaps",
            "parse_probe": "probe"}.get(callback, callback)


def die_with_parent() -> None:
    """Extraction workers end when the crawl process ends, however it ends (Linux parent-death signal); a
    killed crawl must not leave orphans holding memory. Elsewhere the pool's own shutdown is all there is."""
    import ctypes
    import multiprocessing
    import signal as os_signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(os_signal.SIGTERM))   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(0)       # the parent died while this worker was starting, before the signal was armed


def _invalid_site(spec: SiteSpec, exc: Exception) -> SiteDoneItem:
    """The outcome of a site whose registered address cannot be requested at all."""
    return SiteDoneItem(spec.site_crawl_id, "unreachable", 0, 0, 0, f"invalid_url: {exc}"[:300],
                        {"faults": {"invalid_url": 1}, "skipped": {}, "home_url": None})


def _file_update_signal(item: PageItem, home_url: str | None) -> Signal | None:
    """A data file's Last-Modified is when that block of data was last updated (machine-readable files only:
    a recent flyer PDF says nothing about the data)."""
    fmt = dataset_format(item.url)
    if item.fault or not item.last_modified or not is_machine_readable(fmt):
        return None
    try:
        day = parsedate_to_datetime(item.last_modified).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None
    data = {"date": day, "source": "last_modified", "scope": "dataset", "dataset": item.url, "format": fmt,
            "identity": f"update_date:{item.url}:last_modified:{day}"}
    return Signal("update_date", item.url, item.url, False, data, f"Last-Modified: {item.last_modified}")


def _render_enabled(settings) -> bool:
    mode = settings.get("MUNIAUDIT_RENDER", "auto")
    return mode != "never" and os.path.exists(settings.get("MUNIAUDIT_CHROMIUM") or "")


def _browser_request_filter(allow_private: bool):
    """What the browser must not fetch: heavy media, and private addresses (its requests skip the middlewares)."""
    from crawler.addresses import private_address_reason

    async def abort(request) -> bool:
        if request.resource_type in ("image", "media", "font"):
            return True
        return not allow_private and bool(await asyncio.to_thread(private_address_reason, request.url))

    return abort


def _tls_fault(response) -> str | None:
    return "tls_invalid" if response.meta.get("tls_invalid") else None


def _header(response, name: str) -> str:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else ""


def _screenshot_meta(settings) -> dict:
    """Ask scrapy-playwright for a viewport PNG of a rendered page (archived beside its WARC record)."""
    if not (settings.getbool("MUNIAUDIT_WARC", True) and settings.getbool("MUNIAUDIT_SCREENSHOTS", True)):
        return {}
    from scrapy_playwright.page import PageMethod

    return {"playwright_page_methods": [PageMethod("screenshot", type="png", full_page=False)]}


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
    root = _page_root(response) if isinstance(response, HtmlResponse) else None
    title = root.find(".//title") if root is not None else None
    return " ".join((title.text or "").split()) if title is not None else ""


def _page_root(response: HtmlResponse):
    """lxml's tree of the page (parsed once, cached by Scrapy), or None when there is none."""
    try:
        return response.selector.root
    except ValueError:
        # Scrapy's selector resolves the page's <base href> first and gives up on one no URL parser accepts;
        # the page itself is still there
        try:
            return Selector(text=response.text, type="html").root
        except (ValueError, AttributeError):
            return None
    except AttributeError:
        return None


_STRING_VALUE = etree.XPath("string(.)")   # an element's text as XPath reads it (all descendant text)


def _extract_links(response, is_home: bool = False) -> list[tuple[str, str, str]]:
    """(absolute URL, link text + title, placement region) for a, area, frame and iframe targets; hrefs resolved
    like a browser. The region (menu, footer, article_body, teaser...) orders the frontier."""
    found: list[tuple[str, str, str]] = []
    if not isinstance(response, HtmlResponse):
        return found
    # lxml's tree under the response's selector, walked directly: a parsel selector per link cost more than the
    # rest of the link handling together
    root = _page_root(response)
    if root is None:   # unparsable markup: nothing to follow, recorded by the page item
        return found
    try:
        base = get_base_url(response)
    except ValueError:   # an unparsable <base href>: a browser falls back to the page's own URL
        base = response.url
    said: dict = {}
    for n, node in enumerate(root.iter("a", "area")):
        if n >= MAX_LINKS_PER_PAGE:     # a page of tens of thousands of links: the rest are not followed
            break
        href = (node.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:", "tel:")):
            label = " ".join(f"{_STRING_VALUE(node)} {node.get('title', '')}".split())
            region = placement_of(node, is_home, cache=said).region
            _append_joined(found, base, href, label[:200], region)
    for node in root.iter("frame", "iframe"):
        if node.get("src") is not None:
            _append_joined(found, base, node.get("src").strip(), "frame", "frame")
    return found


def _own_page_links(page_links: list[tuple[str, str, str]], keys: frozenset[str]) -> int:
    """How many links lead to another page of the same site (files, assets and impossible URLs aside)."""
    count = 0
    for url, _, _ in page_links:
        try:
            count += links.is_same_site(url, keys) and not links.is_file(url) and not links.should_skip(url)
        except ValueError:   # "http://host:99999/": no page behind it
            continue
    return count


def _join(base: str, href: str) -> str | None:
    """urljoin, or None for an href no URL parser accepts ('//[::1')."""
    try:
        return urljoin(base, href)
    except ValueError:
        return None


def _append_joined(found: list[tuple[str, str, str]], base: str, href: str, label: str, region: str = "") -> None:
    """Append (absolute URL, label, region) unless the href cannot be joined: skip it, not the rest of the page."""
    url = _join(base, href)
    if url is not None:
        found.append((url, label, region))
