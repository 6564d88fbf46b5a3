"""Build the export document (reports/schema/export.schema.json) from stored crawls and audits.

The report site and `muniaudit export` both read this document, so the pages show what the data says.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from store.models import Audit, CrawlRun, Municipality, Page, SignalRow, SiteCrawl
from store.status import SETTLED, CrawlStatus
from store.version import __version__

CORE_SIGNAL_FIELDS = ("kind", "url", "found_on", "on_home", "snippet", "captured_at", "data")


def build_document(session: Session, run_id: int, rubric_id: str, rubric_meta: dict, *,
                   page_facts: bool = True) -> dict:
    """The export document for one run and one rubric (latest audit per site crawl). `page_facts=False` leaves
    out the evidence pages' hashes, fetch times and archive pointers (earlier runs read only for history)."""
    sites = list(session.scalars(select(SiteCrawl).where(SiteCrawl.run_id == run_id).order_by(SiteCrawl.cvegeo)))
    audits = _latest_audits(session, [s.id for s in sites], rubric_id)
    signals = _signals_by_site(session, [s.id for s in sites])
    roles = _page_roles_by_site(session, [s.id for s in sites])
    pages = _read_pages_by_site(session, [s.id for s in sites]) if page_facts else {}
    municipalities = [_municipality_doc(session.get(Municipality, s.cvegeo), s, audits.get(s.id),
                                        signals.get(s.id, []), roles.get(s.id, {}), pages.get(s.id, {}))
                      for s in sites]
    _add_ranks(municipalities)
    run = session.get(CrawlRun, run_id)
    return {
        "schema_version": "1",
        "generated_at": datetime.now(UTC).isoformat(),
        "tool": {"name": "muniaudit", "version": __version__},
        "rubric": rubric_meta,
        "run": _run_doc(run),
        "municipalities": municipalities,
    }


def _run_doc(run: CrawlRun | None) -> dict:
    """The run's id, label (it names the run's citable folder), times and, when the crawl recorded it, whether a
    browser could render JavaScript pages."""
    if run is None:
        return {}
    doc = {"id": run.id, "label": run.label or "", "started_at": _iso(run.started_at),
           "finished_at": _iso(run.finished_at)}
    browser = (run.settings or {}).get("browser")
    if isinstance(browser, dict) and isinstance(browser.get("available"), bool):
        doc["browser"] = {k: browser[k] for k in ("available", "render", "reason") if k in browser}
    return doc


def archive_folders(session: Session, run_id: int) -> list[str]:
    """The folders this run's WARC files were written to (the report reads archived pages from there)."""
    folders: set[str] = set()
    rows = session.scalars(select(Page.archive).join(SiteCrawl, Page.site_crawl_id == SiteCrawl.id)
                           .where(SiteCrawl.run_id == run_id, Page.archive.is_not(None)))
    for archive in rows:
        if isinstance(archive, dict) and isinstance(archive.get("file"), str):
            folders.add(os.path.dirname(archive["file"]))
    return sorted(folders)


@dataclass
class _ReadPage:
    sha256: str
    fetched_at: datetime
    archive: dict | None
    render_mode: str


def _read_pages_by_site(session: Session, site_ids: list[int]) -> dict[int, dict[str, _ReadPage]]:
    """Per site, the HTML pages the crawler read, by URL asked and URL answered: what evidence is found on.
    Where one URL was read twice (plain, then in a browser), the archived, rendered, later copy wins."""
    out: dict[int, dict[str, _ReadPage]] = {}
    for chunk in _chunks(site_ids):
        rows = session.execute(select(Page.site_crawl_id, Page.url, Page.final_url, Page.sha256, Page.fetched_at,
                                      Page.archive, Page.render_mode)
                               .where(Page.site_crawl_id.in_(chunk), Page.sha256.is_not(None),
                                      Page.render_mode.in_(("http", "browser", "needs_render")))
                               .order_by(Page.id))
        for site_id, url, final_url, sha, fetched, archive, mode in rows:
            page = _ReadPage(sha, fetched, archive if isinstance(archive, dict) else None, mode)
            known = out.setdefault(site_id, {})
            for key in (url, final_url):
                if _rank_page(page) >= _rank_page(known.get(key)):
                    known[key] = page
    return out


def _rank_page(page: _ReadPage | None) -> tuple[int, int]:
    if page is None:
        return (-1, -1)
    return (int(bool(page.archive and page.archive.get("record_id"))), int(page.render_mode == "browser"))


def _latest_audits(session: Session, site_ids: list[int], rubric_id: str) -> dict[int, Audit]:
    latest: dict[int, Audit] = {}
    for chunk in _chunks(site_ids):
        rows = session.scalars(select(Audit).where(Audit.site_crawl_id.in_(chunk), Audit.rubric_id == rubric_id)
                               .order_by(Audit.id))
        for audit in rows:
            latest[audit.site_crawl_id] = audit
    return latest


def _signals_by_site(session: Session, site_ids: list[int]) -> dict[int, list[SignalRow]]:
    out: dict[int, list[SignalRow]] = {}
    for chunk in _chunks(site_ids):
        for row in session.scalars(select(SignalRow).where(SignalRow.site_crawl_id.in_(chunk)).order_by(SignalRow.id)):
            out.setdefault(row.site_crawl_id, []).append(row)
    return out


def _page_roles_by_site(session: Session, site_ids: list[int]) -> dict[int, dict[str, int]]:
    """How many crawled pages of each role (home, hub, article, ...) each site has."""
    out: dict[int, dict[str, int]] = {}
    for chunk in _chunks(site_ids):
        rows = session.execute(select(Page.site_crawl_id, Page.role, func.count()).where(
            Page.site_crawl_id.in_(chunk), Page.role.is_not(None)).group_by(Page.site_crawl_id, Page.role))
        for site_id, role, count in rows:
            out.setdefault(site_id, {})[role] = count
    return out


def _chunks(ids: list[int], size: int = 500):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _municipality_doc(muni: Municipality, site: SiteCrawl, audit: Audit | None, signals: list[SignalRow],
                      page_roles: dict[str, int] | None = None, pages: dict[str, _ReadPage] | None = None) -> dict:
    crawl_status = site.status if site.status in SETTLED else CrawlStatus.ERROR.value
    doc = {
        "cvegeo": muni.cvegeo, "name": muni.name, "state": muni.state_name, "state_code": muni.state_code,
        "population": muni.population, "url": site.start_url or muni.url,
        "crawl": {"run_id": site.run_id, "status": crawl_status, "started_at": _iso(site.started_at),
                  "finished_at": _iso(site.finished_at), "pages_seen": site.pages_seen,
                  "pages_needing_render": site.pages_needing_render, "pages_rendered": site.pages_rendered,
                  "error": site.error, "faults": (site.facts or {}).get("faults", {}),
                  "needing_render": (site.facts or {}).get("needing_render", []),
                  "stop_reason": (site.facts or {}).get("stop_reason"),
                  "health": (site.facts or {}).get("health", {"needs_review": False, "reasons": []}),
                  "page_roles": dict(sorted((page_roles or {}).items()))},
        "score": None, "max_score": 100.0, "score_status": "not_audited", "pending_points": 0.0,
        "categories": [], "criteria": [], "signals": [_signal_doc(s) for s in signals],
    }
    if audit is not None:
        doc.update(score=None if audit.score is None else round(audit.score, 2), max_score=audit.max_score,
                   score_status=audit.status, pending_points=audit.pending_points, categories=audit.categories,
                   criteria=[_criterion_doc(c, pages or {}) for c in audit.criteria],
                   audit={"rubric_id": audit.rubric_id, "rubric_version": audit.rubric_version,
                          "rubric_hash": audit.rubric_hash, "code_version": audit.code_version,
                          "created_at": _iso(audit.created_at), "caps_applied": audit.caps_applied})
    return doc


def _criterion_doc(c, pages: dict[str, _ReadPage]) -> dict:
    return {"id": c.criterion_id, "category": c.category, "title": c.title, "status": c.status,
            "points": c.points, "max_points": c.max_points, "mode": c.mode, "reason": c.reason,
            "evidence": [evidence_doc(e, pages) for e in c.evidence or []], "reviewed_by": c.reviewed_by,
            "suggestion": c.suggestion, **({"message": c.message} if c.message else {}),
            **({"suggestion_message": c.suggestion_message} if c.suggestion_message else {})}


def evidence_doc(evidence: dict, pages: dict[str, _ReadPage]) -> dict:
    """An evidence item with the page it was found on: its hash, its fetch time (also the capture time shown)
    and where its archived copy is. Evidence whose page the crawler did not read is left as it is."""
    page = pages.get(evidence.get("found_on") or "") or pages.get(evidence.get("url") or "")
    if page is None:
        return evidence
    fetched = _iso(page.fetched_at)
    out = {**evidence, "sha256": page.sha256, "fetched_at": fetched, "captured_at": fetched}
    ref = archive_ref(page.archive)
    if ref is not None:
        out["archive"] = ref
    return out


def archive_ref(archive: dict | None) -> dict | None:
    """The public part of a page's archive pointer: the WARC file's name (never the server's path), the record's
    id, offset and length, whether it was cut, and the screenshot's record; or why there is no record."""
    if not isinstance(archive, dict):
        return None
    if archive.get("skipped"):
        return {"skipped": str(archive["skipped"])}
    if not archive.get("record_id") or not isinstance(archive.get("file"), str):
        return None
    ref = {"warc": os.path.basename(archive["file"]), "record_id": archive["record_id"],
           "offset": int(archive.get("offset") or 0), "length": int(archive.get("length") or 0),
           "date": archive.get("date"), "truncated": bool(archive.get("truncated"))}
    shot = archive.get("screenshot")
    if isinstance(shot, dict) and shot.get("record_id") and isinstance(shot.get("file"), str):
        ref["screenshot"] = {"warc": os.path.basename(shot["file"]), "record_id": shot["record_id"],
                             "offset": int(shot.get("offset") or 0), "length": int(shot.get("length") or 0)}
    return ref


def _signal_doc(s: SignalRow) -> dict:
    doc = {"kind": s.kind, "url": s.url, "found_on": s.found_on, "on_home": bool(s.on_home),
           "snippet": s.snippet or "", "captured_at": _iso(s.captured_at), "data": dict(s.data or {})}
    for key, value in (s.data or {}).items():      # kind-specific fields at top level (platform, handle, ...)
        if key not in CORE_SIGNAL_FIELDS and isinstance(value, str | int | float | bool):
            doc[key] = value
    return doc


def _add_ranks(municipalities: list[dict]) -> None:
    """Competition ranking (1, 2, 2, 4) among audited municipalities, nationally and by state."""
    scored = [m for m in municipalities if m["score"] is not None]
    _rank(scored, "national")
    for state in {m["state_code"] for m in scored}:
        _rank([m for m in scored if m["state_code"] == state], "state")
    for m in municipalities:
        m.setdefault("rank", {}).setdefault("national", None)
        m["rank"].setdefault("state", None)


def _rank(group: list[dict], key: str) -> None:
    ordered = sorted(group, key=lambda m: -m["score"])
    for i, m in enumerate(ordered):
        same = i > 0 and ordered[i - 1]["score"] == m["score"]
        m.setdefault("rank", {})[key] = ordered[i - 1]["rank"][key] if same else i + 1
