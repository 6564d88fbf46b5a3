"""Seeded mutation fuzzing of extraction: mangled sample pages, as str and as bytes, must never raise.

Each failure this found is fixed and kept as its own named test (tests/unit/test_extract_dom.py); this test
keeps the search running over fresh mutations of the bundled sample web.
"""
import random
from pathlib import Path

import pytest

from crawler.extract import extract_page
from crawler.extract.types import PageContext

SITES = Path(__file__).resolve().parents[2] / "muniaudit" / "sampleweb" / "sites"
PAGES = sorted(SITES.rglob("*.html"))
JUNK = ["<", ">", "'", '"', "&#", "&#x110000;", "\x00", "\x01", "\ud800", "\udfff", "<!--", "-->", "</",
        "<a href='//[", "<a href='http://[::1]:99999/'>", "<a href='https://www.facebook.com/%ZZ'>",
        "<a href='mailto:%'>", "<a href='tel:+52'>", "<form action='//['>", "<a href='http://'>",
        "<iframe src='https://www.youtube.com/embed/%'>", "<a href='https://x.com/\u202e'>", "<meta content='",
        "<meta charset='\x01'>", "<base href='//['>", "<a href='javascript:'>", "<a href='//'>"]


def mutate(text: str, rng: random.Random) -> str:
    """Insert junk and cut spans at random places."""
    for _ in range(rng.randint(1, 20)):
        i = rng.randrange(len(text) + 1)
        if rng.random() < 0.5:
            text = text[:i] + rng.choice(JUNK) + text[i:]
        else:
            text = text[:i] + text[i + rng.randint(1, 200):]
    return text


@pytest.mark.parametrize("seed", range(4))
def test_mutated_pages_never_break_extraction(seed):
    assert PAGES, "the bundled sample web is missing"
    rng = random.Random(seed)
    for _ in range(40):
        page = rng.choice(PAGES)
        ctx = PageContext(url="https://www.ejemplo.gob.mx/" + page.name, site_hosts=frozenset({"www.ejemplo.gob.mx"}))
        text = mutate(page.read_text(encoding="utf-8"), rng)
        for markup in (text, text.encode("utf-8", "surrogatepass")):
            extract_page(markup, ctx, {"last-modified": rng.choice(["", "x", "Tue, 15 Nov 1994 08:12:31 GMT"])})
