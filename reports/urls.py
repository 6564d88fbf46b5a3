"""Which crawled URLs a report may make clickable (shared by the report pages and the archived views)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_HTTP_URL = re.compile(r"^https?://[^\s/?#]+", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def safe_href(url: Any) -> str | None:
    """The URL if it is safe to make clickable (http/https with a host), else None.

    Anything with whitespace or control characters stays text: browsers strip them, so "java\tscript:" works."""
    return _safe_href(url) if isinstance(url, str) else None


@lru_cache(maxsize=65536)
def _safe_href(url: str) -> str | None:
    if not url[:8].lower().startswith(("http://", "https://")):
        return None
    if _CONTROL.search(url) or not _HTTP_URL.match(url):
        return None
    return url
