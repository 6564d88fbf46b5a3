"""Shared fixtures: fresh SQLite and PostgreSQL stores, the sample web on loopback, the corpus location."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
PG_ADMIN_URL = os.environ.get("MUNIAUDIT_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite'}"


@pytest.fixture
def pg_url():
    """A throw-away schema in the local PostgreSQL `test` database (dropped afterwards)."""
    try:
        admin = create_engine(PG_ADMIN_URL)
        with admin.begin() as conn:
            schema = f"t_{secrets.token_hex(6)}"
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure means the server is not there
        pytest.skip(f"PostgreSQL at {PG_ADMIN_URL} not reachable: {exc.__class__.__name__}")
    yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return request.getfixturevalue("pg_url")


def run_cli(*args: str, db: str | None = None, timeout: float = 240, cwd: Path | None = None,
            check: bool = False) -> subprocess.CompletedProcess:
    """Run the real `muniaudit` command in a child process (the crawl needs a fresh Twisted reactor)."""
    cmd = [sys.executable, "-m", "muniaudit.cli"] + (["--db", db] if db else []) + list(args)
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd or ROOT)
    if check and proc.returncode != 0:
        raise AssertionError(f"{cmd} exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
    return proc


@pytest.fixture
def corpus_dir() -> Path:
    if not (CORPUS / "sites").is_dir():
        pytest.skip(f"corpus not found at {CORPUS} (clone the project with ../shared beside it)")
    return CORPUS
