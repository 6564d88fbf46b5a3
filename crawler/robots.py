"""robots.txt and sitemaps as evidence and as ways into a site: pure readers of what the spider fetched."""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urljoin

ROBOTS_TEXT_MAX = 500_000        # characters of robots.txt parsed
SITEMAPS_FROM_ROBOTS = 3


def robots_url(start_url: str) -> str:
    return urljoin(start_url, "/robots.txt")


def read_robots(url: str, status: int, text: str | None, in_scope, start_url: str,
                user_agent: str) -> tuple[dict, list[str]]:
    """(robots facts, sitemap URLs to read). `text` is None when the answer is not a robots file (an HTML page,
    a binary); `in_scope(url)` says whether a declared sitemap belongs to the site. With no sitemap declared,
    the conventional /sitemap.xml is tried."""
    facts: dict = {"url": url, "status": status}
    sitemaps: list[str] = []
    if status == 200 and text is not None:
        from protego import Protego

        parser = Protego.parse(text[:ROBOTS_TEXT_MAX])
        sitemaps = [u for u in parser.sitemaps if in_scope(u)][:SITEMAPS_FROM_ROBOTS]
        facts["sitemaps"] = sitemaps
        facts["home_allowed"] = parser.can_fetch(start_url, user_agent)
    return facts, sitemaps or [urljoin(start_url, "/sitemap.xml")]


@dataclass
class SitemapReading:
    """What one sitemap document gave: child sitemaps to read, page links (URL, text, region), a fault."""

    children: list[str] = field(default_factory=list)
    pages: list[tuple[str, str, str]] = field(default_factory=list)
    fault: str | None = None        # sitemap_too_large | sitemap_invalid (a gzip that is neither)
    invalid: bool = False           # not a sitemap at all (a soft-404 HTML page, broken XML)


def read_sitemap(body: bytes, in_scope, facts: dict, url_limit: int, max_size: int) -> SitemapReading:
    """Read a sitemap (gzipped or not) into its children and pages; `facts` (files, urls, latest_lastmod) is
    updated: URLs counted up to `url_limit` per site, the newest <lastmod> kept."""
    from scrapy.utils.gz import gunzip
    from scrapy.utils.sitemap import Sitemap

    reading = SitemapReading()
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=max_size)
        except (OSError, ValueError, EOFError) as exc:   # over the size bound, or not really gzip
            reading.fault = "sitemap_too_large" if "max" in str(exc).lower() else "sitemap_invalid"
            return reading
    try:
        sitemap = Sitemap(body)
    except Exception:  # broken XML where the sitemap should be
        sitemap = None
    if sitemap is None or sitemap.type not in ("urlset", "sitemapindex"):   # e.g. a soft-404 HTML page
        reading.invalid = True
        facts["invalid"] = facts.get("invalid", 0) + 1
        return reading
    for entry in sitemap:
        loc = entry.get("loc", "")
        if not loc or not in_scope(loc):
            continue
        if sitemap.type == "sitemapindex":
            reading.children.append(loc)
            continue
        if facts["urls"] >= url_limit:
            break
        facts["urls"] += 1
        lastmod = (entry.get("lastmod") or "")[:10]
        if lastmod and lastmod > (facts["latest_lastmod"] or ""):
            facts["latest_lastmod"] = lastmod
        reading.pages.append((loc, "sitemap", "sitemap"))
    return reading
