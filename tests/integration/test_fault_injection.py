"""Operator mistakes and hostile input, tried as an operator and an attacker would (issue #11): each case gets
a clear one-line error or a recorded finding, never a crash, never lost data, never a silent zero."""
from __future__ import annotations

import pytest

from crawler.runner import CrawlOptions, crawl_sites
from muniaudit.sampleweb.server import serve_sample_web

FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "LOG_LEVEL": "WARNING"}


@pytest.mark.slow
def test_one_unusable_address_in_the_store_does_not_stop_the_other_sites():
    with serve_sample_web(sites=["small_town"]) as web:
        results = crawl_sites({"good": web.entry_url("small_town"), "bad": "http://::1/"},
                              CrawlOptions(allow_private=True, render="never", settings=FAST), timeout=300)
    assert results.returncode == 0
    assert results["good"].status == "ok" and results["good"].pages
    assert results["bad"].status == "unreachable" and results["bad"].facts["faults"] == {"invalid_url": 1}


def test_every_writer_is_refused_while_another_holds_the_database(tmp_path):
    from tests.conftest import run_cli
    from tests.integration.test_monthly import _holder

    db_file = tmp_path / "store.sqlite"
    run_cli("municipalities", "list", "--state", "Colima", db=f"sqlite:///{db_file}", check=True)   # creates it
    (tmp_path / "enlace.sqlite").symlink_to(db_file)
    holder = _holder(f"sqlite:///{db_file}")
    try:
        for args in (["crawl", "--resume", "1"], ["audit"], ["run", "--out", str(tmp_path / "r")],
                     ["review", "import", str(tmp_path / "r.csv")], ["municipalities", "import", str(db_file)]):
            if args[0] == "review":
                (tmp_path / "r.csv").write_text("cvegeo\n", encoding="utf-8")
            proc = run_cli(*args, db=f"sqlite:///{tmp_path / 'enlace.sqlite'}")
            assert proc.returncode == 4, (args, proc.stderr)
            assert "muniaudit prueba (pid" in proc.stderr and "Traceback" not in proc.stderr
    finally:
        holder.kill()
        holder.wait()
