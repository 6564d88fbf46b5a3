"""Parse a page once and expose what the detectors share: links, headings, visible text."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from bs4 import BeautifulSoup, Tag

from crawler.extract import urls
from crawler.extract.text import fold, squash
from crawler.extract.types import PageContext

# Text inside these elements is never shown to a reader.
INVISIBLE = ("script", "style", "noscript", "template", "head", "title", "meta", "svg")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass
class Link:
    """One <a href> (or <area>) as a reader sees it."""

    el: Tag
    raw: str | None          # href as written
    url: str | None          # resolved absolute URL (None when unresolvable)
    text: str                # visible text, squashed
    hint: str                # title / aria-label / img alt / icon classes, for icon-only links

    @property
    def label(self) -> str:
        """Best human label: text, else the hint."""
        return self.text or self.hint


@dataclass
class Page:
    """A parsed HTML page plus its context."""

    ctx: PageContext
    soup: BeautifulSoup
    headers: dict[str, str] = field(default_factory=dict)

    @cached_property
    def links(self) -> list[Link]:
        """All anchors with an href attribute, in document order."""
        found = []
        for el in self.soup.find_all(["a", "area"]):
            if not el.has_attr("href"):
                continue
            raw = el.get("href")
            raw = raw if isinstance(raw, str) else " ".join(raw or [])
            found.append(Link(el, raw, urls.resolve(self.ctx.url, raw), squash(el.get_text(" ")), element_hint(el)))
        return found

    @cached_property
    def title(self) -> str:
        """Text of <title>."""
        tag = self.soup.find("title")
        return squash(tag.get_text(" ")) if tag else ""

    @cached_property
    def headings(self) -> list[str]:
        """Texts of h1..h6 in document order."""
        return [squash(h.get_text(" ")) for h in self.soup.find_all(HEADINGS)]

    @cached_property
    def main_heading(self) -> str:
        """First h1, else first heading."""
        h1 = self.soup.find("h1")
        if h1:
            return squash(h1.get_text(" "))
        return self.headings[0] if self.headings else ""

    @cached_property
    def visible_text(self) -> str:
        """Whole visible text, squashed."""
        return squash(" ".join(visible_strings(self.soup)))

    def resolve(self, raw: str | None) -> str | None:
        """Resolve an attribute value against the page URL."""
        return urls.resolve(self.ctx.url, raw)

    def is_own(self, url: str | None) -> bool:
        """True if the URL is on the municipality's own site."""
        return urls.is_same_site(url, self.ctx.site_hosts)

    def is_same_page(self, url: str | None) -> bool:
        """True if the URL points back at this page (in-page anchor)."""
        return bool(url) and urls.without_fragment(url) == urls.without_fragment(self.ctx.url)


def parse(html: str | bytes, ctx: PageContext, headers: dict[str, str] | None = None) -> Page:
    """Parse HTML with lxml; comments become Comment nodes and are never read as links."""
    soup = BeautifulSoup(html or "", "lxml")
    return Page(ctx=ctx, soup=soup, headers=normalise_headers(headers))


def normalise_headers(headers) -> dict[str, str]:
    """Lower-case str keys and values; accepts bytes and list values (as Scrapy's Headers holds them)."""
    out: dict[str, str] = {}
    for key, value in (headers or {}).items():
        if isinstance(value, (list, tuple)):
            value = value[0] if value else ""
        key = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        out[key.lower()] = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return out


def visible_strings(root: Tag):
    """Yield text nodes a reader would see (no scripts, styles or comments)."""
    from bs4 import Comment, Declaration, Doctype, ProcessingInstruction

    skipped = (Comment, Declaration, Doctype, ProcessingInstruction)
    for node in root.find_all(string=True):
        if isinstance(node, skipped):
            continue
        if any(p.name in INVISIBLE for p in node.parents if isinstance(p, Tag)):
            continue
        yield str(node)


def element_hint(el: Tag) -> str:
    """title / aria-label / img alt / icon class names of an element, for links with no text."""
    parts = [el.get("title"), el.get("aria-label")]
    classes = el.get("class") or []
    parts.append(" ".join(classes))
    for child in el.find_all(["img", "i", "span", "svg"]):
        parts += [child.get("alt"), child.get("title"), child.get("aria-label"), " ".join(child.get("class") or [])]
        if child.name == "img":
            parts.append(child.get("src"))
    return squash(" ".join(p for p in parts if isinstance(p, str)))


def nearest_heading(el: Tag, levels: tuple[str, ...] = HEADINGS) -> Tag | None:
    """Closest heading before el in document order."""
    return el.find_previous(levels)


def folded_context(el: Tag, max_chars: int = 300) -> str:
    """Folded text of the smallest ancestor block that holds more than the element itself."""
    own = squash(el.get_text(" "))
    for parent in el.parents:
        if not isinstance(parent, Tag) or parent.name in ("html", "body"):
            break
        text = squash(parent.get_text(" "))
        if len(text) > len(own) + 3:
            return fold(text[:max_chars])
    return fold(own)
