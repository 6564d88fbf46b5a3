"""Readability of data-section pages (clarity) and mobile-friendliness (responsive)."""
from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate

import textstat

from crawler.extract.dom import CONTEXT_TAGS, DocIndex, Element, Page
from crawler.extract.registry import as_extraction, extractor
from crawler.extract.text import squash
from crawler.extract.types import Extraction, Signal

MIN_WORDS = 40  # shorter texts give meaningless readability scores
MIN_PARAGRAPH_WORDS = 8  # list items and table cells are labels, not prose
_BOILERPLATE = ("nav", "header", "footer", "aside", "form", "script", "style", "noscript")


def main_text(page: Page) -> str:
    """Prose paragraphs of <main>/<article> (else body) without navigation, header, footer and forms."""
    root = next((el for el in map(page.find, ("main", "article", "body")) if el is not None), None)
    if root is None:
        return ""
    # The root's subtree as if cut out of the page (only its own ancestors hide text) with the boilerplate
    # elements removed: a <p> inside boilerplate is dropped, and so are boilerplate strings inside a <p>.
    index = _subtree_index(page, root)
    lo, hi = index.start[id(root)], index.end[id(root)]
    marks = [0] * (hi - lo + 1)
    for el in _below(index, _BOILERPLATE, lo, hi):
        marks[index.start[id(el)] - lo] += 1
        marks[index.end[id(el)] - lo] -= 1
    removed = [depth > 0 for depth in accumulate(marks)]
    paragraphs = []
    for p in _below(index, ("p",), lo, hi):
        if removed[index.start[id(p)] - lo]:
            continue
        texts = [t.value for t in index.strings_in(p) if t.visible and not removed[t.position - lo]]
        paragraphs.append(squash(" ".join(texts)))
    prose = [p if p.endswith((".", "!", "?", ":")) else p + "." for p in paragraphs
             if len(p.split()) >= MIN_PARAGRAPH_WORDS]
    return " ".join(prose)


def _subtree_index(page: Page, root: Element) -> DocIndex:
    """An index in which root's text reads as if root were cut out of the page. The page's own index does when
    no ancestor of root hides text, keeps whitespace or holds code (its text runs are then the same), so the
    page is walked a second time only in that rare case."""
    if any(a.tag in CONTEXT_TAGS for a in root.iterancestors()):
        return DocIndex(root)
    return page.index


def _below(index: DocIndex, names: tuple[str, ...], lo: int, hi: int) -> list[Element]:
    """Elements with one of these names starting in the position range [lo, hi), document order."""
    positions, tags = index.positioned(names)
    return tags[bisect_left(positions, lo):bisect_left(positions, hi)]


def fernandez_huerta(text: str) -> float:
    """Fernández-Huerta readability (0-100, higher is easier) with Spanish syllable rules."""
    textstat.set_lang("es")
    return round(max(0.0, min(100.0, float(textstat.fernandez_huerta(text)))), 1)


def clarity(page: Page) -> list[Signal]:
    """One clarity signal for a data-section page with enough prose; a human confirms it."""
    text = main_text(page)
    if len(text.split()) < MIN_WORDS:
        return []
    data = {"readability": fernandez_huerta(text), "needs_human": True, "identity": f"clarity:{page.ctx.url}"}
    return [Signal("clarity", page.ctx.url, page.ctx.url, page.ctx.is_home, data, text[:160])]


def responsive(page: Page) -> list[Signal]:
    """Meta viewport on the home page (site-level; other pages follow the same template)."""
    if not page.ctx.is_home:
        return []
    meta = next((m for m in page.find_all("meta") if (m.get("name") or "").lower() == "viewport"), None)
    content = (meta.get("content") or "") if meta is not None else ""
    has_viewport = "width" in content.lower()
    return [Signal("responsive", page.ctx.url, page.ctx.url, True, {"viewport": has_viewport, "identity": "responsive"},
                   content)]


@extractor("clarity", order=140, kinds=("clarity",))
def page_clarity(page: Page) -> Extraction:
    """Readability of a data-section page (other pages are not measured)."""
    from crawler.extract.pagekind import is_data_section

    return as_extraction(clarity(page) if is_data_section(page) else [])


@extractor("responsive", order=150, kinds=("responsive",))
def page_responsive(page: Page) -> Extraction:
    return as_extraction(responsive(page))
