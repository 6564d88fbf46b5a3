"""The monthly job: one run per label (e.g. "2026-11"), one at a time, resumable, with health checks and a summary.

Exit codes a scheduler can act on are defined in muniaudit/exits.py and documented in docs/operations.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from muniaudit.exits import EXIT_INCOMPLETE, EXIT_NEEDS_ATTENTION, EXIT_OK
from store.db import session_scope
from store.models import CrawlRun, SignalRow, SiteCrawl
from store.runs import status_counts
from store.status import UNSETTLED, CrawlStatus, RunStatus

# Health thresholds: a drop this sharp is more likely a broken crawl than a municipality's doing.
SIGNAL_COLLAPSE_RATIO = 0.5
PAGE_DROP_RATIO = 0.4
MIN_BASELINE_SIGNALS = 5
MIN_BASELINE_PAGES = 10


def default_label(today: datetime | None = None) -> str:
    return (today or datetime.now(UTC)).strftime("%Y-%m")


def find_run(session: Session, label: str) -> CrawlRun | None:
    """The run of a label, so re-running the same month resumes or reuses it instead of duplicating it."""
    return session.scalar(select(CrawlRun).where(CrawlRun.label == label).order_by(CrawlRun.id.desc()).limit(1))


def previous_run(session: Session, run_id: int) -> CrawlRun | None:
    return session.scalar(select(CrawlRun).where(CrawlRun.id < run_id, CrawlRun.status == RunStatus.FINISHED)
                          .order_by(CrawlRun.id.desc()).limit(1))


@dataclass
class SiteHealth:
    cvegeo: str
    reasons: list[str]


@dataclass
class RunSummary:
    run_id: int
    label: str
    statuses: dict[str, int] = field(default_factory=dict)
    new_signals: int = 0
    lost_signals: int = 0
    flagged: list[SiteHealth] = field(default_factory=list)
    complete: bool = True
    browser: dict | None = None          # crawler.runner.browser_status() as recorded on the run
    pages_needing_render: int = 0

    def exit_code(self) -> int:
        if not self.complete:
            return EXIT_INCOMPLETE
        return EXIT_NEEDS_ATTENTION if self.flagged else EXIT_OK


def _identities(session: Session, site_id: int) -> set[tuple[str, str]]:
    return {(kind, (data or {}).get("identity") or url) for kind, url, data in
            session.execute(select(SignalRow.kind, SignalRow.url, SignalRow.data).where(SignalRow.site_crawl_id == site_id))}


def site_health(current: SiteCrawl, before: SiteCrawl | None, now_ids: set, before_ids: set) -> list[str]:
    """Why a municipality's result should be reviewed before publication (empty when it looks sound)."""
    if before is None:
        return []
    reasons = []
    if before.status in (CrawlStatus.OK, CrawlStatus.PARTIAL) and current.status in (CrawlStatus.UNREACHABLE, CrawlStatus.BLOCKED):
        reasons.append(f"el sitio pasó de '{before.status}' a '{current.status}'")
    if len(before_ids) >= MIN_BASELINE_SIGNALS and len(now_ids) < SIGNAL_COLLAPSE_RATIO * len(before_ids):
        reasons.append(f"las señales cayeron de {len(before_ids)} a {len(now_ids)}")
    if before.pages_seen >= MIN_BASELINE_PAGES and current.pages_seen < PAGE_DROP_RATIO * before.pages_seen:
        reasons.append(f"las páginas vistas cayeron de {before.pages_seen} a {current.pages_seen}")
    return reasons


def summarise(engine: Engine, run_id: int) -> RunSummary:
    """Compare a run with the previous finished one; record health flags on each site and stats on the run."""
    with session_scope(engine) as session:
        run = session.get(CrawlRun, run_id)
        before_run = previous_run(session, run_id)
        before_sites = {s.cvegeo: s for s in before_run.sites} if before_run else {}
        summary = RunSummary(run_id, run.label, browser=(run.settings or {}).get("browser"))
        summary.statuses = status_counts(session, run_id)
        for site in run.sites:
            summary.pages_needing_render += site.pages_needing_render or 0
            if site.status in UNSETTLED:
                summary.complete = False
                continue
            before = before_sites.get(site.cvegeo)
            now_ids = _identities(session, site.id)
            before_ids = _identities(session, before.id) if before else set()
            if before is not None:
                summary.new_signals += len(now_ids - before_ids)
                summary.lost_signals += len(before_ids - now_ids)
            reasons = site_health(site, before, now_ids, before_ids)
            site.facts = {**(site.facts or {}), "health": {"needs_review": bool(reasons), "reasons": reasons}}
            if reasons:
                summary.flagged.append(SiteHealth(site.cvegeo, reasons))
        run.stats = {**(run.stats or {}), "sites": summary.statuses, "new_signals": summary.new_signals,
                     "lost_signals": summary.lost_signals, "flagged": len(summary.flagged),
                     "compared_with": before_run.id if before_run else None}
    return summary


def cron_entry(command: str, log_file: Path, day: int = 1, hour: int = 2) -> str:
    """A crontab line. cron turns an unescaped '%' into a newline (a '%' in a database URL would cut the
    command), so every '%' is escaped; a newline in the command or the log path is refused."""
    if "\n" in command or "\n" in str(log_file):
        raise ValueError("a crontab line cannot hold a newline")
    line = f"0 {hour} {day} * * {command} >> {log_file} 2>&1".replace("%", "\\%")
    return f"# muniaudit: corrida mensual (día {day}, {hour:02d}:00); bitácora en {log_file}\n{line}\n"


def systemd_units(command: str, workdir: Path, day: int = 1, hour: int = 2) -> dict[str, str]:
    service = (
        "[Unit]\nDescription=muniaudit monthly open-government audit\nAfter=network-online.target\n\n"
        f"[Service]\nType=oneshot\nWorkingDirectory={workdir}\nExecStart={command}\n"
        "# exit 3 = finished with municipalities to review; 4 = another run holds the lock\n"
        "SuccessExitStatus=3\nNice=10\n"
    )
    timer = (
        "[Unit]\nDescription=Run muniaudit monthly\n\n"
        f"[Timer]\nOnCalendar=*-*-{day:02d} {hour:02d}:00:00\nPersistent=true\nRandomizedDelaySec=15min\n\n"
        "[Install]\nWantedBy=timers.target\n"
    )
    return {"muniaudit.service": service, "muniaudit.timer": timer}
