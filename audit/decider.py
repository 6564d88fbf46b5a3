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

from audit.checks import EvidenceIndex
from audit.checks.registry import CHECKS, final_statuses, kinds_read
from audit.engine import judge, plan
from audit.evidence import CRAWL_OK, Evidence, EvidenceSignal
from audit.loader import builtin_rubric_path, load_rubric
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

    key: str                          # "rubric id/criterion id": how a site remembers it as settled
    criterion_id: str
    reads: frozenset[str] | None
    final: frozenset[str]
    home_only: bool


@dataclass(frozen=True)
class Steering:
    """A rubric as the decider reads it: its automatic criteria, and the criteria to judge for them (those and
    what they require, in the engine's order)."""

    rubric: Rubric
    watched: tuple[Watched, ...]
    to_judge: tuple[Criterion, ...]


class RubricDecider:
    """`wanted(signals, home_read, settled)`: the kinds some automatic criterion could still change on (None: every
    kind; empty: the site is decided). `settled` is the site's own set, kept between calls: criteria found final
    are recorded there and not judged again, so later calls need only the signals of the kinds still wanted."""

    def __init__(self, rubrics: Iterable[str | Path] = ()) -> None:
        """`rubrics`: ids of bundled rubrics or paths of rubric files."""
        self.rubrics: list[Steering] = []
        for name in rubrics:
            path = Path(name)
            self.add(load_rubric(path if path.suffix in (".yaml", ".yml") else builtin_rubric_path(str(name))))

    def add(self, rubric: Rubric) -> None:
        watched = watched_criteria(rubric)
        self.rubrics.append(Steering(rubric, watched, to_judge(rubric, {w.criterion_id for w in watched})))

    def wanted(self, signals: Sequence[SignalLike], home_read: bool,
               settled: set[str] | None = None) -> frozenset[str] | None:
        settled = set() if settled is None else settled
        evidence = Evidence(cvegeo="", crawl_status=CRAWL_OK, crawled_at=datetime.now(UTC), signals=[
            EvidenceSignal(s.kind, s.url, s.found_on, s.on_home, dict(s.data), s.snippet or "") for s in signals])
        index = EvidenceIndex(evidence)
        wanted: set[str] = set()
        every_kind = False
        for steering in self.rubrics:
            open_items = [w for w in steering.watched if w.key not in settled]
            if not open_items:
                continue
            judged: dict = {}
            for crit in steering.to_judge:
                judged[crit.id] = judge(crit, index, judged, steering.rubric)
            for item in open_items:
                if (item.home_only and home_read) or judged[item.criterion_id].status in item.final:
                    settled.add(item.key)
                elif item.reads is EVERY_KIND:
                    every_kind = True
                else:
                    wanted |= item.reads
        return EVERY_KIND if every_kind else frozenset(wanted)


def watched_criteria(rubric: Rubric) -> tuple[Watched, ...]:
    """The rubric's automatic criteria, each with its reads (and those of the criteria it requires)."""
    by_id = {c.id: c for c in rubric.criteria}
    return tuple(Watched(f"{rubric.id}/{c.id}", c.id, _reads_with_requirements(c, by_id, set()), _final(c),
                         bool(c.check.params.get("on_home")))
                 for c in rubric.criteria if c.mode == "auto")


def to_judge(rubric: Rubric, ids: set[str]) -> tuple[Criterion, ...]:
    """The criteria `ids` and those they require, in the engine's order (assisted checks such as readability are
    not run for nothing)."""
    by_id = {c.id: c for c in rubric.criteria}
    needed: set[str] = set()
    pending = list(ids)
    while pending:
        cid = pending.pop()
        if cid in needed or cid not in by_id:
            continue
        needed.add(cid)
        pending.extend(by_id[cid].requires)
    return tuple(c for c in plan(rubric).order if c.id in needed)


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
