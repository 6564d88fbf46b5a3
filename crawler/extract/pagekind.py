"""What kind of page this is, judged by its title, main heading and URL (not by its links)."""
from __future__ import annotations

import re
from functools import lru_cache

from crawler.extract import keywords, urls
from crawler.extract.dom import Page
from crawler.extract.text import fold, has_fuzzy_word


@lru_cache(maxsize=8192)
def url_words(url: str, last_only: bool = True) -> str:
    """Folded words of the URL's last path segment (or whole path), extension dropped."""
    segments = urls.path_segments(url)
    if not segments:
        return ""
    chosen = segments[-1:] if last_only else segments
    stems = [re.sub(r"\.[a-z0-9]{1,5}$", "", s.lower()) for s in chosen]
    return fold(re.sub(r"[-_+.%20]+", " ", " ".join(stems)))


def _identity_text(page: Page) -> str:
    """Folded title + main heading + URL words."""
    return " ".join([fold(page.title), fold(page.main_heading), url_words(page.ctx.url)])


def says_kind(page: Page) -> str:
    """'open_data', 'transparency' or '' by the page's own title, main heading and URL (whatever the page is)."""
    text = _identity_text(page)
    if keywords.OPEN_DATA.search(text) or keywords.OPEN_DATA_URL.search(text):
        return "open_data"
    if keywords.TRANSPARENCY.search(text) or has_fuzzy_word(text, ["transparencia"]):
        return "transparency"
    return ""


def data_section_kind(page: Page) -> str:
    """'open_data', 'transparency' or '' for the page itself: a page that names the section and is a place
    the site offers (not an article, a listing, a person's page or an error page *about* it)."""
    cached = getattr(page, "_data_section_kind", None)
    if cached is not None:
        return cached
    from crawler.extract.roles import NOT_SECTION_ROLES

    kind = says_kind(page) if page.role.role not in NOT_SECTION_ROLES - {"home"} else ""
    page._data_section_kind = kind  # type: ignore[attr-defined]
    return kind


def is_data_section(page: Page) -> bool:
    """True when the page is itself an open-data or transparency page."""
    return data_section_kind(page) != ""


def is_participation_page(page: Page) -> bool:
    """True when the page is about citizen participation."""
    text = " ".join([fold(page.title), fold(page.main_heading), url_words(page.ctx.url, last_only=False)])
    return bool(keywords.PARTICIPATION_WORD.search(text)) or any(p.search(text) for _, p in
                                                                keywords.PARTICIPATION_TYPES[:-1])
