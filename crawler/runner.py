"""Run the portal spider from Python: in this process (once per process: Twisted's reactor cannot restart)
or in a child process (tests, benchmarks and repeated crawls)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass

from store.db import make_engine, resolve_url, session_scope


@dataclass
class CrawlOptions:
    db_url: str | None = None
    allow_private: bool = False
    page_budget: int = 300
    render: str = "auto"              # auto | never | always
    settings: dict | None = None      # extra Scrapy settings
    warc_dir: str | None = None       # folder of run-<id>.warc.gz; None = warc/ beside the SQLite file
    warc: bool = True                 # archive the HTML pages read (crawler/archive.py); False = --no-warc


def scrapy_settings(options: CrawlOptions):
    from scrapy.utils.project import get_project_settings

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    settings.set("MUNIAUDIT_DB", resolve_url(options.db_url), priority="cmdline")
    settings.set("MUNIAUDIT_ALLOW_PRIVATE", options.allow_private, priority="cmdline")
    settings.set("MUNIAUDIT_PAGE_BUDGET", options.page_budget, priority="cmdline")
    settings.set("MUNIAUDIT_RENDER", options.render, priority="cmdline")
    if options.warc_dir:
        settings.set("MUNIAUDIT_WARC_DIR", options.warc_dir, priority="cmdline")
    settings.set("MUNIAUDIT_WARC", options.warc, priority="cmdline")
    for key, value in (options.settings or {}).items():
        settings.set(key, value, priority="cmdline")
    return settings


def crawl_in_process(run_id: int, options: CrawlOptions) -> None:
    """Crawl the pending sites of a run in this process (blocks until done)."""
    from scrapy.crawler import CrawlerProcess

    process = CrawlerProcess(scrapy_settings(options))
    process.crawl("portal", run_id=str(run_id))
    process.start()


def crawl_command(run_id: int, options: CrawlOptions) -> list[str]:
    """The command line that crawls a run in a child Python process."""
    payload = json.dumps({"run_id": run_id, "options": options.__dict__})
    return [sys.executable, "-m", "crawler.runner", payload]


def crawl_in_subprocess(run_id: int, options: CrawlOptions, timeout: float | None = None) -> int:
    """Crawl a run in a child Python process; returns its exit code."""
    return subprocess.run(crawl_command(run_id, options), timeout=timeout).returncode


def browser_status(options: CrawlOptions) -> dict:
    """Whether this crawl can render JavaScript-only pages: {"available", "render", "reason"}. Without a browser
    those pages are listed as needing render and the criteria they would decide stay pending, so the run says so."""
    import importlib.util

    from crawler import settings as defaults

    chromium = (options.settings or {}).get("MUNIAUDIT_CHROMIUM") or defaults.MUNIAUDIT_CHROMIUM
    if options.render == "never":
        return {"available": False, "render": "never", "reason": "--render never"}
    if not os.path.exists(chromium):
        return {"available": False, "render": options.render, "reason": f"no hay Chromium en {chromium}"}
    missing = [m for m in ("playwright", "scrapy_playwright") if importlib.util.find_spec(m) is None]
    if missing:
        return {"available": False, "render": options.render, "reason": "falta el paquete de Python " + ", ".join(missing)}
    return {"available": True, "render": options.render, "reason": ""}


def record_run_settings(db_url: str | None, run_id: int, **values) -> None:
    """Merge values into a run's stored settings (e.g. browser availability, shown by reports)."""
    from store.models import CrawlRun

    engine = make_engine(db_url)
    with session_scope(engine) as session:
        run = session.get(CrawlRun, run_id)
        run.settings = {**(run.settings or {}), **values}
    engine.dispose()


def new_run(db_url: str | None, cvegeos: list[str] | None, label: str = "") -> int:
    from store.migrate import upgrade
    from store.runs import create_run

    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine) as session:
        run_id = create_run(session, cvegeos, label)
    engine.dispose()
    return run_id


if __name__ == "__main__":
    args = json.loads(sys.argv[1])
    crawl_in_process(args["run_id"], CrawlOptions(**args["options"]))
