"""A quiet crawl: Scrapy runs in a child process whose log goes to a file in the run's folder, while this process
shows a Rich progress bar fed by polling the store (sites settled / total, pages, errors) and echoes the log's
warnings and errors, so they stay visible without Scrapy's INFO lines.

Polling the store is the one channel that also works for a resumed run and survives the child's crash: the
spider already writes each site's status when it settles (store.runs).
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy import Engine, func, select

from store.db import resolve_url, session_scope
from store.models import Page, SiteCrawl
from store.runs import status_counts
from store.status import NOT_READ, UNSETTLED

LOUD = re.compile(r"\] (WARNING|ERROR|CRITICAL): |^Traceback|^\w+Error\b")


def log_path(db_url: str | None, run_id: int, cwd: Path | None = None) -> Path:
    """logs/run-<id>.log next to a SQLite database file, else in the working directory."""
    url = resolve_url(db_url)
    base = cwd or Path.cwd()
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        base = Path(url[len("sqlite:///"):]).expanduser().resolve().parent
    return base / "logs" / f"run-{run_id}.log"


@dataclass(frozen=True)
class Snapshot:
    total: int
    settled: int
    pages: int
    failed: int


def snapshot(engine: Engine, run_id: int) -> Snapshot:
    """How far a run's crawl is, from the store."""
    with session_scope(engine) as session:
        counts = status_counts(session, run_id)
        pages = session.scalar(select(func.count(Page.id)).join(SiteCrawl, Page.site_crawl_id == SiteCrawl.id)
                               .where(SiteCrawl.run_id == run_id)) or 0
    total = sum(counts.values())
    settled = total - sum(counts.get(s, 0) for s in UNSETTLED)
    return Snapshot(total, settled, int(pages), sum(counts.get(s, 0) for s in NOT_READ))


class LogTail:
    """New complete lines of a growing log file, from where the last read stopped."""

    def __init__(self, path: Path) -> None:
        self.path, self.offset, self.partial = path, 0, b""

    def lines(self) -> Iterator[str]:
        try:
            with self.path.open("rb") as handle:
                handle.seek(self.offset)
                chunk = handle.read()
        except OSError:
            return
        self.offset += len(chunk)
        data = self.partial + chunk
        *complete, self.partial = data.split(b"\n")
        for raw in complete:
            yield raw.decode("utf-8", "replace")


def loud_lines(lines: Iterator[str]) -> Iterator[str]:
    """Warnings, errors and tracebacks: what an operator must see even when the rest goes to the file."""
    return (line for line in lines if LOUD.search(line))


def crawl_with_progress(run_id: int, options, engine: Engine, log_file: Path, console: Console,
                        poll_seconds: float = 1.0) -> int:
    """Crawl a run in a child process with its log in `log_file` and a progress bar on `console`; returns the
    child's exit code. Ctrl-C or SIGTERM stops the child politely (the run can be resumed)."""
    from crawler.runner import crawl_command

    log_file.parent.mkdir(parents=True, exist_ok=True)
    options.settings = {**(options.settings or {}), "LOG_FILE": str(log_file), "LOG_FILE_APPEND": True}
    console.print(f"bitácora de Scrapy: {log_file}", highlight=False)
    tail = LogTail(log_file)
    tail.offset = log_file.stat().st_size if log_file.exists() else 0
    with log_file.open("ab") as sink:
        # Same process group: Ctrl-C in a terminal, `kill -TERM -<pgid>` and systemd reach the child directly,
        # and a SIGKILL of the group leaves no orphan crawling on.
        child = subprocess.Popen(crawl_command(run_id, options), stdout=sink, stderr=sink,
                                 env={**os.environ, "PYTHONUNBUFFERED": "1"})
        relay = SignalRelay(child)
        with relay:
            _follow(child, run_id, engine, tail, console, poll_seconds, relay)
    for line in loud_lines(tail.lines()):
        console.print(f"[yellow]{escape(line)}[/]", highlight=False)
    return child.returncode


class SignalRelay:
    """While the child crawls, SIGINT/SIGTERM stop the crawl the way they stopped an in-process crawl: Scrapy
    shuts down gracefully and this process goes on (summary, exit code 5 for an unfinished run). The child
    usually gets the signal from its process group; when only this process was signalled (`kill <pid>`), the
    signal is passed on once the child's log shows it did not receive it."""

    GRACE_SECONDS = 3.0

    def __init__(self, child: subprocess.Popen) -> None:
        self.child, self.received, self.at, self.child_saw = child, None, 0.0, False
        self._previous: dict = {}

    def __enter__(self) -> SignalRelay:
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def _handle(self, signum, _frame) -> None:
        if self.received is not None:            # a second signal: force, as Scrapy's "send again to force"
            self.child.send_signal(signum)
        self.received, self.at = signum, time.monotonic()

    def watch(self, lines: list[str]) -> None:
        """Called with each batch of new log lines; relays the signal when the child has not logged it."""
        if any("Received SIG" in line for line in lines):
            self.child_saw = True
        if (self.received is not None and not self.child_saw and self.child.poll() is None
                and time.monotonic() - self.at > self.GRACE_SECONDS):
            self.child.send_signal(self.received)
            self.child_saw = True


def _follow(child: subprocess.Popen, run_id: int, engine: Engine, tail: LogTail, console: Console,
            poll_seconds: float, relay: SignalRelay) -> None:
    columns = (TextColumn("sitios"), BarColumn(), MofNCompleteColumn(), TextColumn("· {task.fields[pages]} páginas"),
               TextColumn("· {task.fields[failed]} con error"), TextColumn("· transcurrido"), TimeElapsedColumn(),
               TextColumn("· restante"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=False, disable=not console.is_terminal) as bar:
        task = bar.add_task("crawl", total=None, pages=0, failed=0)
        while True:
            done = child.poll() is not None
            now = snapshot(engine, run_id)
            bar.update(task, total=now.total, completed=now.settled, pages=now.pages, failed=now.failed)
            lines = list(tail.lines())
            relay.watch(lines)
            for line in loud_lines(iter(lines)):
                bar.console.print(f"[yellow]{escape(line)}[/]", highlight=False)
            if done:
                break
            time.sleep(poll_seconds)
    if not console.is_terminal:      # no live bar (a log file, a pipe): one line with the same facts
        final = snapshot(engine, run_id)
        console.print(f"sitios {final.settled}/{final.total} · {final.pages} páginas · {final.failed} con error",
                      highlight=False)
