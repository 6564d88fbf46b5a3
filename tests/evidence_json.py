"""Evidence <-> JSON for golden and report tests (kept with the tests: only tests read saved evidence files)."""
from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from audit.evidence import Evidence, EvidenceSignal, Review


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def evidence_from_dict(doc: dict[str, Any]) -> Evidence:
    """Build Evidence from its JSON form (datetimes as ISO 8601 strings; reviews keyed by criterion id)."""
    signals = [EvidenceSignal(kind=s["kind"], url=s["url"], found_on=s.get("found_on", ""),
                              on_home=bool(s.get("on_home", False)), data=dict(s.get("data") or {}),
                              snippet=s.get("snippet", ""), captured_at=_dt(s.get("captured_at")))
               for s in doc.get("signals", [])]
    reviews = {}
    for key, r in (doc.get("reviews") or {}).items():
        reviews[key] = Review(criterion_id=r.get("criterion_id", key), decision=r["decision"],
                              reviewer=r["reviewer"], reviewed_at=datetime.fromisoformat(r["reviewed_at"]),
                              note=r.get("note", ""), points=r.get("points"), stale=bool(r.get("stale", False)))
    return Evidence(cvegeo=doc["cvegeo"], crawl_status=doc["crawl_status"],
                    crawled_at=datetime.fromisoformat(doc["crawled_at"]), signals=signals,
                    pages_seen=int(doc.get("pages_seen", 0)), pages_needing_render=int(doc.get("pages_needing_render", 0)),
                    reviews=reviews, facts=dict(doc.get("facts") or {}))


def evidence_to_dict(evidence: Evidence) -> dict[str, Any]:
    doc = asdict(evidence)
    doc["crawled_at"] = evidence.crawled_at.isoformat()
    for signal in doc["signals"]:
        signal["captured_at"] = signal["captured_at"].isoformat() if signal["captured_at"] else None
    for review in doc["reviews"].values():
        review["reviewed_at"] = review["reviewed_at"].isoformat()
    return doc
