"""A site's platform, wired into the crawl (crawler.apis): its API seeds are asked once per site, the answer's
signals are stored and the pages it names are crawled, so what the menu hides is still confirmed by its page.
In-process, on saved answers (tests/spider_helpers.drive plays the engine; no network)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.items import SignalsItem
from tests.spider_helpers import add_site, done_of, drive, make_spider, pages_of

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "platforms"
HOME = "https://www.zapotlanejo.gob.mx/"
WP_HOME = (b'<html><head><meta name="generator" content="WordPress 6.4"><title>Zapotlanejo</title></head><body>'
           b'<nav><a href="/gobierno/">Gobierno</a><a href="/contacto/">Contacto</a></nav>'
           b'<main><h1>Gobierno Municipal de Zapotlanejo</h1><p>Bienvenidos.</p></main></body></html>')
HIDDEN = (b'<html><head><title>Datos Abiertos</title></head><body><main><h1>Datos Abiertos</h1>'
          b'<ul><li><a href="/files/presupuesto-2025.csv">Presupuesto 2025 (CSV)</a></li>'
          b'<li><a href="/files/obras-2025.xlsx">Obras 2025 (XLSX)</a></li></ul></main></body></html>')
PAGES_API = "/wp-json/wp/v2/pages?per_page=100"


def wp_site(**overrides) -> dict:
    site = {"/": WP_HOME, "/gobierno/": b"<html><body><main><p>Cabildo.</p></main></body></html>",
            PAGES_API: (200, {"Content-Type": "application/json; charset=UTF-8"},
                        (FIXTURES / "wordpress_pages.json").read_bytes()),
            "/datos-abiertos/": HIDDEN}
    return {**site, **overrides}


def crawl(site: dict, **settings):
    spider = make_spider(**settings)
    state = add_site(spider, HOME)
    items, requests = drive(spider, state, site)
    return items, [r.url for r in requests]


def signals_of(items) -> list:
    return [s for i in items if isinstance(i, SignalsItem) for s in i.signals]


def test_a_wordpress_site_s_page_list_is_asked_once():
    _, urls = crawl(wp_site())
    assert urls.count(HOME.rstrip("/") + PAGES_API) == 1


def test_a_page_the_menu_hides_is_crawled_from_the_page_list():
    items, _ = crawl(wp_site())
    assert HOME + "datos-abiertos/" in {p.url for p in pages_of(items)}


def test_the_page_list_proposes_the_hidden_data_section_as_a_candidate():
    items, _ = crawl(wp_site())
    proposed = [s for s in signals_of(items) if s.kind == "open_data_section" and s.data.get("via") == "wordpress_rest"]
    assert [s.url for s in proposed] == [HOME + "datos-abiertos/"]
    assert proposed[0].data["status"] == "candidate"        # still to be confirmed by the page itself


def test_the_site_finishes_ok_with_its_api_request_counted():
    items, _ = crawl(wp_site())
    done = done_of(items)
    assert done.status == "ok" and done.facts["requests"]["api"] == 1


def test_a_site_without_the_api_is_not_a_finding():
    items, urls = crawl(wp_site(**{PAGES_API: (404, {}, b"<html>404</html>")}))
    assert HOME.rstrip("/") + PAGES_API in urls
    assert done_of(items).status == "ok"
    assert not [i for i in items if isinstance(i, SignalsItem) and i.diagnostics
                and any(d.kind == "platform_api" for d in i.diagnostics)]


def test_a_malformed_answer_is_a_diagnostic_not_a_crash():
    items, _ = crawl(wp_site(**{PAGES_API: (200, {"Content-Type": "application/json"}, b"[{not json")}))
    diagnostics = [d for i in items if isinstance(i, SignalsItem) for d in i.diagnostics if d.kind == "platform_api"]
    assert [d.reason for d in diagnostics] == ["malformed_json"] and done_of(items).status == "ok"


def test_platform_apis_can_be_switched_off():
    _, urls = crawl(wp_site(), MUNIAUDIT_PLATFORM_APIS=False)
    assert not [u for u in urls if "wp-json" in u]


def test_a_site_without_a_platform_asks_no_api():
    plain = WP_HOME.replace(b'<meta name="generator" content="WordPress 6.4">', b"")
    _, urls = crawl(wp_site(**{"/": plain}))
    assert not [u for u in urls if "wp-json" in u]


@pytest.fixture
def ckan_answer() -> dict:
    return json.loads((FIXTURES / "ckan_package_search.json").read_text(encoding="utf-8"))


def test_a_ckan_portal_s_datasets_come_with_their_declared_formats(ckan_answer):
    home = (b'<html><head><meta name="generator" content="ckan 2.10.4"><title>Datos</title></head><body><main>'
            b'<h1>Datos abiertos de Tlajomulco</h1><a href="/dataset/">Conjuntos de datos</a></main></body></html>')
    site = {"/": home, "/api/3/action/package_search?rows=1000":
            (200, {"Content-Type": "application/json"}, json.dumps(ckan_answer).encode())}
    items, _ = crawl(site)
    datasets = [s for s in signals_of(items) if s.kind == "dataset"]
    assert datasets and all(s.data.get("format") for s in datasets)
    dates = [s for s in signals_of(items) if s.kind == "update_date" and s.data.get("source") == "portal"]
    assert dates, "CKAN's metadata_modified gives each dataset's update date"
