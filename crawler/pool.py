"""Signal extraction (the costly part of reading a page) in worker processes, off the reactor."""
from __future__ import annotations

import asyncio
import logging
import os
from concurrent.futures import ProcessPoolExecutor

from crawler.extract import extract_page
from crawler.extract.types import Extraction, PageContext

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


class ExtractionPool:
    """Runs `extract_page` in spawned worker processes (started on first use), or inline with no workers."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    async def extract(self, text: str, ctx: PageContext, headers: dict) -> Extraction | None:
        """The page's extraction, or None when it failed (logged: a hostile page must not stop the crawl)."""
        try:
            if self.workers <= 0:
                return extract_page(text, ctx, headers)
            if self._pool is None:
                import multiprocessing

                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=die_with_parent)
            return await asyncio.wrap_future(self._pool.submit(extract_page, text, ctx, headers))
        except Exception as exc:  # noqa: BLE001 - any failure of one page's extraction is that page's fault
            logger.warning("extraction failed on %s: %r", ctx.url, exc)
            return None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
