"""The bundled sample web answers as each fictional site is designed to."""

from __future__ import annotations

import csv
import io
import re
import threading
import time
from datetime import date
from pathlib import Path

import httpx
import pytest

from muniaudit.sampleweb import load_sites, serve_sample_web
from muniaudit.sampleweb.server import SITES_YAML

pytestmark = pytest.mark.timeout(10)

FIXTURE_SITES = Path(__file__).resolve().parents[1] / "fixtures" / "sites" / "sites.yaml"
DELAY_S = 1.5


@pytest.fixture(scope="module")
def web():
    sites = list(load_sites().values()) + list(load_sites(FIXTURE_SITES).values())
    with serve_sample_web(delay_s=DELAY_S, sites=sites) as served:
        yield served


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=3, follow_redirects=True) as c:
        yield c


def test_registry_covers_the_six_profiles():
    sites = load_sites()
    assert set(sites) >= {"strong", "social_only", "legal_only", "js_only", "small_town", "failing"}
    assert all(s.cvegeo.startswith("99") and len(s.cvegeo) == 5 for s in sites.values())
    assert len({s.cvegeo for s in sites.values()}) == len(sites)
    assert sites["strong"].expected["rank_first"] is True
    assert sites["social_only"].expected["max_score"] == 30
    assert sites["failing"].expected["unreachable"] is True


def test_load_sites_names_file_and_field(tmp_path):
    bad = tmp_path / "sites.yaml"
    bad.write_text("sites:\n  - id: x\n    root: .\n    faults: {/: explode}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"sites\.yaml: sites\[0\]\.faults"):
        load_sites(bad)


def test_every_reachable_home_answers_and_says_it_is_fictional(web, client):
    for site_id, site in web.sites.items():
        if site.expected.get("unreachable"):
            continue
        r = client.get(web.entry_url(site_id))
        assert r.status_code == 200, site_id
        assert r.headers["content-type"].startswith("text/html")
        html = r.text
        if site_id == "spa":
            html = client.get(web.url("spa", "/app.js")).text
        assert "ficticio" in html, site_id


def test_strong_site(web, client):
    home = client.get(web.url("strong")).text
    assert 'href="/datos-abiertos/"' in home and 'name="viewport"' in home
    assert "play.google.com/store/apps/details?id=" in home and "apps.apple.com/" in home
    assert "youtube.com/embed/" in home and "Presidenta Municipal" in home
    data = client.get(web.url("strong", "/datos-abiertos/")).text
    assert len(re.findall(r"<h3>", data)) >= 6 and len(re.findall(r"<h2>", data)) >= 6
    assert "<form" in data and 'type="search"' in data
    assert "Última actualización: 28 de octubre de 2026" in data
    for path in ("/participa/consulta-ciudadana.html", "/participa/presupuesto-participativo.html",
                 "/participa/cabildo-abierto.html", "/buzon/", "/encuesta/", "/contacto.html", "/transparencia/"):
        assert client.get(web.url("strong", path)).status_code == 200, path
    assert "plataformadetransparencia.org.mx" in client.get(web.url("strong", "/transparencia/")).text
    pages = list((SITES_YAML.parent / "sites" / "strong").rglob("*.html"))
    assert len(pages) >= 15


def test_strong_datasets_are_real(web, client):
    r = client.get(web.url("strong", "/datos-abiertos/datos/obras-2026.csv"))
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and "avance_pct" in rows[0]
    r = client.get(web.url("strong", "/datos-abiertos/datos/obras-2026.json"))
    assert r.headers["content-type"] == "application/json" and r.json()["datos"]
    assert client.get(web.url("strong", "/datos-abiertos/datos/programas-sociales-2026.xlsx")).status_code == 404
    head = client.head(web.url("strong", "/datos-abiertos/datos/obras-2026.csv"))
    assert head.status_code == 200 and head.content == b"" and int(head.headers["content-length"]) > 0
    assert head.headers["last-modified"] == "Wed, 28 Oct 2026 09:00:00 GMT"


def test_strong_dates_are_recent():
    site_dir = SITES_YAML.parent / "sites" / "strong" / "datos-abiertos"
    text = (site_dir / "index.html").read_text(encoding="utf-8")
    shown = [date(int(y), int(m), int(d)) for d, m, y in re.findall(r"Actualizado: (\d\d)/(\d\d)/(\d{4})", text)]
    assert shown and all(d <= date(2026, 11, 1) for d in shown)
    assert sum((date(2026, 11, 1) - d).days <= 31 for d in shown) >= 5


def test_forms_post_to_real_actions(web, client):
    r = client.post(web.url("strong", "/buzon/enviar"), data={"descripcion": "bache"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/buzon/gracias.html"
    assert client.post(web.url("strong", "/nada"), data={"a": "b"}).status_code == 405


def test_static_server_rules(web, client):
    r = client.get(web.url("strong", "/datos-abiertos"), follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/datos-abiertos/"
    assert client.get(web.url("strong", "/css/")).status_code == 404  # no directory listing
    missing = client.get(web.url("strong", "/no-existe.html"))
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert client.get(web.url("strong", "/../sites.yaml")).status_code == 404
    sitemap = client.get(web.url("strong", "/sitemap.xml")).text
    assert f"<loc>{web['strong']}/datos-abiertos/</loc>" in sitemap


def test_social_only_has_accounts_and_hard_negatives(web, client):
    home = client.get(web.url("social_only")).text
    assert "facebook.com/AyuntamientoLosAlcatraces" in home and "youtube.com/channel/" in home
    assert "facebook.com/sharer/sharer.php" in home and 'href="#" class="icono-instagram"' in home
    assert "datos abiertos" not in home.lower() and "transparencia" not in home.lower()


def test_legal_only_has_obligations_but_no_open_data(web, client):
    page = client.get(web.url("legal_only", "/transparencia/")).text
    assert "Fracción XXI" in page and "plataformadetransparencia.org.mx" in page
    assert re.search(r"<td>Transparencia proactiva</td><td>[^<]*</td>", page)  # the trap row links nothing
    assert client.get(web.url("legal_only", "/docs/gaceta-45-octubre-2026.pdf")).content.startswith(b"%PDF-")
    for path in ("/gaceta/", "/cabildo/actas.html", "/transparencia/conac.html", "/contacto.html"):
        assert client.get(web.url("legal_only", path)).status_code == 200
    assert "datos abiertos" not in "".join(
        p.read_text(encoding="utf-8").lower() for p in (SITES_YAML.parent / "sites" / "legal_only").rglob("*.html"))


def test_js_only_hides_navigation_in_javascript(web, client):
    home = client.get(web.url("js_only")).text
    assert '<div id="app"></div>' in home and "<noscript>" in home
    assert "javascript:loadPage('transparencia.html')" in home
    assert re.findall(r'href="(?!javascript:)[^"]+"', home) == []
    script = client.get(web.url("js_only", "/js/menu.js")).text
    for path in ("/datos-abiertos.html", "/transparencia.html", "/contacto.html"):
        assert path in script
        assert client.get(web.url("js_only", path)).status_code == 200
    assert "facebook.com/NuevoAmanecerGob" in script


def test_small_town_has_almost_nothing(web, client):
    home = client.get(web.url("small_town")).text
    assert "San Tadeo Xochiapa" in home and "<img" in home and "Plaza Principal" in home
    assert "facebook" not in home and "viewport" not in home


def test_spa_fallback_serves_the_shell(web, client):
    for path in ("/", "/participa", "/datos-abiertos"):
        r = client.get(web.url("spa", path))
        assert r.status_code == 200 and '<div id="root"></div>' in r.text
    assert client.get(web.url("spa", "/datos/presupuesto-2026.csv")).text.startswith("partida,")
    assert client.get(web.url("spa", "/falta.css")).status_code == 404  # no fallback for files
    assert client.get(web.url("strong", "/participa-no")).status_code == 404  # other sites: no fallback


def test_failing_site_fails_as_designed(web, client):
    home = client.get(web.url("failing"))
    assert home.status_code == 500
    with pytest.raises(httpx.ReadError):
        client.get(web.url("failing", "/contacto.html"))
    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        client.get(web.url("failing", "/transparencia/"), timeout=0.5)
    assert time.monotonic() - started < 2
    slow = client.get(web.url("failing", "/datos-abiertos/"), timeout=DELAY_S + 2)  # answers after the delay
    assert slow.status_code == 200


def test_shutdown_interrupts_hanging_requests(client):
    started = time.monotonic()
    with serve_sample_web(delay_s=30, sites=["failing"]) as web:
        errors: list[Exception] = []

        def fetch() -> None:
            try:
                httpx.get(web.url("failing", "/transparencia/"), timeout=20)
            except httpx.HTTPError as exc:
                errors.append(exc)

        thread = threading.Thread(target=fetch)
        thread.start()
        time.sleep(0.3)
    thread.join(5)
    assert not thread.is_alive() and errors
    assert time.monotonic() - started < 5


def test_unknown_site_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown sample site"), serve_sample_web(sites=["nope"]):
        pass


def test_dates_are_shifted_to_the_day_the_demo_runs():
    from muniaudit.sampleweb import timeshift

    text = "Última actualización: 28 de octubre de 2026 · 20/10/2026 · <lastmod>2026-10-28</lastmod> · a-2026-10-28.csv"
    shifted = timeshift.shift_text(text, timeshift.offset_days(date(2027, 3, 1)))   # 120 days later
    assert "25 de febrero de 2027" in shifted and "17/02/2027" in shifted and "<lastmod>2027-02-25<" in shifted
    assert "a-2026-10-28.csv" in shifted            # file names are left alone
    assert timeshift.shift_text(text, timeshift.offset_days(date(2026, 10, 1))) == text   # never backwards
    with serve_sample_web(sites=["strong"], today=date(2027, 3, 1)) as web:
        page = httpx.get(web.url("strong", "/datos-abiertos/")).text
        head = httpx.head(web.url("strong", "/datos-abiertos/datos/obras-2026.csv"))
    assert "Última actualización: 25 de febrero de 2027" in page
    assert head.headers["last-modified"] == "Thu, 25 Feb 2027 09:00:00 GMT"
