"""Bridges between the store and the audit: load Evidence for a site crawl, save an AuditResult."""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit.evidence import Evidence, EvidenceSignal, Review
from audit.result import AuditResult
from store.models import Audit, CrawlRun, CriterionResultRow, ManualReview, SignalRow, SiteCrawl


def latest_run_id(session: Session) -> int | None:
    return session.scalar(select(CrawlRun.id).order_by(CrawlRun.id.desc()).limit(1))


def site_crawls(session: Session, run_id: int) -> list[SiteCrawl]:
    return list(session.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id).order_by(SiteCrawl.cvegeo)))


def evidence_hash(signals: list[SignalRow], kinds: set[str] | None = None) -> str:
    """A stable digest of the evidence a reviewer judged (kinds limit it to what the criterion looks at)."""
    items = sorted((s.kind, s.url, json.dumps(s.data, sort_keys=True, default=str))
                   for s in signals if kinds is None or s.kind in kinds)
    return hashlib.sha256(json.dumps(items).encode()).hexdigest()


def load_evidence(session: Session, site: SiteCrawl, rubric_id: str | None = None) -> Evidence:
    signals = list(session.scalars(select(SignalRow).where(SignalRow.site_crawl_id == site.id)))
    crawled_at = site.finished_at or site.started_at or site.run.started_at
    evidence = Evidence(
        cvegeo=site.cvegeo, crawl_status=site.status if site.status != "running" else "partial",
        crawled_at=_aware(crawled_at),
        signals=[EvidenceSignal(s.kind, s.url, s.found_on, s.on_home, dict(s.data or {}), s.snippet or "",
                                _aware(s.captured_at)) for s in signals],
        pages_seen=site.pages_seen, pages_needing_render=site.pages_needing_render, facts=dict(site.facts or {}),
    )
    if rubric_id:
        evidence.reviews = load_reviews(session, site.cvegeo, rubric_id, evidence_hash(signals))
    return evidence


def load_reviews(session: Session, cvegeo: str, rubric_id: str, current_hash: str) -> dict[str, Review]:
    """The latest review of each criterion; stale when the evidence changed since it was judged."""
    rows = session.scalars(select(ManualReview).where(ManualReview.cvegeo == cvegeo, ManualReview.rubric_id == rubric_id)
                           .order_by(ManualReview.reviewed_at))
    reviews: dict[str, Review] = {}
    for r in rows:
        reviews[r.criterion_id] = Review(r.criterion_id, r.decision, r.reviewer, _aware(r.reviewed_at), r.note,
                                         r.points, stale=bool(r.evidence_hash) and r.evidence_hash != current_hash)
    return reviews


def save_audit(session: Session, site: SiteCrawl, result: AuditResult) -> Audit:
    """Store a result, replacing an earlier audit of the same crawl with the same rubric version."""
    for old in session.scalars(select(Audit).where(Audit.site_crawl_id == site.id, Audit.rubric_id == result.rubric_id,
                                                   Audit.rubric_version == result.rubric_version)):
        session.delete(old)
    session.flush()
    audit = Audit(site_crawl_id=site.id, cvegeo=site.cvegeo, rubric_id=result.rubric_id,
                  rubric_version=result.rubric_version, rubric_hash=result.rubric_hash,
                  code_version=result.code_version, created_at=datetime.now(UTC), score=result.score,
                  max_score=result.max_score, status=result.status, pending_points=result.pending_points,
                  categories=[_plain(c) for c in result.categories], caps_applied=list(result.caps_applied))
    for position, c in enumerate(result.criteria):
        audit.criteria.append(CriterionResultRow(
            position=position, criterion_id=c.id, category=c.category, title=c.title, status=c.status,
            points=c.points, max_points=c.max_points, mode=c.mode, reason=c.reason,
            evidence=[_plain(e) for e in c.evidence], reviewed_by=c.reviewed_by, suggestion=c.suggestion))
    session.add(audit)
    return audit


def _plain(obj) -> dict:
    from dataclasses import asdict, is_dataclass
    return asdict(obj) if is_dataclass(obj) else dict(obj)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes; everything is stored in UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value
