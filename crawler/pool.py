"""Reading a page (one parse for its signals, its links and its title: the costly part of a page) in worker
processes, off the reactor: the reactor's process keeps to the network, the frontier and the store."""
from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from crawler.extract import extract_parsed
from crawler.extract.dom import parse
from crawler.extract.outlinks import Outlink, append_joined, followable_links, title_of
from crawler.extract.types import Extraction, PageContext
from crawler.faults import js_targets

logger = logging.getLogger(__name__)


def worker_count(setting: int, cpus: int | None) -> int:
    """MUNIAUDIT_EXTRACT_WORKERS: -1 = cpu count - 1 (max 4), 0 = extract in the reactor's own process."""
    if setting < 0:
        return min(4, (cpus or 1) - 1)
    return setting


def die_with_parent() -> None:
    """Extraction workers end when the crawl process ends, however it ends (Linux parent-death signal); a
    killed crawl must not leave orphans holding memory. Elsewhere the pool's own shutdown is all there is."""
    import ctypes
    import multiprocessing
    import signal as os_signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, int(os_signal.SIGTERM))   # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(0)       # the parent died while this worker was starting, before the signal was armed


@dataclass
class PageReading:
    """All a worker reads of one HTML page: its signals and role, the links to follow, its title."""

    extraction: Extraction
    links: list[Outlink] = field(default_factory=list)
    title: str = ""


def read_page(text: str, ctx: PageContext, headers: dict, base: str, links_as_home: bool) -> PageReading:
    """One parse of the page for everything the crawl reads from it: the links to follow (resolved against
    `base`, its <base href>; placed as on the home page when `links_as_home`), the targets its JavaScript
    handlers name, its title, and its extraction. The links are read before the extractors walk the tree."""
    page = parse(text, ctx, headers)
    # the ancestors' verdicts are the tree's, whoever reads them: the extractors' placements reuse these
    found = followable_links(page.root, base, links_as_home, page.memo("placement.said", dict))
    for target in js_targets(text):
        append_joined(found, ctx.url, target, "js-handler", "js_loader")
    title = title_of(page.root)
    return PageReading(extract_parsed(page), found, title)


def warm_up() -> None:
    """Pay a process's one-time costs of extraction before its first page: the imports, the public-suffix list
    (ownership), the compiled patterns. A spawned worker otherwise spends ~0.4 s on them while the first pages
    of every site wait for it."""
    from crawler.extract.ownership import Owner

    ctx = PageContext(url="http://municipio.gob.mx/", site_hosts=frozenset({"municipio.gob.mx"}),
                      owner=Owner.of("Municipio", "", ["http://municipio.gob.mx/"]))
    read_page("<html><head><title>Inicio</title></head><body><nav><a href='/transparencia'>Transparencia</a>"
              "</nav></body></html>", ctx, {}, ctx.url, True)


class ExtractionPool:
    """Runs `read_page` in spawned worker processes, or inline with no workers."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the workers and warm them up now, while the crawl itself is still starting, so their start
        (a fresh interpreter each) overlaps Scrapy's instead of holding up the first pages. Warming is best
        effort: a failure there shows again, logged, on the first page. With no workers, this process warms."""
        if self.workers <= 0:
            warm_up()
        elif self._pool is None:
            self._pool = self._new_pool()
            for _ in range(self.workers):
                self._pool.submit(warm_up)

    def _new_pool(self) -> ProcessPoolExecutor:
        import multiprocessing

        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=die_with_parent)

    async def read(self, text: str, ctx: PageContext, headers: dict, base: str,
                   links_as_home: bool) -> PageReading | None:
        """The page read by read_page, or None when that failed (logged: a hostile page must not stop the
        crawl)."""
        try:
            if self.workers <= 0:
                return read_page(text, ctx, headers, base, links_as_home)
            if self._pool is None:
                self._pool = self._new_pool()
            return await asyncio.wrap_future(self._pool.submit(read_page, text, ctx, headers, base, links_as_home))
        except BrokenProcessPool as exc:
            # a worker died (killed for its memory, a crash in a parser): this page is lost, not every page after
            # it, so the next page gets fresh workers
            logger.warning("extraction worker died on %s: %r; starting new workers", ctx.url, exc)
            self.close()
            return None
        except Exception as exc:  # noqa: BLE001 - any failure of one page's extraction is that page's fault
            logger.warning("extraction failed on %s: %r", ctx.url, exc)
            return None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
