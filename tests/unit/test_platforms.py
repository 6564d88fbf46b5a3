"""Platform plug-ins (crawler/platforms): fingerprints, seed URLs and API extractors on saved API answers."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler import platforms
from crawler.extract import extract_page, finalize_site
from crawler.extract.site import page_key
from crawler.extract.types import PageContext
from tests.extract_helpers import ctx, page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "platforms"
CKAN_API = "https://datos.tlajomulco.gob.mx/api/3/action/package_search?rows=1000"
WP_API = "https://www.zapotlanejo.gob.mx/wp-json/wp/v2/pages?per_page=100"


def _ctx(url: str, *hosts: str) -> PageContext:
    return PageContext(url=url, site_hosts=frozenset(hosts))


def _ckan(body: bytes | str, content_type: str = "application/json;charset=utf-8"):
    return platforms.extract_api(CKAN_API, body, content_type, _ctx(CKAN_API, "datos.tlajomulco.gob.mx"))


def test_every_plugin_module_is_discovered_with_a_fingerprint() -> None:
    names = {p.name for p in platforms.platforms()}
    assert {"wordpress", "joomla", "drupal", "ckan", "decidim", "consul"} <= names
    assert all(callable(p.fingerprint) for p in platforms.platforms())


@pytest.mark.parametrize(("head", "body", "expected"), [
    ('<meta name="generator" content="CKAN 2.10.4">', "", ["ckan"]),
    ("", '<a href="https://ckan.org">CKAN</a><a href="/dataset/predial">Predial</a>', ["ckan"]),
    ("", '<div data-decidim="1"></div>', ["decidim"]),
    ("", '<p class="decidimos">Decidimos juntos</p><div data-decidim-id="x"></div>', []),
    ("", '<a href="https://github.com/consul/consul">Consul</a>', ["consul"]),
    ('<meta name="generator" content="Astro v4.12.2">', "", ["astro"]),
    ("", '<script id="__NEXT_DATA__" type="application/json">{}</script>', ["nextjs", "react"]),
])
def test_fingerprints_moved_into_plugins_give_the_same_platform_signal(head, body, expected) -> None:
    found = [s.data["name"] for s in extract_page(page(body, head), ctx()).signals if s.kind == "platform"]
    assert found == expected


def test_participation_signals_carry_the_participation_platform() -> None:
    def platforms_of(marker: str) -> list:
        html = page(marker + '<a href="/procesos">Presupuesto participativo</a>', title="Participación ciudadana")
        found = extract_page(html, ctx("https://www.municipio.gob.mx/participa/", home=False)).signals
        return [s.data.get("platform") for s in found if s.kind == "participation"]

    assert "decidim" in platforms_of('<div data-decidim="1"></div>')
    assert "decidim" not in platforms_of("<div></div>")


def test_seed_urls_follow_the_site_directory_and_ignore_unknown_platforms() -> None:
    assert platforms.seed_urls(["wordpress", "ckan", "joomla", "nope"], "https://m.gob.mx/portal/") == [
        "https://m.gob.mx/portal/api/3/action/package_search?rows=1000",
        "https://m.gob.mx/portal/wp-json/wp/v2/pages?per_page=100"]
    assert platforms.seed_urls(["wordpress"], "https://m.gob.mx/index.php") == [
        "https://m.gob.mx/wp-json/wp/v2/pages?per_page=100"]
    assert platforms.seed_urls(["wordpress"], "javascript:alert(1)") == []


def test_ckan_package_search_gives_each_file_its_format_and_modification_date_exactly() -> None:
    out = _ckan((FIXTURES / "ckan_package_search.json").read_bytes())
    files = {s.url.rsplit("/", 1)[1]: s for s in out.signals if s.kind == "dataset"}
    assert {name: s.data["format"] for name, s in files.items()} == {
        "predial_2025.csv": "csv", "diccionario.pdf": "pdf", "contratos_2024.xlsx": "xlsx", "obras.geojson": "geojson"}
    assert [n for n, s in files.items() if s.data["machine_readable"]] == [
        "predial_2025.csv", "contratos_2024.xlsx", "obras.geojson"]
    predial = files["predial_2025.csv"]
    assert predial.data["collection"] == "Recaudación del impuesto predial 2025"
    assert predial.data["topic"] == "Finanzas públicas" and predial.data["in_data_section"] is True
    assert predial.found_on == "https://datos.tlajomulco.gob.mx/dataset/predial-2025"
    assert files["contratos_2024.xlsx"].data["topic"] == "Dirección de Obras Públicas"
    dates = {s.data["dataset"].rsplit("/", 1)[1]: s.data["date"] for s in out.signals if s.kind == "update_date"}
    # the file's own last_modified, else its metadata date, else the package's
    assert dates == {"predial_2025.csv": "2025-10-02", "diccionario.pdf": "2024-01-10",
                     "contratos_2024.xlsx": "2024-11-18", "obras.geojson": "2024-11-18"}
    assert all(s.data["scope"] == "dataset" and s.data["source"] == "portal"
               for s in out.signals if s.kind == "update_date")
    assert [d.reason for d in out.diagnostics] == ["no_target"]       # the javascript: resource
    assert out.page["platform"] == "ckan"


def test_a_ckan_answer_listing_fewer_packages_than_it_counts_says_so() -> None:
    data = json.loads((FIXTURES / "ckan_package_search.json").read_text(encoding="utf-8"))
    data["result"]["count"] = 1500
    out = _ckan(json.dumps(data))
    [cut] = [d for d in out.diagnostics if d.reason == "platform_api_truncated"]
    assert cut.data == {"platform": "ckan", "listed": 3, "count": 1500}


@pytest.mark.parametrize(("body", "content_type", "reason"), [
    (b"{not json", "application/json", "malformed_json"),
    (b"<html>Mantenimiento</html>", "text/html", "not_json"),
    (b'{"success": false, "error": {"message": "Access denied"}}', "application/json", "platform_api_error"),
    (b'{"success": true, "result": {"results": [{"name": "x", "resources": 5}]}}', "application/json",
     "unexpected_shape"),
    (b"[" * 100_000 + b"]" * 100_000, "application/json", "malformed_json"),
])
def test_a_broken_api_answer_gives_a_diagnostic_never_a_crash_or_signals(body, content_type, reason) -> None:
    out = _ckan(body, content_type)
    assert out is not None and out.signals == [] and [d.reason for d in out.diagnostics] == [reason]


def test_a_url_no_platform_answers_is_left_to_the_page_extractor() -> None:
    assert platforms.extract_api("https://m.gob.mx/api/otra", b"{}", "application/json", _ctx("https://m.gob.mx/")) is None


def test_wordpress_page_list_proposes_hidden_sections_that_their_target_must_confirm() -> None:
    body = (FIXTURES / "wordpress_pages.json").read_bytes()
    out = platforms.extract_api(WP_API, body, "application/json; charset=UTF-8",
                                _ctx(WP_API, "www.zapotlanejo.gob.mx", "zapotlanejo.gob.mx"))
    proposed = {(s.kind, s.url, s.data["label"]) for s in out.signals}
    assert proposed == {
        ("open_data_section", "https://www.zapotlanejo.gob.mx/datos-abiertos/", "Datos Abiertos"),
        ("transparency_section", "https://www.zapotlanejo.gob.mx/transparencia/obligaciones-de-transparencia/",
         "Obligaciones de Transparencia – Art. 8")}
    assert all(s.data["status"] == "candidate" for s in out.signals)
    # only the site's own pages are offered to the crawl; another host and a javascript: link are not
    assert out.page["follow"] == ["https://www.zapotlanejo.gob.mx/datos-abiertos/",
                                  "https://www.zapotlanejo.gob.mx/transparencia/obligaciones-de-transparencia/",
                                  "https://www.zapotlanejo.gob.mx/directorio/"]
    # like any proposal: a hub confirms it, a target never fetched leaves it to a person
    pages = {page_key("https://www.zapotlanejo.gob.mx/datos-abiertos/"): {"role": "hub", "says": "open_data",
                                                                         "features": {}}}
    final = {s.kind: s.data["status"] for s in finalize_site(out.signals, pages) if s.kind != "platform"}
    assert final == {"open_data_section": "confirmed", "transparency_section": "unconfirmed"}


@pytest.mark.parametrize("hosts", [("zapotlanejo.gob.mx",), ("www.zapotlanejo.gob.mx",)])
def test_wordpress_page_list_accepts_the_site_s_www_and_bare_hosts_as_the_crawler_keys_them(hosts) -> None:
    """The crawler keys a site by the host it was registered with (often bare): the www pages are still its own."""
    body = (FIXTURES / "wordpress_pages.json").read_bytes()
    out = platforms.extract_api(WP_API, body, "application/json", _ctx(WP_API, *hosts))
    assert "https://www.zapotlanejo.gob.mx/datos-abiertos/" in out.page["follow"]


def test_wordpress_page_list_naming_look_alike_hosts_offers_none_of_them() -> None:
    """Hard negatives: a page list is trusted only for the site's own host, not for hosts that merely contain it."""
    pages = [{"link": url, "title": {"rendered": "Datos Abiertos"}} for url in (
        "https://zapotlanejo.gob.mx.example.com/datos-abiertos/", "https://datos-zapotlanejo.gob.mx/",
        "https://www.zapotlanejo.gob.mx.evil.net/transparencia/", "https://jalisco.gob.mx/datos-abiertos/")]
    out = platforms.extract_api(WP_API, json.dumps(pages).encode(), "application/json",
                                _ctx(WP_API, "zapotlanejo.gob.mx"))
    assert out.page["follow"] == [] and out.signals == []
