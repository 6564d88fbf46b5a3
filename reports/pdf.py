"""PDF on demand: print a rendered report page with the system Chromium (headless, via Playwright)."""
from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

CHROMIUM = Path(os.environ.get("MUNIAUDIT_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


class ChromiumNotFound(RuntimeError):
    """PDF output needs the system Chromium and the playwright package."""


def chromium_path() -> Path:
    """The Chromium to print with: MUNIAUDIT_CHROMIUM when set (read at call time), else /usr/bin/chromium."""
    return Path(os.environ.get("MUNIAUDIT_CHROMIUM", "/usr/bin/chromium"))


def pdf_problem(chromium: Path | None = None) -> str | None:
    """Why PDFs cannot be printed on this machine, or None: checked before any work so a missing browser does
    not leave a half-done job behind."""
    chromium = Path(chromium or chromium_path())
    if not chromium.is_file():
        return f"PDF output needs Chromium at {chromium} (install the 'chromium' package or set MUNIAUDIT_CHROMIUM)"
    import importlib.util

    if importlib.util.find_spec("playwright") is None:
        return "PDF output needs the 'playwright' Python package"
    return None


def render_pdf(html_path: Path, pdf_path: Path, *, chromium: Path = CHROMIUM, timeout_ms: int = 60_000) -> Path:
    """Print html_path (a file of the rendered site) to an A4 PDF at pdf_path; returns pdf_path."""
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
    if not html_path.is_file():
        raise FileNotFoundError(f"no such report page: {html_path}")
    if not Path(chromium).is_file():
        raise ChromiumNotFound(
            f"PDF output needs Chromium at {chromium} (install the 'chromium' package or set MUNIAUDIT_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - playwright is a declared dependency
        raise ChromiumNotFound("PDF output needs the 'playwright' Python package") from exc
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:  # Playwright's sync API refuses to run inside an event loop (notebooks, another Playwright session)
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(render_pdf, html_path, pdf_path, chromium=chromium, timeout_ms=timeout_ms).result()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.goto(html_path.as_uri(), wait_until="load", timeout=timeout_ms)
            page.emulate_media(media="print")
            page.pdf(path=str(pdf_path), format="A4", print_background=True,
                     margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"})
        finally:
            browser.close()
    return pdf_path
