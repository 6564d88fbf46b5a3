"""Store links to the organisation's mobile apps (mobile_app)."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from crawler.extract import urls
from crawler.extract.dom import Page
from crawler.extract.types import Diagnostic, Signal

KIND = "mobile_app"
_APPLE_ID = re.compile(r"^id(\d{5,})$")


def store_app(url: str) -> tuple[str, str] | None:
    """(store, app id) for a Google Play or App Store app page, else None."""
    host = urls.bare_host(urls.host_of(url))
    segments = urls.path_segments(url)
    if host == "play.google.com" and segments[:3] == ["store", "apps", "details"]:
        app_id = (parse_qs(urlsplit(url).query).get("id") or [""])[0]
        return ("google_play", app_id) if app_id else None
    if host in ("apps.apple.com", "itunes.apple.com"):
        for segment in reversed(segments):
            match = _APPLE_ID.match(segment)
            if match:
                return "app_store", "id" + match.group(1)
    return None


def extract(page: Page) -> tuple[list[Signal], list[Diagnostic]]:
    """Visible links to app-store pages (links inside comments are never parsed)."""
    signals: list[Signal] = []
    diagnostics: list[Diagnostic] = []
    for link in page.links:
        if link.url is None:
            continue
        found = store_app(link.url)
        if not found:
            host = urls.bare_host(urls.host_of(link.url))
            if host in ("play.google.com", "apps.apple.com", "itunes.apple.com"):
                diagnostics.append(Diagnostic(KIND, link.raw or "", page.ctx.url, "not_app_page"))
            continue
        store, app_id = found
        canonical = (f"https://play.google.com/store/apps/details?id={app_id}" if store == "google_play"
                     else f"https://apps.apple.com/app/{app_id}")
        data = {"store": store, "app_id": app_id, "identity": f"{store}:{app_id}"}
        signals.append(Signal(KIND, canonical, page.ctx.url, page.ctx.is_home, data, link.label[:120]))
    return signals, diagnostics
