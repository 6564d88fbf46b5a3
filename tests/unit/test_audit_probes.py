"""Optional social-activity probes: off by default, fed by an injected fetch (no network in tests)."""
from __future__ import annotations

from datetime import datetime

import pytest

from audit.evidence import Evidence, EvidenceSignal
from audit.probes import (
    SOCIAL_ACTIVITY_FACT,
    YouTubeFeedProbe,
    parse_youtube_feed,
    run_probes,
    youtube_channel_id,
)

FEED = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/"
      xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id=UCbbbbbbbbbbbbbbbbbbbbbb"/>
 <id>yt:channel:bbbbbbbbbbbbbbbbbbbbbb</id>
 <yt:channelId>UCbbbbbbbbbbbbbbbbbbbbbb</yt:channelId>
 <title>Ayuntamiento</title>
 <entry><id>yt:video:1</id><title>Informe</title><published>2025-03-01T10:00:00+00:00</published>
   <updated>2025-03-02T10:00:00+00:00</updated></entry>
 <entry><id>yt:video:2</id><title>Cabildo</title><published>2025-03-29T16:30:00+00:00</published></entry>
</feed>"""

CHANNEL = EvidenceSignal(kind="video_channel", url="https://www.youtube.com/channel/UCbbbbbbbbbbbbbbbbbbbbbb",
                         found_on="https://m.gob.mx/", data={"platform": "youtube", "kind": "channel",
                                                             "identity": "youtube:UCbbbbbbbbbbbbbbbbbbbbbb"})


def evidence() -> Evidence:
    return Evidence(cvegeo="14097", crawl_status="ok", crawled_at=datetime(2025, 3, 31), signals=[CHANNEL])


def test_parse_youtube_feed() -> None:
    summary = parse_youtube_feed(FEED)
    assert summary.channel_id == "UCbbbbbbbbbbbbbbbbbbbbbb" and summary.title == "Ayuntamiento"
    assert summary.published[0].isoformat() == "2025-03-29T16:30:00+00:00"


def test_channel_id_from_url_or_identity() -> None:
    assert youtube_channel_id(CHANNEL) == "UCbbbbbbbbbbbbbbbbbbbbbb"
    handle = EvidenceSignal("video_channel", "https://www.youtube.com/@ayto", "", data={"platform": "youtube"})
    assert youtube_channel_id(handle) is None and not YouTubeFeedProbe().applies(handle)


def test_probes_are_off_by_default() -> None:
    calls: list[str] = []
    original = evidence()
    assert run_probes(original, fetch=lambda url: calls.append(url) or FEED.encode()) is original
    assert calls == []


def test_probe_records_last_post() -> None:
    calls: list[str] = []
    probed = run_probes(evidence(), fetch=lambda url: calls.append(url) or FEED.encode(), enabled=True)
    assert calls == ["https://www.youtube.com/feeds/videos.xml?channel_id=UCbbbbbbbbbbbbbbbbbbbbbb"]
    record = probed.facts[SOCIAL_ACTIVITY_FACT][0]
    assert record["last_post_at"] == "2025-03-29T16:30:00+00:00" and record["last_interaction_at"] is None


@pytest.mark.parametrize("payload", [b"<not xml", OSError("timeout")])
def test_probe_failures_leave_evidence_unchanged(payload: object) -> None:
    def fetch(url: str) -> bytes:
        if isinstance(payload, Exception):
            raise payload
        return payload  # type: ignore[return-value]

    original = evidence()
    assert run_probes(original, fetch=fetch, enabled=True) is original
