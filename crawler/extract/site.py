"""Site-level step (finalize_site): merge page signals, then confirm each proposed section by its target page.

A link's words only *propose* a section. Once the whole site has been crawled, each proposal is judged by the
page it leads to, as the crawler saw it (crawler.extract.roles): a hub, a document or dataset list, or a page
that names itself as the section confirms it; an article, a tag listing, a person's page, an error page or the
home page rejects it; a target that was never fetched (budget, blocked, timed out) leaves it unconfirmed, for a
person to decide: never a silent pass, never a silent fail.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from crawler.extract import urls
from crawler.extract.grading import (
    CANDIDATE,
    CONFIRMED,
    DEFAULT_MIN_CONFIDENCE,
    STATUS_RANK,
    UNCONFIRMED,
    grade,
)
from crawler.extract.roles import DATASET_LISTING, DOCUMENT_LIST, HUB, NOT_SECTION_ROLES
from crawler.extract.types import Diagnostic, Signal
from store.kinds import ANY_IN_DATA_SECTION, MIN_DEPTH, SHORTEST_URL, merge_rules

# Kinds proposed by links and confirmed by their target page, with the section the target must name itself as.
CONFIRMED_BY_TARGET = {"open_data_section": ("open_data",), "transparency_section": ("transparency", "open_data")}
# Tools proposed by links: a target that is an article, a listing, a person's or an error page rejects them.
REJECTED_BY_TARGET = frozenset({"participation", "citizen_report_tool", "citizen_evaluation"})
STRUCTURED_ROLES = frozenset({HUB, DATASET_LISTING, DOCUMENT_LIST})
# A link seen on this many pages is part of the site's template (its navigation), wherever the markup put it.
TEMPLATE_PAGES = 3
# Faults after which a target is unknown rather than missing.
_UNKNOWN_FAULTS = ("blocked", "timeout", "render", "connection", "robots", "tls", "dns", "too_large", "http_5",
                   "http_429", "http_403", "internal_error", "extraction_error")


def merge(signals: list[Signal]) -> list[Signal]:
    """One signal per key: the best-graded copy wins, on_home is True if any copy was on home."""
    merger = SignalMerger()
    for signal in signals:
        merger.add(signal)
    return merger.merged()


class SignalMerger:
    """`merge`, one signal at a time: a crawl keeps one per site and reads the merged signals whenever it needs
    them (crawler.decider), in memory bounded by the site's distinct signals, not by its pages."""

    def __init__(self) -> None:
        self.kept: dict[tuple[str, str], Signal] = {}

    def add(self, signal: Signal) -> bool:
        """Fold in one more copy; True when its key is new to the site."""
        key = signal.key()
        kept = self.kept.get(key)
        if kept is None:
            self.kept[key] = replace(signal, data=dict(signal.data))
            if "status" in signal.data:
                self.kept[key].data["pages"] = 1
            return True
        _absorb(kept, signal)
        return False

    def merged(self, kinds: frozenset[str] | None = None) -> list[Signal]:
        """The merged signals (copies: the merger can go on), links seen on many pages graded as template; only
        those of `kinds` when given."""
        out = []
        for kept in self.kept.values():
            if kinds is not None and kept.kind not in kinds:
                continue
            signal = replace(kept, data=dict(kept.data))
            if signal.data.get("pages", 1) >= TEMPLATE_PAGES and "status" in signal.data:
                grade(signal.data, signal.data["status"], max(signal.data.get("confidence", 0), 0.85),
                      "site_template")
            out.append(signal)
        return out


def _absorb(kept: Signal, signal: Signal) -> None:
    """Fold another copy of the same signal into the kept one (the kind's extra rules: store.kinds)."""
    rules = merge_rules(signal.kind)
    kept.on_home = kept.on_home or signal.on_home
    if "status" in kept.data:
        kept.data["pages"] = kept.data.get("pages", 1) + 1
    if SHORTEST_URL in rules and len(signal.url) < len(kept.url):
        kept.url = signal.url
    if MIN_DEPTH in rules:
        kept.data["depth"] = min(kept.data.get("depth", 0), signal.data.get("depth", 0))
    if ANY_IN_DATA_SECTION in rules and signal.data.get("in_data_section"):
        kept.data["in_data_section"] = True
    if "status" in signal.data and _better(signal.data, kept.data):
        for field in ("status", "confidence", "placement", "source_role", "label", "via"):
            if field in signal.data:
                kept.data[field] = signal.data[field]
        kept.found_on, kept.snippet = signal.found_on, signal.snippet
    if "reasons" in signal.data:
        kept.data["reasons"] = list(dict.fromkeys([*kept.data.get("reasons", []), *signal.data["reasons"]]))[:8]


def _better(new: dict[str, Any], old: dict[str, Any]) -> bool:
    """Higher status, then higher confidence."""
    rank = (STATUS_RANK.get(new.get("status", ""), 0), new.get("confidence", 0))
    return rank > (STATUS_RANK.get(old.get("status", ""), 0), old.get("confidence", 0))


def confirm(signals: list[Signal], pages: Mapping[str, Mapping[str, Any]],
            rejected: list[Diagnostic] | None = None) -> list[Signal]:
    """Judge every proposed section by its target page; returns the signals kept (rejections go to `rejected`)."""
    kept = []
    for signal in signals:
        verdict = _judge(signal, pages)
        if verdict is None:
            kept.append(signal)
            continue
        status, confidence, reason, role = verdict
        if role:
            signal.data["target_role"] = role
        if status == "rejected":
            if rejected is not None:
                rejected.append(Diagnostic(signal.kind, signal.url, signal.found_on, reason,
                                           {"label": signal.data.get("label", ""), "target_role": role}))
            continue
        grade(signal.data, status, min(signal.data.get("confidence", 1.0), confidence), reason)
        kept.append(signal)
    return kept


def _judge(signal: Signal, pages: Mapping[str, Mapping[str, Any]]) -> tuple[str, float, str, str] | None:
    """(status, confidence, reason, target role) for a link-proposed signal, or None when nothing to judge."""
    if signal.kind not in CONFIRMED_BY_TARGET and signal.kind not in REJECTED_BY_TARGET:
        return None
    if signal.kind in CONFIRMED_BY_TARGET and signal.data.get("status") != CANDIDATE:
        return None
    target = pages.get(page_key(signal.url))
    if target is None:
        if signal.kind in REJECTED_BY_TARGET:
            return None
        return UNCONFIRMED, 0.5, "target_not_crawled", ""
    role = str(target.get("role") or "")
    fault = str(target.get("fault") or "")
    status = target.get("status")
    if fault and any(fault.startswith(f) for f in _UNKNOWN_FAULTS):
        return (UNCONFIRMED, 0.5, "target_" + fault, role) if signal.kind in CONFIRMED_BY_TARGET else None
    if fault == "soft_404" or (isinstance(status, int) and status >= 400) or role == "error":
        return "rejected", 0.0, "target_error_page", role or "error"
    if not role:    # fetched, but not an HTML page we read (a file, a render still pending)
        return (UNCONFIRMED, 0.5, "target_not_read", role) if signal.kind in CONFIRMED_BY_TARGET else None
    if role in NOT_SECTION_ROLES and not (role == "home" and signal.data.get("owner") != "own"):
        if role in ("article", "listing") and _from_navigation(signal):
            # the site's own menu leads to a post or a post listing: a section published as posts, or a
            # mislabelled link; a person decides (a link inside content was never a candidate)
            return UNCONFIRMED, 0.45, f"target_is_{role}", role
        return "rejected", 0.0, f"target_is_{role}", role
    if signal.kind in REJECTED_BY_TARGET:
        return None
    return _section_target(signal.kind, target, role)


def _from_navigation(signal: Signal) -> bool:
    """Proposed by a link in the site's navigation (menu, header, footer, its own blocks, home tiles)."""
    return str(signal.data.get("placement", "")).startswith("navigation/")


# A page with more running text than this that offers nothing is a page *about* the subject, not an empty
# section waiting for content loaded on demand (a heading and a selector).
PROSE_TEXT = 300


def _section_target(kind: str, target: Mapping[str, Any], role: str) -> tuple[str, float, str, str]:
    """How well a fetched page of an acceptable role bears out the section its link proposed."""
    features = target.get("features") or {}
    agrees = target.get("says") in CONFIRMED_BY_TARGET[kind]
    offers = features.get("files", 0) > 0 or (features.get("main_links", 0) >= 3
                                               and features.get("link_ratio", 0) >= 0.25)
    if features.get("under_construction") and not offers:
        return UNCONFIRMED, 0.4, "target_under_construction", role
    if role in STRUCTURED_ROLES:
        return CONFIRMED, 0.95 if agrees else 0.8, f"target_{role}", role
    if agrees and offers:
        return CONFIRMED, 0.85, "target_names_section", role
    if kind == "transparency_section" and features.get("period_selector"):
        # a selector of fiscal years or quarters: financial information published on demand
        return CONFIRMED, 0.8, "target_period_selector", role
    if agrees and features.get("main_text", 0) <= PROSE_TEXT:
        # the page the menu leads to names itself as the section but shows nothing yet (content loaded on
        # demand, or not published): the section exists; what it holds is judged by the criteria that read it
        return CONFIRMED, 0.75, "target_names_section_empty", role
    if agrees:
        return UNCONFIRMED, 0.5, "target_prose_only", role
    if offers:
        return UNCONFIRMED, 0.6, "target_unclear", role
    return UNCONFIRMED, 0.4, "target_unrelated", role


def page_key(url: str) -> str:
    """Key under which a page's facts are looked up (scheme-less, no fragment, no trailing slash)."""
    return urls.canonical(url)


def note_page(known: dict[str, dict[str, Any]], page_urls: Iterable[str], facts: Mapping[str, Any]) -> list[str]:
    """Remember what a fetched page turned out to be under each of its URLs (linked and answered), so proposed
    sections can be judged by it; a page read (with a role) beats a probe or a failure. Returns the keys."""
    keys = []
    for url in page_urls:
        key = page_key(url)
        if facts.get("role") or key not in known or not known[key].get("role"):
            known[key] = dict(facts)
        keys.append(key)
    return keys


def derive(signals: list[Signal]) -> list[Signal]:
    """Site-level facts: 'custom' platform when no CMS was recognised."""
    derived: list[Signal] = []
    if not any(s.kind == "platform" for s in signals):
        home = next((s.found_on for s in signals if s.on_home), signals[0].found_on if signals else "")
        derived.append(Signal("platform", home, home, True, {"name": "custom", "identity": "platform:custom"},
                              "no CMS fingerprint"))
    return derived


def finalize_site(signals: list[Signal], pages: Mapping[str, Mapping[str, Any]] | None = None,
                  rejected: list[Diagnostic] | None = None) -> list[Signal]:
    """Merge duplicates by Signal.key(), confirm proposed sections by their target pages (when the pages the
    crawl saw are given, keyed by page_key) and add site-level facts."""
    return finalize_merged(merge(signals), pages, rejected)


def finalize_merged(merged: list[Signal], pages: Mapping[str, Mapping[str, Any]] | None = None,
                    rejected: list[Diagnostic] | None = None) -> list[Signal]:
    """`finalize_site` on signals already merged (SignalMerger.merged): confirm, then add site-level facts."""
    if pages is not None:
        merged = confirm(merged, pages, rejected)
    return merged + derive(merged)


def counted(signal: Signal, min_confidence: float = DEFAULT_MIN_CONFIDENCE) -> bool:
    """Would the audit count this signal automatically (audit.checks.base.is_decided)? Reference and unconfirmed
    signals, and those below the threshold, go to a person."""
    return signal.data.get("status", CONFIRMED) == CONFIRMED and signal.data.get("confidence", 1.0) >= min_confidence
