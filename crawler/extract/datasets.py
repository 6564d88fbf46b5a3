"""Downloadable files (dataset): format, machine readability, the heading they are listed under."""
from __future__ import annotations

import re

from crawler.extract import urls
from crawler.extract.dom import Element, Link, Page
from crawler.extract.registry import as_extraction, extractor
from crawler.extract.text import fold, squash
from crawler.extract.types import Extraction, Signal

KIND = "dataset"
# Formats a program can read without retyping.
FILE_FORMATS = frozenset({"csv", "xlsx", "xls", "ods", "json", "xml", "geojson", "kml", "kmz", "shp", "zip",
                          "rdf", "tsv", "parquet", "gpkg", "sav", "dbf"})
DOCUMENT_FORMATS = frozenset({"pdf", "doc", "docx", "ppt", "pptx", "odt", "rtf", "txt", "jpg", "jpeg", "png",
                              "gif", "tif", "tiff", "rar", "7z", "epub", "odp"})
CONTENT_TYPES = {
    "text/csv": "csv", "application/csv": "csv", "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.spreadsheet": "ods", "application/json": "json",
    "application/geo+json": "geojson", "application/vnd.geo+json": "geojson", "application/xml": "xml",
    "text/xml": "xml", "application/vnd.google-earth.kml+xml": "kml", "application/vnd.google-earth.kmz": "kmz",
    "application/zip": "zip", "application/x-zip-compressed": "zip", "application/pdf": "pdf",
    "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-powerpoint": "ppt", "image/jpeg": "jpg", "image/png": "png",
}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_LINK_IMAGES = frozenset({"jpg", "jpeg", "png", "gif", "webp"})


def format_from_content_type(content_type: str | None) -> str:
    """File format for a Content-Type header ('' when unknown)."""
    mime = (content_type or "").split(";")[0].strip().lower()
    return CONTENT_TYPES.get(mime, "")


def format_of(url: str, content_type: str | None = None) -> str:
    """File format by extension, else by Content-Type ('' when not a known file)."""
    ext = urls.file_extension(url)
    if ext in FILE_FORMATS or ext in DOCUMENT_FORMATS:
        return "jpg" if ext == "jpeg" else ext
    return format_from_content_type(content_type)


def is_machine_readable(fmt: str) -> bool:
    """True for structured formats (csv, xlsx, json, ...), False for documents and images."""
    return fmt in FILE_FORMATS


def _heading_level(tag: Element) -> int:
    """1..6 for h1..h6."""
    return int(tag.tag[1])


def collection_and_topic(el: Element, page: Page) -> tuple[str, str]:
    """Nearest preceding heading (collection) and the higher-level heading above it (topic)."""
    heading = page.index.previous(el, _HEADINGS)
    if heading is None:
        return "", ""
    collection = page.text_of(heading)[:160]
    level = _heading_level(heading)
    if level == 1:
        return collection, ""
    upper = page.index.previous(heading, _HEADINGS[: level - 1])
    topic = page.text_of(upper)[:160] if upper is not None else ""
    return collection, topic


_ITEM_TAGS = ("li", "tr", "dd", "dt")
# Words that name a period or a file format: a list whose items differ only by them is one series, not several
# collections ("Nómina enero", "Nómina febrero").
_PERIOD_WORDS = re.compile(
    r"\b(enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
    r"ene|feb|mar|abr|may|jun|jul|ago|sep|oct|nov|dic|trimestre|trimestral|semestre|bimestre|cuatrimestre|mes|"
    r"anual|mensual|ejercicio|periodo|corte|primer|primero|segundo|tercer|tercero|cuarto|quinto|sexto|1er|2do|"
    r"3er|4to|1ro|2o|3o|4o|q[1-4]|t[1-4]|xlsx?|csv|json|xml|pdf|docx?|ods|zip|kmz|kml|descargar|descarga|"
    r"download|archivo|formato|ver|abrir|consultar|aqui|de|del|al|y|el|la|los|las|\d+)\b")
_MIN_ITEMS = 3


def _item_label(el: Element, page: Page) -> str:
    """The words of the list item or table row that holds a file link, its links' own words removed."""
    item = next(el.iterancestors(*_ITEM_TAGS), None)
    if item is None:
        return ""
    # the label is the item's: a row with several file links (one per format) is read once
    return page.memo(("datasets.item_label", id(item)), lambda: _label_of_item(item, page))


def _label_of_item(item: Element, page: Page) -> str:
    text = page.text_of(item)
    for link in item.iterdescendants("a"):
        text = text.replace(page.text_of(link), " ")
    return squash(text)[:160]


def _topic_of_series(label: str) -> str:
    """The item's label without period and format words ('' when nothing else is left)."""
    return squash(_PERIOD_WORDS.sub(" ", fold(label)))


def _collections(page: Page, entries: list[tuple[Link, str, str]]) -> list[tuple[str, str]]:
    """(collection, topic) per file link. Under one heading, items (rows, list entries) that each name a
    different thing (a region, a subject) are collections of their own, the heading their topic; items that
    differ only by period or format stay one collection (a series)."""
    labels = [_item_label(link.el, page) for link, _, _ in entries]
    keys = [_topic_of_series(label) for label in labels]     # each folded once, read by both loops
    by_heading: dict[str, set[str]] = {}
    for (_, heading, _), key in zip(entries, keys, strict=True):
        if key:
            by_heading.setdefault(heading, set()).add(key)
    out = []
    for (_, heading, topic), label, key in zip(entries, labels, keys, strict=True):
        if len(by_heading.get(heading, ())) >= _MIN_ITEMS and key:
            out.append((label, heading))
        else:
            out.append((heading, topic))
    return out


def extract(page: Page, in_data_section: bool) -> list[Signal]:
    """One signal per linked file; images count only when a link (not an <img>) offers them."""
    entries: list[tuple[Link, str, str]] = []
    formats: list[str] = []
    for link in page.links:
        if link.dead or link.url is None:
            continue
        if urls.href_scheme(link.url) not in ("http", "https", "ftp"):
            continue
        fmt = format_of(link.url)
        if not fmt:
            continue
        collection, topic = collection_and_topic(link.el, page)
        entries.append((link, collection, topic))
        formats.append(fmt)
    signals = []
    for (link, _, _), fmt, (collection, topic) in zip(entries, formats, _collections(page, entries), strict=True):
        data = {"format": fmt, "machine_readable": is_machine_readable(fmt), "in_data_section": in_data_section,
                "collection": collection, "topic": topic}
        signals.append(Signal(KIND, urls.without_fragment(link.url or ""), page.ctx.url, page.ctx.is_home, data,
                              link.label[:120]))
    return signals


@extractor("datasets", order=100, kinds=(KIND,))
def page_datasets(page: Page) -> Extraction:
    """Downloadable data files, marked when the page itself is a data section."""
    from crawler.extract.pagekind import is_data_section

    return as_extraction(extract(page, is_data_section(page)))
