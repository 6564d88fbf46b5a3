"""Update dates (update_date): Spanish 'actualizado al ...' phrases and the Last-Modified header."""
from __future__ import annotations

import re
from datetime import date
from email.utils import parsedate_to_datetime

import dateparser

from crawler.extract import keywords
from crawler.extract.dom import Page
from crawler.extract.registry import as_extraction, extractor
from crawler.extract.text import fold, squash
from crawler.extract.types import Extraction, Signal

KIND = "update_date"
MONTHS = {
    "enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
    "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
    "ene": 1, "feb": 2, "mar": 3, "abr": 4, "may": 5, "jun": 6, "jul": 7, "ago": 8, "sep": 9, "sept": 9,
    "set": 9, "oct": 10, "nov": 11, "dic": 12,
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_TEXT_DATE = re.compile(rf"\b(\d{{1,2}})\s*(?:de\s+)?({_MONTH_RE})\.?\s*(?:de\s+|del\s+)?(\d{{4}})\b")
_MONTH_YEAR = re.compile(rf"\b({_MONTH_RE})\.?\s*(?:de\s+|del\s+)?(\d{{4}})\b")
_NUM_DATE = re.compile(r"\b(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})\b")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WINDOW = 60  # characters after a cue where the date must start


def parse_spanish_date(text: str) -> date | None:
    """First date in folded Spanish text: '15 de octubre de 2025', '30/09/2025' (day first), '2025-09-30'."""
    candidates = []
    for match in _TEXT_DATE.finditer(text):
        candidates.append((match.start(), _safe(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)))))
    for match in _ISO_DATE.finditer(text):
        candidates.append((match.start(), _safe(int(match.group(1)), int(match.group(2)), int(match.group(3)))))
    for match in _NUM_DATE.finditer(text):
        year = int(match.group(3))
        year += 2000 if year < 100 else 0
        # Mexican order is day/month/year.
        candidates.append((match.start(), _safe(year, int(match.group(2)), int(match.group(1)))))
    for match in _MONTH_YEAR.finditer(text):
        candidates.append((match.start() + 0.5, _safe(int(match.group(2)), MONTHS[match.group(1)], 1)))
    valid = sorted((pos, d) for pos, d in candidates if d is not None)
    return valid[0][1] if valid else None


def _safe(year: int, month: int, day: int) -> date | None:
    """date() or None for impossible dates and implausible years."""
    if not 1990 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def text_dates(page: Page) -> list[tuple[date, str]]:
    """(date, snippet) for each update cue in the visible text followed closely by a date."""
    found = []
    seen: set[date] = set()
    for block in _text_blocks(page):
        folded = fold(block)
        for cue in keywords.UPDATE_CUE.finditer(folded):
            window = folded[cue.end(): cue.end() + _WINDOW]
            parsed = parse_spanish_date(window) or _dateparser_fallback(window)
            if parsed and parsed not in seen:
                seen.add(parsed)
                found.append((parsed, squash(block)[:160]))
    return found


_YEAR_RE = re.compile(r"\b(19|20)\d{2}\b")
# Absolute dates only: relative phrases ("hace 2 días") would be computed from the clock.
_DATEPARSER_SETTINGS = {"PARSERS": ["absolute-time"], "DATE_ORDER": "DMY", "REQUIRE_PARTS": ["month", "year"],
                        "PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": False}


def _dateparser_fallback(window: str) -> date | None:
    """dateparser (Spanish) for unusual spellings such as '3-oct-2025', only when a year is written."""
    match = _YEAR_RE.search(window)
    if not match:
        return None
    candidate = window[: match.end()].strip(" :.-")
    if len(candidate) > 30:
        return None
    parsed = dateparser.parse(candidate, languages=["es"], settings=_DATEPARSER_SETTINGS)
    return _safe(parsed.year, parsed.month, parsed.day) if parsed else None


def _text_blocks(page: Page) -> list[str]:
    """Visible text joined per block-level element, so a cue and its date stay together."""
    return [" ".join(page.visible_strings(page.body()))]


def last_modified(headers: dict[str, str]) -> date | None:
    """Date of a Last-Modified header, if parseable."""
    value = headers.get("last-modified")
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


_BLOCK_MAX_CHARS = 500   # a dataset's own block (list item, row, card); larger containers hold several datasets
_BLOCK_LEVELS = 4


def dataset_dates(page: Page) -> list[tuple[date, str, str]]:
    """(date, file URL, snippet) for data files whose own block (row, card, list item) states an update date."""
    from crawler.extract.datasets import format_of  # datasets does not import dates: no cycle

    candidates: dict[int, tuple[object, date, str, str]] = {}
    for link in page.links:
        if link.url is None or not format_of(link.url):
            continue
        found = _dated_block(page, link.el)
        if found and id(found[0]) not in candidates:
            candidates[id(found[0])] = (found[0], found[1], link.url, found[2])
    # A block that encloses another dated block is a list of datasets, not one dataset's own block.
    blocks = [c[0] for c in candidates.values()]
    return [(when, url, snippet) for block, when, url, snippet in candidates.values()
            if not any(other is not block and any(p is block for p in other.iterancestors()) for other in blocks)]


_TOO_LONG = "too long"


def _dated_block(page: Page, el):
    """The nearest small ancestor of a file link whose text carries an update cue and a date."""
    block = el
    for _ in range(_BLOCK_LEVELS):
        block = block.getparent()
        if block is None or block.tag in ("body", "html"):
            return None
        # the file links of one table or list share their ancestors: each block is read once per page
        said = page.memo(("dates.block", id(block)), lambda b=block: _block_date(page, b))
        if said is _TOO_LONG:
            return None
        if said:
            return block, *said
    return None


def _block_date(page: Page, block) -> tuple[date, str] | str | None:
    """(date, snippet) a block's visible text states after an update cue; None if none, _TOO_LONG for a block
    too large to be one dataset's own."""
    text = " ".join(page.visible_strings(block))
    if len(text) > _BLOCK_MAX_CHARS:
        return _TOO_LONG
    folded = fold(text)
    cue = keywords.UPDATE_CUE.search(folded)
    when = cue and parse_spanish_date(folded[cue.end(): cue.end() + _WINDOW])
    return (when, squash(text)[:160]) if when else None


def extract(page: Page, in_data_section: bool) -> list[Signal]:
    """update_date signals from page text and headers; never from the clock."""
    scope = "data_section" if in_data_section else "page"
    signals = []
    for when, snippet in text_dates(page):
        signals.append(_signal(page, when, "page_text", scope, snippet))
    if in_data_section:
        for when, file_url, snippet in dataset_dates(page):
            signal = _signal(page, when, "page_text", "dataset", snippet)
            signal.data.update(dataset=file_url, identity=f"update_date:{file_url}:page_text:{when.isoformat()}")
            signals.append(signal)
    header_date = last_modified(page.headers)
    if header_date:
        signals.append(_signal(page, header_date, "last_modified", scope, page.headers.get("last-modified", "")))
    return signals


def _signal(page: Page, when: date, source: str, scope: str, snippet: str) -> Signal:
    """One update_date signal."""
    iso = when.isoformat()
    data = {"date": iso, "source": source, "scope": scope, "identity": f"update_date:{page.ctx.url}:{source}:{iso}"}
    return Signal(KIND, page.ctx.url, page.ctx.url, page.ctx.is_home, data, snippet)


@extractor("dates", order=110, kinds=(KIND,))
def page_dates(page: Page) -> Extraction:
    """Update dates printed on the page (scoped to the data section when the page is one)."""
    from crawler.extract.pagekind import is_data_section

    return as_extraction(extract(page, is_data_section(page)))
