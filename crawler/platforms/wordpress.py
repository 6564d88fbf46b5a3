"""WordPress: generator meta, /wp-content/ assets, the REST API link; its REST page list finds the pages a
menu hides (proposed as sections, confirmed by their target page like every other proposal)."""
from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

from crawler.extract import keywords, urls
from crawler.extract.dom import Page
from crawler.extract.grading import CANDIDATE, grade
from crawler.extract.platform import generator_says, serves_own
from crawler.extract.text import fold, squash
from crawler.extract.types import Extraction, PageContext, Signal
from crawler.platforms import Platform, api_page

NAME = "wordpress"
_GENERATOR = re.compile(r"wordpress", re.I)
_OWN_PATHS = ("/wp-content/themes/", "/wp-content/plugins/", "/wp-includes/", "/wp-json")
PAGES_ENDPOINT = "wp-json/wp/v2/pages"
# A page the REST list names is a proposal: less sure than a link in the site's menu (0.85 there).
API_CONFIDENCE = 0.6
_TAGS = re.compile(r"<[^>]+>")


def fingerprint(page: Page) -> bool:
    if generator_says(page, _GENERATOR) or serves_own(page, _OWN_PATHS):
        return True
    for link in page.find_all("link"):
        if "rel" in link.attrib and "https://api.w.org/" in link.get("rel").split() \
                and page.is_own(page.resolve(link.get("href"))):
            return True
    return False


def answers(url: str) -> bool:
    return urlsplit(url).path.rstrip("/").endswith("/" + PAGES_ENDPOINT)


def pages(url: str, data: Any, ctx: PageContext) -> Extraction:
    """Open-data and transparency pages from the REST page list, as candidates; every page is offered to the
    crawl to fetch, so the candidates can be confirmed (or rejected) by what they are."""
    if not isinstance(data, list):
        raise TypeError("the WordPress page list is not a JSON array")
    signals, follow = [], []
    for item in data[:1000]:
        if not isinstance(item, dict):
            continue
        link = item.get("link")
        if not isinstance(link, str) or urls.href_scheme(link) not in ("http", "https"):
            continue
        link = urls.without_fragment(link)
        if not urls.is_same_site(link, ctx.site_hosts):
            continue      # a page list names the site's own pages; anything else is not trusted
        follow.append(link)
        title = _title(item)
        kind = _section_kind(title, link)
        if kind:
            data_fields: dict[str, Any] = {"label": title[:120], "external": False, "via": "wordpress_rest",
                                           "placement": "content/platform_api", "source_role": "api"}
            if kind == "open_data_section":
                data_fields.update(portal=None, depth=1)
            else:
                data_fields["target"] = "site"
            grade(data_fields, CANDIDATE, API_CONFIDENCE, "platform_api")
            signals.append(Signal(kind, link, url, False, data_fields, title[:120]))
    return Extraction(signals=signals, page=api_page(url, NAME, follow))


def _title(item: dict[str, Any]) -> str:
    title = item.get("title")
    rendered = title.get("rendered") if isinstance(title, dict) else title
    return squash(html.unescape(_TAGS.sub(" ", rendered))) if isinstance(rendered, str) else ""


def _section_kind(title: str, link: str) -> str:
    """The section a page's title (or address) names: open data first, then legal-obligation transparency."""
    words = fold(title) + " " + fold(urlsplit(link).path.replace("-", " ").replace("/", " "))
    if keywords.OPEN_DATA.search(words) or keywords.OPEN_DATA_URL.search(words):
        return "open_data_section"
    if keywords.TRANSPARENCY.search(words) or keywords.TRANSPARENCY_URL.search(words):
        return "transparency_section"
    return ""


PLATFORM = Platform(NAME, fingerprint, seeds=(PAGES_ENDPOINT + "?per_page=100",), answers=answers, extract=pages,
                    description="WordPress CMS; REST page list")
