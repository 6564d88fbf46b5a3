"""The headless system Chromium of the browser tests: one per test module.

Not one per session: Playwright's sync API keeps an asyncio loop running in the main thread while it is open, and
every later test that calls asyncio.run (the in-process spider tests) would fail."""
from __future__ import annotations

import pytest

from reports.pdf import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.skip(f"needs the system Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
