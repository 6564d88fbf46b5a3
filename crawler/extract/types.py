"""Typed results of the pure extraction functions (HTML + base URL -> signals). No Scrapy, no DB."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crawler.extract.ownership import Owner
from store.kinds import kind_names


@dataclass(frozen=True)
class PageContext:
    """What an extraction function knows about the page besides its HTML."""

    url: str                      # final URL of the page (base for resolving relative links)
    site_hosts: frozenset[str]    # hosts that belong to the municipality's site (lower-case, no port)
    is_home: bool = False         # the page is the crawl's entry page
    depth: int = 0                # link depth from the home page
    owner: Owner | None = None    # the municipality the site belongs to (name, state, official domains)


@dataclass
class Signal:
    """A typed fact seen on a page, e.g. a Facebook account linked from the home page.

    `kind` is one of SIGNAL_KINDS; `data` holds kind-specific fields (for social_profile: platform, handle).
    `url` is the normalised target (account URL, section URL, file URL); `found_on` the page it was seen on.
    """

    kind: str
    url: str
    found_on: str
    on_home: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    snippet: str = ""

    def key(self) -> tuple[str, str]:
        """Identity used to merge the same signal seen on many pages."""
        return (self.kind, self.data.get("identity") or self.url)


@dataclass
class Diagnostic:
    """A look-alike the extractor rejected, kept so a reviewer can see why (e.g. a share button)."""

    kind: str          # e.g. "social_profile"
    url: str           # the href as written
    found_on: str
    reason: str        # machine-readable reason: share_link, placeholder, bare_root, malformed, demo_account, ...
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class Extraction:
    """Everything one page yields: its signals, the look-alikes rejected, and what the page itself is."""

    signals: list[Signal] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    page: dict[str, Any] = field(default_factory=dict)   # role, rule, features, says (see extract_page)


# The kinds of the one table (store.kinds), as it stood at import.
SIGNAL_KINDS = kind_names()
