"""open_data_section, transparency_section, participation, report tools, evaluations and search forms."""
import pytest

from tests.extract_helpers import ctx, page, reasons_of, signals_of

TERRENATE_LIKE_ROWS = """
<h1>Transparencia</h1>
<div class="elementor-accordion">
  <div class="elementor-tab-title"><a class="elementor-accordion-title">63 - XXXVIIa Mecanismos de participación ciudadana</a></div>
  <div class="elementor-tab-content"><a href="https://otro.gob.mx/wp-content/uploads/A63F37A.xlsx">descargar</a></div>
  <div class="elementor-tab-title"><a>63 - XLVIIIc Transparencia proactiva</a></div>
  <div class="elementor-tab-title"><a>63 - XLa Evaluaciones y encuestas a programas financiados con recursos públicos</a></div>
  <div class="elementor-tab-title"><a href="https://otro.gob.mx/up/queja.xlsx">Procedimiento de queja</a></div>
</div>"""


def test_open_data_links_internal_external_and_portals():
    html = page("""
      <a href="/datos-abiertos/">Datos Abiertos</a>
      <a href="https://covid.municipio.gob.mx">Transparencia Proactiva</a>
      <a href="https://datos.gob.mx/busca/organization/municipio">Catálogo</a>
      <a href="https://datos.ciudad.gob.mx/dataset/presupuesto">Presupuesto</a>
      <a href="https://municipio.hub.arcgis.com/">Mapas</a>""", )
    found = {s.url: s.data for s in signals_of(html, "open_data_section", ctx(depth=0))}
    assert found["https://www.municipio.gob.mx/datos-abiertos/"]["external"] is False
    assert found["https://covid.municipio.gob.mx/"]["label"] == "Transparencia Proactiva"
    portals = {d["portal"] for d in found.values()}
    assert {"datos_gob_mx", "ckan", "arcgis_hub"} <= portals
    assert all(d["depth"] == 0 for d in found.values())


def test_open_data_without_target_is_a_diagnostic_not_a_section():
    html = page('<a href="#">Datos abiertos</a><a>Transparencia proactiva</a>')
    assert signals_of(html, "open_data_section") == []
    assert "no_target" in reasons_of(html, "open_data_section")


def test_legal_obligation_rows_are_not_sections_or_tools():
    html = page(TERRENATE_LIKE_ROWS, title="Transparencia")
    context = ctx("https://www.municipio.gob.mx/transparencia.html", home=False)
    for kind in ("open_data_section", "participation", "citizen_report_tool", "citizen_evaluation"):
        assert signals_of(html, kind, context) == [], kind


@pytest.mark.parametrize(("href", "text", "target"), [
    ("/transparencia.html", "TRANSPARENCIA", "site"),
    ("/transpariencia/index.html", "TRANSPARIENCIA", "site"),          # typo tolerated
    ("sevac.html", "SEVAC", "site"),
    ("/armonizacion.php", "Armonización Contable", "site"),
    ("/ldf.html", "Ley de Disciplina Financiera", "site"),
    ("https://www.plataformadetransparencia.org.mx/web/guest/inicio", "", "pnt"),
    ("http://municipio.transparenciaestado.org.mx/", "Portal de Transparencia", "state_portal"),
    ("http://www.saimex.org.mx/saimex/ciudadano/login.page", "SAIMEX", "state_portal"),
    ("https://consultapublicamx.plataformadetransparencia.org.mx/vut-web/", "SIPOT", "sipot"),
])
def test_transparency_links(href, text, target):
    found = signals_of(page(f'<a href="{href}">{text}</a>'), "transparency_section")
    assert [s.data["target"] for s in found] == [target]


@pytest.mark.parametrize("html", [
    '<a href="#transparencia">Transparencia</a>',                       # in-page anchor
    '<a href="#">Ley General de Contabilidad Gubernamental</a>',
    '<a href="/docs/cuenta-publica-2024.pdf">Cuenta pública 2024</a>',   # a document, not a section
    '<a href="https://www.dof.gob.mx/ley.html">Ley General de Transparencia</a>',  # outside law text
    '<a href="https://municipio.gob.mx/transparencia/noticias/feria/">Inicio de la feria</a>',
])
def test_transparency_negatives(html):
    assert signals_of(page(html), "transparency_section") == []


def test_one_external_portal_is_one_identity():
    html = page('<a href="https://www.plataformadetransparencia.org.mx">PNT</a>'
                '<a href="https://www.plataformadetransparencia.org.mx/web/guest/inicio">Solicitudes</a>')
    assert len({s.key() for s in signals_of(html, "transparency_section")}) == 1


def test_participation_types_and_submenu():
    html = page("""
      <ul><li class="submenu"><a href="/participacion/">Participación Ciudadana</a>
        <ul><li><a href="/participacion/explora.html">Explora</a></li></ul></li></ul>
      <a href="/presupuesto-participativo">Presupuesto participativo 2025</a>
      <a href="/cabildo-abierto">Cabildo Abierto</a>
      <a href="https://decidim.municipio.gob.mx/processes">Propuestas</a>""")
    found = {s.url.rsplit("/", 1)[-1] or s.url: s.data for s in signals_of(html, "participation")}
    assert found["explora.html"]["type"] == "general"
    assert found["presupuesto-participativo"]["type"] == "presupuesto_participativo"
    assert found["cabildo-abierto"]["type"] == "cabildo_abierto"
    assert found["processes"]["platform"] == "decidim"


def test_report_tools_need_a_real_target():
    html = page("""
      <a href="/buzon-ciudadano">Buzón ciudadano</a>
      <a href="">Quejas y sugerencias</a>
      <form action="#"><h3>Denuncia</h3><textarea></textarea><input type="file"></form>
      <form action="/reportes/enviar" method="post"><h3>Reporte ciudadano</h3>
        <textarea name="m"></textarea><input type="file" name="foto"></form>""")
    found = {(s.url, s.data["type"]) for s in signals_of(html, "citizen_report_tool")}
    assert found == {("https://www.municipio.gob.mx/buzon-ciudadano", "mailbox"),
                     ("https://www.municipio.gob.mx/reportes/enviar", "upload")}


def test_citizen_evaluation_link_and_survey_form():
    html = page("""
      <a href="https://forms.gle/abc">Encuesta de satisfacción</a>
      <form action="/encuesta" method="post"><legend>Evalúa el servicio</legend>
        <input type="radio" name="c" value="1"><input type="radio" name="c" value="2"></form>""")
    types = sorted(s.data["type"] for s in signals_of(html, "citizen_evaluation"))
    assert types == ["evaluation", "survey"]


def test_search_forms():
    html = page("""
      <form action="/buscar"><input type="search" name="q"></form>
      <form action="#"><input type="text" name="s"></form>""")
    found = signals_of(html, "search_tool")
    assert [(s.data["action"], s.data["dynamic"], s.data["scope"]) for s in found] == [
        ("https://www.municipio.gob.mx/buscar", False, "site")]
    assert "placeholder" in reasons_of(html, "search_tool")


def test_search_on_data_section_without_action_is_dynamic():
    context = ctx("https://www.municipio.gob.mx/datos-abiertos/", home=False)
    html = page('<h1>Datos abiertos</h1><form><input type="search" name="filtro"></form>', title="Datos abiertos")
    found = signals_of(html, "search_tool", context)
    assert found[0].data["scope"] == "data_section" and found[0].data["dynamic"] is True
