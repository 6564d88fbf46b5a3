"""CMS / stack fingerprint (platform) from the site's own markup."""
from __future__ import annotations

import re

from crawler.extract import urls
from crawler.extract.dom import Page
from crawler.extract.types import Signal

KIND = "platform"
_GENERATORS = (
    ("wordpress", re.compile(r"wordpress", re.I)), ("joomla", re.compile(r"joomla", re.I)),
    ("drupal", re.compile(r"drupal", re.I)), ("ckan", re.compile(r"ckan", re.I)),
    ("decidim", re.compile(r"decidim", re.I)), ("consul", re.compile(r"\bconsul\b", re.I)),
    ("wix", re.compile(r"wix\.com", re.I)), ("squarespace", re.compile(r"squarespace", re.I)),
)
# Asset paths a CMS serves from the site's own host.
_OWN_PATHS = (
    ("wordpress", ("/wp-content/themes/", "/wp-content/plugins/", "/wp-includes/", "/wp-json")),
    ("joomla", ("/media/jui/", "/media/system/js/", "/components/com_", "/templates/system/")),
    ("drupal", ("/sites/default/files/", "/core/misc/drupal.js", "/misc/drupal.js", "/core/themes/")),
    ("ckan", ("/base/javascript/", "/webassets/ckan", "/api/3/action")),
)


def _own_asset_urls(page: Page) -> list[str]:
    """Resolved URLs of scripts, styles and api links that are served by the site itself."""
    found = []
    for tag, attr in (("script", "src"), ("link", "href")):
        for el in page.soup.find_all(tag, attrs={attr: True}):
            url = page.resolve(el[attr])
            if url and page.is_own(url):
                found.append(url.lower())
    return found


def detect(page: Page) -> list[str]:
    """Platform names this page's own markup proves (generator meta, own-host CMS assets, app markers)."""
    names: list[str] = []
    for meta in page.soup.find_all("meta", attrs={"name": re.compile("^generator$", re.I)}):
        for name, pattern in _GENERATORS:
            if pattern.search(meta.get("content") or ""):
                names.append(name)
    assets = _own_asset_urls(page)
    for name, paths in _OWN_PATHS:
        if any(p in a for a in assets for p in paths):
            names.append(name)
    for link in page.soup.find_all("link", rel=True):
        if "https://api.w.org/" in (link.get("rel") or []) and page.is_own(page.resolve(link.get("href"))):
            names.append("wordpress")
    names += _app_markers(page)
    return sorted(set(names))


def _app_markers(page: Page) -> list[str]:
    """Decidim / Consul / CKAN / Drupal fingerprints that live in the markup itself."""
    html_attrs = " ".join(f"{k}={v}" for k, v in (page.soup.html.attrs if page.soup.html else {}).items())
    body = page.soup.body
    body_classes = " ".join(body.get("class") or []) if body else ""
    found = []
    if page.soup.find(attrs={"data-drupal-selector": True}) or "drupal" in html_attrs.lower():
        found.append("drupal")
    if re.search(r"\bdecidim\b", body_classes, re.I) or page.soup.find("meta", attrs={"name": re.compile(
            "^decidim", re.I)}) or page.soup.find(attrs={"data-decidim": True}):
        found.append("decidim")
    if page.soup.find("a", href=re.compile(r"github\.com/consul/consul|consulproject\.org|consuldemocracy", re.I)):
        found.append("consul")
    if page.soup.find("a", href=re.compile(r"github\.com/decidim/decidim|decidim\.org", re.I)) and \
            page.soup.find(href=re.compile(r"/processes(/|$)")):
        found.append("decidim")
    if page.soup.find("a", href=re.compile(r"ckan\.org", re.I)) and page.soup.find(href=re.compile(r"/dataset")):
        found.append("ckan")
    return found


def extract(page: Page) -> list[Signal]:
    """One platform signal per detected name."""
    return [Signal(KIND, urls.without_fragment(page.ctx.url), page.ctx.url, page.ctx.is_home,
                   {"name": name, "identity": f"platform:{name}"}, name) for name in detect(page)]
