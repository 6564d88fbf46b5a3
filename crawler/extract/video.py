"""Video channels, live streams and embedded players (video_channel)."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from crawler.extract import urls
from crawler.extract.dom import Page
from crawler.extract.registry import as_extraction, extractor
from crawler.extract.social import Rejected, parse_account, platform_of
from crawler.extract.types import Diagnostic, Extraction, Signal

KIND = "video_channel"
_YT_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")


def embed_identity(url: str) -> tuple[str, str] | None:
    """(platform, video id) for an embedded-player URL, else None."""
    host = urls.bare_host(urls.host_of(url))
    segments = urls.path_segments(url)
    if host in ("youtube.com", "youtube-nocookie.com") and len(segments) >= 2 and segments[0] in ("embed", "v"):
        if segments[1] == "videoseries":
            lists = parse_qs(urlsplit(url).query).get("list")
            return ("youtube", "list=" + lists[0]) if lists else None
        return ("youtube", segments[1]) if _YT_ID.match(segments[1]) else None
    if host == "player.vimeo.com" and len(segments) >= 2 and segments[0] == "video":
        return "vimeo", segments[1]
    if host == "dailymotion.com" and segments[:2] == ["embed", "video"] and len(segments) >= 3:
        return "dailymotion", segments[2]
    if host == "facebook.com" and segments[:2] == ["plugins", "video.php"]:
        href = (parse_qs(urlsplit(url).query).get("href") or [""])[0]
        return ("facebook", href.rstrip("/")) if href else None
    return None


def channel_identity(url: str) -> tuple[str, str, str] | None:
    """(platform, kind, handle) for a channel or live-stream link, else None."""
    host = urls.bare_host(urls.host_of(url))
    segments = urls.path_segments(url)
    if host == "youtube.com" and segments:
        live = segments[-1] == "live" or segments[0] == "live_stream"
        if segments[0] == "live_stream":
            channel = (parse_qs(urlsplit(url).query).get("channel") or [""])[0]
            return ("youtube", "live", "channel/" + channel) if channel else None
        try:
            account = parse_account(url)
        except Rejected:
            return None
        return "youtube", "live" if live else "channel", account.handle
    if host == "vimeo.com" and segments and not segments[0].isdigit():
        try:
            return "vimeo", "channel", parse_account(url).handle
        except Rejected:
            return None
    if host == "dailymotion.com" and segments and segments[0] not in ("video", "embed", "playlist"):
        return "dailymotion", "channel", segments[0].lower()
    if platform_of(url) == "facebook" and len(segments) >= 2 and segments[1].lower() in ("live", "videos"):
        return "facebook", "live" if segments[1].lower() == "live" else "channel", segments[0].lower()
    return None


# Lazy-loading plug-ins keep the player's address in a data attribute until the visitor scrolls to it.
_LAZY_ATTRS = ("data-src", "data-lazy-src", "data-litespeed-src", "data-rocket-src", "data-original")
_LAZY_ATTRS_SET = frozenset(_LAZY_ATTRS)


def _player_source(el) -> str | None:
    """The address of an embedded player, including lazy-loaded ones (<lite-youtube videoid>, WP Rocket's
    <div class="rll-youtube-player" data-src>, iframes with data-lazy-src)."""
    if el.tag == "lite-youtube" and el.get("videoid"):
        return "https://www.youtube.com/embed/" + el.get("videoid")
    if el.tag == "div":
        src = next((el.get(a) for a in _LAZY_ATTRS if el.get(a)), None)
        return src if src and ("youtube" in src or "vimeo" in src) else None
    src = el.get("src") or el.get("data")
    if src and not src.startswith("about:"):
        return src
    return next((el.get(a) for a in _LAZY_ATTRS if el.get(a)), None)


def extract(page: Page) -> tuple[list[Signal], list[Diagnostic]]:
    """Embedded players (iframe/embed/object) and links to channels or live streams."""
    signals: list[Signal] = []
    diagnostics: list[Diagnostic] = []
    players = page.find_all(["iframe", "embed", "object", "video", "lite-youtube"])
    players += [d for d in page.find_all("div") if not _LAZY_ATTRS_SET.isdisjoint(d.attrib)]
    for el in players:
        raw = _player_source(el)
        if not isinstance(raw, str):
            continue
        url = page.resolve(raw)
        found = embed_identity(url) if url else None
        if found:
            platform, video_id = found
            identity = f"{platform}:embed:{video_id}"
            clean = f"https://www.youtube.com/embed/{video_id}" if platform == "youtube" else urls.without_fragment(url)
            data = {"platform": platform, "kind": "embed", "identity": identity}
            signals.append(Signal(KIND, clean, page.ctx.url, page.ctx.is_home, data, el.get("title") or ""))
        elif "youtube" in raw.lower() and url is None:
            diagnostics.append(Diagnostic(KIND, raw, page.ctx.url, "malformed"))
    for link in page.links:
        if link.url is None or urls.is_placeholder(link.raw):
            continue
        found_channel = channel_identity(link.url)
        if found_channel:
            platform, kind, handle = found_channel
            data = {"platform": platform, "kind": kind, "identity": f"{platform}:{kind}:{handle}"}
            signals.append(Signal(KIND, urls.without_fragment(link.url), page.ctx.url, page.ctx.is_home, data,
                                  link.label[:120]))
    return signals, diagnostics


@extractor("video", order=20, kinds=(KIND,))
def page_video(page: Page) -> Extraction:
    """Video channels, embeds and live streams."""
    return as_extraction(extract(page))
