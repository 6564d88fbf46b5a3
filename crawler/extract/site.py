"""Site-level merge of page signals (finalize_site)."""
from __future__ import annotations

from dataclasses import replace

from crawler.extract.types import Signal

# Kinds whose merged URL should be the shortest seen (portal root rather than a deep link).
_PREFER_SHORT_URL = frozenset({"transparency_section", "open_data_section"})


def merge(signals: list[Signal]) -> list[Signal]:
    """One signal per key: first copy wins, on_home is True if any copy was on home."""
    merged: dict[tuple[str, str], Signal] = {}
    for signal in signals:
        key = signal.key()
        kept = merged.get(key)
        if kept is None:
            merged[key] = replace(signal, data=dict(signal.data))
            continue
        kept.on_home = kept.on_home or signal.on_home
        if signal.kind in _PREFER_SHORT_URL and len(signal.url) < len(kept.url):
            kept.url = signal.url
        if signal.kind == "open_data_section":
            kept.data["depth"] = min(kept.data.get("depth", 0), signal.data.get("depth", 0))
        if signal.kind == "dataset" and signal.data.get("in_data_section"):
            kept.data["in_data_section"] = True
    return list(merged.values())


def derive(signals: list[Signal]) -> list[Signal]:
    """Site-level facts: 'custom' platform when no CMS was recognised; home-reachable tools."""
    derived: list[Signal] = []
    if not any(s.kind == "platform" for s in signals):
        home = next((s.found_on for s in signals if s.on_home), signals[0].found_on if signals else "")
        derived.append(Signal("platform", home, home, True, {"name": "custom", "identity": "platform:custom"},
                              "no CMS fingerprint"))
    return derived


def finalize_site(signals: list[Signal]) -> list[Signal]:
    """Merge duplicates by Signal.key() and add site-level facts."""
    merged = merge(signals)
    return merged + derive(merged)
