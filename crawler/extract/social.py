"""Social-media accounts (social_profile) and the mayor's own accounts (mayor_profile)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, unquote, urlsplit

from crawler.extract import urls
from crawler.extract.dom import Element, Link, Page, class_names
from crawler.extract.grading import CONFIRMED, grade, placement_confidence
from crawler.extract.ownership import names_municipality
from crawler.extract.registry import as_extraction, extractor
from crawler.extract.roles import CARGO
from crawler.extract.sections import locate, offered
from crawler.extract.text import fold, squash
from crawler.extract.types import Diagnostic, Extraction, Signal

KIND = "social_profile"

# Registrable domain -> platform name.
PLATFORM_DOMAINS = {
    "facebook.com": "facebook", "fb.com": "facebook", "fb.me": "facebook",
    "x.com": "x", "twitter.com": "x",
    "instagram.com": "instagram", "youtube.com": "youtube", "tiktok.com": "tiktok", "threads.net": "threads",
    "threads.com": "threads", "linkedin.com": "linkedin", "wa.me": "whatsapp", "whatsapp.com": "whatsapp",
    "t.me": "telegram", "telegram.me": "telegram", "flickr.com": "flickr", "pinterest.com": "pinterest",
    "pinterest.com.mx": "pinterest", "vimeo.com": "vimeo", "soundcloud.com": "soundcloud",
    "spotify.com": "spotify", "twitch.tv": "twitch", "dribbble.com": "dribbble", "behance.net": "behance",
}
# Hosts that serve scripts / plug-ins, never accounts.
SDK_HOSTS = ("connect.facebook.net", "platform.twitter.com", "platform.linkedin.com", "apis.google.com",
             "www.instagram.com/embed.js", "static.xx.fbcdn.net")

# First path segments that are features of the platform, not accounts.
RESERVED = {
    "facebook": {"sharer", "sharer.php", "share", "share.php", "dialog", "plugins", "login", "login.php", "l.php",
                 "home.php", "help", "policies", "privacy", "terms", "watch", "hashtag", "search", "events",
                 "marketplace", "gaming", "business", "ads", "legal", "settings", "tr", "photo.php", "video.php",
                 "permalink.php", "story.php", "media", "about", "fundraisers", "recover", "reg", "signup",
                 "v2.0", "v3.0", "plugins.php", "profile.php", "people", "pages", "groups", "pg"},
    "x": {"intent", "share", "home", "i", "search", "hashtag", "login", "signup", "tos", "privacy", "explore",
          "settings", "widgets.js", "widgets", "messages", "notifications", "compose", "oauth"},
    "instagram": {"p", "reel", "reels", "explore", "accounts", "stories", "tv", "direct", "about", "legal",
                  "developer", "embed.js"},
    "youtube": {"watch", "embed", "results", "playlist", "shorts", "feed", "t", "about", "howyoutubeworks",
                "redirect", "v", "live_chat", "account", "premium", "kids", "channel", "c", "user", "live"},
    "tiktok": {"embed", "share", "discover", "tag", "music", "legal", "foryou", "explore"},
    "threads": {"intent", "t", "search", "login"},
    "linkedin": {"sharing", "sharearticle", "sharearticle.php", "feed", "login", "signup", "jobs", "legal"},
    "telegram": {"share", "joinchat", "addstickers", "iv"},
    "pinterest": {"pin", "search", "ideas", "_", "today", "login"},
    "flickr": {"search", "groups", "explore", "help"},
    "vimeo": {"video", "channels", "groups", "ondemand", "upload", "join", "log_in", "categories", "watch"},
}
# Accounts that ship with themes and tutorials, not with a government.
DEMO_HANDLES = {
    "colorlib", "themeforest", "envato", "envatomarket", "yourpage", "your-page", "yourpagename", "username",
    "yourusername", "your_username", "youraccount", "yourhandle", "yourname", "user", "example", "templatemonster",
    "w3layouts", "bootstrapmade", "themeisle", "elegantthemes", "freepik", "htmlcodex", "themefisher", "wordpress",
    "wordpressdotcom", "facebook", "twitter", "instagram", "youtube", "tiktok", "linkedin", "pinterest", "google",
    "gettemplates", "uicookies", "designmodo", "tooplate", "templatemo", "graygrids", "uideck", "themewagon",
    "zcubethemes", "themesflat", "mailchimp", "creativetim", "startbootstrap", "html5up", "ajlkn", "pixelarity",
    "page", "pagename", "profile", "handle", "account", "tu_usuario", "tupagina", "usuario", "pagina",
}
_HANDLE_RE = {
    "x": re.compile(r"^[A-Za-z0-9_]{1,15}$"),
    "instagram": re.compile(r"^[A-Za-z0-9._]{1,30}$"),
    "tiktok": re.compile(r"^@[A-Za-z0-9._]{2,24}$"),
    "threads": re.compile(r"^@[A-Za-z0-9._]{1,30}$"),
}
_MAYOR_RE = re.compile(r"\b(president[ae]\s+municipal|alcalde|alcaldesa|edil)\b")
_NAME = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+\.?(?:\s+(?:de\s+(?:la\s+|los\s+)?)?[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+){1,4}"
_NAME_BEFORE = re.compile(rf"({_NAME})\s*[,\-–:|]?\s*(?:President[ae]\s+Municipal|Alcaldes?a?)", re.I)
_NAME_AFTER = re.compile(rf"(?:President[ae]\s+Municipal|Alcaldes?a?)\s*[,\-–:|]?\s*({_NAME})")


@dataclass(frozen=True)
class Account:
    """A resolved account: platform, normalised handle, canonical URL."""

    platform: str
    handle: str
    url: str

    @property
    def identity(self) -> str:
        """'platform:handle'."""
        return f"{self.platform}:{self.handle}"


class Rejected(Exception):
    """A look-alike that is not an account; args[0] is the reason."""


@lru_cache(maxsize=8192)
def platform_of(url: str | None) -> str:
    """Platform name for a URL's host ('' when not a known platform)."""
    return _platform_of_host(urls.host_of(url))


@lru_cache(maxsize=4096)
def _platform_of_host(host: str) -> str:
    # remembered per host as well: a page's many URLs share a few hosts (its own above all)
    for domain, name in PLATFORM_DOMAINS.items():
        if urls.host_matches(host, domain):
            return name
    return ""


def parse_account(url: str) -> Account:
    """Turn a platform URL into an account, or raise Rejected(reason)."""
    platform = platform_of(url)
    if not platform:
        raise Rejected("not_platform")
    parts = urlsplit(url)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    query = parse_qs(parts.query)
    if platform == "x" and parts.fragment.startswith("!/"):
        segments = [s for s in parts.fragment[2:].split("/") if s]  # legacy twitter.com/#!/handle
    handle = _handle(platform, segments, query, urls.host_of(url))
    if handle.lower().lstrip("@") in DEMO_HANDLES:
        raise Rejected("demo_account")
    return Account(platform, handle, _account_url(platform, handle))


def _handle(platform: str, segments: list[str], query: dict[str, list[str]], host: str) -> str:
    """Platform-specific handle extraction; raises Rejected."""
    if platform == "whatsapp":
        return _whatsapp_handle(segments, query, host)
    if not segments:
        if platform == "facebook" and query.get("id"):
            return query["id"][0]
        raise Rejected("bare_root")
    first = segments[0].lower()
    special = _special_paths(platform, segments, query)
    if special:
        return special
    if first in RESERVED.get(platform, set()) or first.startswith(("sharer", "share")):
        raise Rejected("share_link" if "shar" in first or first in ("intent", "dialog") else "not_account")
    handle = segments[0] if platform not in ("facebook", "x", "instagram", "tiktok", "threads") else first
    pattern = _HANDLE_RE.get(platform)
    if pattern and not pattern.match(handle):
        raise Rejected("malformed")
    return handle.lower() if platform != "youtube" else handle


def _special_paths(platform: str, segments: list[str], query: dict[str, list[str]]) -> str:
    """Handles that live below a reserved first segment (profile.php?id=, /company/x, /channel/UC...)."""
    first = segments[0].lower()
    if platform == "facebook":
        if first == "profile.php" and query.get("id"):
            return query["id"][0]
        if first in ("pages", "people") and len(segments) >= 2:
            return segments[-1] if segments[-1].isdigit() else segments[1].lower()
        if first == "groups" and len(segments) >= 2:
            return "groups/" + segments[1].lower()
        if first in ("permalink.php", "story.php") and query.get("id"):
            return query["id"][0]
    if platform == "youtube" and len(segments) >= 2 and first in ("channel", "c", "user"):
        return f"{first}/{segments[1]}"
    if platform == "youtube" and first.startswith("@"):
        return segments[0].lower()
    if platform == "linkedin" and first in ("company", "in", "school", "showcase") and len(segments) >= 2:
        return f"{first}/{segments[1].lower()}"
    if platform == "linkedin":
        raise Rejected("share_link" if "shar" in first else "not_account")
    if platform == "flickr" and first in ("photos", "people") and len(segments) >= 2:
        return segments[1].lower()
    if platform == "vimeo" and first == "channels" and len(segments) >= 2:
        return "channels/" + segments[1].lower()
    if platform == "telegram" and first == "s" and len(segments) >= 2:
        return segments[1].lower()
    return ""


def _whatsapp_handle(segments: list[str], query: dict[str, list[str]], host: str) -> str:
    """Phone number or channel of a WhatsApp link; share links (text only) are rejected."""
    phone = (query.get("phone") or [""])[0] or (segments[0] if host == "wa.me" and segments else "")
    phone = re.sub(r"\D", "", phone)
    if phone:
        return phone
    if segments and segments[0] == "channel" and len(segments) > 1:
        return "channel/" + segments[1]
    if host.startswith("chat.") and segments:
        return "chat/" + segments[0]
    raise Rejected("share_link" if query.get("text") else "bare_root")


def _account_url(platform: str, handle: str) -> str:
    """Canonical account URL used as Signal.url."""
    bases = {
        "facebook": "https://www.facebook.com/", "x": "https://x.com/", "instagram": "https://www.instagram.com/",
        "youtube": "https://www.youtube.com/", "tiktok": "https://www.tiktok.com/", "threads": "https://www.threads.net/",
        "linkedin": "https://www.linkedin.com/", "whatsapp": "https://wa.me/", "telegram": "https://t.me/",
        "flickr": "https://www.flickr.com/photos/", "pinterest": "https://www.pinterest.com/",
        "vimeo": "https://vimeo.com/",
    }
    if platform == "facebook" and handle.isdigit():
        return f"https://www.facebook.com/profile.php?id={handle}"
    return bases.get(platform, f"https://{platform}/") + handle


# ----------------------------------------------------------------------------------------------- page level


def extract(page: Page) -> tuple[list[Signal], list[Diagnostic]]:
    """Accounts linked, embedded as page plug-ins, or shown as timelines on the page."""
    signals: list[Signal] = []
    diagnostics: list[Diagnostic] = []
    for link in page.links:
        _from_link(page, link, signals, diagnostics)
    for el, raw, via in _plugin_targets(page):
        _accept(page, el, raw, page.resolve(raw), via, "", signals, diagnostics)
    diagnostics += _sdk_scripts(page)
    return signals, diagnostics


def _from_link(page: Page, link: Link, signals: list[Signal], diagnostics: list[Diagnostic]) -> None:
    """Classify one <a>: account, share widget, placeholder icon, malformed URL."""
    classes = class_names(link.el).lower()
    if urls.is_placeholder(link.raw):
        named = _platform_named_in(link.hint + " " + link.text)
        if named:
            diagnostics.append(Diagnostic(KIND, link.raw or "", page.ctx.url, "placeholder", {"platform": named}))
        return
    if link.url is None or platform_of(link.url) == "":
        if _platform_named_in(urls.clean_href(link.raw).lower(), hosts_only=True):
            diagnostics.append(Diagnostic(KIND, link.raw or "", page.ctx.url, "malformed"))
        return
    if any(w in classes for w in ("share", "like-button", "fb-like", "mention")):
        diagnostics.append(Diagnostic(KIND, link.raw or "", page.ctx.url, "share_link"))
        return
    via = "widget" if any(w in classes for w in ("timeline", "follow", "twitter-", "instagram-media")) else "link"
    _accept(page, link.el, link.raw or "", link.url, via, link.label, signals, diagnostics)


def _accept(page: Page, el: Element, raw: str, url: str | None, via: str, label: str,
            signals: list[Signal], diagnostics: list[Diagnostic]) -> None:
    """Parse an account URL and record it as social_profile or mayor_profile, else a diagnostic."""
    if url is None:
        diagnostics.append(Diagnostic(KIND, raw, page.ctx.url, "malformed"))
        return
    if platform_of(url) in ("vimeo",) and not urls.path_segments(url)[:1]:
        return
    try:
        account = parse_account(url)
    except Rejected as exc:
        diagnostics.append(Diagnostic(KIND, raw, page.ctx.url, str(exc.args[0]), {"platform": platform_of(url)}))
        return
    if account.platform == "youtube" and not _youtube_account_path(url):
        return
    label = label or page.text_of(el)           # a page plug-in's own caption names whose page it shows
    data = {"platform": account.platform, "handle": account.handle, "identity": account.identity, "via": via}
    person = account_holder(el, label, page)
    if person is not None and not person.mayor:
        diagnostics.append(Diagnostic(KIND, raw, page.ctx.url, "personal_account",
                                      {"platform": account.platform, "person": person.name, "why": person.why}))
        return
    named = names_municipality(f"{account.handle} {label}", page.owner)
    if person is None and not offered(page, el) and not named:
        diagnostics.append(Diagnostic(KIND, raw, page.ctx.url, "in_content",
                                      {"platform": account.platform, "placement": page.placement(el).describe()}))
        return
    kind = KIND
    if person is not None:
        kind = "mayor_profile"
        data["identity"] = "mayor:" + account.identity
        if person.name:
            data["person"] = person.name
    _grade_account(page, el, account, named, data)
    signals.append(Signal(kind, account.url, page.ctx.url, page.ctx.is_home, data, squash(label)[:120]))


def _grade_account(page: Page, el: Element, account: Account, named: bool, data: dict) -> None:
    """Placement, ownership evidence and confidence of an accepted account."""
    placement = locate(page, el, data)
    confidence = placement_confidence(placement.region)
    reasons = ["link_in_" + placement.region]
    owner = page.owner
    if owner is not None and urls.canonical(account.url) in owner.accounts:
        confidence, reasons = 1.0, [*reasons, "declared_in_registry"]
    elif named:
        confidence, reasons = max(confidence, 0.85) + 0.05, [*reasons, "handle_names_municipality"]
    grade(data, CONFIRMED, confidence, *reasons)


@dataclass(frozen=True)
class Holder:
    """A person an account is presented as belonging to."""

    name: str          # '' when unnamed
    mayor: bool        # the municipal president
    why: str           # byline, person_card, person_page, mayor_card


_INSTITUTION = re.compile(r"\b(h\.? ?ayuntamiento|ayuntamiento|gobierno (municipal|de|del)|municipio de|"
                          r"presidencia municipal|administracion municipal|gobierno del municipio)\b")
# First-person and authorship cues ("Síguenos en nuestro perfil" is the institution's voice, so "perfil" and
# "por:" are not cues).
_PERSON_CUE = re.compile(r"\b(sobre (el|la) autor[a]?|autor[a]?|escrito por|biografia|sigueme|mis redes|"
                         r"contacto personal)\b")


def account_holder(el: Element, label: str, page: Page) -> Holder | None:
    """The person an account is presented as belonging to (author, staff member, the mayor), or None when it
    is presented as the institution's or not as anybody's in particular."""
    if _INSTITUTION.search(fold(label)):
        return None
    placement = page.placement(el)
    block = _small_block_text(el, page)
    folded = fold(block)
    if _MAYOR_RE.search(fold(label)) or (block and _MAYOR_RE.search(folded) and not _INSTITUTION.search(folded)):
        return Holder(_person_name(block or label), True, "mayor_card")
    if placement.region in ("byline", "person"):
        return Holder(_person_name(block), False, placement.region)
    if page.role.role == "person" and placement.zone == "content":
        return Holder(_person_name(block), False, "person_page")
    if block and not _INSTITUTION.search(folded) and (CARGO.search(folded) or _PERSON_CUE.search(folded)):
        return Holder(_person_name(block), False, "person_card")
    return None


def _person_name(text: str) -> str:
    for pattern in (_NAME_BEFORE, _NAME_AFTER):
        match = pattern.search(text)
        if match:
            return squash(match.group(1))
    return ""


def _youtube_account_path(url: str) -> bool:
    """YouTube URLs that name a channel (not a video or playlist)."""
    segments = urls.path_segments(url)
    return bool(segments) and (segments[0].lower() in ("channel", "c", "user") or segments[0].startswith("@")
                               or segments[0].lower() not in RESERVED["youtube"])


def _plugin_targets(page: Page):
    """(element, account href, via) for Facebook page plug-ins and Twitter timelines not written as <a>."""
    for div in page.index.with_attribute("data-href"):
        classes = class_names(div).lower()
        if div.tag != "a" and any(c in classes for c in ("fb-page", "fb-like-box", "fb-follow")):
            yield div, div.get("data-href"), "plugin"
    for frame in page.find_all("iframe"):
        if "src" not in frame.attrib:
            continue
        url = page.resolve(frame.get("src"))
        if url and platform_of(url) == "facebook" and "/plugins/page" in url:
            href = (parse_qs(urlsplit(url).query).get("href") or [""])[0]
            if href:
                yield frame, href, "plugin"
    for div in page.index.with_attribute("data-screen-name"):
        if div.tag != "a":
            yield div, "https://x.com/" + div.get("data-screen-name"), "widget"


def _sdk_scripts(page: Page) -> list[Diagnostic]:
    """Script URLs of platform SDKs, recorded so a reviewer sees they were not counted."""
    found = []
    for script in page.find_all("script"):
        src = script.get("src")
        if src is None:
            continue
        url = page.resolve(src) or ""
        if any(urls.host_of(url) == h.split("/")[0] for h in SDK_HOSTS):
            found.append(Diagnostic(KIND, src, page.ctx.url, "sdk_script", {"platform": platform_of(url)}))
    return found


_NAMED = tuple((name, re.compile(rf"\b{name}\b")) for name in (
    "facebook", "twitter", "instagram", "youtube", "tiktok", "linkedin", "pinterest", "whatsapp", "telegram",
    "flickr", "dribbble", "behance", "google-plus", "threads"))


@lru_cache(maxsize=8192)
def _platform_named_in(text: str, hosts_only: bool = False) -> str:
    """Platform whose name or domain appears in text ('' when none)."""
    low = text.lower()
    for domain, name in PLATFORM_DOMAINS.items():
        if domain in low:
            return name
    if hosts_only:
        return ""
    for name, pattern in _NAMED:
        if pattern.search(low):
            return name
    return ""


def _small_block_text(el: Element, page: Page) -> str:
    """Text of the nearest ancestor that is a small card (few links), where a caption would sit."""
    return page.memo(("social.small_block", id(el)), lambda: _small_block(el, page))


def _small_block(el: Element, page: Page) -> str:
    for depth, parent in enumerate(el.iterancestors()):
        if depth > 3 or parent.tag in ("body", "html", "nav", "header", "footer"):
            return ""
        if page.index.count_in(parent, "a") > 4:
            return ""
        text = page.text_of(parent)
        if len(text) > len(page.text_of(el)) + 3:
            return text[:400] if len(text) < 400 else ""
    return ""


@extractor("social", order=10, kinds=("social_profile", "mayor_profile"))
def page_social(page: Page) -> Extraction:
    """Social-media accounts of the municipality and of its mayor."""
    return as_extraction(extract(page))
