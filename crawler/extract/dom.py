"""Parse a page once and expose what the detectors share: links, headings, visible text.

The detectors read lxml's own tree. They used to read a BeautifulSoup tree built by BeautifulSoup's "lxml"
builder, which drives the same libxml2 HTML parser with the same options, so the elements are the same; what
BeautifulSoup added was a Python object per node (≈ 10 ms per page, half the extraction time). The text rules
BeautifulSoup applied are kept here, so every signal, snippet and diagnostic stayed byte-identical
(`python -m benchmarks.extract_speed` prints the digest that shows it):

- a text node made only of ASCII whitespace becomes one "\\n" (if it had a newline) or one " ", except inside
  <pre> and <textarea>;
- `text_of`/`get_text` skip comments and processing instructions, and the text of <script>, <style>,
  <template>, <rt> and <rp> unless asked for that element itself (a <script>'s text is its code);
- "visible" text additionally skips everything inside script, style, noscript, template, head, title, meta, svg.

Raw bytes are decoded as BeautifulSoup decodes them (its EncodingDetector: BOM, declared charset, detected
charset, UTF-8, Windows-1252), so a page handed over undecoded reads the same as before.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bs4.dammit import EncodingDetector
from lxml import etree

from crawler.extract import urls
from crawler.extract.jsnav import handler_targets, link_code
from crawler.extract.text import fold, squash
from crawler.extract.types import PageContext

Element = etree._Element  # noqa: SLF001 - lxml's public element type has only this name

# Text inside these elements is never shown to a reader.
INVISIBLE = ("script", "style", "noscript", "template", "head", "title", "meta", "svg")
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_INVISIBLE_SET = frozenset(INVISIBLE)
# Elements whose text is not page text (BeautifulSoup's string containers): code, styles, templates, ruby notes.
_CONTAINERS = frozenset({"script", "style", "template", "rt", "rp"})
_PRESERVE_WHITESPACE = frozenset({"pre", "textarea"})
# Elements that change how the text below them reads (hidden, kept verbatim, or code): the context DocIndex
# carries down the tree.
CONTEXT_TAGS = _INVISIBLE_SET | _CONTAINERS | _PRESERVE_WHITESPACE
_ASCII_SPACES = " \n\t\f\r"
_HINT_CHILDREN = ("img", "i", "span", "svg")
_MISSING = object()   # Page.memo's "not computed yet" (None is a value worth remembering)


class TextNode:
    """One run of text in document order: an element's .text or a child's .tail, as a reader meets it."""

    __slots__ = ("value", "owner", "position", "visible", "container", "plain")

    def __init__(self, value: str, owner: Element, position: int, visible: bool, container: str) -> None:
        self.value = value          # the text (whitespace-only runs collapsed as described above)
        self.owner = owner          # the element the text sits in
        self.position = position    # document-order position (shared numbering with elements)
        self.visible = visible      # a reader sees it (no invisible ancestor)
        self.container = container  # innermost script/style/template/rt/rp around it, "" for page text
        # visible page text (not code, styles, templates or ruby notes); stored, not a property: the
        # detectors ask it of every text run
        self.plain = visible and not container

    def has_ancestor(self, name: str) -> bool:
        """True if the text sits inside a `name` element."""
        return self.owner.tag == name or any(True for _ in self.owner.iterancestors(name))


class DocIndex:
    """One document-order walk of a tree, so detectors never search the tree again.

    Every element and every text run gets a position in document order; an element's subtree is the position
    range [start, end). Elements are grouped by tag name and text runs carry their visibility, so "all
    <form>s", "the nearest heading before this link" and "visible text of this block" are list lookups and
    bisections. Comments and processing instructions are skipped (their tails are text like any other).
    """

    def __init__(self, root: Element | None) -> None:
        self.root = root
        self.start: dict[int, int] = {}          # id(element) -> position of the element
        self.end: dict[int, int] = {}            # id(element) -> position after its last descendant
        self.by_name: dict[str, list[Element]] = defaultdict(list)
        self.tags: list[Element] = []            # every element of the tree, root included, document order
        self.tag_pos: list[int] = []             # parallel to tags
        self.texts: list[TextNode] = []          # every text run, document order
        self.string_pos: list[int] = []          # parallel to texts
        if root is not None:
            self._walk(root)
        self._by_names: dict[tuple[str, ...], tuple[list[int], list[Element]]] = {}

    def _walk(self, root: Element) -> None:
        # lxml's iterwalk yields the events in C; only text runs and bookkeeping are Python work, so the
        # context (hidden, verbatim, innermost container) is kept in plain variables, updated only at the
        # rare elements of CONTEXT_TAGS, and read as is for every text run.
        hidden = preserve = 0
        containers: list[str] = []
        container = ""
        open_elements: list[Element] = []
        position = 0
        texts, string_pos, tags, tag_pos = self.texts, self.string_pos, self.tags, self.tag_pos
        start, end, by_name = self.start, self.end, self.by_name

        for event, el in etree.iterwalk(root, events=("start", "end", "comment", "pi")):
            if event == "start":
                name = el.tag
                start[id(el)] = position
                tags.append(el)
                tag_pos.append(position)
                by_name[name].append(el)
                position += 1
                open_elements.append(el)
                if name in CONTEXT_TAGS:
                    hidden += name in _INVISIBLE_SET
                    preserve += name in _PRESERVE_WHITESPACE
                    if name in _CONTAINERS:
                        containers.append(name)
                        container = name
                value, owner = el.text, el
            elif event == "end":
                name = el.tag
                end[id(el)] = position
                open_elements.pop()
                if name in CONTEXT_TAGS:
                    hidden -= name in _INVISIBLE_SET
                    preserve -= name in _PRESERVE_WHITESPACE
                    if name in _CONTAINERS:
                        containers.pop()
                        container = containers[-1] if containers else ""
                if el is root:
                    continue
                value, owner = el.tail, open_elements[-1]
            else:                                   # comment or processing instruction: only its tail is text
                value, owner = el.tail, open_elements[-1]
            if not value:
                continue
            if not preserve and not value.strip(_ASCII_SPACES):
                value = "\n" if "\n" in value else " "
            texts.append(TextNode(value, owner, position, not hidden, container))
            string_pos.append(position)
            position += 1

    def find_all(self, names: str | Iterable[str]) -> list[Element]:
        """Elements with one of these names, in document order."""
        if isinstance(names, str):
            return list(self.by_name.get(names, ()))
        return self.positioned(tuple(names))[1]

    @cached_property
    def _by_attribute(self) -> dict[str, list[Element]]:
        found: dict[str, list[Element]] = defaultdict(list)
        for el in self.tags:
            for name in el.keys():
                found[name].append(el)
        return found

    def with_attribute(self, name: str) -> list[Element]:
        """Elements that carry the attribute, in document order. Several detectors look for rare attributes
        (data-format, data-cfemail, data-href, platform markers): one pass over the tree, on first use,
        answers them all."""
        return list(self._by_attribute.get(name, ()))

    def first(self, name: str) -> Element | None:
        """First element with this name."""
        found = self.by_name.get(name)
        return found[0] if found else None

    def positioned(self, names: tuple[str, ...]) -> tuple[list[int], list[Element]]:
        """(positions, elements) with one of these names, document order; cached per name tuple."""
        cached = self._by_names.get(names)
        if cached is None:
            tags = sorted((t for n in set(names) for t in self.by_name.get(n, ())), key=lambda t: self.start[id(t)])
            cached = self._by_names[names] = ([self.start[id(t)] for t in tags], tags)
        return cached

    def previous(self, el: Element, names: tuple[str, ...]) -> Element | None:
        """Closest element with one of these names that starts before el, ancestors included."""
        positions, tags = self.positioned(names)
        i = bisect_left(positions, self.start[id(el)])
        return tags[i - 1] if i else None

    def elements_before(self, position: int, limit: int) -> list[Element]:
        """Up to `limit` elements that start before `position`, nearest first (ancestors included)."""
        i = bisect_left(self.tag_pos, position)
        return self.tags[max(0, i - limit):i][::-1]

    def _text_range(self, el: Element) -> tuple[int, int]:
        lo = bisect_left(self.string_pos, self.start[id(el)])
        return lo, bisect_left(self.string_pos, self.end[id(el)], lo)

    def visible_strings(self, el: Element) -> list[str]:
        """Visible text runs below el, document order (el must belong to the indexed tree)."""
        lo, hi = self._text_range(el)
        return [t.value for t in self.texts[lo:hi] if t.visible]

    def strings_in(self, el: Element) -> list[TextNode]:
        """Every text run below el, document order."""
        lo, hi = self._text_range(el)
        return self.texts[lo:hi]

    def get_text(self, el: Element, separator: str = "") -> str:
        """Text of el: page text only, or for a script/style/template/rt/rp element its own kind of text."""
        lo, hi = self._text_range(el)
        wanted = el.tag if el.tag in _CONTAINERS else ""
        return separator.join(t.value for t in self.texts[lo:hi] if t.container == wanted)

    def count_in(self, el: Element, name: str) -> int:
        """Number of `name` elements strictly below el."""
        positions = self.positioned((name,))[0]
        start, end = self.start[id(el)], self.end[id(el)]
        return bisect_left(positions, end) - bisect_left(positions, start + 1)


@dataclass
class Link:
    """One <a href> (or <area>) as a reader sees it."""

    el: Element
    raw: str | None          # href as written
    url: str | None          # resolved absolute URL (None when unresolvable); a JS loader's target
    text: str                # visible text, squashed
    via: str = "href"        # href | js_loader (a `javascript:`/onclick handler that opens or loads `url`)

    @property
    def dead(self) -> bool:
        """Leads nowhere: unresolvable, '#', empty or a `javascript:` href that loads no page."""
        return self.url is None or (self.via != "js_loader" and urls.is_placeholder(self.raw))

    @cached_property
    def hint(self) -> str:
        """title / aria-label / img alt / icon classes, for icon-only links (computed when first asked)."""
        return element_hint(self.el)

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
    root: Element | None                      # the <html> element (None for an empty document)
    headers: dict[str, str] = field(default_factory=dict)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)
    _texts: dict[int, str] = field(default_factory=dict, repr=False)

    @cached_property
    def index(self) -> DocIndex:
        """Document-order index of the whole tree (built once, on first use)."""
        return DocIndex(self.root)

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Per-page cache for values several detectors derive (platforms, e-mails, block texts)."""
        value = self._memo.get(key, _MISSING)
        if value is _MISSING:
            value = self._memo[key] = compute()
        return value

    def text_of(self, el: Element) -> str:
        """Squashed text of an element, computed once per element."""
        # its own dict, keyed by the element's id: asked for every link and block, so no key tuple or closure
        text = self._texts.get(id(el))
        if text is None:
            text = self._texts[id(el)] = squash(self.index.get_text(el, " "))
        return text

    def raw_text(self, el: Element, separator: str = "") -> str:
        """Unsquashed text of an element (a <script>'s code, a block's lines)."""
        return self.index.get_text(el, separator)

    def find_all(self, names: str | Iterable[str]) -> list[Element]:
        """Elements with one of these names, in document order."""
        return self.index.find_all(names)

    def find(self, name: str) -> Element | None:
        """First element with this name."""
        return self.index.first(name)

    def body(self) -> Element | None:
        """<body>, else the whole document."""
        body = self.find("body")
        return body if body is not None else self.root

    def visible_strings(self, el: Element | None = None) -> list[str]:
        """Visible text runs below el (default: the whole document), document order."""
        el = self.root if el is None else el
        return [] if el is None else self.index.visible_strings(el)

    @cached_property
    def links(self) -> list[Link]:
        """Anchors with an href attribute (or a click handler that loads a page), in document order: the first
        MAX_LINKS_PER_PAGE of them (the rest are counted in links_cut)."""
        from crawler.extract.limits import MAX_LINKS_PER_PAGE

        found = []
        anchors = self.find_all(["a", "area"])
        self._memo["links_cut"] = max(0, len(anchors) - MAX_LINKS_PER_PAGE)
        for el in anchors[:MAX_LINKS_PER_PAGE]:
            raw = el.get("href")
            onclick = el.get("onclick")
            if raw is None and onclick is None:
                continue
            if (raw is None or urls.is_placeholder(raw)) and (onclick or urls.href_scheme(urls.clean_href(raw))
                                                              == "javascript"):
                target = next(iter(handler_targets(link_code(raw, onclick))), None)
                if target is not None:
                    found.append(Link(el, raw, urls.resolve(self.ctx.url, target), self.text_of(el), "js_loader"))
                    continue
            if raw is not None:
                found.append(Link(el, raw, urls.resolve(self.ctx.url, raw), self.text_of(el)))
        return found

    @property
    def links_cut(self) -> int:
        """How many anchors beyond the bound were not read (0 for an ordinary page)."""
        self.links  # noqa: B018 - reading the links computes the cut
        return self._memo.get("links_cut", 0)

    @cached_property
    def role(self):
        """What the page is (crawler.extract.roles.PageRole), decided once from its structure."""
        from crawler.extract.roles import classify

        return classify(self)

    def placement(self, el: Element):
        """Where an element sits (crawler.extract.placement.Placement): navigation or content, and the region."""
        from crawler.extract.placement import placement_of

        said = self.memo("placement.said", dict)   # ancestors' verdicts, shared by the links of one menu
        return self.memo(("placement", id(el)), lambda: placement_of(el, self.ctx.is_home, self.role.role, said))

    @cached_property
    def title(self) -> str:
        """Text of <title>."""
        tag = self.find("title")
        return self.text_of(tag) if tag is not None else ""

    @cached_property
    def headings(self) -> list[str]:
        """Texts of h1..h6 in document order."""
        return [self.text_of(h) for h in self.find_all(HEADINGS)]

    @cached_property
    def main_heading(self) -> str:
        """First h1, else first heading."""
        h1 = self.find("h1")
        if h1 is not None:
            return self.text_of(h1)
        return self.headings[0] if self.headings else ""

    @cached_property
    def visible_text(self) -> str:
        """Whole visible text, squashed."""
        return squash(" ".join(self.visible_strings()))

    def resolve(self, raw: str | None) -> str | None:
        """Resolve an attribute value against the page URL."""
        return urls.resolve(self.ctx.url, raw)

    @cached_property
    def owner(self):
        """Who the site belongs to (crawler.extract.ownership.Owner): the context's, else its hosts alone."""
        from crawler.extract.ownership import Owner

        if self.ctx.owner is not None:
            return self.ctx.owner
        return Owner.of(site_urls=tuple(f"http://{h}/" for h in sorted(self.ctx.site_hosts)))

    def is_own(self, url: str | None) -> bool:
        """True if the URL is on the municipality's own site."""
        return urls.is_same_site(url, self.ctx.site_hosts)

    def is_same_page(self, url: str | None) -> bool:
        """True if the URL points back at this page (in-page anchor)."""
        return bool(url) and urls.without_fragment(url) == urls.without_fragment(self.ctx.url)


def parse(html: str | bytes, ctx: PageContext, headers: dict[str, str] | None = None) -> Page:
    """Parse HTML with libxml2 (lxml); comments are never read as links or text."""
    return Page(ctx=ctx, root=parse_tree(html), headers=normalise_headers(headers))


def parse_tree(html: str | bytes | None) -> Element | None:
    """The <html> element of a document (None when there is no markup at all)."""
    if not html:
        return None
    if isinstance(html, str):
        html = html[1:] if html.startswith("\ufeff") else html
        try:
            return _feed(html, None)
        except UnicodeEncodeError:   # lone surrogates (a rendered DOM can hold them): read them as U+FFFD
            return _feed(html.encode("utf-8", "surrogatepass").decode("utf-8", "replace"), None)
    detector = EncodingDetector(html, is_html=True)
    for encoding in detector.encodings:
        try:
            return _feed(detector.markup, encoding)
        except (UnicodeDecodeError, LookupError, ValueError, etree.ParserError, etree.XMLSyntaxError):
            continue   # a wrong guess or a name libxml2 refuses ("utf\x01-8"): try the next
    return _feed(html.decode("utf-8", "replace"), None)


def _feed(markup: str | bytes, encoding: str | None) -> Element | None:
    """libxml2's HTML parser in recover mode, fed like BeautifulSoup's lxml builder feeds it. `huge_tree` lifts
    libxml2's nesting limit of 256: a template that never closes its <div>s would otherwise parse to nothing
    past that depth (Scrapy's own selector parses with it, so the crawler's links and the signals agree)."""
    parser = etree.HTMLParser(recover=True, encoding=encoding, huge_tree=True)
    parser.feed(markup)
    return parser.close()


def normalise_headers(headers) -> dict[str, str]:
    """Lower-case str keys and values; accepts bytes and list values (as Scrapy's Headers holds them)."""
    out: dict[str, str] = {}
    for key, value in (headers or {}).items():
        if isinstance(value, (list, tuple)):
            value = value[0] if value else ""
        key = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        out[key.lower()] = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    return out


def class_names(el: Element) -> str:
    """The element's class attribute, words separated by single spaces."""
    return " ".join((el.get("class") or "").split())


def first_below(el: Element, name: str, input_type: str | None = None) -> Element | None:
    """First `name` element below el in document order (with exactly this type attribute, when given)."""
    return next((d for d in el.iterdescendants(name) if input_type is None or d.get("type") == input_type), None)


def element_hint(el: Element) -> str:
    """title / aria-label / img alt / icon class names of an element, for links with no text."""
    parts = [el.get("title"), el.get("aria-label"), class_names(el)]
    for child in el.iterdescendants(*_HINT_CHILDREN):
        parts += [child.get("alt"), child.get("title"), child.get("aria-label"), class_names(child)]
        if child.tag == "img":
            parts.append(child.get("src"))
    return squash(" ".join(p for p in parts if isinstance(p, str)))
