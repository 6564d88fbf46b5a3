"""Crawl a hard-negative fixture site (tests/fixtures/detection/<case>/) in-process, without any network.

The files under site/ are the pages at their URL paths on the case's (fictional) host; a page linked but absent is
"not crawled", unless labels.yaml lists it under `status:` (then it answers that HTTP error). Pages are read
breadth-first from the entry, the way the spider reaches them (links, frames and `javascript:` loader targets),
extracted with extract_page and finished with finalize_site, so the site-level confirmation is exercised too.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from crawler.extract import extract_page, finalize_site, urls
from crawler.extract.dom import parse
from crawler.extract.ownership import Owner
from crawler.extract.site import page_key
from crawler.extract.types import Diagnostic, PageContext, Signal

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "detection"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "labels.yaml").exists())
INDEX_FILES = ("index.html", "index.htm", "index.php")


@dataclass
class FixtureSite:
    """What the in-process crawl of one case saw."""

    labels: dict[str, Any]
    base: str
    signals: list[Signal] = field(default_factory=list)       # finalized
    rejected: list[Diagnostic] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    pages: dict[str, dict] = field(default_factory=dict)      # page_key -> facts
    fetched: list[str] = field(default_factory=list)


def load_labels(case: str) -> dict[str, Any]:
    return yaml.safe_load((FIXTURES / case / "labels.yaml").read_text(encoding="utf-8"))


def file_for(case: str, url: str) -> Path | None:
    """The file that answers a URL of the case's site, or None when it is not in site/."""
    root = FIXTURES / case / "site"
    path = urls.path_of(url).lstrip("/")
    candidate = root / urls_unquote(path)
    if candidate.is_file():
        return candidate
    if candidate.is_dir() or path == "":
        return next((candidate / n for n in INDEX_FILES if (candidate / n).is_file()), None)
    return None


def urls_unquote(path: str) -> str:
    from urllib.parse import unquote

    return unquote(path)


def crawl(case: str, max_pages: int = 200) -> FixtureSite:
    """Read the case's site from its entry page and finalize its signals."""
    labels = load_labels(case)
    base = f"https://{labels['host']}"
    muni = labels.get("municipality") or {}
    owner = Owner.of(muni.get("name", ""), muni.get("state", ""), [base + "/"])
    hosts = frozenset({labels["host"], urls.bare_host(labels["host"])})
    statuses = {p: int(code) for p, code in (labels.get("status") or {}).items()}
    site = FixtureSite(labels, base)
    raw: list[Signal] = []
    entry = base + labels.get("entry", "/")
    queue: deque[tuple[str, int]] = deque([(entry, 0)])
    seen = {page_key(entry)}
    while queue and len(site.fetched) < max_pages:
        url, depth = queue.popleft()
        path = urls.path_of(url)
        if path in statuses:
            site.pages[page_key(url)] = {"status": statuses[path], "fault": f"http_{statuses[path]}", "role": None}
            continue
        found = file_for(case, url)
        if found is None:
            continue                                   # linked but not crawled: no facts at all
        html = found.read_bytes()
        ctx = PageContext(url=url, site_hosts=hosts, is_home=depth == 0, depth=depth, owner=owner)
        extraction = extract_page(html, ctx)
        site.fetched.append(url)
        site.pages[page_key(url)] = {"status": 200, "fault": None, **extraction.page}
        raw += extraction.signals
        site.diagnostics += extraction.diagnostics
        for link in _followable(html, ctx):
            key = page_key(link)
            if key not in seen:
                seen.add(key)
                queue.append((link, depth + 1))
    site.signals = finalize_site(raw, site.pages, site.rejected)
    return site


def _followable(html: bytes, ctx: PageContext) -> list[str]:
    """Same-site page links, frames and JS-loader targets of a page (files skipped), as the spider follows them."""
    page = parse(html, ctx)
    out = []
    for link in page.links:
        if link.dead or not page.is_own(link.url):
            continue
        if urls.href_scheme(link.url or "") not in ("http", "https") or urls.file_extension(link.url or "") in (
                "pdf", "xlsx", "xls", "csv", "zip", "doc", "docx", "jpg", "png", "css", "js"):
            continue
        out.append(urls.without_fragment(link.url or ""))
    for frame in page.find_all(["iframe", "frame"]):
        target = page.resolve(frame.get("src"))
        if target and page.is_own(target):
            out.append(urls.without_fragment(target))
    return out
