"""What a site's platform offers for free (crawler.platforms), wired into the crawl.

Once a page of a site shows a platform (a `platform` signal: WordPress, CKAN...), the platform's API seeds are
asked once per site — WordPress's REST page list, CKAN's package_search — and each answer gives signals (CKAN's
datasets with their declared formats and modification dates) and the site pages it names, which join the
frontier like links of the home page, so a section the menu hides is still confirmed by its own page.
Pure functions of the site state and a response; the spider only turns them into requests and items.
"""
from __future__ import annotations

from collections.abc import Iterable

from crawler import links, platforms
from crawler.extract.types import Signal
from crawler.frontier import SiteState
from crawler.items import SignalsItem


def take_platforms(state: SiteState, names: Iterable[str]) -> list[str]:
    """Platforms seen on this site for the first time (their seeds are asked once per site)."""
    new = sorted({n for n in names if isinstance(n, str) and n} - state.platforms)
    state.platforms.update(new)
    return new


def seed_requests(state: SiteState, signals: Iterable[Signal], in_scope) -> list[str]:
    """The API URLs to ask now: seeds of the platforms this page revealed, on the site, not asked before."""
    names = take_platforms(state, (s.data.get("name") for s in signals if s.kind == "platform"))
    urls = []
    for url in platforms.seed_urls(names, state.home_url or state.spec.start_url):
        clean = links.clean_url(url)
        if clean not in state.seen and in_scope(url):
            state.seen.add(clean)
            urls.append(url)
    return urls


def read_answer(state: SiteState, response) -> tuple[list[SignalsItem], list[str]]:
    """An API answer: the items to store (signals, or a diagnostic when it could not be read) and the site pages it
    names. An error status or an answer no platform claims gives nothing (a missing API is not a finding)."""
    if response.status != 200:
        state.skipped["platform_api_" + str(response.status)] += 1
        return [], []
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    extraction = platforms.extract_api(response.url, response.body, content_type,
                                       state.page_context(response.url, False, 1))
    if extraction is None:
        return [], []
    items = []
    if extraction.signals or extraction.diagnostics:
        items.append(SignalsItem(state.spec.site_crawl_id, extraction.signals, extraction.diagnostics))
    return items, list((extraction.page or {}).get("follow") or [])
