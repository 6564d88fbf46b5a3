"""Pure link policy: which URLs belong to the site, which are files, which to follow first, crawl traps; and the
links of a page (`page_links`), read from its lxml tree."""
from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from parsel import Selector  # parsel itself: Scrapy's Selector would read <base href> again
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_base_url
from w3lib.url import canonicalize_url

from crawler.extract.datasets import DOCUMENT_FORMATS, FILE_FORMATS
from crawler.extract.outlinks import Outlink, followable_links, title_of
from crawler.extract.placement import REFERENCE_REGIONS
from crawler.extract.text import fold

# Link text / URL words that lead to what the audit needs; weights order the crawl frontier.
PRIORITY_WORDS = {
    "datos abiertos": 60, "datos-abiertos": 60, "datosabiertos": 60, "open data": 50, "opendata": 50,
    "transparencia proactiva": 60, "focalizada": 50, "interes publico": 40, "transparencia": 40,
    "participacion": 40, "consulta": 30, "presupuesto participativo": 40, "cabildo": 30, "gaceta": 30,
    "contacto": 30, "buzon": 30, "queja": 25, "denuncia": 25, "reporte": 20, "encuesta": 25,
    "obligaciones": 25, "armonizacion": 20, "conac": 20, "sevac": 15, "cuenta publica": 15,
    "normatividad": 10, "presidente": 15, "presidenta": 15, "ayuntamiento": 10, "tramites": 10,
    "descargas": 20, "estadistica": 15, "datos": 15, "app": 5, "videos": 20, "video": 15, "multimedia": 15,
    "galeria": 10, "en vivo": 15, "redes sociales": 15, "directorio": 10,
}
# Where a link sits on its page (crawler.extract.placement): the site's navigation leads to its sections; article
# bodies, teasers and related posts lead to more articles. Large sites reach their evidence within the budget
# only when the menus and hubs go first.
REGION_WEIGHTS = {
    "menu": 25, "header": 20, "site_block": 20, "js_loader": 20, "footer": 15, "home": 15, "frame": 10,
    "sidebar": 5, "main": 5, "sitemap": 0, "teaser": -20, "article_body": -15, "person": -20, "related": -25,
    "byline": -30, "comments": -40, "share": -40,
}
# URL shapes of archives: dated article paths, pagination, tag/category/author listings, feeds.
ARCHIVE_URL = re.compile(
    r"/(19|20)\d\d/(0?[1-9]|1[0-2])/|/(page|pagina|pag)/\d+|[?&](page|paged|pagina|pg|start|offset)=\d+|"
    r"/(tag|tags|etiqueta|etiquetas|category|categoria|author|autor|feed|amp)/|[?&](s|replytocom|share)=", re.I)
ARCHIVE_PENALTY = 40
# Files whose format and date a verdict can depend on (machine-readable data); documents and images are judged
# by their link's extension alone.
DATA_FILE_EXTENSIONS = frozenset(FILE_FORMATS)
# Files are probed (HEAD / ranged GET), never fetched as pages: every format the extractor knows as a dataset
# or document, plus media and binaries that are neither.
FILE_EXTENSIONS = FILE_FORMATS | DOCUMENT_FORMATS | {"webp", "svg", "mp4", "mp3", "avi", "mov", "exe", "apk", "dwg"}
DATA_SAMPLE_EXTENSIONS = {"csv", "json", "geojson", "xml", "txt"}   # small ranged GET confirms the format
SKIP_EXTENSIONS = {"css", "js", "ico", "woff", "woff2", "ttf", "eot", "map"}
SESSION_PARAMS = {"phpsessid", "jsessionid", "sid", "sessionid", "session_id", "cfid", "cftoken", "aspsessionid"}
TRACKING_PARAMS = re.compile(r"^(utm_|fbclid$|gclid$|mc_)", re.I)
CALENDAR_HINT = re.compile(r"(calendar|calendario|agenda|month|mes|year|anio|date|fecha|day|dia)", re.I)


# Menus repeat the same links on every page of a site, so the pure URL functions below see each URL many
# times (their results depend on nothing else, so a cache changes no result).
_CACHE = 32768


def host_key(url: str) -> str:
    """Host used for same-site checks: the domain without www.; IP or localhost keep their port."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if host == "localhost" or re.fullmatch(r"[\d.]+|[0-9a-f:]+", host):
        return f"{host}:{parts.port or ''}"
    return host[4:] if host.startswith("www.") else host


@lru_cache(maxsize=_CACHE)
def is_same_site(url: str, site_keys: frozenset[str]) -> bool:
    """In the municipality's site: the same host key, or a subdomain of one (transparencia.<domain>)."""
    key = host_key(url)
    return key in site_keys or any(not k.endswith(":" ) and ":" not in k and key.endswith("." + k) for k in site_keys)


def extension(url: str) -> str:
    name = posixpath.basename(urlsplit(url).path)
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


def is_file(url: str) -> bool:
    return extension(url) in FILE_EXTENSIONS


@lru_cache(maxsize=_CACHE)
def should_skip(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("http", "https") or extension(url) in SKIP_EXTENSIONS


@lru_cache(maxsize=_CACHE)
def clean_url(url: str) -> str:
    """Canonical form for dedupe: no fragment, no session or tracking parameters, sorted query."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() not in SESSION_PARAMS and not TRACKING_PARAMS.match(k)]
    path = re.sub(r";jsessionid=[^/?#]*", "", parts.path, flags=re.I)
    rebuilt = urlunsplit((parts.scheme, parts.netloc.lower(), path or "/", urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


@lru_cache(maxsize=_CACHE)
def priority(url: str, text: str = "", region: str = "") -> int:
    """Higher for links that likely lead to sections the audit needs: by their words, by where they sit on the
    page (menus before article bodies) and lower for archive-shaped URLs (dated posts, pagination, tags)."""
    parts = urlsplit(url)
    shape = -ARCHIVE_PENALTY if ARCHIVE_URL.search(f"{parts.path}?{parts.query}") else 0
    return word_weight(url, text) + REGION_WEIGHTS.get(region, 0) + shape


@lru_cache(maxsize=_CACHE)
def word_weight(url: str, text: str = "") -> int:
    """The weight of the strongest PRIORITY_WORDS entry in a link's text, path or query."""
    return max((PRIORITY_WORDS[word] for word in _words_in(url, text)), default=0)


@lru_cache(maxsize=_CACHE)
def names_evidence(url: str, text: str = "") -> bool:
    """Do a link's words name a section or tool a criterion reads (transparencia, datos, participación, contacto,
    encuesta, presidente, videos, redes sociales, app...), not just a kind of page (trámites, directorio)?"""
    return any(word not in GENERIC_WORDS for word in _words_in(url, text))


def _words_in(url: str, text: str) -> list[str]:
    parts = urlsplit(url)
    haystack = re.sub(r"[-_/.+=&%]+", " ", fold(f"{text} {parts.path} {parts.query}"))
    return [word for word in PRIORITY_WORDS if word in haystack]


# Words that order the crawl but name no evidence a criterion reads: a kind of page, not a section or tool.
GENERIC_WORDS = frozenset({"ayuntamiento", "tramites", "directorio", "normatividad", "galeria"})
_DIGIT_RUN = re.compile(r"\d+")
_SLUG = re.compile(r"^[^-_]+(?:[-_][^-_]+){3,}$")     # four or more words: somebody's title as the page name


@lru_cache(maxsize=_CACHE)
def template_key(url: str) -> str:
    """The page template a URL is one instance of: numbers become '#', a title-like segment (four or more
    words) becomes '*', query values are templated the same way. /noticias/nota-12.html and
    /noticias/nota-3.html share one; /participacion/ and /contacto/ do not."""
    parts = urlsplit(url)
    segments = ["*" if _SLUG.match(s) else s for s in _DIGIT_RUN.sub("#", parts.path.lower()).split("/")]
    query = "&".join(sorted(f"{k}={_DIGIT_RUN.sub('#', v)}" for k, v in parse_qsl(parts.query, keep_blank_values=True)))
    return f"{parts.netloc.lower()}{'/'.join(segments)}?{query}"


# Regions of a page's navigation: they lead to the site's sections whatever page they are on.
NAVIGATION_REGIONS = frozenset({"menu", "header", "footer", "sidebar", "site_block", "home", "js_loader", "frame",
                                "sitemap"})
# Pages whose body is a list of posts or somebody's text: links in their body lead to more posts.
POST_PAGE_ROLES = frozenset({"listing", "article", "person"})


@lru_cache(maxsize=_CACHE)
def carries_evidence(url: str, region: str = "", role: str = "") -> bool:
    """Could the page behind this link hold evidence a criterion reads? Not what a reference region leads to (a
    post reached from a teaser, an article body or related posts: somebody's text, holding no evidence an AIDH
    criterion reads beyond the site's template), nor the body of a news listing, nor an archive page
    (pagination, tags, dated posts, feeds)."""
    if region in REFERENCE_REGIONS or (role in POST_PAGE_ROLES and region not in NAVIGATION_REGIONS):
        return False
    parts = urlsplit(url)
    return not ARCHIVE_URL.search(f"{parts.path}?{parts.query}")


def trap_key(url: str) -> str:
    """URLs with the same trap key are variants of one page (query permutations, calendar months)."""
    parts = urlsplit(url)
    path = re.sub(r"\d{4}[-/]\d{1,2}([-/]\d{1,2})?", "{date}", parts.path)
    return f"{parts.netloc}{path}"


def looks_like_calendar(url: str) -> bool:
    parts = urlsplit(url)
    return bool(CALENDAR_HINT.search(parts.path + "?" + parts.query)) and bool(re.search(r"\d", parts.query + parts.path))


# External destinations worth recording (never crawled): host suffix -> kind.
EXTERNAL_KINDS = {
    "facebook.com": "social", "fb.com": "social", "twitter.com": "social", "x.com": "social",
    "instagram.com": "social", "youtube.com": "social", "youtu.be": "social", "tiktok.com": "social",
    "threads.net": "social", "linkedin.com": "social", "flickr.com": "social", "pinterest.com": "social",
    "wa.me": "social", "whatsapp.com": "social", "t.me": "social", "vimeo.com": "social",
    "plataformadetransparencia.org.mx": "national_transparency", "inai.org.mx": "national_transparency",
    "play.google.com": "app_store", "apps.apple.com": "app_store", "itunes.apple.com": "app_store",
    "datos.gob.mx": "data_portal", "ckan": "data_portal", "socrata.com": "data_portal",
    "arcgis.com": "data_portal", "hub.arcgis.com": "data_portal", "opendatasoft.com": "data_portal",
}
STATE_PORTAL = re.compile(r"(transparencia|infomex|itei|itai|info|iaip|ivai|icai|cotai|itaip|idaip)", re.I)


def external_kind(url: str) -> str:
    """What an off-site link points at: social, national_transparency, state_transparency, app_store,
    data_portal or other."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    for suffix, kind in EXTERNAL_KINDS.items():
        if host == suffix or host.endswith("." + suffix) or (suffix == "ckan" and "ckan" in host):
            return kind
    if host.startswith("datos.") or host.startswith("datosabiertos."):
        return "data_portal"
    if host.endswith(".gob.mx") or host.endswith(".org.mx"):
        first = host.split(".")[0]
        if STATE_PORTAL.fullmatch(first) or "transparencia" in host:
            return "state_transparency"
    return "other"


def has_session_param(url: str) -> bool:
    """A session ID in the URL (PHPSESSID=..., ;jsessionid=...): stripped before dedupe, recorded as a fact."""
    parts = urlsplit(url)
    return ";jsessionid=" in parts.path.lower() or any(
        k.lower() in SESSION_PARAMS for k, _ in parse_qsl(parts.query, keep_blank_values=True))


def looks_like_path_trap(url: str, max_length: int = 400, max_repeats: int = 3) -> bool:
    """Paths that grow without end: very long URLs or a segment repeated (/a/b/a/b/a/b, relative-link loops)."""
    parts = urlsplit(url)
    if len(url) > max_length:
        return True
    segments = [s for s in parts.path.split("/") if s]
    return any(segments.count(s) >= max_repeats for s in set(segments))


def server_of(url: str) -> str:
    """The server a URL is on, for telling servers apart: lower-case host and port ('' when there is none)."""
    try:
        return urlsplit(url).netloc.rpartition("@")[2].lower()
    except ValueError:
        return ""


# -- the links of a page ---------------------------------------------------------------------------------------

def page_root(response):
    """lxml's tree of an HTML response (parsed once, cached by Scrapy), or None when there is none."""
    if not isinstance(response, HtmlResponse):
        return None
    try:
        return response.selector.root
    except ValueError:
        # Scrapy's selector resolves the page's <base href> first and gives up on one no URL parser accepts;
        # the page itself is still there
        try:
            return Selector(text=response.text, type="html").root
        except (ValueError, AttributeError):
            return None
    except AttributeError:
        return None


def base_url(response) -> str:
    """The URL a response's relative links resolve against: its <base href>, else its own URL."""
    try:
        return get_base_url(response)
    except ValueError:   # an unparsable <base href>: a browser falls back to the page's own URL
        return response.url


def page_title(response) -> str:
    """The page's <title> as one line of text ('' when there is none)."""
    return title_of(page_root(response))


def page_links(response, is_home: bool = False) -> list[Outlink]:
    """The links of a response to follow (crawler.extract.outlinks.followable_links), from lxml's tree under
    its selector: used when no extraction worker read the page."""
    root = page_root(response)
    return followable_links(root, base_url(response), is_home) if root is not None else []


def own_page_links(found: list[tuple[str, str, str]], keys: frozenset[str]) -> int:
    """How many links lead to another page of the same site (files, assets and impossible URLs aside)."""
    total = 0
    for url, _, _ in found:
        try:
            total += is_same_site(url, keys) and not is_file(url) and not should_skip(url)
        except ValueError:   # "http://host:99999/": no page behind it
            continue
    return total
