"""One writer at a time per database: every command that writes (run, crawl, resume, audit, review import) holds
this lock, keyed by the database itself, not by the way the user spelled its address.

- SQLite: an exclusive flock on the database file (the inode, so a symlink, a relative path or `./x/../x.sqlite`
  all reach the same lock); who holds it is written beside it (`<file>.lock`) so the refusal can name them.
- PostgreSQL: a session advisory lock (advisory locks belong to one database); the holding connection's
  application_name names the command, and the refusal reads it from pg_stat_activity.

The lock is released when the holder ends, however it ends (the kernel drops the flock, PostgreSQL drops the
session's advisory locks), so a killed run never leaves a stale lock behind.
"""
from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, text

PG_LOCK_KEY = 0x6D756E69     # "muni": shared by every muniaudit process on one database
HELD_ENV = "MUNIAUDIT_WRITER_LOCK_HELD"   # set while held: a crawl started by the holder does not lock again


class Locked(Exception):
    """Another muniaudit process is writing to this database; the message names it."""


def database_file(engine: Engine) -> Path | None:
    """The SQLite file behind an engine, resolved (None for other databases or in-memory SQLite)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).resolve()


@contextmanager
def writer_lock(engine: Engine, command: str) -> Iterator[None]:
    """Hold the database's writer lock while the block runs; raise Locked naming the holder otherwise."""
    if os.environ.get(HELD_ENV):
        yield                       # our own parent (or this process) holds it
        return
    holder = f"muniaudit {command} (pid {os.getpid()} en {socket.gethostname()}, desde " \
             f"{datetime.now(UTC).astimezone():%Y-%m-%d %H:%M})"
    if engine.dialect.name == "postgresql":
        with _pg_lock(engine, holder):
            yield
        return
    path = database_file(engine)
    if path is None:
        yield
        return
    with _file_lock(path, holder):
        yield


@contextmanager
def _file_lock(path: Path, holder: str) -> Iterator[None]:
    info = path.with_name(path.name + ".lock")
    try:
        fh = open(path, "ab")         # opening for append never changes the database's bytes
    except OSError as exc:
        raise Locked(f"no se puede abrir la base de datos {path}: {exc.strerror or exc}") from None
    with fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise Locked(f"otro proceso escribe en {path}: {_read_holder(info)}") from None
        _write_holder(info, holder)
        os.environ[HELD_ENV] = "1"
        try:
            yield
        finally:
            os.environ.pop(HELD_ENV, None)
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write_holder(info: Path, holder: str) -> None:
    try:
        info.write_text(holder + "\n", encoding="utf-8")
    except OSError:
        pass                          # the lock itself holds; only the courtesy note could not be written


def _read_holder(info: Path) -> str:
    try:
        return info.read_text(encoding="utf-8").strip() or "proceso desconocido"
    except OSError:
        return "proceso desconocido"


@contextmanager
def _pg_lock(engine: Engine, holder: str) -> Iterator[None]:
    with engine.connect() as conn:
        conn.execute(text("SELECT set_config('application_name', :name, false)"), {"name": holder[:63]})
        if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": PG_LOCK_KEY}).scalar():
            who = conn.execute(text(
                "SELECT a.application_name, a.pid, a.backend_start FROM pg_locks l JOIN pg_stat_activity a "
                "ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :k "
                "AND a.datname = current_database() LIMIT 1"), {"k": PG_LOCK_KEY}).first()
            conn.rollback()
            name = f"{who[0] or 'sesión'} (pid de servidor {who[1]})" if who else "otra sesión"
            raise Locked(f"otro proceso escribe en esta base PostgreSQL: {name}")
        conn.commit()
        os.environ[HELD_ENV] = "1"
        try:
            yield
        finally:
            os.environ.pop(HELD_ENV, None)
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_LOCK_KEY})
            conn.commit()
