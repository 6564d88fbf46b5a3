"""Engine and session set-up. SQLite file by default; any SQLAlchemy URL via --db or MUNIAUDIT_DB."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_DB = "sqlite:///muniaudit.sqlite"


def resolve_url(url: str | None = None) -> str:
    """The database URL: explicit argument, then MUNIAUDIT_DB, then a SQLite file in the working directory."""
    url = url or os.environ.get("MUNIAUDIT_DB") or DEFAULT_DB
    if "://" not in url:          # a bare path means a SQLite file
        url = "sqlite:///" + str(Path(url))
    return url


def absolute_url(url: str | None = None) -> str:
    """resolve_url with a relative SQLite path made absolute (for commands run from another folder: cron)."""
    url = resolve_url(url)
    prefix = "sqlite:///"
    if url.startswith(prefix) and url != prefix + ":memory:" and not url.startswith(prefix + "/"):
        path = url[len(prefix):]
        return prefix + str(Path(path).expanduser().resolve())
    return url


def make_engine(url: str | None = None) -> Engine:
    url = resolve_url(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # Foreign keys are off by default in SQLite; WAL lets the report read while a crawl writes.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A transaction: committed on success, rolled back on any error (nothing half-written)."""
    session = sessionmaker(engine, expire_on_commit=False)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
