"""Readability of data-section pages (clarity) and mobile-friendliness (responsive)."""
from __future__ import annotations

import textstat
from bs4 import BeautifulSoup

from crawler.extract.dom import Page, visible_strings
from crawler.extract.text import squash
from crawler.extract.types import Signal

MIN_WORDS = 40  # shorter texts give meaningless readability scores
MIN_PARAGRAPH_WORDS = 8  # list items and table cells are labels, not prose
_BOILERPLATE = ("nav", "header", "footer", "aside", "form", "script", "style", "noscript")


def main_text(page: Page) -> str:
    """Prose paragraphs of <main>/<article> (else body) without navigation, header, footer and forms."""
    root = page.soup.find("main") or page.soup.find("article") or page.soup.body
    if root is None:
        return ""
    copy = BeautifulSoup(str(root), "lxml")
    for el in copy.find_all(_BOILERPLATE):
        el.decompose()
    paragraphs = [squash(" ".join(visible_strings(p))) for p in copy.find_all("p")]
    prose = [p if p.endswith((".", "!", "?", ":")) else p + "." for p in paragraphs
             if len(p.split()) >= MIN_PARAGRAPH_WORDS]
    return " ".join(prose)


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
    meta = page.soup.find("meta", attrs={"name": lambda v: bool(v) and v.lower() == "viewport"})
    has_viewport = bool(meta and "width" in (meta.get("content") or "").lower())
    return [Signal("responsive", page.ctx.url, page.ctx.url, True, {"viewport": has_viewport, "identity": "responsive"},
                   (meta.get("content") or "") if meta else "")]
