"""The one generic spider: crawls each municipality's site within its domains and records evidence.

`scrapy crawl portal -a cvegeo=14097` (or `-a run_id=N` to resume a run created by `muniaudit crawl`).
The spider never scores: it yields pages, signals and one SiteDoneItem per site to the store pipeline.

Callbacks only: crawler.frontier decides what to fetch and when a site is finished (every request ends in a
callback or errback that calls `_settle`); crawler.faults classifies pages, crawler.links reads their links,
crawler.robots reads robots.txt and sitemaps, crawler.files probes files, crawler.render sets up the browser,
crawler.pool runs extraction, crawler.scope says what is the site's, crawler.extensions keeps run statistics.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from contextlib import ExitStack
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import StopDownload
from scrapy.http import TextResponse

from crawler import apis, faults, files, links, render, robots
from crawler import frontier as fr
from crawler.decider import load_decider
from crawler.dns import refused_address
from crawler.extract.outlinks import Outlink, append_joined
from crawler.extract.ownership import registrable_domain
from crawler.extract.types import Extraction, Signal
from crawler.frontier import FileProbe, Frontier, Limits, PageFetch, SiteState
from crawler.items import PageItem, SignalsItem, failed_page_item, page_item
from crawler.pool import ExtractionPool, worker_count
from crawler.scope import SiteScope
from crawler.startup import open_run
from store.runs import parse_partition

ERROR_STATUSES = list(range(400, 600))
REQUEST_KINDS = {"parse_page": "html", "parse_file": "files", "parse_robots": "robots",
                 "parse_sitemap": "sitemaps", "parse_probe": "probe", "parse_api": "api"}   # as benchmarks count them


class PortalSpider(scrapy.Spider):
    name = "portal"
    scope_class = SiteScope      # which URLs are the site's (crawler.scope): override in a subclass

    def __init__(self, cvegeo: str | None = None, run_id: str | None = None, label: str = "",
                 partition: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cvegeos = [c.strip() for c in cvegeo.split(",")] if cvegeo else None
        self.run_id = int(run_id) if run_id else None
        self.partition = parse_partition(partition)    # "i/n": this worker's share of the run (Scrapyd)
        self.label = label
        self.sites: dict[int, SiteState] = {}
        self._lock: ExitStack | None = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.frontier = Frontier(Limits.from_settings(spider.settings), cls.scope_class())
        spider.decider = load_decider(spider.settings)   # which kinds a verdict still wants (crawler.decider)
        workers = worker_count(spider.settings.getint("MUNIAUDIT_EXTRACT_WORKERS"), os.cpu_count())
        spider.pool = ExtractionPool(workers)
        if spider.settings.getbool("MUNIAUDIT_EXTRACT"):
            spider.pool.start()      # the workers start while the engine does (crawler.pool.ExtractionPool.start)
        registrable_domain("municipio.gob.mx")   # the public-suffix list, read once before the first page needs it
        crawler.signals.connect(spider.headers_received, signal=signals.headers_received)
        return spider

    @classmethod
    def update_settings(cls, settings):
        super().update_settings(settings)
        render.apply_browser_settings(settings)

    async def start(self):
        self.run_id, specs, self._lock = open_run(self.settings.get("MUNIAUDIT_DB"), self.run_id, self.cvegeos,
                                                  self.label, self.partition)
        self.logger.info("run %s: %d sites to crawl", self.run_id, len(specs))
        self.crawler.stats.set_value("muniaudit/sites", len(specs))
        for spec in specs:
            try:
                state = self.sites[spec.site_crawl_id] = SiteState.of(spec)
                probe = urljoin(spec.start_url, f"/muniaudit-probe-{secrets.token_hex(6)}")
                # the probe goes out with the home page and robots.txt (one round trip, not two, per site);
                # the site's other pages wait for it (SiteState.awaiting_probe), as they are judged by it
                state.awaiting_probe = True
                yield self._request(state, probe, self.parse_probe, depth=0, priority=1000, dont_retry=True,
                                    probe=True)
                for request in self.start_site(state):
                    yield request
            except ValueError as exc:   # an address no parser accepts: this site fails, the others go on
                self.sites.pop(spec.site_crawl_id, None)
                yield fr.invalid_site_item(spec, exc)

    def _request(self, state: SiteState, url: str, callback, depth: int, priority: int = 0,
                 method: str = "GET", counted: bool = False, **meta) -> scrapy.Request:
        """A request of the site, counted as outstanding (unless the frontier already counted it)."""
        if not counted:
            fr.schedule(state, "rendered" if meta.get("playwright") else REQUEST_KINDS[callback.__name__])
        return scrapy.Request(
            url, callback=callback, errback=self.on_error, method=method, dont_filter=True, priority=priority,
            # one download slot per site: politeness limits apply to the site, its subdomains included
            meta={"site": state.spec.site_crawl_id, "depth_": depth, "handle_httpstatus_list": ERROR_STATUSES,
                  "download_slot": f"site-{state.spec.site_crawl_id}", **meta},
        )

    def _to_request(self, state: SiteState, decision: PageFetch | FileProbe) -> scrapy.Request:
        """A frontier decision (already counted) as a Scrapy request."""
        if isinstance(decision, PageFetch):
            return self._request(state, decision.url, self.parse_page, decision.depth, priority=decision.priority,
                                 counted=True, page="page", template=decision.template)
        if not decision.sample:
            return self._request(state, decision.url, self.parse_file, decision.depth, priority=-10, method="HEAD",
                                 counted=True, head=True)
        size = self.settings.getint("MUNIAUDIT_SAMPLE_BYTES")
        request = self._request(state, decision.url, self.parse_file, decision.depth, priority=-10, counted=True,
                                sample=True, download_maxsize=max(size * 8, 64 * 1024))
        request.headers["Range"] = files.range_header(size)
        return request

    def headers_received(self, headers, body_length, request, spider=None) -> None:
        """A page link that turns out to be a binary file: keep the headers, never pull the body."""
        if request.meta.get("page") and not request.meta.get("playwright"):
            if files.is_file_content_type((headers.get(b"Content-Type") or b"").decode("latin-1")):
                raise StopDownload(fail=False)

    # -- callbacks ---------------------------------------------------------------------------------------

    def parse_probe(self, response):
        """A random path: if the site answers 200 with a page, remember it to recognise soft 404s."""
        state = self._state(response)
        if response.status == 200 and isinstance(response, TextResponse):
            state.probe_fingerprint = faults.fingerprint(response.text)
            state.fault("soft_404_site")
        state.awaiting_probe = False
        yield from self._settle(state)

    def start_site(self, state: SiteState):
        """The site's first requests (after the soft-404 probe): its home page and robots.txt."""
        state.seen.add(links.clean_url(state.spec.start_url))
        yield self._request(state, state.spec.start_url, self.parse_page, depth=0, priority=900, page="home")
        yield self._request(state, robots.robots_url(state.spec.start_url), self.parse_robots, depth=0,
                            priority=850, dont_obey_robotstxt=True)

    async def parse_page(self, response):
        state = self._state(response)
        is_home = response.meta.get("page") == "home" and not state.home_url
        try:
            async for item in self._handle_page(state, response, response.meta["depth_"], is_home):
                yield item
        except Exception as exc:  # a hostile page must not stop the crawl: record and go on
            self.logger.exception("internal error on %s", response.url)
            state.fault("internal_error")
            state.home_error = state.home_error or f"internal_error: {exc!r}"[:300]
        for item in self._settle(state):
            yield item

    async def _handle_page(self, state: SiteState, response, depth: int, is_home: bool):
        render_mode = "browser" if response.meta.get("playwright") else "http"
        if render_mode == "browser":
            state.render_seconds += response.meta.get("download_latency", 0.0)
        if is_home:
            fr.note_home(state, response.url, response.meta.get("redirect_urls", []))
        fr.note_tls(state, urlsplit(response.url).netloc, response.meta.get("tls_invalid"))
        if not isinstance(response, TextResponse) or not faults.is_html(response):
            item = files.file_item(state.spec.site_crawl_id, response, depth, state.fault)
            yield item
            if is_home:
                state.home_outcome = "ok"
            self._learn(state, item, home_read=is_home)
            return
        text, encoding_fault = faults.decode(response)
        # the hash is of the body as served (content-encoding undone), so it matches the archived record
        response.meta["body_sha256"] = hashlib.sha256(response.body).hexdigest()
        if text is not response.text:
            response = response.replace(body=text.encode("utf-8"), encoding="utf-8")
        fault = faults.page_fault(text, response.status, state.probe_fingerprint,
                                  check_soft_404=not is_home and render_mode == "http")
        for kind in filter(None, (fault, encoding_fault)):
            state.fault(kind)
        if is_home:
            state.home_outcome, state.home_error = faults.home_outcome(response.status, fault), fault
        if fault in ("blocked", "soft_404") or response.status >= 400:
            item = page_item(state.spec.site_crawl_id, response, depth, render_mode, fault)
            yield item
            self._learn(state, item, home_read=is_home or bool(response.meta.get("render_of_home")))
            return
        reading = None
        if self.settings.getbool("MUNIAUDIT_EXTRACT"):
            # one parse, in a worker, for the signals, the links and the title (crawler.pool.read_page)
            ctx = state.page_context(response.url, is_home or bool(response.meta.get("render_of_home")), depth)
            reading = await self.pool.read(text, ctx, faults.first_headers(response), links.base_url(response),
                                           is_home)
            if reading is None:   # a hostile page must not stop the crawl (logged by the pool)
                state.fault("extraction_error")
        found = reading.links if reading else self._page_links(response, text, is_home)
        extraction = reading.extraction if reading else Extraction()
        home_read = is_home or bool(response.meta.get("render_of_home"))   # on_home signals are all in
        if render_mode == "http":
            # a home page with no way to the rest of its site is navigated with JavaScript; elsewhere it is a leaf
            own = links.own_page_links(found, state.keys) if is_home else None
            reason = faults.needs_rendering(text, len(found), own)
            if reason:
                state.fault(reason)
                meta = render.take_render_meta(state, response.url, self.settings)
                if meta is None:
                    render_mode = "needs_render"
                else:
                    home_read = False     # its rendering still has to be read
                    yield self._request(state, response.url, self.parse_page, depth, priority=800, page="rendered",
                                        render_of_home=is_home, **meta)
        item = page_item(state.spec.site_crawl_id, response, depth, render_mode,
                         fault or encoding_fault or faults.tls_fault(response),
                         title=reading.title if reading else None)
        if self.settings.getbool("MUNIAUDIT_PLATFORM_APIS"):
            for url in apis.seed_requests(state, extraction.signals, lambda u: self.frontier.in_scope(state, u)):
                yield self._request(state, url, self.parse_api, depth=1, priority=700, dont_retry=True)
        role = extraction.page.get("role", "") if extraction.page else ""
        if extraction.page:
            item.role = role
            item.role_detail = {k: v for k, v in extraction.page.items() if k not in ("url", "role")}
        self._learn(state, item, state.evidence.add_signals(extraction.signals), response.meta.get("template"),
                    home_read)
        # what the page is decides what its links are worth: the body of a news listing leads to posts
        self.frontier.follow(state, found, depth, role)
        for decision in self.frontier.pump(state):
            yield self._to_request(state, decision)
        yield item
        if extraction.signals or extraction.diagnostics:
            yield SignalsItem(state.spec.site_crawl_id, extraction.signals, extraction.diagnostics)

    @staticmethod
    def _page_links(response, text: str, is_home: bool) -> list[Outlink]:
        """The links to follow, read here in the reactor's process: when no worker read the page."""
        found = links.page_links(response, is_home)
        for target in faults.js_targets(text):
            append_joined(found, response.url, target, "js-handler", "js_loader")
        return found

    def _learn(self, state: SiteState, item: PageItem, new: list[Signal] | None = None, template: str | None = None,
               home_read: bool = False) -> None:
        """What a page (`new`: the signals it added) tells the frontier (Frontier.learn)."""
        self.frontier.learn(state, (item.url, item.final_url), item.facts(), new or [], template, home_read,
                            self.decider)

    def parse_robots(self, response):
        """robots.txt as evidence (status, whether it shuts the site out) and as the way to the sitemaps."""
        state = self._state(response)
        try:
            is_text = response.status == 200 and isinstance(response, TextResponse) and not faults.is_html(response)
            state.robots, sitemaps = robots.read_robots(
                response.url, response.status, response.text if is_text else None, self.frontier.scope_of(state),
                state.spec.start_url, self.settings.get("USER_AGENT"))
            for url in sitemaps if not state.stop else ():
                yield from self._sitemap_request(state, url)
        finally:
            yield from self._settle(state)

    def _sitemap_request(self, state: SiteState, url: str):
        if fr.take_sitemap(state, self.settings.getint("MUNIAUDIT_SITEMAP_FILES")):
            yield self._request(state, url, self.parse_sitemap, depth=1, priority=800, dont_retry=True,
                            download_maxsize=self.settings.getint("MUNIAUDIT_SITEMAP_MAXSIZE"))

    def parse_sitemap(self, response):
        """Sitemap URLs join the frontier (as depth-1 links); the newest <lastmod> is kept as a site fact."""
        state = self._state(response)
        try:
            if response.status == 200:
                reading = robots.read_sitemap(response.body, self.frontier.scope_of(state), state.sitemap,
                                              self.settings.getint("MUNIAUDIT_SITEMAP_URLS"),
                                              self.settings.getint("MUNIAUDIT_SITEMAP_MAXSIZE"))
                if reading.fault:
                    state.fault(reading.fault)
                for url in reading.children:
                    yield from self._sitemap_request(state, url)
                self.frontier.follow(state, reading.pages, depth=0)
        finally:
            yield from self._settle(state)

    def parse_api(self, response):
        """A platform's API answer (crawler.apis): its signals, and the site pages it names join the frontier."""
        state = self._state(response)
        try:
            items, pages = apis.read_answer(state, response)
            yield from items
            self.frontier.add_seeds(state, pages, "platform_api")
        finally:
            yield from self._settle(state)

    def parse_file(self, response):
        state = self._state(response)
        try:
            if response.meta.get("head") and response.status in files.HEAD_REFUSED:   # tiny ranged GET instead
                yield self._to_request(state, self.frontier.file_probe(
                    state, response.request.url, response.meta["depth_"], sample=True))
            else:
                fr.note_tls(state, urlsplit(response.url).netloc, response.meta.get("tls_invalid"))
                item = files.file_item(state.spec.site_crawl_id, response, response.meta["depth_"], state.fault)
                yield item
                dated = files.update_signal(item)
                if dated is not None:
                    yield SignalsItem(state.spec.site_crawl_id, [dated])
                self._learn(state, item, state.evidence.add_signals([dated] if dated else []))
        finally:
            yield from self._settle(state)

    def on_error(self, failure):
        request = failure.request
        state = self.sites[request.meta["site"]]
        kind = faults.failure_kind(failure.value)
        if kind == "dns_error" and refused_address(urlsplit(request.url).hostname):
            kind = "forbidden_address"      # refused by the resolver's guard (DNS rebinding), not a dead name
        fr.note_failure(state, request.url, kind, failure.getErrorMessage(), request.meta.get("page") == "home",
                        bool(request.meta.get("playwright")))
        if request.meta.get("host_unresponsive") and request.callback in (self.parse_page, self.parse_file):
            fr.note_silent_host(state, request.url)   # its host stopped answering: ask it for nothing more
        if request.callback in (self.parse_page, self.parse_file):
            item = failed_page_item(state.spec.site_crawl_id, request, kind)
            yield item
            self._learn(state, item, home_read=bool(request.meta.get("render_of_home")))
        if request.callback == self.parse_probe:
            state.awaiting_probe = False         # the probe failed (e.g. timeout): pages are judged without it
        yield from self._settle(state)

    def _state(self, response) -> SiteState:
        """The site a response belongs to; its hosts answer (crawler.frontier.note_answer)."""
        state = self.sites[response.meta["site"]]
        fr.note_answer(state, response.url, response.request.url)
        return state

    def _settle(self, state: SiteState):
        released, finished = self.frontier.settle(state)
        for decision in released:
            yield self._to_request(state, decision)
        if finished:
            yield state.done_item()
            state.evidence.release()      # a national run keeps 2,478 finished sites: only their outcome stays

    def closed(self, reason: str) -> None:
        self.pool.close()
        if self._lock is not None:
            self._lock.close()
