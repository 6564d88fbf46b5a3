"""video_channel, mobile_app, dataset, update_date, contact, platform, clarity, responsive, finalize_site."""
from datetime import date

import pytest

from crawler.extract import extract_page, finalize_site
from crawler.extract.datasets import format_from_content_type
from crawler.extract.dates import parse_spanish_date
from crawler.extract.types import Signal
from tests.extract_helpers import ctx, page, signals_of

DATA_PAGE = ctx("https://www.municipio.gob.mx/transparencia/datos.html", home=False, depth=1)


def test_embeds_including_malformed_srcs():
    context = ctx("http://www.municipio.gob.mx/videos.html", home=False)
    html = page("""
      <iframe src="https:/www.youtube.com/embed/uyUdwHZz0Z8 "></iframe>
      <iframe src=" https:/www.youtube.com/embed/_kYWQwNPhc4"></iframe>
      <iframe src="https://player.vimeo.com/video/12345"></iframe>
      <iframe src="https://www.dailymotion.com/embed/video/x7abc"></iframe>""")
    found = {s.data["identity"] for s in signals_of(html, "video_channel", context)}
    assert found == {"youtube:embed:uyUdwHZz0Z8", "youtube:embed:_kYWQwNPhc4", "vimeo:embed:12345",
                     "dailymotion:embed:x7abc"}


def test_channel_and_live_links():
    html = page("""
      <a href="https://www.youtube.com/@GobMuni">YouTube</a>
      <a href="https://www.youtube.com/channel/UC123abc/live">En vivo</a>
      <a href="https://www.youtube.com/watch?v=abcdefghijk">un video</a>
      <a href="https://www.facebook.com/GobMuni/live">Transmisión</a>""")
    kinds = {(s.data["platform"], s.data["kind"]) for s in signals_of(html, "video_channel")}
    assert kinds == {("youtube", "channel"), ("youtube", "live"), ("facebook", "live")}


def test_mobile_apps():
    html = page("""
      <a href="https://play.google.com/store/apps/details?id=mx.gob.municipio.app&hl=es">Android</a>
      <a href="https://apps.apple.com/mx/app/municipio/id1234567890">iPhone</a>
      <a href="https://play.google.com/store/apps/dev?id=99">Más apps</a>""")
    found = {(s.data["store"], s.data["app_id"]) for s in signals_of(html, "mobile_app")}
    assert found == {("google_play", "mx.gob.municipio.app"), ("app_store", "id1234567890")}


def test_datasets_formats_collection_and_topic():
    html = page("""
      <h1>Transparencia</h1><h2>Finanzas</h2><h3>Presupuesto 2025</h3>
      <a href="presupuesto.xlsx">Excel</a> <a href=" datos/presupuesto.csv">CSV</a>
      <a href="/docs/informe.PDF">PDF</a> <a href="#">sin archivo</a>
      <h3>Obras</h3><a href="obras.geojson">mapa</a>""", title="Transparencia")
    found = {s.url.rsplit("/", 1)[-1]: s.data for s in signals_of(html, "dataset", DATA_PAGE)}
    assert set(found) == {"presupuesto.xlsx", "presupuesto.csv", "informe.PDF", "obras.geojson"}
    assert found["presupuesto.csv"]["machine_readable"] and not found["informe.PDF"]["machine_readable"]
    assert found["informe.PDF"]["format"] == "pdf"
    assert found["presupuesto.xlsx"]["collection"] == "Presupuesto 2025"
    assert found["presupuesto.xlsx"]["topic"] == "Finanzas"
    assert all(d["in_data_section"] for d in found.values())


def test_files_on_ordinary_pages_are_not_in_a_data_section():
    html = page('<h1>Avisos de privacidad</h1><a href="aviso.pdf">Aviso</a>', title="Avisos de privacidad")
    context = ctx("https://www.municipio.gob.mx/avisos.html", home=False)
    assert signals_of(html, "dataset", context)[0].data["in_data_section"] is False


def test_content_type_format():
    assert format_from_content_type("text/csv; charset=utf-8") == "csv"
    assert format_from_content_type("text/html") == ""


@pytest.mark.parametrize(("text", "expected"), [
    ("al 15 de octubre de 2025", date(2025, 10, 15)),
    (": 30/09/2025", date(2025, 9, 30)),
    (" 05/10/2025", date(2025, 10, 5)),            # day first, Mexican order
    (" 2024-12-31", date(2024, 12, 31)),
    (" septiembre 2025", date(2025, 9, 1)),
    (" 31/02/2025", None),
    (" sin fecha", None),
])
def test_spanish_dates(text, expected):
    assert parse_spanish_date(text) == expected


def test_update_dates_from_text_and_header_never_from_clock():
    html = page("<h1>Datos abiertos</h1><p>Información actualizada al 15 de octubre de 2025.</p>"
                "<p>Fecha de actualización: 30/09/2025</p><p>Publicado hace 2 días</p>", title="Datos abiertos")
    headers = {"Last-Modified": "Wed, 01 Oct 2025 10:00:00 GMT"}
    found = {(s.data["date"], s.data["source"], s.data["scope"]) for s in signals_of(html, "update_date", DATA_PAGE,
                                                                                    headers)}
    assert found == {("2025-10-15", "page_text", "data_section"), ("2025-09-30", "page_text", "data_section"),
                     ("2025-10-01", "last_modified", "data_section")}
    assert signals_of(page("<p>Hoy es un gran día</p>"), "update_date") == []


def test_emails_mailto_text_and_obfuscated_but_not_assets():
    html = page("""
      <a href="mailto:Transparencia@Municipio.gob.mx?subject=Hola">escríbenos</a>
      <p>Contacto: presidencia@municipio.gob.mx</p>
      <p>tesoreria [at] municipio [dot] gob [dot] mx</p>
      <img src="logo@2x.png"><p>usuario@example.com</p>""")
    values = {s.data["value"] for s in signals_of(html, "contact") if s.data["type"] == "email"}
    assert values == {"transparencia@municipio.gob.mx", "presidencia@municipio.gob.mx",
                      "tesoreria@municipio.gob.mx"}


def test_mexican_phone_formats_with_cues():
    html = page("""
      <footer><p>Teléfono: +52 (442) 212-1846 / 214-0641 / 214-4713</p>
      <p>Tel: 58-23-09-91 / 58-23-91-33</p><p>INFORMES: 5824.1111</p>
      <address><i class="fas fa-phone"></i> 241 412 3456</address>
      <a href="tel:+524421234567">Llámanos</a></footer>
      <p>Folio 2000-2010 y periodo 2013-2018; código postal 76000; 12345678 visitas</p>""")
    shown = {s.data["value"] for s in signals_of(html, "contact") if s.data["type"] == "phone"}
    assert shown == {"+52 (442) 212-1846", "214-0641", "214-4713", "58-23-09-91", "58-23-91-33", "5824.1111",
                     "241 412 3456", "+524421234567"}


def test_contact_form_and_communication_tools():
    html = page("""
      <form action="/contacto/enviar" method="post"><input name="nombre"><input type="email" name="correo">
        <textarea name="mensaje"></textarea></form>
      <form action="#"><input name="name"><textarea></textarea></form>
      <a href="https://wa.me/524421234567">WhatsApp</a>
      <script src="https://embed.tawk.to/abc/default"></script>""")
    forms = [s for s in signals_of(html, "contact") if s.data["type"] == "form"]
    assert [f.url for f in forms] == ["https://www.municipio.gob.mx/contacto/enviar"]
    tools = {s.data["type"] for s in signals_of(html, "communication_tool")}
    assert tools == {"form", "whatsapp", "chat"}
    assert all(s.on_home for s in signals_of(html, "communication_tool"))


def test_contact_on_participation_page_is_participation_related():
    context = ctx("https://www.municipio.gob.mx/participacion-ciudadana/", home=False)
    html = page("<h1>Participación ciudadana</h1><p>participa@municipio.gob.mx</p>", title="Participación")
    assert signals_of(html, "contact", context)[0].data["participation_related"] is True


@pytest.mark.parametrize(("head", "body", "expected"), [
    ('<meta name="generator" content="WordPress 6.5">', "", ["wordpress"]),
    ('<link rel="https://api.w.org/" href="https://www.municipio.gob.mx/wp-json/">', "", ["wordpress"]),
    ('<link rel="stylesheet" href="/wp-content/themes/gob/style.css">', "", ["wordpress"]),
    ('<meta name="generator" content="Joomla! - Open Source Content Management">', "", ["joomla"]),
    ('<meta name="Generator" content="Drupal 10 (https://www.drupal.org)">', "", ["drupal"]),
    ("", '<img src="https://otro-dominio.gob.mx/wp-content/uploads/a.png">'
         '<link rel="stylesheet" href="https://otro-dominio.gob.mx/wp-content/themes/x/style.css">', []),
])
def test_platform_fingerprints(head, body, expected):
    names = [s.data["name"] for s in signals_of(page(body, head), "platform")]
    assert names == expected


def test_custom_platform_is_derived_site_level():
    merged = finalize_site(extract_page(page("<p>hola</p>"), ctx()).signals)
    assert [s.data["name"] for s in merged if s.kind == "platform"] == ["custom"]


def test_clarity_only_on_data_sections_and_needs_human():
    prose = "<main><p>" + " ".join(["La información pública del municipio se publica cada mes en este sitio."] * 8)
    prose += "</p></main>"
    found = signals_of(page("<h1>Datos abiertos</h1>" + prose, title="Datos abiertos"), "clarity", DATA_PAGE)
    assert found and 0 <= found[0].data["readability"] <= 100 and found[0].data["needs_human"] is True
    assert signals_of(page("<h1>Turismo</h1>" + prose), "clarity", ctx("https://www.municipio.gob.mx/t", False)) == []


def test_responsive_on_home():
    head = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    assert signals_of(page("", head), "responsive")[0].data["viewport"] is True
    assert signals_of(page(""), "responsive")[0].data["viewport"] is False


def test_finalize_merges_and_keeps_on_home():
    a = Signal("social_profile", "https://x.com/m", "https://m.mx/a", False, {"identity": "x:m"})
    b = Signal("social_profile", "https://x.com/m", "https://m.mx/", True, {"identity": "x:m"})
    merged = [s for s in finalize_site([a, b]) if s.kind == "social_profile"]
    assert len(merged) == 1 and merged[0].on_home and merged[0].found_on == "https://m.mx/a"


def test_unusual_date_spelling_uses_dateparser_and_relative_dates_are_ignored():
    html = page("<p>Actualizado: 3-oct-2025</p><p>Última actualización: hace 3 días</p>")
    assert [s.data["date"] for s in signals_of(html, "update_date")] == ["2025-10-03"]


def test_clarity_ignores_lists_without_prose():
    items = "".join(f"<li>Estado analítico del ejercicio {i}</li>" for i in range(60))
    assert signals_of(page(f"<h1>Transparencia</h1><ul>{items}</ul>", title="Transparencia"), "clarity",
                      DATA_PAGE) == []


def test_headers_as_bytes_like_scrapy():
    headers = {b"Last-Modified": [b"Wed, 01 Oct 2025 10:00:00 GMT"]}
    assert [s.data["date"] for s in signals_of(page("<p>x</p>"), "update_date", headers=headers)] == ["2025-10-01"]


def test_a_date_in_a_datasets_own_block_is_a_dataset_update():
    from crawler.extract import extract_page
    from crawler.extract.types import PageContext

    html = """<html><head><title>Datos abiertos</title></head><body><h1>Datos abiertos</h1>
    <p>Última actualización del portal: 01/11/2026</p>
    <div class="conjunto"><p>Obras 2026. <a href="/d/obras.csv">CSV</a></p><p>Actualizado: 15/10/2026</p></div>
    <ul><li><a href="/d/agua.json">Agua</a> — actualizado al 3 de noviembre de 2026</li>
        <li><a href="/d/sin-fecha.csv">Sin fecha</a></li></ul></body></html>"""
    ctx = PageContext(url="https://m.gob.mx/datos-abiertos/", site_hosts=frozenset({"m.gob.mx"}))
    found = {(s.data["date"], s.data.get("dataset", "")) for s in extract_page(html, ctx).signals
             if s.kind == "update_date" and s.data["scope"] == "dataset"}
    assert found == {("2026-10-15", "https://m.gob.mx/d/obras.csv"), ("2026-11-03", "https://m.gob.mx/d/agua.json")}
