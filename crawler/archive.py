"""Where and how much the crawler archives: the WARC folder and the size bounds (pure helpers, no Scrapy).

Every HTML page the spider reads may turn out to be evidence (the audit decides later), so each one is
archived as served, in one WARC file per run. The bounds keep a huge page or a huge site from filling a disk:
a record longer than the per-record bound is cut (and marked `WARC-Truncated: length`, the WARC 1.1 field);
once a site has used its share, its later pages are recorded as not archived. Neither is ever an error.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

DEFAULT_FOLDER = "warc"                     # beside the SQLite database (or in the working directory)
RECORD_MAX_BYTES = 2 * 1024 * 1024          # payload bytes kept per response
SITE_MAX_BYTES = 64 * 1024 * 1024           # payload bytes kept per site and run
SCREENSHOT_MAX_BYTES = 1024 * 1024          # a larger browser screenshot is not kept

# Why a page has no archived record (stored in the page's `archive` field as {"skipped": <reason>}).
SKIPPED_SITE_LIMIT = "site_limit"
SKIPPED_OFF = "off"


def default_warc_dir(db_url: str | None) -> Path:
    """The WARC folder when none is given: `warc/` beside a SQLite database file, else in the working directory
    (PostgreSQL, in-memory SQLite). Reports look for the files where the pages say they were written."""
    if db_url:
        url = make_url(db_url)
        if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
            return Path(url.database).resolve().parent / DEFAULT_FOLDER
    return Path.cwd() / DEFAULT_FOLDER


def warc_file_name(run_id: int | None, partition: tuple[int, int] | None = None) -> str:
    """One file per run; Scrapyd partitions of a run each write their own (never two writers on one file)."""
    name = f"run-{run_id if run_id is not None else 'adhoc'}"
    if partition is not None:
        name += f"-p{partition[0]}of{partition[1]}"
    return name + ".warc.gz"


def cut_payload(body: bytes, limit: int) -> tuple[bytes, bool]:
    """The body bounded to `limit` bytes, and whether it was cut."""
    if limit <= 0 or len(body) <= limit:
        return body, False
    return body[:limit], True


def is_archivable(content_type: str, body: bytes, status: int) -> bool:
    """HTML pages (any status but redirects: an error page can be evidence of a fault), nothing else."""
    if 300 <= status < 400:
        return False
    ctype = content_type.lower()
    if ctype:
        return "html" in ctype
    return b"<html" in body[:2000].lower()


@dataclass
class SiteBudget:
    """Payload bytes archived per site (keyed by the spider's site id); admits a record while the site has room."""

    limit: int = SITE_MAX_BYTES
    used: dict[object, int] = field(default_factory=dict)

    def admit(self, site: object, size: int) -> bool:
        spent = self.used.get(site, 0)
        if self.limit > 0 and spent + size > self.limit:
            return False
        self.used[site] = spent + size
        return True
