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


def _hostile_site(root) -> None:
    emails = "".join(f"<li>persona{i}@municipio.gob.mx</li>" for i in range(30000))
    links = "".join(f'<a href="/p/{i}.html">p{i}</a>' for i in range(20000))
    (root / "index.html").write_text(f"<html><body><ul>{emails}</ul><a href='/b.html'>b</a></body></html>",
                                     encoding="utf-8")
    (root / "b.html").write_text(f"<html><body>{links}</body></html>", encoding="utf-8")


@pytest.mark.slow
def test_pages_with_tens_of_thousands_of_contacts_or_links_are_bounded_and_the_cut_recorded(tmp_path):
    import functools
    import http.server
    import threading

    from tests.integration.test_crawl_frontier import _QuietHandler

    _hostile_site(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(tmp_path)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        results = crawl_sites({"h": f"http://127.0.0.1:{server.server_address[1]}/"},
                              CrawlOptions(allow_private=True, render="never", page_budget=20, settings=FAST),
                              timeout=300)
    finally:
        server.shutdown()
        server.server_close()
    site = results["h"]
    contacts = [s for s in site.signals if s["kind"] == "contact"]
    assert 0 < len(contacts) <= 100
    cuts = {(d["reason"], d["data"].get("kind")) for d in site.facts["limits"]}
    assert ("signals_cut", "contact") in cuts and ("links_cut", None) in cuts
    assert len(site.signals) < 2000
