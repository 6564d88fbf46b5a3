"""The links a crawler follows from a page, and the page's title, read from its lxml tree.

Pure (no Scrapy), so an extraction worker computes them from the tree it parsed for the signals: a page is
parsed once, off the reactor (crawler.pool.read_page). crawler.links reads a Scrapy response the same way
when no worker reads the page.
"""
from __future__ import annotations

from urllib.parse import urljoin

from lxml import etree

from crawler.extract.limits import MAX_LINKS_PER_PAGE
from crawler.extract.placement import placement_of

Outlink = tuple[str, str, str]      # (absolute URL, link text + title, placement region)

_STRING_VALUE = etree.XPath("string(.)")   # an element's text as XPath reads it (all descendant text)


def followable_links(root: etree._Element | None, base: str, is_home: bool = False,
                     said: dict | None = None) -> list[Outlink]:
    """(absolute URL, link text + title, placement region) for a, area, frame and iframe targets; hrefs resolved
    against `base` (the page's <base href>, else its URL) like a browser. The region (menu, footer,
    article_body, teaser...) orders the frontier. `said`: the ancestors' verdicts already read on this tree
    (crawler.extract.placement; a Page shares its own)."""
    found: list[Outlink] = []
    if root is None:   # not HTML, or unparsable markup: nothing to follow, recorded by the page item
        return found
    said = {} if said is None else said
    for n, node in enumerate(root.iter("a", "area")):
        if n >= MAX_LINKS_PER_PAGE:     # a page of tens of thousands of links: the rest are not followed
            break
        href = (node.get("href") or "").strip()
        if href and not href.startswith(("#", "javascript:", "mailto:", "tel:")):
            label = " ".join(f"{_STRING_VALUE(node)} {node.get('title', '')}".split())
            region = placement_of(node, is_home, cache=said).region
            append_joined(found, base, href, label[:200], region)
    for node in root.iter("frame", "iframe"):
        if node.get("src") is not None:
            append_joined(found, base, node.get("src").strip(), "frame", "frame")
    return found


def append_joined(found: list[Outlink], base: str, href: str, label: str, region: str = "") -> None:
    """Append (absolute URL, label, region) unless the href cannot be joined ('//[::1'): skip it, not the rest
    of the page."""
    try:
        url = urljoin(base, href)
    except ValueError:
        return
    found.append((url, label, region))


def title_of(root: etree._Element | None) -> str:
    """The page's <title> as one line of text ('' when there is none)."""
    title = root.find(".//title") if root is not None else None
    return " ".join((title.text or "").split()) if title is not None else ""
