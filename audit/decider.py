"""Which signal kinds could still change an automatic verdict: how a crawl knows a site is decided.

The crawler records evidence and never scores (docs/architecture.md, "Rooms and doors"), so it cannot tell by
itself when it has seen enough. The app names this decider in the crawl's settings (`MUNIAUDIT_SITE_DECIDER`,
loaded by name like Scrapy's own components) with the rubrics that steer the run, and the crawler asks it, each
time a site's evidence grows, which kinds are still *wanted*:

- An automatic criterion stops wanting its kinds when its check's outcome is *final*: an outcome more signals
  cannot change (`final` in audit.checks.registry.check: a count that reached its minimum, a newest date inside
  its window, an account found whose activity a person judges).
- A check that only reads the home page (`on_home: true`) stops wanting once the home page has been read.
- A criterion also wants what the criteria it requires read: aspects (c)-(m) need the data section first.

When no automatic criterion of any steering rubric wants anything, the site is decided and the crawler stops it
("todos los criterios decididos"). Assisted and manual criteria do not steer: a person decides them from what
the crawl saw (docs/crawling.md, "Evidence-directed").
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import rubrics as bundled
from audit.checks import EvidenceIndex
from audit.checks.registry import CHECKS, final_statuses, kinds_read
from audit.engine import judge_all
from audit.evidence import CRAWL_OK, Evidence, EvidenceSignal
from audit.loader import load_rubric
from audit.schema import Criterion, Rubric

EVERY_KIND = None     # "every kind is wanted": a criterion whose check reads all signals, or an unknown check


class SignalLike(Protocol):
    """What the decider reads of a signal (crawler.extract.types.Signal has it)."""

    kind: str
    url: str
    found_on: str
    on_home: bool
    data: dict[str, Any]
    snippet: str


@dataclass(frozen=True)
class Watched:
    """One automatic criterion of a steering rubric, with what it reads and which of its outcomes are final."""

    criterion_id: str
    reads: frozenset[str] | None
    final: frozenset[str]
    home_only: bool


class RubricDecider:
    """`wanted(signals, home_read)`: the kinds some automatic criterion could still change on (None: every kind;
    empty: the site is decided)."""

    def __init__(self, rubrics: Iterable[str | Path] = ()) -> None:
        """`rubrics`: ids of bundled rubrics or paths of rubric files."""
        self.rubrics: list[tuple[Rubric, tuple[Watched, ...]]] = []
        for name in rubrics:
            self.add(load_rubric(bundled.path_of(name)))

    def add(self, rubric: Rubric) -> None:
        self.rubrics.append((rubric, watched_criteria(rubric)))

    def wanted(self, signals: Sequence[SignalLike], home_read: bool) -> frozenset[str] | None:
        evidence = Evidence(cvegeo="", crawl_status=CRAWL_OK, crawled_at=datetime.now(UTC), signals=[
            EvidenceSignal(s.kind, s.url, s.found_on, s.on_home, dict(s.data), s.snippet or "") for s in signals])
        index = EvidenceIndex(evidence)
        wanted: set[str] = set()
        for rubric, watched in self.rubrics:
            judged = judge_all(rubric, index)
            for item in watched:
                if (item.home_only and home_read) or judged[item.criterion_id].status in item.final:
                    continue
                if item.reads is EVERY_KIND:
                    return EVERY_KIND
                wanted |= item.reads
        return frozenset(wanted)


def watched_criteria(rubric: Rubric) -> tuple[Watched, ...]:
    """The rubric's automatic criteria, each with its reads (and those of the criteria it requires)."""
    by_id = {c.id: c for c in rubric.criteria}
    return tuple(Watched(c.id, _reads_with_requirements(c, by_id, set()), _final(c), bool(c.check.params.get("on_home")))
                 for c in rubric.criteria if c.mode == "auto")


def _final(crit: Criterion) -> frozenset[str]:
    return final_statuses(crit.check.name, crit.check.params) if crit.check.name in CHECKS else frozenset()


def _reads_with_requirements(crit: Criterion, by_id: dict[str, Criterion], seen: set[str]) -> frozenset[str] | None:
    seen.add(crit.id)
    reads = kinds_read(crit.check.name, crit.check.params) if crit.check.name in CHECKS else EVERY_KIND
    if reads is EVERY_KIND:
        return EVERY_KIND
    total = set(reads)
    for req in crit.requires:
        if req in by_id and req not in seen:
            more = _reads_with_requirements(by_id[req], by_id, seen)
            if more is EVERY_KIND:
                return EVERY_KIND
            total |= more
    return frozenset(total)
