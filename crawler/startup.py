"""The spider's start-up against the store: migrate, take the writer lock, create or resume the run, and list
the sites still to crawl."""
from __future__ import annotations

from contextlib import ExitStack

from store.db import make_engine, session_scope
from store.lock import writer_lock
from store.migrate import upgrade
from store.runs import SiteSpec, create_run, pending_sites


def open_run(db_url: str | None, run_id: int | None, cvegeos: list[str] | None, label: str,
             partition) -> tuple[int, list[SiteSpec], ExitStack | None]:
    """(run id, sites to crawl, the writer lock to release at the end, or None). A new run is created when no
    run id is given. A Scrapyd partition writes beside its siblings, under its dispatcher's lock."""
    engine = make_engine(db_url)
    upgrade(engine)
    lock = None
    if partition is None:
        lock = ExitStack()
        lock.enter_context(writer_lock(engine, "crawl (scrapy)"))
    with session_scope(engine) as session:
        if run_id is None:
            run_id = create_run(session, cvegeos, label)
        specs = pending_sites(session, run_id, partition)
    engine.dispose()
    return run_id, specs, lock
