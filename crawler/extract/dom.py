"""Parse a page once and expose what the detectors share: links, headings, visible text."""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

from crawler.extract import urls
from crawler.extract.text import fold, squash
from crawler.extract.types import PageContext

# Text inside these elements is never shown to a reader.
INVISIBLE = ("script", "style", "noscript", "template", "head", "title", "meta", "svg")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_INVISIBLE_SET = frozenset(INVISIBLE)
# String nodes that are never text a reader sees, whatever their parent.
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)
_HINT_CHILDREN = frozenset({"img", "i", "span", "svg"})


class DocIndex:
    """One document-order walk of a tree, so detectors never search the tree again.

    Every node gets a position (its index in document order, as BeautifulSoup's next_element chain visits
    it); a tag's subtree is the position range [start, end). Tags are grouped by name and string nodes are
    flagged visible (no script/style/head/... ancestor, not a comment), so "all <form>s", "the nearest
    heading before this link" and "visible text of this block" are list lookups and bisections.
    """

    def __init__(self, root: Tag) -> None:
        self.root = root
        self.start: dict[int, int] = {}          # id(tag) -> position of the tag
        self.end: dict[int, int] = {}            # id(tag) -> position after its last descendant
        self.by_name: dict[str, list[Tag]] = defaultdict(list)
        self.tags: list[Tag] = []                # every tag below the root, document order
        self.string_pos: list[int] = []          # positions of all string nodes
        self.strings: list[NavigableString] = []
        self.visible: list[bool] = []            # parallel to strings: visible_strings() would yield it
        exit_marker = object()
        work: list[Any] = [root]
        hidden = 0
        position = 0
        while work:
            node = work.pop()
            if node is exit_marker:
                tag = work.pop()
                self.end[id(tag)] = position
                if tag.name in _INVISIBLE_SET:
                    hidden -= 1
                continue
            if isinstance(node, Tag):
                self.start[id(node)] = position
                if node is not root:
                    self.tags.append(node)
                    self.by_name[node.name].append(node)
                if node.name in _INVISIBLE_SET:
                    hidden += 1
                work.append(node)
                work.append(exit_marker)
                work.extend(reversed(node.contents))
            else:
                self.string_pos.append(position)
                self.strings.append(node)
                self.visible.append(not hidden and not isinstance(node, _NOT_TEXT))
            position += 1
        self._by_names: dict[tuple[str, ...], tuple[list[int], list[Tag]]] = {}

    def find_all(self, names: str | Iterable[str]) -> list[Tag]:
        """Tags with one of these names, in document order (like soup.find_all(names))."""
        if isinstance(names, str):
            return list(self.by_name.get(names, ()))
        return self._positioned(tuple(names))[1]

    def first(self, name: str) -> Tag | None:
        """First tag with this name (like soup.find(name))."""
        found = self.by_name.get(name)
        return found[0] if found else None

    def _positioned(self, names: tuple[str, ...]) -> tuple[list[int], list[Tag]]:
        """(positions, tags) of tags with one of these names, document order; cached per name tuple."""
        cached = self._by_names.get(names)
        if cached is None:
            tags = sorted((t for n in set(names) for t in self.by_name.get(n, ())), key=lambda t: self.start[id(t)])
            cached = self._by_names[names] = ([self.start[id(t)] for t in tags], tags)
        return cached

    def previous(self, el: Tag, names: tuple[str, ...]) -> Tag | None:
        """Closest tag with one of these names before el in document order, ancestors included
        (like el.find_previous(names))."""
        positions, tags = self._positioned(names)
        i = bisect_left(positions, self.start[id(el)])
        return tags[i - 1] if i else None

    def visible_strings(self, el: Tag) -> list[str]:
        """visible_strings(el) from the index (el must belong to the indexed tree)."""
        lo = bisect_left(self.string_pos, self.start[id(el)])
        hi = bisect_left(self.string_pos, self.end[id(el)], lo)
        strings, visible = self.strings, self.visible
        return [str(strings[i]) for i in range(lo, hi) if visible[i]]

    def strings_in(self, el: Tag) -> list[tuple[NavigableString, bool]]:
        """(string node, visible) for every string node below el, document order."""
        lo = bisect_left(self.string_pos, self.start[id(el)])
        hi = bisect_left(self.string_pos, self.end[id(el)], lo)
        return list(zip(self.strings[lo:hi], self.visible[lo:hi], strict=True))

    def count_in(self, el: Tag, name: str) -> int:
        """Number of `name` tags strictly below el (like len(el.find_all(name)))."""
        positions = self._positioned((name,))[0]
        start, end = self.start[id(el)], self.end[id(el)]
        return bisect_left(positions, end) - bisect_left(positions, start + 1)


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

    @cached_property
    def folded_label(self) -> str:
        """fold(label), computed once: most detectors match their vocabulary against it."""
        return fold(self.label)


@dataclass
class Page:
    """A parsed HTML page plus its context."""

    ctx: PageContext
    soup: BeautifulSoup
    headers: dict[str, str] = field(default_factory=dict)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    @cached_property
    def index(self) -> DocIndex:
        """Document-order index of the whole tree (built once, on first use)."""
        return DocIndex(self.soup)

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Per-page cache for values several detectors derive (platforms, e-mails, block texts)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def text_of(self, el: Tag) -> str:
        """squash(el.get_text(" ")), computed once per element."""
        return self.memo(("text", id(el)), lambda: squash(el.get_text(" ")))

    def find_all(self, names: str | Iterable[str]) -> list[Tag]:
        """Tags with one of these names, in document order."""
        return self.index.find_all(names)

    def find(self, name: str) -> Tag | None:
        """First tag with this name."""
        return self.index.first(name)

    def visible_strings(self, el: Tag | None = None) -> list[str]:
        """Visible text nodes below el (default: the whole document), document order."""
        return self.index.visible_strings(self.soup if el is None else el)

    @cached_property
    def links(self) -> list[Link]:
        """All anchors with an href attribute, in document order."""
        found = []
        for el in self.find_all(["a", "area"]):
            if not el.has_attr("href"):
                continue
            raw = el.get("href")
            raw = raw if isinstance(raw, str) else " ".join(raw or [])
            found.append(Link(el, raw, urls.resolve(self.ctx.url, raw), squash(el.get_text(" ")), element_hint(el)))
        return found

    @cached_property
    def title(self) -> str:
        """Text of <title>."""
        tag = self.find("title")
        return squash(tag.get_text(" ")) if tag else ""

    @cached_property
    def headings(self) -> list[str]:
        """Texts of h1..h6 in document order."""
        return [self.text_of(h) for h in self.find_all(HEADINGS)]

    @cached_property
    def main_heading(self) -> str:
        """First h1, else first heading."""
        h1 = self.find("h1")
        if h1:
            return self.text_of(h1)
        return self.headings[0] if self.headings else ""

    @cached_property
    def visible_text(self) -> str:
        """Whole visible text, squashed."""
        return squash(" ".join(self.visible_strings()))

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
    """Yield text nodes a reader would see (no scripts, styles or comments); Page.visible_strings is faster."""
    for node in root.find_all(string=True):
        if isinstance(node, _NOT_TEXT):
            continue
        if any(p.name in INVISIBLE for p in node.parents if isinstance(p, Tag)):
            continue
        yield str(node)


def element_hint(el: Tag) -> str:
    """title / aria-label / img alt / icon class names of an element, for links with no text."""
    parts = [el.get("title"), el.get("aria-label")]
    classes = el.get("class") or []
    parts.append(" ".join(classes))
    for child in el.descendants:
        if not isinstance(child, Tag) or child.name not in _HINT_CHILDREN:
            continue
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
