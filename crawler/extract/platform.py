"""CMS / stack fingerprint (platform) from the site's own markup.

The fingerprints themselves live in the platform plug-ins (crawler.platforms, one module per platform); this
module holds the pieces of markup they read (generator meta, assets served by the site itself, attributes) and
emits one `platform` signal per platform the page proves.
"""
from __future__ import annotations

import re

from crawler.extract import urls
from crawler.extract.dom import Page, class_names
from crawler.extract.registry import as_extraction, extractor
from crawler.extract.types import Extraction, Signal

KIND = "platform"
_GENERATOR_NAME = re.compile("^generator$", re.I)


def detect(page: Page) -> list[str]:
    """Platform names this page's own markup proves (every plug-in's fingerprint), sorted."""
    from crawler.platforms import detect as detect_platforms

    return detect_platforms(page)


def generator_says(page: Page, pattern: re.Pattern[str]) -> bool:
    """A <meta name="generator"> of the page names the platform."""
    return any(pattern.search(content) for content in _generators(page))


def _generators(page: Page) -> list[str]:
    return page.memo("platform.generators", lambda: [meta.get("content") or "" for meta in page.find_all("meta")
                                                     if matches(meta, "name", _GENERATOR_NAME)])


def serves_own(page: Page, paths: tuple[str, ...]) -> bool:
    """A script or stylesheet the site serves from its own host lives under one of `paths`."""
    assets = page.memo("platform.own_assets", lambda: _own_asset_urls(page))
    return any(p in a for a in assets for p in paths)


def _own_asset_urls(page: Page) -> list[str]:
    """Resolved URLs of scripts, styles and api links that are served by the site itself."""
    found = []
    for tag, attr in (("script", "src"), ("link", "href")):
        for el in page.find_all(tag):
            if attr not in el.attrib:
                continue
            url = page.resolve(el.get(attr))
            if url and page.is_own(url):
                found.append(url.lower())
    return found


def has_attribute(page: Page, name: str) -> bool:
    """Some element of the page carries the attribute."""
    return bool(page.index.with_attribute(name))


def html_attributes(page: Page) -> str:
    """The <html> element's attributes as 'name=value' text."""
    html = page.find("html")
    return " ".join(f"{k}={v}" for k, v in (html.attrib if html is not None else {}).items())


def body_classes(page: Page) -> str:
    body = page.find("body")
    return class_names(body) if body is not None else ""


def links_to(page: Page, pattern: re.Pattern[str]) -> bool:
    """Some <a href> matches the pattern."""
    return any(pattern.search(href) for href in _hrefs(page, anchors=True))


def any_href(page: Page, pattern: re.Pattern[str]) -> bool:
    """Some element's href matches the pattern."""
    return any(pattern.search(href) for href in _hrefs(page, anchors=False))


def _hrefs(page: Page, anchors: bool) -> list[str]:
    """href values of the page's <a> elements (or of all elements), read once for every fingerprint."""
    return page.memo(("platform.hrefs", anchors), lambda: [
        el.get("href") for el in page.index.with_attribute("href") if not anchors or el.tag == "a"])


def matches(el, attr: str, pattern: re.Pattern[str]) -> bool:
    """The element's (single-valued) attribute is present and the pattern is found in it."""
    value = el.get(attr)
    return isinstance(value, str) and pattern.search(value) is not None


def extract(page: Page) -> list[Signal]:
    """One platform signal per detected name."""
    return [Signal(KIND, urls.without_fragment(page.ctx.url), page.ctx.url, page.ctx.is_home,
                   {"name": name, "identity": f"platform:{name}"}, name) for name in detect(page)]


@extractor("platform", order=130, kinds=(KIND,))
def page_platform(page: Page) -> Extraction:
    """The CMS or application the page's own markup proves (crawler.platforms fingerprints)."""
    return as_extraction(extract(page))
