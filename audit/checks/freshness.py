"""Checks on how recent the information is, always relative to the crawl time (never the clock)."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from audit.checks.base import CheckOutcome, EvidenceIndex, Param, failed, parse_date, passed
from audit.checks.registry import check
from audit.evidence import EvidenceSignal
from audit.messages import Message, msg
from audit.result import PASS

SCOPES = ("data_section", "dataset", "page")
FUTURE_TOLERANCE_DAYS = 1


def dated(ev: EvidenceIndex, scopes: list[str] | None) -> list[tuple[date, EvidenceSignal]]:
    """(date, signal) for update_date signals in `scopes`, newest first; future dates are ignored."""
    out = []
    for signal in ev.of_kind("update_date"):
        if scopes and signal.data.get("scope") not in scopes:
            continue
        when = parse_date(signal.data.get("date"))
        if when is not None and (when - ev.crawled_on).days <= FUTURE_TOLERANCE_DAYS:
            out.append((when, signal))
    out.sort(key=lambda pair: pair[0], reverse=True)
    return out


def _within(ev: EvidenceIndex, days: int, scopes: list[str] | None, what: Message) -> CheckOutcome:
    found = dated(ev, scopes)
    if not found:
        return failed(msg("fresh.no_date", what=what))
    newest, signal = found[0]
    age = (ev.crawled_on - newest).days
    detail = msg("fresh.detail", newest=newest.isoformat(), age=age, crawled=ev.crawled_on.isoformat())
    if age <= days:
        return passed(msg("fresh.within", what=what, days=days, detail=detail), [signal])
    return failed(msg("fresh.stale", what=what, days=days, detail=detail), absent=False, signals=[signal])


@check("updated_within", params={
    "days": Param((int,), required=True, help="window in days before the crawl"),
    "scopes": Param((list,), default=["data_section", "dataset"], choices=SCOPES,
                    help="update_date scopes that count")}, reads=["update_date"],
       final=[PASS])   # the newest date only gets newer as more is found
def updated_within(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """The (data section's) information was updated at least once in the `days` before the crawl."""
    return _within(ev, p["days"], p["scopes"], msg("fresh.what.information"))


@check("newest_block_within", params={
    "days": Param((int,), required=True, help="maximum age in days of the newest data block"),
    "scopes": Param((list,), default=["dataset"], choices=SCOPES)}, reads=["update_date"], final=[PASS])
def newest_block_within(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """At least one block of information holds data less than `days` old."""
    return _within(ev, p["days"], p["scopes"], msg("fresh.what.block"))
