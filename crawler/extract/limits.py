"""Bounds on what one page or one site may add to the evidence, and the finding that records a cut.

A hostile or broken page can hold tens of thousands of links, e-mails or phone numbers. Kept whole, two such pages
meant hundreds of thousands of signals, a 120 MB export and over a gigabyte of memory. Each page keeps the first
signals of each kind up to a bound, each site the first distinct ones, and what was cut is recorded
("limits: signals_cut, 1,000 of 30,000 contact kept"), so the evidence says it is incomplete instead of being
silently short.
"""
from __future__ import annotations

from collections import Counter

from crawler.extract.types import Diagnostic, Signal

MAX_LINKS_PER_PAGE = 5000          # anchors a detector reads on one page
PAGE_LIMITS = {"dataset": 1000, "contact": 100, "update_date": 200}
SITE_LIMITS = {"dataset": 5000, "update_date": 2000}
DEFAULT_PAGE_LIMIT = 200
DEFAULT_SITE_LIMIT = 1000


def page_limit(kind: str) -> int:
    return PAGE_LIMITS.get(kind, DEFAULT_PAGE_LIMIT)


def site_limit(kind: str) -> int:
    return SITE_LIMITS.get(kind, DEFAULT_SITE_LIMIT)


def cap_page(signals: list[Signal], page_url: str) -> tuple[list[Signal], list[Diagnostic]]:
    """The first signals of each kind up to its page bound, and one finding per kind that was cut."""
    found = Counter(s.kind for s in signals)
    if all(n <= page_limit(k) for k, n in found.items()):
        return signals, []
    kept_count: Counter = Counter()
    kept = []
    for signal in signals:
        if kept_count[signal.kind] < page_limit(signal.kind):
            kept_count[signal.kind] += 1
            kept.append(signal)
    cuts = [cut_finding(kind, page_url, page_limit(kind), n) for kind, n in found.items() if n > page_limit(kind)]
    return kept, cuts


def cut_finding(kind: str, url: str, kept: int, found: int) -> Diagnostic:
    """The finding that records a cut: which kind, where, how many kept of how many seen."""
    return Diagnostic("limits", url, url, "signals_cut", {"kind": kind, "kept": kept, "found": found})


class SiteBound:
    """Distinct signals of each kind a site keeps while its pages arrive (copies of kept ones always pass)."""

    def __init__(self) -> None:
        self.keys: dict[str, set] = {}
        self.dropped: Counter = Counter()

    def admit(self, signal: Signal) -> bool:
        seen = self.keys.setdefault(signal.kind, set())
        key = signal.key()
        if key in seen:
            return True
        if len(seen) >= site_limit(signal.kind):
            self.dropped[signal.kind] += 1
            return False
        seen.add(key)
        return True

    def findings(self, site_url: str) -> list[Diagnostic]:
        return [cut_finding(kind, site_url, site_limit(kind), site_limit(kind) + n) for kind, n in self.dropped.items()]
