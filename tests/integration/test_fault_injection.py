"""Operator mistakes and hostile input, tried as an operator and an attacker would (issue #11): each case gets
a clear one-line error or a recorded finding, never a crash, never lost data, never a silent zero."""
from __future__ import annotations

import os
import subprocess

import pytest

from benchmarks.scratch import crawl_sites
from crawler.runner import CrawlOptions
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

    class _QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:   # the test's output is the assertion, not the access log
            pass

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


def _cli_error(proc, code: int) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr and len(lines) == 1, proc.stderr
    return lines[0]


def test_a_corrupt_or_foreign_database_file_is_one_line(tmp_path):
    from tests.conftest import run_cli

    bad = tmp_path / "otra-cosa.sqlite"
    bad.write_bytes(b"%PDF-1.4 esto no es una base de datos" * 100)
    line = _cli_error(run_cli("audit", db=f"sqlite:///{bad}"), 6)
    assert "no es un archivo SQLite válido" in line
    assert bad.read_bytes().startswith(b"%PDF-1.4")          # nothing written over the user's file


def test_an_unreachable_server_or_a_missing_driver_is_one_line():
    from tests.conftest import run_cli

    line = _cli_error(run_cli("audit", db="postgresql://nadie@127.0.0.1:9/ninguna"), 6)
    assert "no se puede conectar" in line and "nadie" not in line      # never the credentials
    assert "falta el controlador" in _cli_error(run_cli("audit", db="mysql://x/y"), 2)


def test_a_database_in_a_read_only_folder_is_one_line(small_filesystem):
    from tests.conftest import run_cli

    db = f"sqlite:///{small_filesystem / 'store.sqlite'}"
    run_cli("municipalities", "list", "--state", "Colima", db=db, check=True)
    subprocess.run(["mount", "-o", "remount,ro", str(small_filesystem)], check=True)
    line = _cli_error(run_cli("audit", db=db), 6)
    assert "sólo lectura" in line or "no se puede abrir" in line or "Read-only file system" in line


def _tmpfs(path, size: str):
    """Mount a tmpfs of `size` at path (root only), or skip the test."""
    path.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    return path


@pytest.fixture
def tiny_filesystem(tmp_path):
    """A 256 KiB filesystem: the disk fills while a report is written."""
    yield _tmpfs(tmp_path / "lleno", "256k")
    subprocess.run(["umount", str(tmp_path / "lleno")], capture_output=True)


@pytest.fixture
def small_filesystem(tmp_path):
    """A 32 MiB filesystem the test can remount read-only."""
    yield _tmpfs(tmp_path / "fs", "32m")
    subprocess.run(["umount", str(tmp_path / "fs")], capture_output=True)


@pytest.mark.slow
def test_a_full_disk_while_writing_the_report_leaves_the_previous_publication(tmp_path, tiny_filesystem):
    from tests.conftest import run_cli

    out = tiny_filesystem / "reportes"
    out.mkdir()
    (out / "index.html").write_text("publicación anterior", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    with serve_sample_web(sites=["strong", "small_town"]) as web:
        csv = tmp_path / "sitios.csv"
        csv.write_text(f"cvegeo,url\n14097,{web.entry_url('strong')}\n14120,{web.entry_url('small_town')}\n",
                       encoding="utf-8")
        run_cli("municipalities", "import", str(csv), db=db, check=True)
        run_cli("crawl", "--allow-private", "--render", "never", db=db, check=True)
    run_cli("audit", db=db, check=True)
    line = _cli_error(run_cli("report", "--out", str(out), db=db), 6)
    assert "anterior quedó intacta" in line
    assert sorted(p.name for p in tiny_filesystem.iterdir()) == ["reportes"]
    assert (out / "index.html").read_text(encoding="utf-8") == "publicación anterior"


def _children(pid: int) -> set[int]:
    out = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out |= {int(p) for p in fh.read().split()}
        except OSError:
            continue
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
def test_extraction_workers_die_with_a_killed_crawl(tmp_path):
    import json
    import sys
    import time

    from crawler.runner import new_run
    from muniaudit import service
    from store.db import session_scope
    from store.models import Municipality

    db = f"sqlite:///{tmp_path / 'store.sqlite'}"
    engine = service.open_store(db)
    with serve_sample_web(sites=["strong", "failing"], delay_s=30.0) as web:
        with session_scope(engine) as s:
            s.get(Municipality, "14097").url = web.entry_url("strong")
            s.get(Municipality, "14120").url = web.entry_url("failing")
        options = CrawlOptions(db_url=db, allow_private=True, render="never",
                               settings={**FAST, "MUNIAUDIT_EXTRACT_WORKERS": 1})
        payload = json.dumps({"run_id": new_run(db, ["14097", "14120"]), "options": options.__dict__})
        proc = subprocess.Popen([sys.executable, "-m", "crawler.runner", payload], stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not _children(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        workers = _children(proc.pid)
        assert workers, "the extraction pool never started"
        os.kill(proc.pid, 9)                       # the parent only, not its process group
        proc.wait()
        deadline = time.monotonic() + 15
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
    assert not [w for w in workers if _alive(w)], "orphaned extraction workers"


def test_a_redirect_to_a_local_file_and_an_oversized_gzipped_sitemap_are_named_faults(tmp_path):
    import gzip
    import http.server
    import threading

    bomb = gzip.compress(b"<urlset>" + b" " * (40 * 1024 * 1024) + b"</urlset>")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/archivo":
                self.send_response(302)
                self.send_header("Location", "file:///etc/passwd")
                self.end_headers()
                return
            body = {"/": b"<html><body><a href='/archivo'>x</a></body></html>", "/sitemap.xml": bomb}.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/xml" if self.path == "/sitemap.xml" else "text/html")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        results = crawl_sites({"x": f"http://127.0.0.1:{server.server_address[1]}/"},
                              CrawlOptions(allow_private=True, render="never", settings=FAST), timeout=120)
    finally:
        server.shutdown()
        server.server_close()
    faults = results["x"].facts["faults"]
    assert faults.get("redirect_non_http") == 1 and faults.get("sitemap_too_large") == 1, faults
    stats = results.run_stats["crawls"][-1]
    assert not any(k.startswith("spider_exceptions") for k in stats), stats


def test_a_percent_in_the_database_url_survives_the_crontab():
    from pathlib import Path

    from muniaudit.monthly import cron_entry

    line = cron_entry("muniaudit --db 'postgresql://u:p%40s@h/db' run", Path("/var/log/m.log")).splitlines()[-1]
    assert "p\\%40s" in line and line.count("%") == line.count("\\%")


DIES_MIDWAY = """
import os, sys
from alembic import op
real, made = op.create_table, []
def dying(*args, **kwargs):
    made.append(args[0])
    if len(made) == 4:
        os._exit(9)                      # killed while creating the schema of a first use
    return real(*args, **kwargs)
op.create_table = dying
from muniaudit import service
service.open_store(sys.argv[1])
"""


def test_a_first_use_killed_while_creating_the_schema_leaves_a_usable_database(tmp_path):
    import sqlite3
    import sys

    from tests.conftest import ROOT, run_cli

    db_file = tmp_path / "store.sqlite"
    killed = subprocess.run([sys.executable, "-c", DIES_MIDWAY, f"sqlite:///{db_file}"], cwd=ROOT)
    assert killed.returncode == 9
    with sqlite3.connect(db_file) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone() == (0,)
    listed = run_cli("municipalities", "list", "--state", "Colima", db=f"sqlite:///{db_file}", check=True)
    assert "Manzanillo" in listed.stdout
