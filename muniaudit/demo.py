"""The embedded demo: serve the bundled fictional sites on loopback, crawl, audit, report and export.

Everything happens in a fresh SQLite file; nothing leaves 127.0.0.1. The database (and the WARC archive and logs
kept beside it) lives in a folder next to the report folder, `<out>-datos/`, never inside it: publishing the
report replaces the report folder whole (muniaudit.publish), which would delete a database kept there.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from rich.console import Console

from muniaudit import service
from muniaudit.sampleweb.server import load_sites, serve_sample_web
from store.db import session_scope
from store.models import Municipality

DEMO_STATE = ("99", "Estado de Ejemplo", "Ejem.")
# Short timeouts so the failing site (hangs, resets, 500s) is settled in seconds, not minutes.
DEMO_SETTINGS = {"DOWNLOAD_TIMEOUT": 4, "RETRY_TIMES": 1, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
                 "LOG_LEVEL": "WARNING", "CONCURRENT_REQUESTS_PER_DOMAIN": 2}

console = Console(stderr=True)


def register_sample_sites(engine, entry_urls: dict[str, str]) -> list[str]:
    """Add the fictional municipalities (state 99, clearly not INEGI keys) with their loopback entry URLs."""
    keys = []
    with session_scope(engine) as session:
        for site_id, site in load_sites().items():
            session.merge(Municipality(
                cvegeo=site.cvegeo, name=site.name, state_code=DEMO_STATE[0], state_name=DEMO_STATE[1],
                state_abbr=DEMO_STATE[2], population=site.population, url=entry_urls[site_id],
                extra_urls=[], known_accounts=[], enabled=True))
            keys.append(site.cvegeo)
    return keys


def demo_database(out_dir: Path) -> Path:
    """Where the demo keeps its database: beside the report folder, so a publication never deletes it."""
    out_dir = Path(out_dir)
    return out_dir.parent / f"{out_dir.name}-datos" / "muniaudit-demo.sqlite"


def run_demo(out_dir: Path, render: str = "auto") -> Path:
    from crawler.runner import CrawlOptions

    out_dir.mkdir(parents=True, exist_ok=True)
    db_path = demo_database(out_dir)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in db_path.parent.glob("muniaudit-demo.sqlite*"):
        leftover.unlink()
    db_url = f"sqlite:///{db_path}"
    engine = service.open_store(db_url)
    rubric = service.load_rubric(None)
    with serve_sample_web(delay_s=30.0, today=date.today()) as web:
        keys = register_sample_sites(engine, {sid: web.entry_url(sid) for sid in web})
        console.print(f"web de ejemplo en loopback: {len(web)} sitios; rastreando…")
        options = CrawlOptions(allow_private=True, page_budget=120, render=render, settings=DEMO_SETTINGS)
        run_id = service.crawl(db_url, keys, options, label="demo", launch=service.crawl_here).run_id
    summary = service.audit_run(engine, run_id, rubric)
    console.print(f"auditados {summary.audited} municipios con {rubric.id}: {summary.by_status}")
    index = service.render_reports(engine, run_id, rubric, out_dir)
    engine.dispose()
    return index
