"""How sure a detection is: its status, a confidence and the reasons behind both.

Every section, account, app and tool a detector proposes carries:

- ``status``: ``confirmed`` (the evidence holds), ``candidate`` (a link proposes it; the site-level step confirms
  it by its target page), ``unconfirmed`` (could not be confirmed: not crawled, blocked, empty; a person decides)
  or ``reference`` (real, but somebody else's: the national portal, another state's portal, a newspaper);
- ``confidence`` between 0 and 1; the audit scores automatically only above a threshold (rubric parameter
  ``min_confidence``), and asks a person below it;
- ``reasons``: short codes, rendered in words by the reports ("enlace en el menú principal", "página de tipo
  artículo").
"""
from __future__ import annotations

from typing import Any

CONFIRMED, CANDIDATE, UNCONFIRMED, REFERENCE = "confirmed", "candidate", "unconfirmed", "reference"
STATUS_RANK = {CONFIRMED: 3, UNCONFIRMED: 2, CANDIDATE: 1, REFERENCE: 0}
DEFAULT_MIN_CONFIDENCE = 0.7

# Confidence a placement lends a link that proposes a section, account, app or tool.
PLACEMENT_CONFIDENCE = {
    "menu": 0.9, "header": 0.9, "footer": 0.85, "site_block": 0.85, "home": 0.85, "sidebar": 0.8, "main": 0.75,
}


def placement_confidence(region: str) -> float:
    """Confidence lent by where the proposing link sits (navigation highest, page body lower)."""
    return PLACEMENT_CONFIDENCE.get(region, 0.6)


def grade(data: dict[str, Any], status: str, confidence: float, *reasons: str) -> dict[str, Any]:
    """data with status, confidence (two decimals) and reasons (appended, without repeats) set."""
    data["status"] = status
    data["confidence"] = round(max(0.0, min(1.0, confidence)), 2)
    data["reasons"] = list(dict.fromkeys([*data.get("reasons", []), *(r for r in reasons if r)]))
    return data
