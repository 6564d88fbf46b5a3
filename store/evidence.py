"""Evidence queries: runs, site crawls, their signals and the manual reviews of a rubric.

The store knows nothing of the audit: audit.storage builds Evidence from these rows and saves results.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import CrawlRun, ManualReview, SignalRow, SiteCrawl


def latest_run_id(session: Session) -> int | None:
    return session.scalar(select(CrawlRun.id).order_by(CrawlRun.id.desc()).limit(1))


def site_crawls(session: Session, run_id: int) -> list[SiteCrawl]:
    return list(session.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id).order_by(SiteCrawl.cvegeo)))


# Per criterion id, the signal kinds its check reads (audit.checks.registry.criterion_reads); None = every kind.
CriterionReads = Mapping[str, Collection[str] | None]


def evidence_hash(signals: list[SignalRow], kinds: Collection[str] | None = None) -> str:
    """A stable digest of the evidence a reviewer judged (kinds limit it to what the criterion reads)."""
    items = sorted((s.kind, s.url, json.dumps(s.data, sort_keys=True, default=str))
                   for s in signals if kinds is None or s.kind in kinds)
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()


def reviews_by_municipality(session: Session, cvegeos: list[str], rubric_id: str) -> dict[str, list[ManualReview]]:
    out: dict[str, list[ManualReview]] = {}
    for i in range(0, len(cvegeos), 500):
        rows = session.scalars(select(ManualReview).where(ManualReview.cvegeo.in_(cvegeos[i:i + 500]),
                                                          ManualReview.rubric_id == rubric_id)
                               .order_by(ManualReview.id))   # the order decisions were recorded
        for row in rows:
            out.setdefault(row.cvegeo, []).append(row)
    return out


def signals_by_site(session: Session, site_ids: list[int]) -> dict[int, list[SignalRow]]:
    """Signal rows of many site crawls (in the order they were stored), 500 ids a query."""
    by_site: dict[int, list[SignalRow]] = {i: [] for i in site_ids}
    for i in range(0, len(site_ids), 500):
        for row in session.scalars(select(SignalRow).where(SignalRow.site_crawl_id.in_(site_ids[i:i + 500]))
                                   .order_by(SignalRow.id)):
            by_site[row.site_crawl_id].append(row)
    return by_site


def aware(value: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes; everything is stored in UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
