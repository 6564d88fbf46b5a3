"""Publishing is a transaction: an interrupted `run` (SIGTERM or SIGKILL mid-crawl) leaves the previous report
folder byte-identical, and the resumed run publishes what an uninterrupted run publishes."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from muniaudit.publish import publish
from muniaudit.sampleweb.server import serve_sample_web
from tests.conftest import ROOT, run_cli

SITES = {"14097": "strong", "14120": "social_only", "14039": "failing"}
FAST = ["--allow-private", "--render", "never"]


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _import(db: str, tmp_path: Path, web) -> None:
    csv = tmp_path / "sitios.csv"
    csv.write_text("cvegeo,url\n" + "".join(f"{k},{web.entry_url(v)}\n" for k, v in SITES.items()), encoding="utf-8")
    run_cli("municipalities", "import", str(csv), db=db, check=True)


def _start_run(db: str, out: Path, label: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "muniaudit.cli", "--db", db, "run", *FAST, "--label", label, "--out", str(out)]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _wait_mid_crawl(db_file: Path, label: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Until some site of the run is settled while another is still being crawled."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        try:
            with sqlite3.connect(db_file, timeout=5) as conn:
                statuses = [s for (s,) in conn.execute(
                    "SELECT s.status FROM site_crawl s JOIN crawl_run r ON r.id = s.run_id WHERE r.label = ?",
                    (label,))]
        except sqlite3.OperationalError:
            statuses = []
        if "running" in statuses and any(s in ("ok", "partial", "unreachable") for s in statuses):
            return
        time.sleep(0.2)
    raise AssertionError(f"run {label} never reached mid-crawl")


def _essence(export: Path) -> dict:
    """What a reader takes from a publication: scores, statuses and points per criterion."""
    doc = json.loads(export.read_text(encoding="utf-8"))
    return {m["cvegeo"]: (m["score"], m["score_status"], m["crawl"]["status"],
                          sorted((c["id"], c["status"], c["points"]) for c in m["criteria"]))
            for m in doc["municipalities"]}


@pytest.mark.slow
def test_an_interrupted_run_leaves_the_previous_publication_untouched(tmp_path):
    db_file = tmp_path / "store.sqlite"
    db = f"sqlite:///{db_file}"
    out = tmp_path / "publicado"
    with serve_sample_web(delay_s=6.0) as web:
        _import(db, tmp_path, web)
        run_cli("run", *FAST, "--label", "2026-10", "--out", str(out), db=db, timeout=300)
        published = _tree(out)
        assert "export.json" in published and "index.html" in published

        for sig in (signal.SIGTERM, signal.SIGKILL):
            proc = _start_run(db, out, "2026-11")
            _wait_mid_crawl(db_file, "2026-11", proc)
            os.killpg(proc.pid, sig)
            stdout, stderr = proc.communicate(timeout=120)
            if sig == signal.SIGTERM:
                assert proc.returncode == 5, (stdout, stderr)
                assert "no se publicó nada" in stdout
            assert _tree(out) == published, f"the publication changed after {sig.name}"

        resumed = run_cli("run", *FAST, "--label", "2026-11", "--out", str(out), db=db, timeout=300)
        assert resumed.returncode in (0, 3), resumed.stderr
        assert _tree(out) != published
        assert not list(tmp_path.glob(".publicado.*"))          # no staging or set-aside folder left behind

        fresh_db = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
        _import(fresh_db, tmp_path, web)
        fresh_out = tmp_path / "sin-interrupcion"
        run_cli("run", *FAST, "--label", "2026-11", "--out", str(fresh_out), db=fresh_db, timeout=300)
    assert _essence(out / "export.json") == _essence(fresh_out / "export.json")


def test_a_failed_build_leaves_the_previous_publication_and_no_debris(tmp_path):
    out = tmp_path / "sitio"
    publish(out, lambda folder: (folder / "index.html").write_text("v1", encoding="utf-8"))
    before = _tree(out)

    def broken(folder: Path) -> None:
        (folder / "index.html").write_text("v2 a medias", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="anterior quedó intacta"):
        publish(out, broken)
    assert _tree(out) == before and sorted(p.name for p in tmp_path.iterdir()) == ["sitio"]
    publish(out, lambda folder: (folder / "index.html").write_text("v2", encoding="utf-8"))
    assert (out / "index.html").read_text(encoding="utf-8") == "v2"


def test_the_published_folder_is_readable_like_any_other_and_keeps_its_permissions(tmp_path):
    out = tmp_path / "sitio"
    publish(out, lambda folder: (folder / "index.html").write_text("v1", encoding="utf-8"))
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o777 & ~umask          # not mkdtemp's private 0700
    out.chmod(0o750)
    publish(out, lambda folder: (folder / "index.html").write_text("v2", encoding="utf-8"))
    assert out.stat().st_mode & 0o777 == 0o750


def test_a_symlinked_or_mounted_report_folder_is_published_in_place(tmp_path):
    real = tmp_path / "disco" / "reportes"
    real.mkdir(parents=True)
    link = tmp_path / "reportes"
    link.symlink_to(real)
    publish(link, lambda folder: (folder / "index.html").write_text("v1", encoding="utf-8"))
    assert link.is_symlink() and (link / "index.html").read_text(encoding="utf-8") == "v1"

    mount = tmp_path / "montado"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        (mount / "lost+found").mkdir()
        (mount / "m").mkdir()
        (mount / "m" / "1.html").write_text("v1", encoding="utf-8")
        (mount / "m" / "borrado.html").write_text("un municipio que ya no está", encoding="utf-8")

        def build(folder: Path) -> None:
            (folder / "m").mkdir()
            (folder / "m" / "1.html").write_text("v2", encoding="utf-8")
            (folder / "index.html").write_text("v2", encoding="utf-8")

        publish(mount, build)
        assert sorted(p.name for p in mount.iterdir()) == ["index.html", "lost+found", "m"]
        assert sorted(p.name for p in (mount / "m").iterdir()) == ["1.html"]
        assert (mount / "m" / "1.html").read_text(encoding="utf-8") == "v2"
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)


def test_a_file_where_the_folder_should_be_is_refused_and_kept(tmp_path):
    out = tmp_path / "reportes"
    out.write_text("notas del auditor", encoding="utf-8")
    with pytest.raises(OSError, match="no es una carpeta"):
        publish(out, lambda folder: (folder / "index.html").write_text("v1", encoding="utf-8"))
    assert out.read_text(encoding="utf-8") == "notas del auditor"


def test_a_crash_between_the_fallback_renames_is_repaired_by_the_next_publication(tmp_path):
    out = tmp_path / "sitio"
    publish(out, lambda folder: (folder / "index.html").write_text("v1", encoding="utf-8"))
    out.rename(tmp_path / ".sitio.previous-x")          # what a kill between the two renames leaves
    (tmp_path / ".sitio.staging-y").mkdir()
    publish(out, lambda folder: (folder / "nuevo.html").write_text("v2", encoding="utf-8"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sitio"]
    assert (out / "nuevo.html").is_file()
