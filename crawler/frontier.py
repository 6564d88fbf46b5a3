"""A site's crawl state and every decision about it, with no Scrapy and no network: tested in-process.

Per site, links wait in a priority frontier (transparency, open data, participation... first) and are released a
few at a time, so the page budget is spent on the best links found so far, not on the first ones found. Every
scheduled request is counted in `outstanding` and must end in a callback or errback that calls `settle`; when a
site has nothing outstanding and nothing left to release, it is finished and `outcome` says how it went.

Evidence-directed (docs/crawling.md): posts and archives are never released; pages of one template found in
content (/tramites/tramite-3.html, ?view=article&id=12) are sampled, and the rest of the template is read only
once a sample added evidence a verdict can still use (`note_yield`); data files are probed only while a
criterion still wants their dates; a site whose every automatic criterion is decided stops (`close`).

The decisions are plain values (`PageFetch`, `FileProbe`): the spider turns them into Scrapy requests.
"""
from __future__ import annotations

import heapq
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from itertools import count
from urllib.parse import urlsplit

from crawler import links
from crawler.decider import Decider, SiteEvidence
from crawler.extract.dates import KIND as DATE_KIND
from crawler.extract.ownership import Owner
from crawler.extract.roles import HOME
from crawler.extract.types import PageContext
from crawler.items import SiteDoneItem
from crawler.scope import SiteScope
from store.runs import SiteSpec
from store.status import CrawlStatus

LIST_CAP = 50                                   # bounded lists in site facts
SEED_REGION = "seed"                            # the placement given to extra seed URLs (platforms, sitemaps...)


@dataclass(frozen=True)
class Limits:
    """The per-site budgets and switches the frontier obeys (MUNIAUDIT_* settings, see crawler/settings.py)."""

    page_budget: int = 300
    file_budget: int = 150
    window: int = 4                   # page requests in flight per site
    max_depth: int = 6
    query_variants: int = 5           # distinct query strings per path before it is a trap
    probe_documents: bool = False     # also probe PDFs, office documents, images
    evidence_directed: bool = True    # never release links that cannot carry evidence
    template_sample: int = 2          # pages of one content template read before the rest waits for a yield

    @classmethod
    def from_settings(cls, settings) -> Limits:
        return cls(page_budget=settings.getint("MUNIAUDIT_PAGE_BUDGET"),
                   file_budget=settings.getint("MUNIAUDIT_FILE_BUDGET"),
                   window=settings.getint("MUNIAUDIT_SITE_WINDOW"),
                   max_depth=settings.getint("MUNIAUDIT_MAX_DEPTH"),
                   query_variants=settings.getint("MUNIAUDIT_QUERY_VARIANTS"),
                   probe_documents=settings.getbool("MUNIAUDIT_PROBE_DOCUMENTS"),
                   evidence_directed=settings.getbool("MUNIAUDIT_EVIDENCE_DIRECTED"),
                   template_sample=settings.getint("MUNIAUDIT_TEMPLATE_SAMPLE"))


@dataclass(frozen=True)
class PageFetch:
    """Fetch this page next (the spider makes it a GET to its page callback)."""

    url: str
    depth: int
    priority: int
    template: str | None = None       # the content template it was sampled from (note_yield), if any


@dataclass(frozen=True)
class FileProbe:
    """Look at this file without downloading it: a ranged GET of its first bytes (`sample`) or a HEAD."""

    url: str
    depth: int
    sample: bool


@dataclass(order=True)
class Candidate:
    sort_key: tuple[int, int]           # (-priority, arrival order): heapq pops the best, first come first
    url: str = field(compare=False)
    depth: int = field(compare=False)
    template: str | None = field(default=None, compare=False)   # None: navigation or named evidence, never held


@dataclass
class Template:
    """Pages of one content template (links.template_key): how many were read, how many added evidence, and
    the rest, held until one does."""

    released: int = 0
    yielded: int = 0
    held: list[Candidate] = field(default_factory=list)


@dataclass
class SiteState:
    """Per-site bookkeeping, from the first request to the site's outcome."""

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
    silent_hosts: set[str] = field(default_factory=set)        # hosts that stopped answering (note_silent_host)
    robots: dict = field(default_factory=dict)
    sitemap: dict = field(default_factory=lambda: {"files": 0, "urls": 0, "latest_lastmod": None})
    probe_fingerprint: str | None = None
    home_url: str | None = None
    home_redirects: list[str] = field(default_factory=list)
    home_outcome: str | None = None      # ok | unreachable | blocked | forbidden | robots
    home_error: str | None = None
    robots_disallowed: list[str] = field(default_factory=list)
    pending_files: list[FileProbe] = field(default_factory=list)   # data-file probes waiting for pump
    templates: dict[str, Template] = field(default_factory=dict)
    evidence: SiteEvidence = field(default_factory=SiteEvidence)  # signals so far, kinds still wanted
    stop: str | None = None                                       # why the frontier was closed early ("decided")
    awaiting_probe: bool = False      # the soft-404 probe has not answered: no page is released before it does
    requests: Counter = field(default_factory=Counter)   # scheduled requests by kind (html, files, ...)
    seeds: Counter = field(default_factory=Counter)       # extra seed URLs added, by reason
    platforms: set[str] = field(default_factory=set)      # platforms whose API seeds were asked (crawler.apis)
    done: bool = False

    @classmethod
    def of(cls, spec: SiteSpec) -> SiteState:
        """A fresh state: the site is its registered address and its extra addresses (and their subdomains)."""
        return cls(spec, frozenset(links.host_key(u) for u in (spec.start_url, *spec.extra_urls)))

    @cached_property
    def owner(self) -> Owner:
        """Who the site belongs to, for ownership decisions in extraction."""
        spec = self.spec
        return Owner.of(spec.name, spec.state, (spec.start_url, *spec.extra_urls), spec.known_accounts)

    def fault(self, kind: str) -> None:
        self.faults[kind] += 1

    def adopt_host(self, url: str) -> None:
        """The home page moved (www/bare, http/https, a new domain): its final host is the site's too."""
        self.keys = self.keys | {links.host_key(url)}

    def page_context(self, url: str, is_home: bool, depth: int) -> PageContext:
        """What extraction needs to know about a page of this site."""
        return PageContext(url=url, site_hosts=frozenset(k.split(":")[0] for k in self.keys), is_home=is_home,
                           depth=depth, owner=self.owner)

    def done_item(self) -> SiteDoneItem:
        """The site's outcome, handed to the store pipeline."""
        return SiteDoneItem(self.spec.site_crawl_id, site_status(self), self.pages + 1, len(self.needing_render),
                            self.rendered, self.home_error, site_facts(self))


def schedule(state: SiteState, kind: str) -> None:
    """Count one more request that must end in `settle` (kind: html, rendered, files, robots, sitemaps, probe,
    api)."""
    state.outstanding += 1
    state.requests[kind] += 1


class Frontier:
    """The decisions of a crawl, for all its sites: which links to keep, in what order, within which budgets."""

    def __init__(self, limits: Limits, scope: SiteScope | None = None) -> None:
        self.limits = limits
        self.scope = scope or SiteScope()
        self._arrival = count()     # ties in priority go first come, first served

    def follow(self, state: SiteState, page_links: list[tuple[str, str, str]], depth: int, role: str = "") -> None:
        """Sort a page's links (URL, text, placement region): files are queued for a probe, external links recorded,
        site pages queued by priority (and by whether they could lead to evidence, given where they sit and
        what the page is). A closed site (`close`) takes nothing more."""
        if state.stop:
            state.skipped[state.stop] += len(page_links)
            return
        collections = page_collections(page_links, home=role == HOME)
        for url, text, region in page_links:
            try:
                self._follow_one(state, url, text, depth, region, role, collections)
            except ValueError:   # "http://host:99999/", "http://host:abc/": no browser could open it either
                state.skipped["invalid_url"] += 1

    def in_scope(self, state: SiteState, url: str) -> bool:
        """Is this URL one of the site's pages (crawler.scope)?"""
        return self.scope.should_follow(url, state)

    def scope_of(self, state: SiteState):
        """`in_scope` for one site, as a function of the URL."""
        return lambda url: self.in_scope(state, url)

    def add_seeds(self, state: SiteState, urls: list[str], reason: str) -> None:
        """Extra ways into the site (a platform's API or page list, a sitemap...): queued like links found on the
        home page, ranked by their words; `reason` names where they came from (counted in `state.seeds`)."""
        before = len(state.seen)
        self.follow(state, [(url, reason, SEED_REGION) for url in urls], depth=0)
        state.seeds[reason] += len(state.seen) - before

    def _follow_one(self, state: SiteState, url: str, text: str, depth: int, region: str, role: str,
                    collections: frozenset[tuple[str, str]] = frozenset()) -> None:
        if links.should_skip(url):
            return
        if not self.in_scope(state, url):
            note_external(state, url)
            return
        clean = links.clean_url(url)
        if clean in state.seen:
            return
        state.seen.add(clean)
        if links.has_session_param(url):
            state.fault("session_id_url")
        if links.is_file(clean):
            if links.extension(clean) not in links.DATA_FILE_EXTENSIONS and not self.limits.probe_documents:
                state.skipped["file_not_probed"] += 1     # a document is judged by its link's extension
                return
            state.pending_files.append(FileProbe(clean, depth + 1, links.extension(clean) in
                                                 links.DATA_SAMPLE_EXTENSIONS))
            return
        if depth + 1 > self.limits.max_depth:
            state.skipped["depth"] += 1
            return
        if self.is_trap(state, clean):
            return
        prio = links.priority(url, text, region) - 5 * depth
        queue = state.frontier if links.carries_evidence(url, region, role) else state.later
        template = links.template_key(clean)
        exempt = links.names_evidence(url, text) or (region in SECTION_REGIONS and (region, template) not in collections)
        heapq.heappush(queue, Candidate((-prio, next(self._arrival)), clean, depth + 1, None if exempt else template))

    def file_probe(self, state: SiteState, url: str, depth: int, sample: bool = False) -> FileProbe | None:
        """Files are never downloaded whole: HEAD for type, size and date; a small ranged GET for data files.
        A `sample` asked for explicitly (the server refused HEAD) is outside the file budget."""
        if not sample:
            if state.files >= self.limits.file_budget:
                state.skipped["file_budget"] += 1
                return None
            state.files += 1
        schedule(state, "files")
        return FileProbe(url, depth, sample or links.extension(url) in links.DATA_SAMPLE_EXTENSIONS)

    def is_trap(self, state: SiteState, url: str) -> bool:
        """A path that repeats itself, or one more variant of a query/calendar page than the site may have."""
        if links.looks_like_path_trap(url):
            state.fault("crawl_trap")
            return True
        key = links.trap_key(url)
        if urlsplit(url).query or links.looks_like_calendar(url):
            state.trap_counts[key] += 1
            if state.trap_counts[key] > self.limits.query_variants:
                state.fault("crawl_trap")
                return True
        return False

    def pump(self, state: SiteState) -> list[PageFetch | FileProbe]:
        """What to request now: the waiting data-file probes a criterion still needs (HEADs and tiny GETs bypass
        the page window), then the best pages while the site has room in its window and budget."""
        released: list[PageFetch | FileProbe] = list(self._release_files(state))
        limits = self.limits
        while not state.awaiting_probe and state.outstanding < limits.window and state.pages < limits.page_budget:
            # evidence-directed: posts and archives are never released; otherwise after everything else
            queue = state.frontier or (None if limits.evidence_directed else state.later)
            if not queue:
                break
            cand = heapq.heappop(queue)
            if skip_silent(state, cand.url):
                continue
            if self._held(state, cand):
                continue
            state.pages += 1
            schedule(state, "html")
            released.append(PageFetch(cand.url, cand.depth, -cand.sort_key[0], cand.template))
        return released

    def _release_files(self, state: SiteState):
        """Data files are probed for their dates (Last-Modified) and to confirm their format, while a criterion
        still wants dates; the format itself is read from the link."""
        while state.pending_files:
            probe = state.pending_files.pop()
            if self.limits.evidence_directed and not state.evidence.wants(PROBED_KIND):
                state.skipped["file_not_needed"] += 1
            elif skip_silent(state, probe.url):
                continue
            elif (scheduled := self.file_probe(state, probe.url, probe.depth)) is not None:
                yield scheduled

    def _held(self, state: SiteState, cand: Candidate) -> bool:
        """Hold a page of a content template once `template_sample` of its pages were read and none added
        evidence a verdict can use (released again by note_yield)."""
        if cand.template is None or not self.limits.evidence_directed:
            return False
        template = state.templates.setdefault(cand.template, Template())
        if template.yielded == 0 and template.released >= self.limits.template_sample:
            template.held.append(cand)
            return True
        template.released += 1
        return False

    def note_yield(self, state: SiteState, template: str | None, yielded: bool) -> None:
        """A page of `template` was read: when it added evidence a verdict can use, the template's held pages
        go back to the frontier."""
        if template is None or not yielded:
            return
        found = state.templates.setdefault(template, Template())
        found.yielded += 1
        for cand in found.held:
            heapq.heappush(state.frontier, cand)
        found.held.clear()

    def learn(self, state: SiteState, page_urls: tuple[str, ...], facts: dict, new: list, template: str | None,
              home_read: bool, decider: Decider | None) -> None:
        """What a page added to its site's evidence: the decider is asked again when the answer could change (a
        wanted signal, a page a wanted signal points at, the home page read), the page's template is credited
        when it added evidence a verdict still wants, and a site whose every automatic criterion is decided is
        closed."""
        evidence = state.evidence
        yielded = evidence.yielded(new)
        changed = evidence.add_page(page_urls, facts) or yielded
        if home_read and not evidence.home_read:
            evidence.home_read = changed = True
        if changed:
            evidence.decide(decider)
            if evidence.failed and not state.faults["decider_error"]:
                state.fault("decider_error")      # logged; the site goes on unsteered
        self.note_yield(state, template, yielded)
        if evidence.decided and state.stop is None and self.limits.evidence_directed:
            self.close(state, "decided")

    def close(self, state: SiteState, reason: str) -> None:
        """Stop releasing anything for this site (every automatic criterion is decided): what waited is counted
        under `reason` in skipped; requests in flight still end normally."""
        state.stop = reason
        state.skipped[reason] += len(state.frontier) + len(state.later) + len(state.pending_files) + held(state)
        state.frontier.clear()
        state.later.clear()
        state.pending_files.clear()
        state.templates.clear()

    def settle(self, state: SiteState) -> tuple[list[PageFetch | FileProbe], bool]:
        """One request of the site has ended: what to request next, and whether the site just finished (once)."""
        state.outstanding -= 1
        released = self.pump(state)
        if state.outstanding == 0 and not state.done:
            state.done = True
            state.skipped["budget"] += len(state.frontier)
            state.skipped["no_candidates"] += len(state.later)
            state.skipped["template_sampled"] += held(state)
            state.later.clear()              # counted: a finished site keeps only its outcome
            state.templates.clear()
            return released, True
        return released, False


# What a data-file probe adds that a link does not: the file's date (Last-Modified), as an update_date signal.
PROBED_KIND = DATE_KIND
# Regions whose links are the site's own offer of its sections, whatever page they are on: never sampled, unless
# they list one template many times (a sitemap lists every post, so its links are always content here).
SECTION_REGIONS = links.NAVIGATION_REGIONS - {"sitemap"}
COLLECTION_SIZE = 3     # links of one template in one region of a page: a list of items, not a menu of sections
# The home page's menus, header and footer are the site's map, even when every entry has one URL template (a
# CMS's index.php?id=N): they are sections, never a collection.
SITE_MAP_REGIONS = frozenset({"menu", "header", "footer"})


def page_collections(page_links: list[tuple[str, str, str]], home: bool = False) -> frozenset[tuple[str, str]]:
    """(region, template) pairs a page lists COLLECTION_SIZE times or more: its items (trámites, notices, a
    listing), sampled like content even when the markup puts them in a menu (but not the home page's menus)."""
    counts = Counter()
    for url, _, region in page_links:
        if home and region in SITE_MAP_REGIONS:
            continue
        try:
            counts[(region, links.template_key(url))] += 1
        except ValueError:
            continue
    return frozenset(key for key, n in counts.items() if n >= COLLECTION_SIZE)


def held(state: SiteState) -> int:
    return sum(len(t.held) for t in state.templates.values())


def note_external(state: SiteState, url: str) -> None:
    """A link off the site: counted by kind; social profiles, app stores, data portals... kept (bounded)."""
    kind = links.external_kind(url)
    state.skipped["external_" + kind] += 1
    if kind != "other":
        seen = state.external.setdefault(kind, [])
        if url not in seen and len(seen) < LIST_CAP:
            seen.append(url)


def take_render(state: SiteState, url: str, enabled: bool, max_pages: int, max_seconds: float) -> bool:
    """May this page of the site be rendered by the browser? Only when rendering is on and within the site's
    page and time budgets (a render taken is counted); a page refused is listed as needing render (bounded)."""
    if enabled and state.rendered < max_pages and state.render_seconds < max_seconds:
        state.rendered += 1
        return True
    if len(state.needing_render) < LIST_CAP:
        state.needing_render.append(url)
    return False


def take_sitemap(state: SiteState, max_files: int) -> bool:
    """May one more sitemap document of this site be read (index and children together)?"""
    if state.sitemap["files"] >= max_files:
        return False
    state.sitemap["files"] += 1
    return True


def invalid_site_item(spec: SiteSpec, exc: Exception) -> SiteDoneItem:
    """The outcome of a site whose registered address cannot be requested at all."""
    return SiteDoneItem(spec.site_crawl_id, CrawlStatus.UNREACHABLE, 0, 0, 0, f"invalid_url: {exc}"[:300],
                        {"faults": {"invalid_url": 1}, "skipped": {}, "home_url": None})


def stop_reason(state: SiteState) -> str:
    """Why the site's crawl ended: every automatic criterion decided ("decided"), the page budget with links
    still worth following ("budget"), pages left unasked on a host that stopped answering
    ("host_unresponsive"), or nothing left that could carry evidence ("no_candidates": posts, archives and
    unread pages of sampled templates may remain, counted in skipped)."""
    if state.stop:
        return state.stop
    if state.frontier:
        return "budget"
    return "host_unresponsive" if state.skipped["host_unresponsive"] else "no_candidates"


# The home page's outcome (crawler.faults.home_outcome, note_failure) -> the site's status.
HOME_OUTCOME_STATUS = {"ok": CrawlStatus.OK, "blocked": CrawlStatus.BLOCKED, "robots": CrawlStatus.BLOCKED}


def site_status(state: SiteState) -> CrawlStatus:
    """ok | partial | unreachable | blocked: the home page decides whether the site was seen at all; a site
    seen with pages left unseen (needing render, blocked, timeouts, server errors) is partial."""
    status = HOME_OUTCOME_STATUS.get(state.home_outcome or "", CrawlStatus.UNREACHABLE)
    if status == CrawlStatus.OK and (state.needing_render or state.faults.get("blocked")
                                     or any(k.startswith(("timeout", "http_5", "connection")) for k in state.faults)):
        status = CrawlStatus.PARTIAL
    return status


def site_facts(state: SiteState) -> dict:
    """What the site's crawl saw beyond its pages, stored with the site (bounded lists)."""
    return {"faults": dict(state.faults), "skipped": dict(state.skipped),
            "needing_render": state.needing_render[:LIST_CAP], "render_seconds": round(state.render_seconds, 2),
            "robots_disallowed": state.robots_disallowed[:LIST_CAP], "robots": state.robots,
            "sitemap": state.sitemap, "home_url": state.home_url, "home_redirects": state.home_redirects,
            "tls_invalid": state.tls_invalid, "external_links": state.external,
            "pages_scheduled": state.pages + 1, "files_probed": state.files,
            "requests": dict(state.requests), "stop_reason": stop_reason(state),
            "wanted_at_end": None if state.evidence.wanted is None else sorted(state.evidence.wanted),
            "decider_calls": state.evidence.asked,
            "soft_404_site": state.probe_fingerprint is not None}


def note_home(state: SiteState, url: str, redirects: list[str]) -> None:
    """The home page answered at `url` after `redirects`: its host joins the site (www/bare, http/https, a new
    domain)."""
    state.home_url = url
    state.home_redirects = list(redirects)[:10]
    state.adopt_host(url)


def note_tls(state: SiteState, netloc: str, reason: str | None) -> None:
    """A host whose certificate does not verify: recorded once per host."""
    if reason and netloc not in state.tls_invalid:
        state.tls_invalid[netloc] = reason
        state.fault("tls_invalid")


HOME_FAILURE_OUTCOMES = {"forbidden_address": "forbidden", "robots_disallowed": "robots"}


def note_silent_host(state: SiteState, url: str) -> None:
    """A page of the site failed on a host that stopped answering (crawler.middlewares.HostHealth): the site's
    other pages on that host are not asked for (counted in skipped as host_unresponsive) until it answers again."""
    host = links.server_of(url)
    if host not in state.silent_hosts:
        state.silent_hosts.add(host)
        state.fault("host_unresponsive")


def note_answer(state: SiteState, *urls: str) -> None:
    """A response came from these URLs' hosts: they answer again."""
    if state.silent_hosts:
        state.silent_hosts.difference_update(links.server_of(u) for u in urls)


def skip_silent(state: SiteState, url: str) -> bool:
    """Skip `url` if it is on a host that stopped answering: True, and counted in skipped, when it is."""
    if not state.silent_hosts or links.server_of(url) not in state.silent_hosts:
        return False
    state.skipped["host_unresponsive"] += 1
    return True


def note_failure(state: SiteState, url: str, kind: str, message: str, home: bool, rendered: bool) -> None:
    """A request that ended without a response (kind from crawler.faults.failure_kind). A failed render leaves
    the page needing render; a failed home page (before any answered) decides the site's outcome."""
    state.fault(("render_" if rendered else "") + kind)
    if rendered:
        state.needing_render.append(url)
    if home and state.home_url is None and not rendered:
        state.home_outcome = HOME_FAILURE_OUTCOMES.get(kind, "unreachable")
        state.home_error = f"{kind}: {message[:300]}"
    if kind == "robots_disallowed" and len(state.robots_disallowed) < LIST_CAP:
        state.robots_disallowed.append(url)
