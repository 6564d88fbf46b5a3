"""Run and site queries: create a run, list the sites still to crawl (resetting interrupted ones), count
sites by status, close a run. The crawler, the app and the benchmarks call them; they hold no crawling logic."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from store.models import CrawlRun, Municipality, Page, SignalRow, SiteCrawl
from store.status import SETTLED, CrawlStatus, RunStatus


@dataclass(frozen=True)
class SiteSpec:
    site_crawl_id: int
    cvegeo: str
    start_url: str
    extra_urls: tuple[str, ...] = field(default_factory=tuple)
    name: str = ""                                   # municipality and state names, declared accounts: who
    state: str = ""                                  # owns the site (crawler.extract.ownership.Owner)
    known_accounts: tuple[str, ...] = field(default_factory=tuple)


def now() -> datetime:
    return datetime.now(UTC)


def create_run(session: Session, cvegeos: list[str] | None, label: str = "", settings: dict | None = None) -> int:
    """A new crawl run over the given (or all enabled) municipalities. Sites without URL are settled at once."""
    query = select(Municipality).where(Municipality.enabled.is_(True))
    if cvegeos:
        query = select(Municipality).where(Municipality.cvegeo.in_(cvegeos))
    run = CrawlRun(label=label, started_at=now(), status=RunStatus.RUNNING, settings=settings or {}, stats={})
    session.add(run)
    session.flush()
    for muni in session.scalars(query.order_by(Municipality.cvegeo)):
        status = CrawlStatus.PENDING if muni.url else CrawlStatus.NO_URL
        session.add(SiteCrawl(run_id=run.id, cvegeo=muni.cvegeo, start_url=muni.url, status=status,
                              finished_at=None if muni.url else now(), facts={}))
    return run.id


def parse_partition(value: str | None) -> tuple[int, int] | None:
    """"i/n" (0 <= i < n) -> (i, n); None means the whole run."""
    if not value:
        return None
    index, _, total = value.partition("/")
    i, n = int(index), int(total)
    if not 0 <= i < n:
        raise ValueError(f"partition {value!r}: expected i/n with 0 <= i < n")
    return i, n


def in_partition(cvegeo: str, partition: tuple[int, int] | None) -> bool:
    """Partitions by INEGI key, so each site belongs to exactly one worker (and politeness holds per site)."""
    return partition is None or int(cvegeo) % partition[1] == partition[0]


def pending_sites(session: Session, run_id: int, partition: tuple[int, int] | None = None) -> list[SiteSpec]:
    """Sites of the run (or of one partition of it) not finished yet. Evidence half-written by an interrupted
    crawl is discarded first, so a resumed site is crawled again from its home page and nothing is duplicated."""
    rows = [r for r in session.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id,
                                                               SiteCrawl.status.not_in(SETTLED)))
            if in_partition(r.cvegeo, partition)]
    ids = [r.id for r in rows]
    if ids:
        session.execute(delete(Page).where(Page.site_crawl_id.in_(ids)))
        session.execute(delete(SignalRow).where(SignalRow.site_crawl_id.in_(ids)))
    specs = []
    for row in rows:
        muni = session.get(Municipality, row.cvegeo)
        row.status, row.started_at = CrawlStatus.RUNNING, now()
        specs.append(SiteSpec(row.id, row.cvegeo, row.start_url or muni.url, tuple(muni.extra_urls or ()),
                              muni.name, muni.state_name, tuple(_account_urls(muni.known_accounts))))
    return specs


def _account_urls(accounts) -> list[str]:
    """Declared accounts as URLs (the registry stores URLs or {"url": ...} mappings)."""
    out = []
    for account in accounts or ():
        url = account.get("url") if isinstance(account, dict) else account
        if isinstance(url, str) and url:
            out.append(url)
    return out


def status_counts(session: Session, run_id: int) -> dict[str, int]:
    """How many sites of a run have each status (one GROUP BY): the one count the crawl, the progress bar, the
    monthly summary and `muniaudit status` share. Keys are the stored strings, sorted."""
    rows = session.execute(select(SiteCrawl.status, func.count()).where(SiteCrawl.run_id == run_id)
                           .group_by(SiteCrawl.status).order_by(SiteCrawl.status))
    return {str(status): int(n) for status, n in rows}


def finish_run(session: Session, run_id: int) -> dict:
    """Close the run when every site is settled; returns counts by site status."""
    run = session.get(CrawlRun, run_id)
    counts = status_counts(session, run_id)
    if all(s in SETTLED for s in counts):
        run.status, run.finished_at = RunStatus.FINISHED, now()
    else:
        run.status = RunStatus.INTERRUPTED
    run.stats = {**(run.stats or {}), "sites": counts}
    return counts
