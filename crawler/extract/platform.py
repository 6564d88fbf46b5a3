"""CMS / stack fingerprint (platform) from the site's own markup."""
from __future__ import annotations

import re

from crawler.extract import urls
from crawler.extract.dom import Page, class_names
from crawler.extract.types import Signal

KIND = "platform"
_GENERATORS = (
    ("wordpress", re.compile(r"wordpress", re.I)), ("joomla", re.compile(r"joomla", re.I)),
    ("drupal", re.compile(r"drupal", re.I)), ("ckan", re.compile(r"ckan", re.I)),
    ("decidim", re.compile(r"decidim", re.I)), ("consul", re.compile(r"\bconsul\b", re.I)),
    ("wix", re.compile(r"wix\.com", re.I)), ("squarespace", re.compile(r"squarespace", re.I)),
    ("astro", re.compile(r"^astro\b", re.I)), ("gatsby", re.compile(r"^gatsby\b", re.I)),
    ("hugo", re.compile(r"^hugo\b", re.I)), ("nextjs", re.compile(r"^next\.js\b", re.I)),
)
# Asset paths a CMS serves from the site's own host.
_OWN_PATHS = (
    ("wordpress", ("/wp-content/themes/", "/wp-content/plugins/", "/wp-includes/", "/wp-json")),
    ("joomla", ("/media/jui/", "/media/system/js/", "/components/com_", "/templates/system/")),
    ("drupal", ("/sites/default/files/", "/core/misc/drupal.js", "/misc/drupal.js", "/core/themes/")),
    ("ckan", ("/base/javascript/", "/webassets/ckan", "/api/3/action")),
)


_GENERATOR_NAME = re.compile("^generator$", re.I)
_DECIDIM_CLASS = re.compile(r"\bdecidim\b", re.I)
_DECIDIM_META = re.compile("^decidim", re.I)
_CONSUL_LINK = re.compile(r"github\.com/consul/consul|consulproject\.org|consuldemocracy", re.I)
_DECIDIM_LINK = re.compile(r"github\.com/decidim/decidim|decidim\.org", re.I)
_PROCESSES = re.compile(r"/processes(/|$)")
_CKAN_LINK = re.compile(r"ckan\.org", re.I)
_DATASET = re.compile(r"/dataset")


def _own_asset_urls(page: Page) -> list[str]:
    """Resolved URLs of scripts, styles and api links that are served by the site itself."""
    found = []
    for tag, attr in (("script", "src"), ("link", "href")):
        for el in page.find_all(tag):
            if attr not in el.attrib:
                continue
            url = page.resolve(el.get(attr))
            if url and page.is_own(url):
                found.append(url.lower())
    return found


def detect(page: Page) -> list[str]:
    """Platform names this page's own markup proves (generator meta, own-host CMS assets, app markers)."""
    return list(page.memo("platform.detect", lambda: _detect(page)))


def _detect(page: Page) -> list[str]:
    names: list[str] = []
    for meta in page.find_all("meta"):
        if not _matches(meta, "name", _GENERATOR_NAME):
            continue
        for name, pattern in _GENERATORS:
            if pattern.search(meta.get("content") or ""):
                names.append(name)
    assets = _own_asset_urls(page)
    for name, paths in _OWN_PATHS:
        if any(p in a for a in assets for p in paths):
            names.append(name)
    for link in page.find_all("link"):
        if "rel" not in link.attrib:
            continue
        if "https://api.w.org/" in link.get("rel").split() and page.is_own(page.resolve(link.get("href"))):
            names.append("wordpress")
    names += _app_markers(page)
    return sorted(set(names))


def _matches(el, attr: str, pattern: re.Pattern[str]) -> bool:
    """The element's (single-valued) attribute is present and the pattern is found in it."""
    value = el.get(attr)
    return isinstance(value, str) and pattern.search(value) is not None


def _app_markers(page: Page) -> list[str]:
    """Decidim / Consul / CKAN / Drupal fingerprints that live in the markup itself."""
    html = page.find("html")
    html_attrs = " ".join(f"{k}={v}" for k, v in (html.attrib if html is not None else {}).items())
    body = page.find("body")
    body_classes = class_names(body) if body is not None else ""
    tags = page.index.tags
    anchors = page.find_all("a")
    found = []
    if any("data-drupal-selector" in t.attrib for t in tags) or "drupal" in html_attrs.lower():
        found.append("drupal")
    if _DECIDIM_CLASS.search(body_classes) or any(_matches(m, "name", _DECIDIM_META) for m in page.find_all("meta")) \
            or any("data-decidim" in t.attrib for t in tags):
        found.append("decidim")
    if any(_matches(a, "href", _CONSUL_LINK) for a in anchors):
        found.append("consul")
    if any(_matches(a, "href", _DECIDIM_LINK) for a in anchors) and any(_matches(t, "href", _PROCESSES) for t in tags):
        found.append("decidim")
    if any(_matches(a, "href", _CKAN_LINK) for a in anchors) and any(_matches(t, "href", _DATASET) for t in tags):
        found.append("ckan")
    if page.find("astro-island") is not None:
        found.append("astro")
    if any(t.get("id") == "__NEXT_DATA__" for t in page.find_all("script")):
        found += ["nextjs", "react"]
    if any("data-reactroot" in t.attrib for t in tags):
        found.append("react")
    return found


def extract(page: Page) -> list[Signal]:
    """One platform signal per detected name."""
    return [Signal(KIND, urls.without_fragment(page.ctx.url), page.ctx.url, page.ctx.is_home,
                   {"name": name, "identity": f"platform:{name}"}, name) for name in detect(page)]
