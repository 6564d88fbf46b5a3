"""The monthly job: lock, health checks against the previous run, new/lost signals, schedule files."""
from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from muniaudit import monthly, service
from store.db import session_scope
from store.lock import Locked, writer_lock
from store.models import Municipality, SignalRow, SiteCrawl
from store.runs import create_run, finish_run, pending_sites
from tests.conftest import ROOT


def _finished_run(engine, label, pages, n_signals, status="ok"):
    with session_scope(engine) as s:
        s.get(Municipality, "14097").url = "https://tlajomulco.gob.mx/"
        run_id = create_run(s, ["14097"], label)
    with session_scope(engine) as s:
        [spec] = pending_sites(s, run_id)
        site = s.get(SiteCrawl, spec.site_crawl_id)
        for i in range(n_signals):
            s.add(SignalRow(site_crawl_id=site.id, kind="dataset", url=f"https://t.gob.mx/d{i}.csv", found_on="",
                            on_home=False, data={}, captured_at=datetime.now(UTC)))
        site.status, site.pages_seen, site.finished_at = status, pages, datetime.now(UTC)
        finish_run(s, run_id)
    return run_id


def test_collapse_of_signals_and_pages_is_flagged_for_review(db_url):
    engine = service.open_store(db_url)
    _finished_run(engine, "2026-10", pages=120, n_signals=40)
    run_id = _finished_run(engine, "2026-11", pages=8, n_signals=3)
    summary = monthly.summarise(engine, run_id)
    assert summary.lost_signals == 37 and summary.new_signals == 0
    [flag] = summary.flagged
    assert flag.cvegeo == "14097" and len(flag.reasons) == 2
    assert summary.exit_code() == monthly.EXIT_NEEDS_ATTENTION
    with session_scope(engine) as s:
        facts = s.scalar(SiteCrawl.__table__.select().with_only_columns(SiteCrawl.facts)
                         .where(SiteCrawl.run_id == run_id))
        assert facts["health"]["needs_review"] is True


def test_steady_run_is_healthy(db_url):
    engine = service.open_store(db_url)
    _finished_run(engine, "2026-10", pages=120, n_signals=40)
    summary = monthly.summarise(engine, _finished_run(engine, "2026-11", pages=118, n_signals=41))
    assert summary.flagged == [] and summary.exit_code() == monthly.EXIT_OK and summary.new_signals == 1


HOLD = """
import sys, time
from store.db import make_engine
from store.lock import writer_lock
with writer_lock(make_engine(sys.argv[1]), "prueba"):
    print("held", flush=True)
    time.sleep(60)
"""


def _holder(db: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, db], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_one_writer_at_a_time_whatever_path_reaches_the_database(db_url, tmp_path):
    engine = service.open_store(db_url)
    other_url = db_url
    if engine.dialect.name == "sqlite":          # the same file through a symlink and a relative detour
        alias = tmp_path / "alias" / "otra.sqlite"
        alias.parent.mkdir()
        alias.symlink_to(tmp_path / "store.sqlite")
        other_url = f"sqlite:///{alias.parent}/../alias/otra.sqlite"
    holder = _holder(db_url)
    try:
        with pytest.raises(Locked, match=r"muniaudit prueba \(pid \d+"):
            with writer_lock(service.open_store(other_url), "crawl"):
                pass
    finally:
        holder.kill()
        holder.wait()
    with writer_lock(service.open_store(other_url), "crawl"):   # a killed holder leaves no stale lock
        pass


def test_schedule_files_name_the_command_and_the_log(tmp_path):
    cron = monthly.cron_entry("/opt/muniaudit/.venv/bin/muniaudit run --out /srv/reportes", tmp_path / "run.log")
    assert cron.splitlines()[-1].startswith("0 2 1 * * /opt/muniaudit/.venv/bin/muniaudit run")
    units = monthly.systemd_units("/usr/bin/muniaudit run", tmp_path)
    assert "OnCalendar=*-*-01 02:00:00" in units["muniaudit.timer"] and "SuccessExitStatus=3" in units["muniaudit.service"]
