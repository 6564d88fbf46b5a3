"""File probes: what a HEAD or a ranged GET says about a file linked from a site, without downloading it."""
from __future__ import annotations

from email.utils import parsedate_to_datetime

from crawler import faults, links
from crawler.extract.datasets import format_of as dataset_format
from crawler.extract.datasets import is_machine_readable
from crawler.extract.types import Signal
from crawler.items import PageItem
from store.runs import now

PAGE_TYPES = ("html", "xml", "text/plain")      # anything else behind a page link is a file: headers only
HEAD_REFUSED = (405, 501)                       # a server that refuses HEAD gets a tiny ranged GET instead


def is_file_content_type(content_type: str) -> bool:
    """Does a page link's Content-Type say it is a binary file (so the body is never pulled)?"""
    ctype = content_type.lower()
    return bool(ctype) and not any(t in ctype for t in PAGE_TYPES)


def range_header(sample_bytes: int) -> str:
    return f"bytes=0-{sample_bytes - 1}"


def file_item(site_crawl_id: int, response, depth: int, on_fault=lambda kind: None) -> PageItem:
    """The page row of a probed file (size from Content-Range or Content-Length, date from Last-Modified);
    `on_fault(kind)` hears the faults it shows: an HTTP error, or sampled bytes that do not match the extension
    (an HTML error page behind a .csv link)."""
    mode = "sample" if response.meta.get("sample") else "head"
    length = faults.header(response, "Content-Range").rpartition("/")[2] or faults.header(response, "Content-Length")
    fault = f"http_{response.status}" if response.status >= 400 else None
    found = ["file_" + fault] if fault else []
    if response.meta.get("sample") and not fault and not faults.looks_like(links.extension(response.url),
                                                                          response.body):
        fault = "format_mismatch"
        found.append(fault)
    for kind in found:
        on_fault(kind)
    return PageItem(
        site_crawl_id, response.request.url, response.url, response.status,
        faults.header(response, "Content-Type"), depth, mode, now(),
        size=int(length) if length.isdigit() else None,
        last_modified=faults.header(response, "Last-Modified") or None, fault=fault or faults.tls_fault(response),
    )


def update_signal(item: PageItem) -> Signal | None:
    """A data file's Last-Modified is when that block of data was last updated (machine-readable files only:
    a recent flyer PDF says nothing about the data)."""
    fmt = dataset_format(item.url)
    if item.fault or not item.last_modified or not is_machine_readable(fmt):
        return None
    try:
        day = parsedate_to_datetime(item.last_modified).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None
    data = {"date": day, "source": "last_modified", "scope": "dataset", "dataset": item.url, "format": fmt,
            "identity": f"update_date:{item.url}:last_modified:{day}"}
    return Signal("update_date", item.url, item.url, False, data, f"Last-Modified: {item.last_modified}")
