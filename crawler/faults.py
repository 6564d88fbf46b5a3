"""Pure page classification: block pages, PHP errors, soft 404s, JavaScript shells and handler targets."""
from __future__ import annotations

import hashlib
import re

from crawler.extract.jsnav import handler_targets

BLOCK_MARKERS = (
    "cf-challenge", "cf-browser-verification", "challenge-platform", "attention required! | cloudflare",
    "checking your browser before accessing", "g-recaptcha", "h-captcha", "hcaptcha.com/1/api.js",
    "are you a robot", "verifica que eres humano", "access denied | ", "request unsuccessful. incapsula",
    "this website is not available in your country", "ddos protection by",
)
PHP_ERROR = re.compile(r"(?:fatal error|parse error|warning|notice)(?:</b>)?:\s.{0,300}? on line\s*(?:<b>)?\d+",
                       re.I | re.S)
_ON_LINE = re.compile(r"on line", re.I)   # in every PHP error message: a cheap test before the costly one
TAG = re.compile(r"<[^>]+>")
SCRIPT_STYLE = re.compile(r"<(script|style|noscript)\b.*?</\1>", re.I | re.S)
SHELL_ROOT = re.compile(r"<div[^>]+id=[\"'](app|root|__next|__nuxt)[\"'][^>]*>\s*</div>", re.I)


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", TAG.sub(" ", SCRIPT_STYLE.sub(" ", html))).strip()


def block_reason(html: str, status: int) -> str | None:
    """Why a response is a block page (CAPTCHA, challenge, geo-block), or None."""
    head = html[:20000].lower()
    for marker in BLOCK_MARKERS:
        if marker in head:
            return marker
    if status in (403, 429) and ("captcha" in head or "cloudflare" in head):
        return f"http {status}"
    return None


def php_error(html: str) -> bool:
    """A PHP warning or error printed into the page ("<b>Warning</b>: ... on line <b>12</b>"). The pattern alone
    cost 1.3 ms on an ordinary 50 KB page (tried at every position); the literal it needs rules most pages out
    ten times faster."""
    head = html[:50000]
    return bool(_ON_LINE.search(head)) and bool(PHP_ERROR.search(head))


def fingerprint(html: str) -> str:
    """Content fingerprint that ignores the requested path echoed back (for soft-404 comparison)."""
    text = re.sub(r"[\w/.-]*muniaudit-probe[\w/.-]*", "", visible_text(html))
    return hashlib.sha256(text.encode("utf-8", "ignore")).hexdigest()


HANDLER_ATTR = re.compile(
    r"""href\s*=\s*(?P<q1>["'])\s*javascript:(?P<v1>[^<>]{0,400}?)(?P=q1)"""
    r"""|\bon[a-z]+\s*=\s*(?P<q2>["'])(?P<v2>[^<>]{0,400}?)(?P=q2)""",
    re.I,
)


def js_targets(html: str) -> list[str]:
    """Targets recoverable without a browser from javascript: hrefs and onclick handlers."""
    targets = []
    for attr in HANDLER_ATTR.finditer(html):
        code = attr.group("v1") or attr.group("v2") or ""
        targets.extend(handler_targets(code))
    return list(dict.fromkeys(targets))


# An empty custom element (<site-header></site-header>): a placeholder a script replaces with content.
EMPTY_COMPONENT = re.compile(r"<([a-z][a-z0-9]*-[a-z0-9-]+)\b[^>]*>\s*</\1\s*>", re.I)


def needs_rendering(html: str, links_found: int, own_links: int | None = None) -> str | None:
    """Why the page must be rendered by a browser to be seen (a JS shell or JS-only navigation), or None.

    `own_links` (given for a home page) counts its links to other pages of the same site: a home page with
    scripts and no way to the rest of its site is navigated with JavaScript, however much text it shows.
    """
    text = visible_text(html)
    scripts = len(re.findall(r"<script\b", html, re.I))
    if SHELL_ROOT.search(html) and len(text) < 400:
        return "js_shell"
    if scripts and links_found <= 1 and len(text) < 200:
        return "js_shell"
    js_links = len(re.findall(r"href\s*=\s*[\"']javascript:(?!\s*void|\s*;|\s*$)", html, re.I))
    if js_links >= 3 and js_links >= links_found:
        return "js_navigation"
    if scripts and own_links is not None and own_links == 0:
        return "js_navigation"
    if scripts and own_links is not None and own_links < 5 and EMPTY_COMPONENT.search(html[:200_000]):
        return "js_components"
    return None


def looks_like(ext: str, head: bytes) -> bool:
    """Does the first bytes of a file linked as data match its extension? (An HTML error page or login form
    behind a ".csv" link is the common lie.)"""
    sample = head[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sample.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in sample[:512]:
        return False
    if ext in ("json", "geojson"):
        return sample[:1] in (b"{", b"[")
    if ext in ("xml", "kml"):
        return sample[:1] == b"<"
    if ext == "csv":
        lines = [ln for ln in sample.decode("latin-1").splitlines()[:5] if ln.strip()]
        if not lines or "\x00" in lines[0]:
            return False
        delim = max(",;\t|", key=lines[0].count)
        return lines[0].count(delim) > 0 and all(ln.count(delim) > 0 for ln in lines[1:4])
    return b"\x00" not in sample[:1024]    # txt and similar: text, not binary


# Exception class names and message fragments -> recorded fault kind. Order matters: first match wins.
FAILURE_KINDS: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (("ForbiddenAddress", "ForbiddenAddressLookup"), (), "forbidden_address"),
    (("OffsiteRedirect",), (), "offsite_redirect"),
    ((), ("forbidden by robots.txt",), "robots_disallowed"),
    ((), ("max redirections",), "redirect_loop"),
    ((), ("during decompression",), "too_large"),
    ((), ("download max size", "maxsize"), "too_large"),
    (("DNSLookupError",), ("dns lookup failed",), "dns_error"),
    (("DownloadTimeoutError", "TimeoutError", "TCPTimedOutError", "UserTimeoutError"), ("took longer than",),
     "timeout"),
    (("ConnectionRefusedError", "DownloadConnectionRefusedError"), ("connection was refused",), "connection_refused"),
    (("SSLError",), ("ssl", "certificate", "tls", "handshake"), "tls_error"),
    (("DownloadFailedError", "ConnectionLost", "ResponseFailed", "ResponseNeverReceived",
      "ConnectionDone", "PotentialDataLoss"), ("connection", "reset"), "connection_reset"),
)


def _redirect_target(exc: BaseException) -> str | None:
    """The Location of a 3xx answer that was not followed because it is not an http(s) address, else None."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status", None)
    if not isinstance(status, int) or not 300 <= status < 400:
        return None
    location = (response.headers.get(b"Location") or b"").decode("latin-1").strip()
    scheme = location.split(":", 1)[0].lower() if ":" in location.split("/", 1)[0] else ""
    return location if scheme and scheme not in ("http", "https") else None


def failure_kind(exc: BaseException) -> str:
    """A short, stable name for why a request failed (recorded as the page's fault)."""
    redirect = _redirect_target(exc)
    if redirect is not None:
        return "redirect_non_http"     # a Location no crawler may follow (file://, ftp://, javascript:)
    names = {cls.__name__ for cls in type(exc).__mro__}
    message = str(exc).lower()
    for classes, fragments, kind in FAILURE_KINDS:
        if names & set(classes) or any(f in message for f in fragments):
            return kind
    return type(exc).__name__.lower()[:40]


# -- a response as a page: its text, whether it is HTML, what is wrong with it ----------------------------------
# (duck-typed on Scrapy responses: .headers, .body, .text, .encoding, .status)

HOME_BAD_STATUS = 500


def header(response, name: str) -> str:
    """A response header as text ('' when absent)."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else ""


def is_html(response) -> bool:
    ctype = header(response, "Content-Type").lower()
    return "html" in ctype or (not ctype and b"<html" in response.body[:2000].lower())


def decode(response) -> tuple[str, str | None]:
    """The page text and an encoding fault, fixing the commonest lie: Latin-1 bytes served as UTF-8."""
    text = response.text
    if "\ufffd" in text and response.encoding.lower().replace("-", "") in ("utf8",):
        try:
            response.body.decode("utf-8")
        except UnicodeDecodeError:
            return response.body.decode("cp1252", errors="replace"), "encoding_mismatch"
    return text, None


def page_fault(text: str, status: int, soft_404_fingerprint: str | None, check_soft_404: bool) -> str | None:
    """What is wrong with a page, first match wins: a block page, an HTTP error, a soft 404 (the same content the
    site answers for a random path; checked on pages fetched over HTTP other than the home page), a PHP error."""
    if block_reason(text, status):
        return "blocked"
    if status >= 400:
        return f"http_{status}"
    if (check_soft_404 and soft_404_fingerprint and fingerprint(text) == soft_404_fingerprint
            and needs_rendering(text, 0) != "js_shell"):   # an SPA answers its shell everywhere
        return "soft_404"
    if php_error(text):
        return "php_error"
    return None


def home_outcome(status: int, fault: str | None) -> str:
    """ok | blocked | unreachable: whether the home page shows the site at all."""
    if fault == "blocked":
        return "blocked"
    return "unreachable" if status >= HOME_BAD_STATUS or status in (404, 410) else "ok"


def tls_fault(response) -> str | None:
    return "tls_invalid" if response.meta.get("tls_invalid") else None


def first_headers(response) -> dict[str, str]:
    """The response's headers as text, the first value of each."""
    return {k.decode("latin-1"): v[0].decode("latin-1") for k, v in response.headers.items() if v}
