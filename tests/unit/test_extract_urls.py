"""Browser-like href resolution and canonical comparison keys."""
import pytest

from crawler.extract import urls

PAGE_HTTP = "http://muni.gob.mx/dir/page.html"
PAGE_HTTPS = "https://muni.gob.mx/dir/page.html"


@pytest.mark.parametrize(("base", "href", "expected"), [
    (PAGE_HTTP, "http:/facebook.com", "http://muni.gob.mx/facebook.com"),      # same scheme: a path
    (PAGE_HTTPS, "http:/facebook.com", "http://facebook.com/"),                # other scheme: host fixed
    (PAGE_HTTP, "https:/www.youtube.com/embed/abc ", "https://www.youtube.com/embed/abc"),
    (PAGE_HTTP, " https:/www.youtube.com/embed/abc", "https://www.youtube.com/embed/abc"),
    (PAGE_HTTP, " sevac/2024/a b.pdf", "http://muni.gob.mx/dir/sevac/2024/a%20b.pdf"),
    (PAGE_HTTP, "../x.html", "http://muni.gob.mx/x.html"),
    (PAGE_HTTP, "\\\\cdn.example.org\\a.js", "http://cdn.example.org/a.js"),
    (PAGE_HTTP, "HTTPS://WWW.Facebook.COM:443/Page", "https://www.facebook.com/Page"),
    (PAGE_HTTP, "mailto:a@b.mx", "mailto:a@b.mx"),
    (PAGE_HTTP, "http://huehuetan/x.php", "http://huehuetan/x.php"),
])
def test_resolve_like_a_browser(base, href, expected):
    assert urls.resolve(base, href) == expected


@pytest.mark.parametrize("href", ["", "   ", None, "http://"])
def test_unresolvable(href):
    assert urls.resolve(PAGE_HTTP, href) is None


@pytest.mark.parametrize("href", ["#", "", "#top", "javascript:void(0)", " javascript:;", "about:blank", None])
def test_placeholders(href):
    assert urls.is_placeholder(href)


def test_real_links_are_not_placeholders():
    assert not urls.is_placeholder("/transparencia")


@pytest.mark.parametrize(("a", "b"), [
    ("https://www.facebook.com/profile.php?id=123&locale=es_LA", "http://m.facebook.com/profile.php?id=123"),
    ("https://twitter.com/Muni/", "https://x.com/muni"),
    ("https://es-la.facebook.com/Page/", "https://facebook.com/page"),
])
def test_canonical_merges_same_account(a, b):
    assert urls.canonical(a) == urls.canonical(b)


def test_canonical_keeps_distinct_ids():
    assert urls.canonical("https://facebook.com/profile.php?id=1") != urls.canonical(
        "https://facebook.com/profile.php?id=2")


def test_same_site_ignores_www():
    assert urls.is_same_site("https://www.muni.gob.mx/a", frozenset({"muni.gob.mx"}))
    assert not urls.is_same_site("https://otro.gob.mx/a", frozenset({"muni.gob.mx"}))


def test_file_extension():
    assert urls.file_extension("https://a.mx/d/Datos.XLSX") == "xlsx"
    assert urls.file_extension("https://a.mx/d/") == ""
