"""Optional probes of social-media activity (AIDH aspects (s) and (t)), off by default.

A probe reads a public feed for an account the crawl found and records, in `Evidence.facts["social_activity"]`,
when the account last published (and, if the source shows it, last answered a citizen). Probes never fetch by
themselves: the caller injects `fetch(url) -> bytes`, so tests pass saved XML and the audit stays pure.
Without probe results, the `social_activity` check asks a human reviewer.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from audit.evidence import Evidence, EvidenceSignal

SOCIAL_ACTIVITY_FACT = "social_activity"
MAX_FEED_BYTES = 2_000_000

Fetch = Callable[[str], bytes]

_ATOM = "{http://www.w3.org/2005/Atom}"
_YT = "{http://www.youtube.com/xml/schemas/2015}"
_CHANNEL_ID = re.compile(r"(UC[0-9A-Za-z_-]{22})")


@dataclass
class ActivityRecord:
    """One account's recent activity as a probe saw it."""

    identity: str
    url: str
    probe: str
    last_post_at: str | None = None          # ISO 8601
    last_interaction_at: str | None = None   # ISO 8601; None when the source cannot tell

    def as_fact(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Probe(Protocol):
    name: str

    def applies(self, signal: EvidenceSignal) -> bool: ...

    def run(self, signal: EvidenceSignal, fetch: Fetch) -> ActivityRecord | None: ...


@dataclass
class FeedSummary:
    channel_id: str | None
    title: str
    published: list[datetime]


def parse_youtube_feed(xml: bytes | str) -> FeedSummary:
    """Channel id, title and entry publication times from a YouTube channel's public Atom feed."""
    data = xml.encode() if isinstance(xml, str) else xml
    if len(data) > MAX_FEED_BYTES:
        raise ValueError("feed too large")
    root = ET.fromstring(data)
    channel = root.findtext(f"{_YT}channelId")
    title = root.findtext(f"{_ATOM}title") or ""
    published = []
    for entry in root.findall(f"{_ATOM}entry"):
        stamp = entry.findtext(f"{_ATOM}published") or entry.findtext(f"{_ATOM}updated")
        if stamp:
            try:
                published.append(datetime.fromisoformat(stamp.replace("Z", "+00:00")))
            except ValueError:
                continue
    published.sort(reverse=True)
    return FeedSummary(channel, title, published)


def youtube_channel_id(signal: EvidenceSignal) -> str | None:
    """The UC... channel id in a signal's identity or URL (handles like @name need a lookup we do not do)."""
    for text in (str(signal.data.get("identity") or ""), signal.url):
        found = _CHANNEL_ID.search(text)
        if found:
            return found.group(1)
    return None


class YouTubeFeedProbe:
    """Last publication of a YouTube channel from https://www.youtube.com/feeds/videos.xml?channel_id=..."""

    name = "youtube_feed"

    def applies(self, signal: EvidenceSignal) -> bool:
        return signal.data.get("platform") == "youtube" and youtube_channel_id(signal) is not None

    def feed_url(self, signal: EvidenceSignal) -> str:
        return f"https://www.youtube.com/feeds/videos.xml?channel_id={youtube_channel_id(signal)}"

    def run(self, signal: EvidenceSignal, fetch: Fetch) -> ActivityRecord | None:
        summary = parse_youtube_feed(fetch(self.feed_url(signal)))
        last = summary.published[0].isoformat() if summary.published else None
        identity = str(signal.data.get("identity") or f"youtube:{summary.channel_id}")
        return ActivityRecord(identity=identity, url=signal.url, probe=self.name, last_post_at=last)


DEFAULT_PROBES: tuple[Probe, ...] = (YouTubeFeedProbe(),)


def run_probes(evidence: Evidence, fetch: Fetch | None = None, probes: Iterable[Probe] = DEFAULT_PROBES,
               enabled: bool = False) -> Evidence:
    """A copy of `evidence` with probe results in facts; unchanged unless `enabled` and a `fetch` is given."""
    if not enabled or fetch is None:
        return evidence
    records = []
    kinds = ("social_profile", "video_channel")
    for signal in (s for s in evidence.signals if s.kind in kinds):
        for probe in probes:
            if not probe.applies(signal):
                continue
            try:
                record = probe.run(signal, fetch)
            except (OSError, ValueError, ET.ParseError):
                record = None
            if record is not None:
                records.append(record.as_fact())
    if not records:
        return evidence
    return replace(evidence, facts={**evidence.facts, SOCIAL_ACTIVITY_FACT: records})
