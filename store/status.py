"""The one spelling of crawl statuses: of a site in a run (`SiteCrawl.status`) and of a run (`CrawlRun.status`).

A `StrEnum`, so members are stored, compared and serialised as their plain strings ("ok" == CrawlStatus.OK) and
the export document and stored rows keep the words they always had.
"""
from __future__ import annotations

from enum import StrEnum


class CrawlStatus(StrEnum):
    """Where one site of a run stands."""

    PENDING = "pending"            # created, not picked up by a crawler yet
    RUNNING = "running"            # a crawler is on it (or was, when a run was interrupted)
    OK = "ok"                      # crawled; the site answered
    PARTIAL = "partial"            # some sections timed out, were blocked or need rendering
    UNREACHABLE = "unreachable"    # the home page never answered (DNS, timeouts, 5xx)
    BLOCKED = "blocked"            # CAPTCHA / challenge / robots disallow on the home page
    NO_URL = "no_url"              # the registry has no website for this municipality
    ERROR = "error"                # the export's word for a stored status it does not know (never written)


class RunStatus(StrEnum):
    """Where a whole crawl run stands."""

    RUNNING = "running"
    FINISHED = "finished"          # every site settled
    INTERRUPTED = "interrupted"    # stopped with sites still pending or running (resumable)


# A settled site has its final status; an unsettled one is never scored, so it is never shown as a zero.
SETTLED = frozenset({CrawlStatus.OK, CrawlStatus.PARTIAL, CrawlStatus.UNREACHABLE, CrawlStatus.BLOCKED,
                     CrawlStatus.NO_URL})
UNSETTLED = frozenset({CrawlStatus.PENDING, CrawlStatus.RUNNING})
# Settled with nothing to audit: the export gives these municipalities this score status, never a score.
NOT_AUDITABLE = frozenset({CrawlStatus.UNREACHABLE, CrawlStatus.BLOCKED, CrawlStatus.NO_URL})
# Settled without evidence: the site could not be read (ERROR included for rows an older version left behind).
NOT_READ = frozenset({CrawlStatus.UNREACHABLE, CrawlStatus.BLOCKED, CrawlStatus.ERROR})
