"""Which URLs are in a site's scope, decided in one overridable method (as Scrapy's OffsiteMiddleware decides
in `should_follow`): used by the frontier for the links it queues and by the downloader middleware below for
redirects, which are re-scheduled requests that never pass through the frontier."""
from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request

from crawler import links

if TYPE_CHECKING:
    from crawler.frontier import SiteState


class OffsiteRedirect(IgnoreRequest):
    """A redirect (HTTP or meta refresh) from a site page to another host: recorded, never followed."""


class SiteScope:
    """A site is its registered hosts (www or not) and their subdomains; the home page may move, and its final
    host then joins the site (crawler.frontier.SiteState.adopt_host). Subclass and override `should_follow`
    for another rule, and give the subclass to the spider as `scope_class`."""

    def should_follow(self, url: str, state: SiteState) -> bool:
        """Is this URL one of the site's pages?"""
        return links.is_same_site(url, state.keys)


class SiteScopeMiddleware:
    """Downloader middleware: a redirect of a site page that leaves the site's scope is recorded as an external
    link and dropped with OffsiteRedirect (so the request's errback still settles the site). The home page and
    the soft-404 probe may go anywhere: where the home page lands is the site."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request, spider=None) -> None:
        from crawler.frontier import note_external

        spider = self.crawler.spider
        if not request.meta.get("redirect_urls") or request.meta.get("page") == "home" or request.meta.get("probe"):
            return None
        state = getattr(spider, "sites", {}).get(request.meta.get("site"))
        scope = getattr(getattr(spider, "frontier", None), "scope", None)
        if state is None or scope is None or scope.should_follow(request.url, state):
            return None
        note_external(state, request.url)
        raise OffsiteRedirect(f"redirect to another host: {request.url}")
