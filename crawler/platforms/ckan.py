"""CKAN (open-data portal): generator meta, CKAN's own assets and API paths, or a link to ckan.org beside
/dataset links. Its `package_search` API lists every dataset with its files, formats and modification dates,
exactly: no guessing from link text."""
from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from crawler.extract import urls
from crawler.extract.datasets import format_of, is_machine_readable
from crawler.extract.dom import Page
from crawler.extract.platform import any_href, generator_says, links_to, serves_own
from crawler.extract.types import Diagnostic, Extraction, PageContext, Signal
from crawler.platforms import Platform, api_page

NAME = "ckan"
_GENERATOR = re.compile(r"ckan", re.I)
_OWN_PATHS = ("/base/javascript/", "/webassets/ckan", "/api/3/action")
_PROJECT_LINK = re.compile(r"ckan\.org", re.I)
_DATASET = re.compile(r"/dataset")
SEARCH_ENDPOINT = "api/3/action/package_search"
MAX_PACKAGES = 5000
# CKAN format labels that differ from the file-extension names crawler.extract.datasets uses.
_FORMAT_ALIASES = {"jpeg": "jpg", "shapefile": "shp", "esri shapefile": "shp", "excel": "xlsx", "geo json": "geojson",
                   "text/csv": "csv", "zip (shp)": "zip"}


def fingerprint(page: Page) -> bool:
    return (generator_says(page, _GENERATOR) or serves_own(page, _OWN_PATHS)
            or (links_to(page, _PROJECT_LINK) and any_href(page, _DATASET)))


def answers(url: str) -> bool:
    return urlsplit(url).path.rstrip("/").endswith("/" + SEARCH_ENDPOINT)


def package_search(url: str, data: Any, ctx: PageContext) -> Extraction:
    """One dataset signal per resource (file or API) of every package, with its format, and one update_date
    per resource from the portal's own modification date."""
    if not isinstance(data, dict) or data.get("success") is not True or not isinstance(data.get("result"), dict):
        return Extraction(diagnostics=[Diagnostic("dataset", url, url, "platform_api_error",
                                                  {"platform": NAME})], page=api_page(url, NAME))
    result = data["result"]
    packages = [p for p in result.get("results") or [] if isinstance(p, dict)][:MAX_PACKAGES]
    portal = url.split("/" + SEARCH_ENDPOINT)[0] + "/"
    out = Extraction(page=api_page(url, NAME))
    for package in packages:
        _package_signals(package, portal, out)
    count = result.get("count")
    if isinstance(count, int) and count > len(packages):
        # the portal holds more than one answer lists: say so rather than let the rest look missing
        out.diagnostics.append(Diagnostic("dataset", url, url, "platform_api_truncated",
                                          {"platform": NAME, "listed": len(packages), "count": count}))
    return out


def _package_signals(package: dict[str, Any], portal: str, out: Extraction) -> None:
    name = package.get("name")
    if not isinstance(name, str) or not name:
        return
    package_url = portal + "dataset/" + name
    title = _text(package.get("title")) or name
    topic = _topic(package)
    package_date = _iso_date(package.get("metadata_modified"))
    for resource in package.get("resources") or []:
        if not isinstance(resource, dict):
            continue
        file_url = resource.get("url")
        if not isinstance(file_url, str) or urls.href_scheme(file_url) not in ("http", "https", "ftp"):
            out.diagnostics.append(Diagnostic("dataset", str(file_url or "")[:300], package_url, "no_target",
                                              {"label": title[:80], "platform": NAME}))
            continue
        file_url = urls.without_fragment(file_url)
        fmt = _format(resource.get("format"), file_url)
        out.signals.append(Signal("dataset", file_url, package_url, False, {
            "format": fmt, "machine_readable": is_machine_readable(fmt), "in_data_section": True,
            "collection": title[:200], "topic": topic, "source": "ckan_api", "package": package_url,
        }, (_text(resource.get("name")) or title)[:120]))
        when = _iso_date(resource.get("last_modified")) or _iso_date(resource.get("metadata_modified")) \
            or package_date
        if when:
            out.signals.append(Signal("update_date", package_url, package_url, False, {
                "date": when, "source": "portal", "scope": "dataset", "dataset": file_url,
                "identity": f"update_date:{file_url}:portal:{when}"}, f"{title[:100]}: {when}"))


def _format(declared: Any, file_url: str) -> str:
    """The format CKAN declares (lower-case, the names crawler.extract.datasets uses), else the file's."""
    text = _text(declared).lower().lstrip(".")
    text = _FORMAT_ALIASES.get(text, text)
    if text:
        return text
    return format_of(file_url) or ""


def _topic(package: dict[str, Any]) -> str:
    """The package's first group, else its organisation."""
    for group in package.get("groups") or []:
        if isinstance(group, dict) and _text(group.get("title") or group.get("name")):
            return _text(group.get("title") or group.get("name"))[:120]
    org = package.get("organization")
    return _text(org.get("title"))[:120] if isinstance(org, dict) else ""


def _iso_date(value: Any) -> str:
    """yyyy-mm-dd of a CKAN timestamp ('2025-03-04T10:11:12.123456'), or '' when it is not one."""
    if not isinstance(value, str) or len(value) < 10:
        return ""
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return ""


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""



PLATFORM = Platform(NAME, fingerprint, seeds=(SEARCH_ENDPOINT + "?rows=1000",), answers=answers,
                    extract=package_search, description="CKAN open-data portal; package_search API")
