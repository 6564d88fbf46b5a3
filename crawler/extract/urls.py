"""Browser-like (WHATWG-ish) href resolution and URL/account normalisation."""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlparse, urlsplit, urlunsplit

SPECIAL_SCHEMES = frozenset({"http", "https", "ftp", "ws", "wss"})
DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21, "ws": 80, "wss": 443}
_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# C0 controls and space are stripped from both ends; tab/CR/LF are removed anywhere (URL standard).
_STRIP_CHARS = "".join(chr(c) for c in range(0x21))
_HOST_RE = re.compile(r"^[a-z0-9\-._~%!$&'()*+,;=\[\]:]+$")
# Host prefixes that name the same account on mobile / localised front-ends.
_HOST_PREFIXES = ("www.", "m.", "mobile.", "es-la.", "es-es.", "es.", "web.", "business.")
_HOST_ALIASES = {"twitter.com": "x.com", "fb.com": "facebook.com", "youtu.be": "youtube.com"}
# Pure functions of a URL string are memoised: every detector asks the same questions about the same links.
# resolve's cache is keyed by the page too, so _tidy has its own: a site's menu resolves to the same absolute
# URLs on every page.
_CACHE_SIZE = 8192


@lru_cache(maxsize=_CACHE_SIZE)
def clean_href(raw: str | None) -> str:
    """Strip what a browser strips from an href before parsing."""
    if raw is None:
        return ""
    text = raw.strip(_STRIP_CHARS)
    # str.replace: what re.sub(r"[\t\r\n]", "", text) did, at a third of its cost (every href, src and
    # action of every page passes here once)
    return text.replace("\t", "").replace("\r", "").replace("\n", "")


def href_scheme(href: str) -> str:
    """Lower-case scheme of a cleaned href, or '' when it is relative."""
    match = _SCHEME_RE.match(href)
    return match.group(1).lower() if match else ""


@lru_cache(maxsize=_CACHE_SIZE)
def is_placeholder(raw: str | None) -> bool:
    """True for hrefs that lead nowhere: empty, '#', '#!', 'javascript:...', 'about:blank'."""
    href = clean_href(raw)
    if href == "" or href.startswith("#"):
        return True
    return href_scheme(href) in {"javascript", "about", "data"}


@lru_cache(maxsize=_CACHE_SIZE)
def resolve(base: str, raw: str | None) -> str | None:
    """Resolve an href against the page URL the way a browser does; None if it cannot be resolved."""
    href = clean_href(raw)
    if not href:
        return None
    scheme = href_scheme(href)
    if scheme and scheme not in SPECIAL_SCHEMES:
        return href  # mailto:, tel:, javascript:, ... are opaque
    base_scheme = href_scheme(base)
    try:
        if scheme:
            rest = href[len(scheme) + 1:].replace("\\", "/")
            if scheme == base_scheme and not rest.startswith("//"):
                # "http:/x" on an http:// page is a same-origin path, per the URL standard.
                absolute = urljoin(base, rest)
            else:
                # A special scheme ignores any number of slashes before the host ("https:/x" -> https://x/).
                absolute = f"{scheme}://{rest.lstrip('/')}"
        else:
            absolute = _join(base, _backslashes_in_path(href))
    except ValueError:   # e.g. "//[::1" (an unclosed IPv6 host): a browser cannot resolve it either
        return None
    return _tidy(absolute)


def _join(base: str, href: str) -> str:
    """urljoin(base, href) for an href without a scheme. A path ("page.html", "../x", "/x") resolves against
    the base's scheme, host and directory alone, so it is joined once per directory for every page there
    (a site's menu comes back on each page, and resolve's own cache is keyed by the page); a host ("//x"),
    query or fragment reads the whole base."""
    directory = None if href.startswith(("//", "?", "#")) else _directory(base)
    return urljoin(base, href) if directory is None else _join_in_directory(directory, href)


@lru_cache(maxsize=_CACHE_SIZE)
def _directory(base: str) -> str | None:
    """'http://host/dir/' of an http(s) URL (the parts urljoin reads for a path), else None."""
    parts = urlparse(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}{parts.path[:parts.path.rfind('/') + 1]}"


@lru_cache(maxsize=_CACHE_SIZE)
def _join_in_directory(directory: str, href: str) -> str:
    return urljoin(directory, href)


def _backslashes_in_path(href: str) -> str:
    """Browsers treat '\\' as '/' before the query in special-scheme URLs."""
    cut = min((i for i in (href.find("?"), href.find("#")) if i >= 0), default=len(href))
    return href[:cut].replace("\\", "/") + href[cut:]


@lru_cache(maxsize=_CACHE_SIZE)
def _tidy(url: str) -> str | None:
    """Lower-case scheme/host, drop default port, percent-encode unsafe characters; None if hostless."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if scheme in SPECIAL_SCHEMES and (not host or not _HOST_RE.match(host)):
        return None
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="=&%:@!$'()*+,;/?-._~")
    fragment = quote(parts.fragment, safe="=&%:@!$'()*+,;/?-._~#")
    return urlunsplit((scheme, netloc, path, query, fragment))


@lru_cache(maxsize=_CACHE_SIZE)
def host_of(url: str | None) -> str:
    """Lower-case host of a URL without port ('' when none)."""
    if not url:
        return ""
    try:
        return (urlsplit(url).hostname or "").rstrip(".")
    except ValueError:
        return ""


@lru_cache(maxsize=_CACHE_SIZE)
def bare_host(host: str) -> str:
    """Host without www./m./es-la. prefixes and with platform aliases applied (twitter.com -> x.com)."""
    host = host.lower()
    changed = True
    while changed:
        changed = False
        for prefix in _HOST_PREFIXES:
            if host.startswith(prefix) and host.count(".") >= 2:
                host, changed = host[len(prefix):], True
    return _HOST_ALIASES.get(host, host)


def host_matches(host: str, domain: str) -> bool:
    """True if host is domain or one of its subdomains."""
    return host == domain or host.endswith("." + domain)


@lru_cache(maxsize=_CACHE_SIZE)
def is_same_site(url: str | None, site_hosts: frozenset[str]) -> bool:
    """True if the URL's host belongs to the site (any www./bare variant)."""
    host = host_of(url)
    if not host:
        return False
    bare = bare_host(host)
    return any(host == h or bare == bare_host(h) for h in site_hosts)


def without_fragment(url: str) -> str:
    """URL without its #fragment."""
    return url.split("#", 1)[0]


def canonical(url: str) -> str:
    """Comparison key: scheme-less, bare host, no fragment/trailing slash, query kept only where it names a thing."""
    parts = urlsplit(url)
    host = bare_host(parts.hostname or "")
    path = parts.path.rstrip("/")
    query = ""
    if host == "facebook.com" and path.lower() in ("/profile.php", "/people"):
        ids = [(k, v) for k, v in parse_qsl(parts.query) if k == "id"]
        query = urlencode(ids)
    elif host == "play.google.com" or (host == "youtube.com" and path == "/watch"):
        query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k in ("id", "v")])
    if host in ("facebook.com", "x.com", "instagram.com", "tiktok.com", "youtube.com", "linkedin.com"):
        path = path.lower()
    return f"//{host}{path}" + (f"?{query}" if query else "")


def path_segments(url: str) -> list[str]:
    """Non-empty path segments of a URL."""
    return list(_path_segments(url))


@lru_cache(maxsize=_CACHE_SIZE)
def _path_segments(url: str) -> tuple[str, ...]:
    return tuple(s for s in urlsplit(url).path.split("/") if s)


@lru_cache(maxsize=_CACHE_SIZE)
def file_extension(url: str) -> str:
    """Lower-case extension of the URL's last path segment ('' when none)."""
    segments = path_segments(url)
    if not segments:
        return ""
    last = segments[-1]
    if "." not in last:
        return ""
    return last.rsplit(".", 1)[1].lower().strip()


@lru_cache(maxsize=_CACHE_SIZE)
def path_of(url: str) -> str:
    """The path of a URL ('' when unparsable)."""
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


@lru_cache(maxsize=_CACHE_SIZE)
def query_of(url: str) -> str:
    """The query string of a URL, lower-case ('' when none or unparsable)."""
    try:
        return urlsplit(url).query.lower()
    except ValueError:
        return ""
