"""Browser rendering (scrapy-playwright with the system Chromium): when it is on, how the browser is set up,
what it may fetch, and the screenshot kept beside a rendered page. The per-site render budget is a frontier
decision (crawler.frontier.take_render); take_render_meta asks it."""
from __future__ import annotations

import asyncio
import os

from crawler import frontier

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
PLAYWRIGHT_HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"


def render_enabled(settings) -> bool:
    """Rendering is on unless switched off (MUNIAUDIT_RENDER=never) and when Chromium is installed."""
    mode = settings.get("MUNIAUDIT_RENDER", "auto")
    return mode != "never" and os.path.exists(settings.get("MUNIAUDIT_CHROMIUM") or "")


def apply_browser_settings(settings) -> None:
    """Route downloads through scrapy-playwright (which only uses the browser for requests marked `playwright`)
    and set the browser up: headless system Chromium, bounded pages and contexts, a navigation timeout."""
    if not render_enabled(settings):
        return
    settings.set("DOWNLOAD_HANDLERS", {"http": PLAYWRIGHT_HANDLER, "https": PLAYWRIGHT_HANDLER}, priority="spider")
    settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", {
        "executable_path": settings.get("MUNIAUDIT_CHROMIUM"), "headless": True, "args": BROWSER_ARGS,
    }, priority="spider")
    timeout_ms = int(settings.getfloat("MUNIAUDIT_RENDER_TIMEOUT") * 1000)
    settings.set("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT", timeout_ms, priority="spider")
    settings.set("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT", 2, priority="spider")
    settings.set("PLAYWRIGHT_MAX_CONTEXTS", 2, priority="spider")
    settings.set("PLAYWRIGHT_ABORT_REQUEST", browser_request_filter(settings.getbool("MUNIAUDIT_ALLOW_PRIVATE")),
                 priority="spider")


def browser_request_filter(allow_private: bool):
    """What the browser must not fetch: heavy media, and private addresses (its requests skip the middlewares)."""
    from crawler.addresses import private_address_reason

    async def abort(request) -> bool:
        if request.resource_type in ("image", "media", "font"):
            return True
        return not allow_private and bool(await asyncio.to_thread(private_address_reason, request.url))

    return abort


def render_meta(settings) -> dict:
    """Request meta for a browser render: wait for `load`, and a screenshot when the WARC archive keeps them."""
    meta = {"playwright": True, "playwright_page_goto_kwargs": {"wait_until": "load"}}
    if settings.getbool("MUNIAUDIT_WARC", True) and settings.getbool("MUNIAUDIT_SCREENSHOTS", True):
        from scrapy_playwright.page import PageMethod

        # a viewport PNG of the rendered page, archived beside its WARC record
        meta["playwright_page_methods"] = [PageMethod("screenshot", type="png", full_page=False)]
    return meta


def take_render_meta(state, url: str, settings) -> dict | None:
    """Request meta to render this page of the site in the browser, or None when rendering is off or the site's
    render budget (pages, seconds) is spent (crawler.frontier.take_render counts the render taken)."""
    if frontier.take_render(state, url, render_enabled(settings), settings.getint("MUNIAUDIT_RENDER_BUDGET"),
                            settings.getfloat("MUNIAUDIT_RENDER_SECONDS")):
        return render_meta(settings)
    return None
