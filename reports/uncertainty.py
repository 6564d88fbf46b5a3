"""What the pending points of a municipality could change, and why they are pending (issue #12, pages).

Pure functions of one municipality of the export document: the decided score, the highest score the pending
points allow, and the cause of each pending point in words a reader sees without hovering.
"""
from __future__ import annotations

from typing import Any

from store.status import CrawlStatus

PENDING_STATUSES = ("needs_review", "error")
HUMAN_MODES = ("manual", "assisted")

# Cause keys, in the order they are shown. Spanish words; reports/i18n.py has the English.
CAUSES = {
    "review": "revisión humana",
    "partial_crawl": "rastreo parcial",
    "no_browser": "sin navegador (páginas con JavaScript no vistas)",
    "not_rendered": "páginas con JavaScript sin renderizar (límite del navegador)",
    "blocked": "páginas bloqueadas",
    "unverifiable": "no verificable",
}


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0


def crawl_gaps(m: dict, browser_available: bool | None = None) -> list[str]:
    """Why the crawl may have missed things, most specific first: JavaScript pages not seen, blocked pages,
    a partial crawl. `browser_available` is the run's `run.browser.available` when the document has it."""
    crawl = m.get("crawl") or {}
    gaps = []
    if _int(crawl.get("pages_needing_render")) > 0:
        # pages_needing_render counts JS pages the crawler could NOT render; none rendered means no browser.
        no_browser = browser_available is False or _int(crawl.get("pages_rendered")) == 0
        gaps.append("no_browser" if no_browser else "not_rendered")
    if _int(crawl.get("pages_blocked")) > 0:
        gaps.append("blocked")
    if crawl.get("status") == CrawlStatus.PARTIAL:
        gaps.append("partial_crawl")
    return gaps


def _pending_of(c: dict) -> float:
    max_points = c.get("max_points") or 0
    return max(0.0, float(max_points) - float(c.get("points") or 0))


def pending_causes(m: dict, browser_available: bool | None = None) -> dict[str, float]:
    """Pending points by cause. A criterion a person must judge is 'review'; an automatic one left pending or
    unverifiable is put down to the first crawl gap when there is one (the absence could not be confirmed),
    else to review (the crawler proposed something it could not confirm) or 'unverifiable'."""
    gaps = crawl_gaps(m, browser_available)
    out: dict[str, float] = {}
    for c in m.get("criteria") or []:
        if c.get("status") not in PENDING_STATUSES:
            continue
        points = _pending_of(c)
        if points <= 0:
            continue
        if c.get("mode") in HUMAN_MODES and c.get("status") == "needs_review":
            cause = "review"
        elif gaps:
            cause = gaps[0]
        else:
            cause = "review" if c.get("status") == "needs_review" else "unverifiable"
        out[cause] = out.get(cause, 0.0) + points
    return {k: round(out[k], 2) for k in CAUSES if k in out}


def score_range(m: dict) -> tuple[float | None, float | None]:
    """(decided score, highest score the pending points allow). The export's pending_points already respects
    caps (audit.engine), so the upper end is score + pending, never above max_score."""
    score = m.get("score")
    if score is None:
        return None, None
    pending = m.get("pending_points") or 0
    top = m.get("max_score") or 100
    return score, min(float(top), float(score) + float(pending))


def browser_available(doc: dict) -> bool | None:
    """The run's `run.browser.available` (recorded at crawl time), or None when the document does not say."""
    value = ((doc.get("run") or {}).get("browser") or {}).get("available")
    return value if isinstance(value, bool) else None


def run_without_browser(doc: dict) -> dict | None:
    """What the index says about a run without a browser: whether the run recorded it, and how many
    municipalities had JavaScript pages left unrendered with none rendered (derived, so older documents too)."""
    recorded = browser_available(doc)
    affected = [m for m in doc.get("municipalities", [])
                if "no_browser" in crawl_gaps(m, recorded)]
    if recorded is False or affected:
        return {"recorded": recorded is False, "affected": len(affected)}
    return None
