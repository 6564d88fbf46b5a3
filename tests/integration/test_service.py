"""The service layer the CLI, the demo and the benchmarks share: one crawl orchestration, one monthly run, one
status count. Crawls are replaced by a `launch` that settles the sites in the store, so these run in-process
without a network; the real crawl is covered by the CLI and crawl tests."""
from __future__ import annotations

from datetime import UTC, datetime

import click
import pytest

from crawler.runner import CrawlOptions
from muniaudit import service
from muniaudit.exits import EXIT_LOCKED, EXIT_USAGE, UserError
from store.db import session_scope
from store.models import CrawlRun, Municipality, SiteCrawl
from store.runs import create_run, finish_run, pending_sites, status_counts
from store.status import SETTLED, UNSETTLED, CrawlStatus, RunStatus

KEYS = ["14097", "14120", "14039"]


@pytest.fixture()
def engine(db_url):
    engine = service.open_store(db_url)
    with session_scope(engine) as s:
        for key in KEYS[:2]:
            s.get(Municipality, key).url = f"https://{key}.gob.mx/"
    yield engine
    engine.dispose()


def settle(engine, statuses: dict[str, str]):
    """A `launch` that plays the crawler: picks the run's pending sites and settles them as given."""
    calls = []

    def launch(run_id: int, options) -> int:
        calls.append((run_id, options))
        with session_scope(engine) as s:
            for spec in pending_sites(s, run_id):
                site = s.get(SiteCrawl, spec.site_crawl_id)
                site.status, site.finished_at = statuses[spec.cvegeo], datetime.now(UTC)
            finish_run(s, run_id)
        return 0
    launch.calls = calls
    return launch


def test_status_enum_keeps_the_stored_strings():
    assert CrawlStatus.OK == "ok" and f"{CrawlStatus.NO_URL}" == "no_url" and RunStatus.FINISHED == "finished"
    assert SETTLED.isdisjoint(UNSETTLED) and CrawlStatus.ERROR not in SETTLED


def test_status_counts_counts_each_status_of_one_run(engine):
    with session_scope(engine) as s:
        run_id = create_run(s, KEYS)               # 14039 has no URL: settled at once as no_url
        other = create_run(s, KEYS[:1])
    with session_scope(engine) as s:
        assert status_counts(s, run_id) == {"no_url": 1, "pending": 2}
        [first, _] = sorted(pending_sites(s, run_id), key=lambda spec: spec.cvegeo)
        s.get(SiteCrawl, first.site_crawl_id).status = CrawlStatus.UNREACHABLE
    with session_scope(engine) as s:
        assert status_counts(s, run_id) == {"no_url": 1, "running": 1, "unreachable": 1}
        assert status_counts(s, other) == {"pending": 1}
        assert finish_run(s, run_id) == status_counts(s, run_id)
        assert s.get(CrawlRun, run_id).status == RunStatus.INTERRUPTED     # one site still running


def test_crawl_creates_the_run_records_the_browser_and_launches_once(engine, db_url):
    launch = settle(engine, {"14097": "ok", "14120": "blocked"})
    heard = []
    outcome = service.crawl(db_url, KEYS[:2], CrawlOptions(render="never"), label="x", launch=launch,
                            on_start=lambda run_id, browser: heard.append((run_id, browser)))
    assert [run_id for run_id, _ in launch.calls] == [outcome.run_id] and outcome.returncode == 0
    assert launch.calls[0][1].db_url == db_url                       # the crawl writes where the run is
    assert heard == [(outcome.run_id, {"available": False, "render": "never", "reason": "--render never"})]
    with session_scope(engine) as s:
        run = s.get(CrawlRun, outcome.run_id)
        assert run.label == "x" and run.settings["browser"]["available"] is False
        assert run.status == RunStatus.FINISHED
        assert status_counts(s, outcome.run_id) == {"blocked": 1, "ok": 1}


def test_crawl_targets_refuses_bad_input_before_anything_is_written(engine):
    with session_scope(engine) as s:
        runs_before = s.query(CrawlRun).count()
    for args, says in [((["99999"],), "--cvegeo 99999: clave INEGI desconocida"),
                       (([], "Narnia"), "--state Narnia: estado desconocido"),
                       (([], None, False, 42), "--resume 42: no existe la corrida 42")]:
        with pytest.raises(UserError, match=says):
            service.crawl_targets(engine, *args)
    # default: the enabled municipalities with a website (allow_private: no name is resolved, no DNS query)
    assert service.crawl_targets(engine, [], allow_private=True) == sorted(KEYS[:2])
    with session_scope(engine) as s:
        s.get(Municipality, "14120").url = "http://127.0.0.1/"       # an IP literal: judged without DNS
    with pytest.raises(UserError, match="--allow-private"):
        service.crawl_targets(engine, ["14120"])
    assert service.crawl_targets(engine, ["14120"], allow_private=True) == ["14120"]
    with session_scope(engine) as s:
        assert s.query(CrawlRun).count() == runs_before


def local() -> CrawlOptions:
    """Options for the monthly tests: allow_private, so the registry's made-up hosts are never resolved (no DNS)."""
    return CrawlOptions(render="never", allow_private=True)


def test_monthly_run_crawls_audits_publishes_then_reuses_the_finished_label(engine, db_url, tmp_path):
    rubric = service.load_rubric(None)
    launch = settle(engine, {"14097": "ok", "14120": "unreachable"})
    first = service.monthly_run(engine, db_url, rubric, tmp_path / "out", local(),
                                cvegeos=KEYS[:2], label="2026-11", launch=launch)
    assert not first.reused and first.crawl.run_id == first.run_id and len(launch.calls) == 1
    assert first.summary.complete and first.summary.statuses == {"ok": 1, "unreachable": 1}
    assert first.index == tmp_path / "out" / "index.html" and first.index.is_file()
    reused = []
    again = service.monthly_run(engine, db_url, rubric, tmp_path / "out", local(),
                                cvegeos=KEYS[:2], label="2026-11", launch=launch,
                                on_reuse=lambda label, run_id: reused.append((label, run_id)))
    assert again.reused and again.run_id == first.run_id and again.crawl is None
    assert reused == [("2026-11", first.run_id)] and len(launch.calls) == 1     # not crawled again


def test_monthly_run_publishes_nothing_when_the_crawl_stops_unless_partial(engine, db_url, tmp_path):
    rubric = service.load_rubric(None)

    def stops(run_id, options):          # the crawl dies before settling any site
        return 1
    done = service.monthly_run(engine, db_url, rubric, tmp_path / "out", local(),
                               cvegeos=KEYS[:1], label="2026-12", launch=stops)
    assert not done.summary.complete and done.index is None and not (tmp_path / "out").exists()
    assert done.crawl.returncode == 1
    partial = service.monthly_run(engine, db_url, rubric, tmp_path / "out", local(),
                                  cvegeos=KEYS[:1], label="2026-12", launch=stops, partial=True)
    assert partial.run_id == done.run_id                                 # resumed, not duplicated
    assert partial.index is not None and partial.index.is_file()


def test_user_error_is_a_click_exception_with_its_exit_code(capsys):
    error = UserError("no existe la corrida 7")
    assert isinstance(error, click.ClickException) and error.exit_code == EXIT_USAGE
    assert UserError("candado", EXIT_LOCKED).exit_code == EXIT_LOCKED
    error.show()
    assert capsys.readouterr().err.strip() == "error: no existe la corrida 7"
    assert str(error) == "no existe la corrida 7"
