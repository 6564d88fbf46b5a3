"""Text that inline scripts show to visitors: the string literals of notices, pop-ups and banners.

Some sites write their only contact data into a script (`Swal.fire({html: 'Escríbanos a …'})`, a modal built
with innerHTML). Such text is read from the string literals of inline scripts: comments are skipped (a licence
banner or a developer's TODO is not shown to anyone), and so are literals that are not messages — bare values
of a configuration object, URLs (a Sentry DSN carries an '@'), identifiers — so only literals with words and
spaces, or markup, count. External scripts are never read.
"""
from __future__ import annotations

import re

from lxml import html as lxml_html

from crawler.extract.dom import Page
from crawler.extract.text import squash

_JS_TYPES = ("", "text/javascript", "application/javascript", "module", "text/ecmascript")
_MARKUP = re.compile(r"<[a-z][^>]*>", re.I)
_URL_LITERAL = re.compile(r"^\s*[a-z][a-z0-9+.-]*://", re.I)
_MAX_SCRIPT = 200_000


def string_literals(code: str) -> list[str]:
    """Contents of the '…', "…" and `…` literals of JavaScript code, comments skipped (a small scanner, not a
    parser: regular-expression literals are not recognised, which only costs a few spurious short literals)."""
    out: list[str] = []
    i, n = 0, len(code)
    while i < n:
        ch = code[i]
        if ch == "/" and i + 1 < n and code[i + 1] in "/*":
            end = code.find("\n", i) if code[i + 1] == "/" else code.find("*/", i + 2)
            i = n if end < 0 else end + (1 if code[i + 1] == "/" else 2)
            continue
        if ch in "'\"`":
            j, buf = i + 1, []
            while j < n and code[j] != ch:
                if code[j] == "\\" and j + 1 < n:
                    buf.append(code[j + 1])
                    j += 2
                    continue
                if code[j] == "\n" and ch != "`":
                    break                       # an unterminated literal: stop it at the line's end
                buf.append(code[j])
                j += 1
            out.append("".join(buf))
            i = j + 1
            continue
        i += 1
    return out


def is_message(literal: str) -> bool:
    """A literal a visitor could read: markup, or several words; not a URL or a bare value."""
    if _URL_LITERAL.match(literal):
        return False
    return bool(_MARKUP.search(literal)) or len(literal.split()) >= 3


def visitor_texts(page: Page) -> list[str]:
    """Visible text of the message literals of the page's inline scripts (markup inside them rendered)."""
    def compute() -> list[str]:
        texts: list[str] = []
        for script in page.find_all("script"):
            if script.get("src") is not None or (script.get("type") or "").strip().lower() not in _JS_TYPES:
                continue
            for literal in string_literals(page.raw_text(script)[:_MAX_SCRIPT]):
                if is_message(literal):
                    texts.append(_as_text(literal))
        return texts

    return page.memo("scripts.visitor_texts", compute)


def visitor_mailtos(page: Page) -> list[str]:
    """mailto: targets inside message literals (`<a href="mailto:…">` built by a script)."""
    return page.memo("scripts.mailtos", lambda: [m.group(1) for script in page.find_all("script")
                                                 if script.get("src") is None
                                                 for lit in string_literals(page.raw_text(script)[:_MAX_SCRIPT])
                                                 if is_message(lit)
                                                 for m in re.finditer(r"mailto:([^\"'?\s<>]+)", lit, re.I)])


def _as_text(literal: str) -> str:
    """A literal's text as shown: markup rendered to text when there is any."""
    if not _MARKUP.search(literal):
        return squash(literal)
    try:
        return squash(lxml_html.fragment_fromstring(literal, create_parent="div").text_content())
    except (ValueError, lxml_html.etree.ParserError):
        return squash(_MARKUP.sub(" ", literal))
