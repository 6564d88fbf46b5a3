"""Platform plug-ins (design principle 3, Querido Diário's model): one small module per platform.

A module in this package defines `PLATFORM = Platform(...)` (or `PLATFORMS = (...)` for a family of small
fingerprints): a name, a fingerprint (does this page's own markup prove the platform?), extra seed URLs that the
platform answers for free (WordPress's REST page list, CKAN's package_search), and optionally an extractor for
what those URLs answer. The registry discovers the modules, so adding a platform is one file (docs/extending.md).

Spider-facing API (the spider wires these in; no Scrapy here):
- `seed_urls(platform_names, site_url)`: the extra URLs to fetch once a platform is detected on a site;
- `extract_api(url, body, content_type, ctx)`: signals from an API answer, or None when no platform claims it.
"""
from __future__ import annotations

import importlib
import json
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.extract.dom import Page
from crawler.extract.types import Diagnostic, Extraction, PageContext

Fingerprint = Callable[[Page], bool]
ApiExtractor = Callable[[str, Any, PageContext], Extraction]
# An API answer larger than this is not read (a portal listing thousands of datasets still fits).
MAX_API_BYTES = 20_000_000


@dataclass(frozen=True)
class Platform:
    """One platform: how to recognise it and what it offers for free."""

    name: str
    fingerprint: Fingerprint
    seeds: tuple[str, ...] = ()            # paths relative to the site's URL, e.g. "wp-json/wp/v2/pages?per_page=100"
    answers: Callable[[str], bool] | None = None   # is this URL one of the platform's API answers?
    extract: ApiExtractor | None = None    # (url, parsed JSON, ctx) -> Extraction
    participation: bool = False            # a participation platform (Decidim, Consul): tags participation signals
    description: str = ""


_PLATFORMS: dict[str, Platform] = {}
_discovered = False


def register(platform: Platform) -> Platform:
    """Add a platform (modules are discovered; tests may register one at run time)."""
    if platform.name in _PLATFORMS:
        raise ValueError(f"platform '{platform.name}' registered twice")
    if platform.extract is not None and platform.answers is None:
        raise ValueError(f"platform '{platform.name}' has an API extractor but no `answers` URL test")
    _PLATFORMS[platform.name] = platform
    return platform


def unregister(name: str) -> None:
    _PLATFORMS.pop(name, None)


def discover() -> None:
    """Import every module of this package once and register what it declares."""
    global _discovered
    if _discovered:
        return
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        declared = getattr(module, "PLATFORMS", None) or (getattr(module, "PLATFORM", None),)
        for platform in declared:
            if platform is not None and platform.name not in _PLATFORMS:
                register(platform)
    _discovered = True


def platforms() -> list[Platform]:
    """Every registered platform, by name."""
    discover()
    return [_PLATFORMS[name] for name in sorted(_PLATFORMS)]


def get(name: str) -> Platform | None:
    discover()
    return _PLATFORMS.get(name)


def detect(page: Page) -> list[str]:
    """Names of the platforms this page's own markup proves, sorted (memoised per page)."""
    return list(page.memo("platform.detect", lambda: sorted(p.name for p in platforms() if p.fingerprint(page))))


def participation_platform(page: Page) -> str | None:
    """The participation platform (Decidim, Consul) the page runs on, if any (first by name)."""
    return next((name for name in detect(page) if (p := get(name)) is not None and p.participation), None)


def seed_urls(platform_names: Iterable[str], site_url: str) -> list[str]:
    """Extra URLs the detected platforms answer for free, resolved against the site's URL (its directory, so a
    WordPress installed under /portal/ is asked at /portal/wp-json/...). Unknown names are ignored."""
    if urlsplit(site_url).scheme not in ("http", "https"):
        return []
    base = site_url if site_url.endswith("/") else urljoin(site_url, ".")
    found: list[str] = []
    for name in sorted(set(platform_names)):
        platform = get(name)
        for seed in platform.seeds if platform else ():
            url = urljoin(base, seed)
            if url not in found:
                found.append(url)
    return found


def extract_api(url: str, body: bytes | str, content_type: str, ctx: PageContext) -> Extraction | None:
    """Signals from a platform API answer; None when no platform claims the URL. A malformed, oversized or
    non-JSON answer gives an Extraction with one diagnostic (never an exception, never a zero)."""
    platform = next((p for p in platforms() if p.answers is not None and p.extract is not None and p.answers(url)),
                    None)
    if platform is None or platform.extract is None:
        return None
    problem = _unreadable(body, content_type)
    if problem:
        return _failed(url, platform.name, problem)
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):
        return _failed(url, platform.name, "malformed_json")
    try:
        return platform.extract(url, parsed, ctx)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:   # an answer of an unexpected shape
        return _failed(url, platform.name, "unexpected_shape", str(exc)[:200])


def _unreadable(body: bytes | str, content_type: str) -> str:
    if len(body) > MAX_API_BYTES:
        return "too_large"
    media = content_type.split(";")[0].strip().lower()
    if media and not (media.endswith("json") or media == "text/plain"):
        return "not_json"
    return ""


def _failed(url: str, platform: str, reason: str, detail: str = "") -> Extraction:
    data = {"platform": platform, **({"detail": detail} if detail else {})}
    return Extraction(diagnostics=[Diagnostic("platform_api", url, url, reason, data)],
                      page={"url": url, "role": "api", "platform": platform, "follow": []})


def api_page(url: str, platform: str, follow: list[str] | None = None) -> dict[str, Any]:
    """Extraction.page of an API answer: the platform and the pages it names that the crawl should fetch (so a
    proposed section can be confirmed by its target, like every other section proposal)."""
    return {"url": url, "role": "api", "platform": platform, "follow": list(follow or [])}
