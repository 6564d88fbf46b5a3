"""What a site's evidence so far still lacks: the crawler's side of "stop when no open criterion can change".

The crawler never scores, so the rubric's view comes in from outside: `MUNIAUDIT_SITE_DECIDER` names a class
(loaded by name, like Scrapy's components; the app sets it to audit.decider.RubricDecider) built from
`MUNIAUDIT_DECIDER_RUBRICS`. Its `wanted(signals, home_read, settled)` answers which signal kinds could still
change an automatic verdict: None for "every kind" (no decider: nothing is ever decided), an empty set when the site is
decided. `SiteEvidence` keeps each site's signals and what its pages turned out to be, merged as the store
pipeline will merge them (crawler.extract.site.SignalMerger, finalize_merged), so the decider judges what the
audit will see.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from crawler.extract.site import SignalMerger, finalize_merged, note_page, page_key
from crawler.extract.types import Signal

logger = logging.getLogger(__name__)
EVERY_KIND = None
MAX_SIGNALS = 5000     # past this many distinct signals on one site, stop asking: every kind stays wanted


class Decider(Protocol):
    def wanted(self, signals: list[Signal], home_read: bool, settled: set[str]) -> frozenset[str] | None:
        """The kinds still wanted; `settled` is the site's own set, where the decider keeps what it found final
        (opaque to the crawler), so later calls are given only signals of kinds still wanted."""
        ...


def load_decider(settings) -> Decider | None:
    """The decider the settings name, or None (the crawl then stops sites on its own limits only)."""
    path = settings.get("MUNIAUDIT_SITE_DECIDER")
    if not path:
        return None
    from scrapy.utils.misc import load_object

    return load_object(path)(settings.getlist("MUNIAUDIT_DECIDER_RUBRICS"))


@dataclass
class SiteEvidence:
    """One site's evidence so far, and the kinds still wanted (None: every kind)."""

    merger: SignalMerger = field(default_factory=SignalMerger)
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)   # page_key -> status, role (finalize_site)
    targets: set[str] = field(default_factory=set)                    # page keys wanted signals point at
    wanted: frozenset[str] | None = EVERY_KIND
    settled: set[str] = field(default_factory=set)                    # the decider's own notes (see Decider)
    home_read: bool = False
    asked: int = 0                                                    # decider calls (benchmarks print them)
    failed: bool = False              # the decider raised once: this site is crawled unsteered from then on

    def add_signals(self, signals: Iterable[Signal]) -> list[Signal]:
        """Keep a page's signals; return those the site had not shown before (by Signal.key)."""
        new = [signal for signal in signals if self.merger.add(signal)]
        self.targets.update(page_key(signal.url) for signal in new if self.wants(signal.kind))
        return new

    def add_page(self, urls: Iterable[str], facts: Mapping[str, Any]) -> bool:
        """Note what a fetched page is (under the URL asked and the URL answered), as the store pipeline does;
        True when a signal points at it, so it may confirm or reject a proposed section."""
        return any(key in self.targets for key in note_page(self.pages, urls, facts))

    def release(self) -> None:
        """Forget the signals and pages of a finished site (its outcome, `wanted` and `asked`, stays)."""
        self.merger = SignalMerger()
        self.pages, self.targets, self.settled = {}, set(), set()

    def wants(self, kind: str) -> bool:
        return self.wanted is EVERY_KIND or kind in self.wanted

    @property
    def decided(self) -> bool:
        return self.wanted is not EVERY_KIND and not self.wanted

    def yielded(self, new: list[Signal]) -> bool:
        """Did a page add evidence a verdict could still use (a new signal of a wanted kind)?"""
        return any(self.wants(s.kind) for s in new)

    def decide(self, decider: Decider | None) -> None:
        """Ask the decider again (after a wanted signal, a page a wanted signal points at, or the home page read).
        Only signals of kinds still wanted are handed over: the criteria still open read nothing else."""
        if decider is None or self.failed or len(self.merger.kept) > MAX_SIGNALS:
            self.wanted = EVERY_KIND
            return
        self.asked += 1
        signals = finalize_merged(self.merger.merged(self.wanted), self.pages)
        try:
            self.wanted = decider.wanted(signals, self.home_read, self.settled)
        except Exception:  # noqa: BLE001 - a rubric's check failing on odd evidence must not stop the crawl
            logger.exception("the site decider failed; this site is crawled without it")
            self.failed, self.wanted = True, EVERY_KIND
