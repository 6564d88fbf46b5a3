"""Link policy: site membership, dedupe keys, priorities, crawl traps, external destinations."""
from __future__ import annotations

import pytest

from crawler import links


def test_subdomains_and_www_belong_to_the_site():
    keys = frozenset({links.host_key("https://www.tlajomulco.gob.mx/")})
    assert links.is_same_site("https://transparencia.tlajomulco.gob.mx/x", keys)
    assert links.is_same_site("http://tlajomulco.gob.mx/", keys)
    assert not links.is_same_site("https://tlajomulco.gob.mx.evil.example/", keys)
    assert not links.is_same_site("https://www.facebook.com/tlajomulco", keys)


def test_loopback_sites_are_told_apart_by_port():
    keys = frozenset({links.host_key("http://127.0.0.1:8001/")})
    assert links.is_same_site("http://127.0.0.1:8001/a", keys)
    assert not links.is_same_site("http://127.0.0.1:8002/a", keys)


def test_clean_url_drops_sessions_tracking_and_fragments_and_sorts_the_query():
    a = links.clean_url("http://x.mx/p.php?b=2&PHPSESSID=abc&a=1&utm_source=fb#top")
    b = links.clean_url("http://x.mx/p.php?a=1&b=2")
    assert a == b
    assert links.clean_url("http://x.mx/p;jsessionid=XYZ?a=1") == links.clean_url("http://x.mx/p?a=1")
    assert links.has_session_param("http://x.mx/p.php?phpsessid=1")
    assert not links.has_session_param("http://x.mx/p.php?id=1")


@pytest.mark.parametrize("text, url", [
    ("Datos Abiertos", "/seccion.php?id=3"),
    ("TRANSPARENCIA", "/t"),
    ("Participación Ciudadana", "/p"),
    ("", "/gobierno/datos-abiertos/"),
    ("Cabildo", "/c"),
    ("Gaceta municipal", "/g"),
])
def test_sections_the_audit_needs_rank_above_news(text, url):
    assert links.priority(f"http://x.mx{url}", text) > links.priority("http://x.mx/noticias/boda.html", "Noticias")


def test_priority_is_accent_and_case_insensitive():
    assert links.priority("http://x.mx/a", "PARTICIPACIÓN") == links.priority("http://x.mx/a", "participacion") > 0


def test_calendar_and_path_traps():
    assert links.looks_like_calendar("http://x.mx/calendar?month=13")
    assert links.trap_key("http://x.mx/agenda/2026-01-01") == links.trap_key("http://x.mx/agenda/2031-12-31")
    assert links.looks_like_path_trap("http://x.mx/a/b/a/b/a/b/a/")
    assert links.looks_like_path_trap("http://x.mx/" + "x" * 500)
    assert not links.looks_like_path_trap("http://x.mx/transparencia/articulo-8/fraccion-1.html")


@pytest.mark.parametrize("url, kind", [
    ("https://www.facebook.com/Gob", "social"),
    ("https://x.com/gob", "social"),
    ("https://www.plataformadetransparencia.org.mx/", "national_transparency"),
    ("https://play.google.com/store/apps/details?id=mx.gob.app", "app_store"),
    ("https://datos.gob.mx/busca/organization/x", "data_portal"),
    ("https://transparencia.jalisco.gob.mx/", "state_transparency"),
    ("https://www.itei.org.mx/", "state_transparency"),
    ("https://example.com/", "other"),
])
def test_external_links_are_classified(url, kind):
    assert links.external_kind(url) == kind


def test_files_and_skipped_assets():
    assert links.is_file("http://x.mx/datos/presupuesto.CSV")
    assert links.should_skip("http://x.mx/app.js") and links.should_skip("mailto:a@b.mx")
    assert not links.is_file("http://x.mx/index.php")


def test_a_malformed_href_is_skipped_without_losing_the_page_s_other_links():
    from scrapy.http import HtmlResponse


    body = b"<a href='//[::1'>roto</a><a href='/transparencia'>Transparencia</a><iframe src='/mapa'></iframe>"
    response = HtmlResponse("http://municipio.gob.mx/", body=body, encoding="utf-8")
    assert links.page_links(response) == [("http://municipio.gob.mx/transparencia", "Transparencia", "main"),
                                        ("http://municipio.gob.mx/mapa", "frame", "frame")]


def test_an_unresolvable_href_resolves_to_none():
    from crawler.extract.urls import resolve

    assert resolve("http://municipio.gob.mx/", "//[::1") is None


def test_an_unparsable_base_href_falls_back_to_the_page_url_as_in_a_browser():
    from scrapy.http import HtmlResponse


    body = b"<head><base href='http://[::1'></head><a href='datos.html'>Datos</a>"
    response = HtmlResponse("http://municipio.gob.mx/a/", body=body, encoding="utf-8")
    assert [link[:2] for link in links.page_links(response)] == [("http://municipio.gob.mx/a/datos.html", "Datos")]


def test_a_page_with_an_unparsable_base_href_is_kept_by_the_meta_refresh_middleware():
    from scrapy.http import HtmlResponse, Request
    from scrapy.utils.test import get_crawler

    from crawler.middlewares import TolerantMetaRefreshMiddleware

    middleware = TolerantMetaRefreshMiddleware.from_crawler(get_crawler())
    body = b"<head><base href='http://[::1'><meta http-equiv='refresh' content='0;url=x'></head>"
    response = HtmlResponse("http://municipio.gob.mx/", body=body, encoding="utf-8")
    assert middleware.process_response(Request(response.url), response) is response


@pytest.mark.parametrize("a,b", [
    ("http://m.gob.mx/noticias/nota-12.html", "http://m.gob.mx/noticias/nota-3.html"),
    ("http://m.gob.mx/tramites/licencia-de-construccion-2026/", "http://m.gob.mx/tramites/pago-del-predial-en-linea/"),
    ("http://m.gob.mx/index.php?option=com_content&view=article&id=12",
     "http://m.gob.mx/index.php?view=article&id=7&option=com_content"),
])
def test_pages_of_one_template_share_a_key(a, b):
    assert links.template_key(a) == links.template_key(b)


@pytest.mark.parametrize("a,b", [
    ("http://m.gob.mx/participacion/", "http://m.gob.mx/contacto/"),
    ("http://m.gob.mx/noticias/nota-1.html", "http://m.gob.mx/tramites/nota-1.html"),
    ("http://m.gob.mx/index.php?view=article&id=1", "http://m.gob.mx/index.php?view=category&id=1"),
    ("http://m.gob.mx/nota-1.html", "http://otro.gob.mx/nota-1.html"),
])
def test_different_pages_have_different_template_keys(a, b):
    assert links.template_key(a) != links.template_key(b)


@pytest.mark.parametrize("text,url", [("Transparencia", "/index.php?id=3"), ("Presidenta municipal", "/p/4"),
                                      ("", "/datos-abiertos/"), ("Encuesta de satisfacción", "/e"),
                                      ("Videos", "/v")])
def test_words_that_name_evidence(text, url):
    assert links.names_evidence("http://m.gob.mx" + url, text)


@pytest.mark.parametrize("text,url", [("Trámite 3", "/tramites/tramite-3.html"), ("Aviso 4", "/noticias/nota-4.html"),
                                      ("Directorio", "/directorio/")])
def test_words_that_name_a_kind_of_page_but_no_evidence(text, url):
    assert not links.names_evidence("http://m.gob.mx" + url, text)
