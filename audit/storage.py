"""The audit's door to the store: build Evidence from a site crawl's stored rows, save an AuditResult.

The store holds the queries (store.evidence) and knows nothing of the audit; the audit reads evidence through
them and writes its results (docs/architecture.md, "Rooms and doors").
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from audit.evidence import Evidence, EvidenceSignal, Review
from audit.result import AuditResult
from store.evidence import CriterionReads, aware, evidence_hash, reviews_by_municipality, signals_by_site
from store.models import Audit, CriterionResultRow, ManualReview, SiteCrawl
from store.status import CrawlStatus


def load_evidence(session: Session, site: SiteCrawl, rubric_id: str | None = None,
                  reads: CriterionReads | None = None) -> Evidence:
    return load_run_evidence(session, [site], rubric_id, reads)[0]


def load_run_evidence(session: Session, sites: list[SiteCrawl], rubric_id: str | None = None,
                      reads: CriterionReads | None = None) -> list[Evidence]:
    """Evidence for many site crawls with two queries (signals, reviews) instead of two per site.

    A review is stale when the signals its criterion reads (`reads`) changed since it was recorded; without
    `reads`, any change of the site's signals makes it stale."""
    by_site = signals_by_site(session, [s.id for s in sites])
    reviews = reviews_by_municipality(session, [s.cvegeo for s in sites], rubric_id) if rubric_id else {}
    out = []
    for site in sites:
        signals = by_site[site.id]
        evidence = Evidence(
            cvegeo=site.cvegeo, crawl_status=CrawlStatus.PARTIAL if site.status == CrawlStatus.RUNNING else site.status,
            crawled_at=aware(site.finished_at or site.started_at or site.run.started_at),
            signals=[EvidenceSignal(s.kind, s.url, s.found_on, s.on_home, dict(s.data or {}), s.snippet or "",
                                    aware(s.captured_at)) for s in signals],
            pages_seen=site.pages_seen, pages_needing_render=site.pages_needing_render, facts=dict(site.facts or {}),
        )
        if reviews.get(site.cvegeo):
            evidence.reviews = _current_reviews(reviews[site.cvegeo], _hasher(signals, reads), evidence_hash(signals))
        out.append(evidence)
    return out


def load_reviews(session: Session, cvegeo: str, rubric_id: str, current_hash: str) -> dict[str, Review]:
    """The latest review of each criterion; stale when the evidence changed since it was judged."""
    return _current_reviews(reviews_by_municipality(session, [cvegeo], rubric_id).get(cvegeo, []),
                            lambda _: current_hash, current_hash)


def _hasher(signals, reads: CriterionReads | None) -> Callable[[str], str]:
    """criterion id -> digest of the signals that criterion reads (all signals when its reads are unknown)."""
    cache: dict[frozenset[str] | None, str] = {}

    def digest(criterion_id: str) -> str:
        kinds = (reads or {}).get(criterion_id)
        key = frozenset(kinds) if kinds is not None else None
        if key not in cache:
            cache[key] = evidence_hash(signals, key)
        return cache[key]

    return digest


def _current_reviews(rows: list[ManualReview], hash_for: Callable[[str], str], full_hash: str) -> dict[str, Review]:
    """Latest review per criterion. The digest of all the site's signals is still accepted, so a review exported
    before digests were per criterion stays fresh while nothing at all changed."""
    reviews: dict[str, Review] = {}
    for r in rows:      # in the order they were imported: the latest correction wins, whatever date it carries
        fresh = not r.evidence_hash or r.evidence_hash in (hash_for(r.criterion_id), full_hash)
        reviews[r.criterion_id] = Review(r.criterion_id, r.decision, r.reviewer, aware(r.reviewed_at), r.note,
                                         r.points, stale=not fresh)
    return reviews


def save_audit(session: Session, site: SiteCrawl, result: AuditResult) -> None:
    save_audits(session, [(site, result)])


def save_audits(session: Session, pairs: list[tuple[SiteCrawl, AuditResult]]) -> None:
    """Store results, replacing earlier audits of the same crawls with the same rubric version (bulk statements)."""
    if not pairs:
        return
    rubric_id, version = pairs[0][1].rubric_id, pairs[0][1].rubric_version
    site_ids = [site.id for site, _ in pairs]
    for i in range(0, len(site_ids), 500):
        old = select(Audit.id).where(Audit.site_crawl_id.in_(site_ids[i:i + 500]), Audit.rubric_id == rubric_id,
                                     Audit.rubric_version == version)
        session.execute(delete(CriterionResultRow).where(CriterionResultRow.audit_id.in_(old)))
        session.execute(delete(Audit).where(Audit.id.in_(old.scalar_subquery())))
    created = datetime.now(UTC)
    audits = [Audit(site_crawl_id=site.id, cvegeo=site.cvegeo, rubric_id=r.rubric_id, rubric_version=r.rubric_version,
                    rubric_hash=r.rubric_hash, code_version=r.code_version, created_at=created, score=r.score,
                    max_score=r.max_score, status=r.status, pending_points=r.pending_points,
                    categories=[_plain(c) for c in r.categories], caps_applied=list(r.caps_applied))
              for site, r in pairs]
    session.add_all(audits)
    session.flush()          # one multi-row INSERT ... RETURNING for the ids
    rows = [{"audit_id": audit.id, "position": position, "criterion_id": c.id, "category": c.category,
             "title": c.title, "status": c.status, "points": c.points, "max_points": c.max_points, "mode": c.mode,
             "reason": c.reason, "evidence": [_plain(e) for e in c.evidence], "reviewed_by": c.reviewed_by,
             "suggestion": c.suggestion, "message": c.message, "suggestion_message": c.suggestion_message}
            for audit, (_, r) in zip(audits, pairs, strict=True) for position, c in enumerate(r.criteria)]
    if rows:
        session.execute(insert(CriterionResultRow), rows)
    session.expire_all()     # bulk statements bypass the identity map


def _plain(obj) -> dict:
    from dataclasses import asdict, is_dataclass
    return asdict(obj) if is_dataclass(obj) else dict(obj)
