"""Report site: files, ranking, unavailable sites, history, i18n, exports, methodology."""
from __future__ import annotations

import copy
import csv
import io
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from reports import exports, i18n, render, sample
from reports.exports import DocumentError, criteria_csv, scores_csv, validate_document
from reports.pdf import ChromiumNotFound, render_pdf
from reports.render import render_comparison, render_site

TEMPLATES = Path(render.__file__).with_name("templates")


@pytest.fixture()
def doc() -> dict:
    return sample.small_document()


@pytest.fixture()
def history() -> list[dict]:
    """Two earlier runs: Mérida was unreachable two months ago; last month Guadalajara had formatos, not redes."""
    older = sample.small_document("2024-03-03T10:00:00+00:00")
    older["municipalities"][4] = sample.small_municipality("31050", "Mérida", "Yucatán", {}, status="unreachable")
    prev = sample.small_document("2024-04-03T10:00:00+00:00")
    prev["municipalities"][1] = sample.small_municipality("14039", "Guadalajara", "Jalisco",
                                                          {"datos": 40, "formatos": 20})
    return [older, prev]


@pytest.fixture()
def site(tmp_path, doc, history) -> Path:
    render_site(doc, tmp_path / "site", history=history, rubric=sample.small_rubric())
    return tmp_path / "site"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def ranking_names(page: Path) -> list[tuple[str, str]]:
    rows = soup(page).select("table.ranking tbody tr")
    return [(r.select("td")[0].get_text(strip=True), r.select("td")[1].a.get_text(strip=True)) for r in rows]


def test_site_has_every_page_and_data_file(site, doc):
    for rel in ("index.html", "metodologia.html", "static/muniaudit.css", "static/muniaudit.js",
                "datos/scores.csv", "datos/criteria.csv", "datos/export.json", "datos/diccionario.html",
                "estados/14.html", "estados/15.html", "estados/31.html"):
        assert (site / rel).is_file(), rel
    for m in doc["municipalities"]:
        assert (site / "m" / f"{m['cvegeo']}.html").is_file()
    assert json.loads((site / "datos" / "export.json").read_text(encoding="utf-8")) == doc


def test_national_ranking_orders_by_score_and_puts_unavailable_last(site):
    assert ranking_names(site / "index.html") == [
        ("1", "Tlajomulco de Zúñiga"), ("2", "Guadalajara"), ("3", "Toluca"), ("4", "Mérida"),
        ("—", "Ecatepec de Morelos"), ("—", "Kanasín")]
    assert ranking_names(site / "estados" / "31.html") == [("1", "Mérida"), ("—", "Kanasín")]


def test_ties_share_a_rank():
    ranks = render.competition_ranks([("a", 50), ("b", 70), ("c", 50), ("d", 10)])
    assert ranks == {"b": 1, "a": 2, "c": 2, "d": 4}


def test_unreachable_site_is_never_shown_as_zero(site):
    page = soup(site / "m" / "15033.html")
    card = page.select_one(".scorecard").get_text(" ", strip=True)
    assert "Sitio no disponible" in card
    assert page.select_one(".score-num") is None and page.select_one("#cat-h") is None
    assert not re.search(r"\b0\s*/\s*100", page.get_text(" ", strip=True))
    row = next(r for r in soup(site / "index.html").select("table.ranking tbody tr") if "Ecatepec" in r.text)
    assert row.select_one("td.score").get_text(strip=True) == "—"
    assert "Sitio no disponible" in row.get_text(" ")
    scores = {r["cvegeo"]: r for r in csv.DictReader(io.StringIO((site / "datos/scores.csv").read_text()))}
    assert scores["15033"]["score"] == "" and scores["15033"]["score_status"] == "unreachable"
    assert "Sin sitio web registrado" in soup(site / "m" / "31041.html").select_one(".scorecard").get_text()


def test_incomplete_municipality_shows_pending_points_and_review_group(site):
    page = soup(site / "m" / "15106.html")
    text = page.get_text(" ", strip=True)
    assert "Incompleto" in text and "20 puntos pendientes" in text
    headings = [h["id"] for h in page.select("h3.group")]
    assert headings == ["g-fix", "g-pass", "g-review"]  # failed first, then passed, then awaiting review


def test_municipality_page_facts_ranks_evidence_and_human_points(site):
    page = soup(site / "m" / "14097.html")
    text = page.get_text(" ", strip=True)
    assert "91" in page.select_one(".score-num").text and "Muy alto" in text
    assert "1 de 4" in text and "1 de 2" in text  # national (4 ranked) and state rank
    assert "Decidido por revisor(a): Ana Pérez" in text and "1 criterio (11 puntos)" in text
    assert "Páginas revisadas 42" in text and "Páginas que requieren JavaScript 3" in text
    hrefs = [a["href"] for a in page.select(".evidence a.ext")]
    assert "https://14097.gob.example.mx/datos" in hrefs
    assert "capturado el 2024-05-03" in text
    failed = soup(site / "m" / "31050.html").select_one("#g-fix + ol .advice")
    assert "Por qué importa" in failed.text and "Cómo mejorarlo" in failed.text  # from the rubric


def test_evidence_says_where_the_link_sat_and_what_the_pages_are(tmp_path, doc):
    crit = doc["municipalities"][0]["criteria"][0]
    crit["evidence"] = [{"url": "https://14097.gob.example.mx/datos", "found_on": "https://14097.gob.example.mx/",
                         "placement": "navigation/menu", "page_role": "home", "target_role": "hub",
                         "confidence": 0.95},
                        {"url": "https://14097.gob.example.mx/nota", "found_on": "https://14097.gob.example.mx/",
                         "placement": "content/<script>", "page_role": "article"}]
    with pytest.raises(DocumentError):          # the schema refuses a placement outside its vocabulary
        render_site(doc, tmp_path / "refused")
    render_site(doc, tmp_path / "site", validate=False)
    text = soup(tmp_path / "site" / "m" / f"{doc['municipalities'][0]['cvegeo']}.html").get_text(" ", strip=True)
    assert "enlace en el menú principal" in text and "destino: página de tipo centro de sección" in text
    assert "en página de tipo artículo" in text and "confianza 0.95" in text
    assert "<script>" not in text      # an unknown placement is not shown at all
    render_site(doc, tmp_path / "en", lang="en", validate=False)
    english = soup(tmp_path / "en" / "m" / f"{doc['municipalities'][0]['cvegeo']}.html").get_text(" ", strip=True)
    assert "link in the main menu" in english and "target: section hub page" in english


def test_history_chart_and_changes_since_previous_run(site):
    page = soup(site / "m" / "14039.html")
    changes = page.select_one("#chg-h").parent.get_text(" ", strip=True)
    assert "Criterios que ganaron puntos" in changes and "Cuenta en redes sociales" in changes
    assert "Criterios que perdieron puntos" in changes and "Formatos reutilizables" in changes
    assert "Señales nuevas" in changes and "facebook.com/muni14039" in changes
    assert "Señales que desaparecieron" in changes and "14039.gob.example.mx/formatos" in changes
    assert len(page.select("svg.linechart circle.dot")) == 3
    # Mérida had no score two months ago: a gap, not a zero.
    merida = soup(site / "m" / "31050.html")
    assert len(merida.select("svg.linechart circle.dot")) == 2
    assert "sin dato" in merida.select_one("svg.linechart title").text


def test_renders_without_history_or_rubric(tmp_path, doc):
    render_site(doc, tmp_path / "s")
    page = soup(tmp_path / "s" / "m" / "14039.html")
    assert page.select_one("#chg-h") is None and page.select_one("svg.linechart") is None
    method = soup(tmp_path / "s" / "metodologia.html").get_text(" ", strip=True)
    assert "Sección de datos abiertos" in method and "Lenguaje sencillo" in method


def test_methodology_from_rubric(site):
    text = soup(site / "metodologia.html").get_text(" ", strip=True)
    for expected in ("Gobierno abierto municipal (AIDH 2016)", "Formatos reutilizables", "Por qué importa",
                     "Límites de la automatización", "La actividad en redes sociales se revisa por una persona.",
                     "Academia Interamericana de Derechos Humanos", "Manual"):
        assert expected in text


def test_rubric_outline_accepts_flat_criteria_and_bilingual_texts(doc):
    rubric = {"id": "r", "version": "2", "title": {"es": "Rúbrica", "en": "Rubric"},
              "categories": {"tic": {"title": {"es": "Tecnología", "en": "Technology"}, "weight": 40}},
              "criteria": [{"id": "app", "category": "tic", "title": "App", "points": 5,
                            "why": {"es": "Porque sí", "en": "Because"}, "source": "AIDH"}]}
    out = render.rubric_outline(rubric, doc, "en")
    assert out["title"] == "Rubric" and out["categories"][0]["title"] == "Technology"
    assert out["categories"][0]["criteria"][0]["why"] == "Because"
    assert out["categories"][0]["criteria"][0]["sources"] == [{"title": "AIDH", "url": None}]


def test_english_from_the_same_templates(tmp_path, doc):
    render_site(doc, tmp_path / "en", lang="en", validate=False)
    index = soup(tmp_path / "en" / "index.html")
    assert index.html["lang"] == "en"
    assert index.h1.get_text(strip=True) == "National ranking of municipal open government"
    page = soup(tmp_path / "en" / "m" / "15033.html")
    assert page.html["lang"] == "en" and "Site unavailable" in page.select_one(".scorecard").text
    with pytest.raises(ValueError):
        render_site(doc, tmp_path / "fr", lang="fr")


def test_every_template_message_has_an_english_translation():
    pattern = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")
    messages = set()
    for tpl in TEMPLATES.glob("*.j2"):
        text = tpl.read_text(encoding="utf-8")
        messages |= {a or b for a, b in pattern.findall(text)}
        messages |= {m for pair in re.findall(r'_n\(\s*"([^"]+)",\s*"([^"]+)"', text) for m in pair}
        messages |= set(re.findall(r'^\s*\("[^"]*", "([^"]+)"\),?$', text, re.M))  # (column, description)
        messages |= set(re.findall(r'\("[^"]*\.csv", "([^"]+)"', text))
    for table in (i18n.SCORE_STATUS, i18n.CRIT_STATUS, i18n.CRAWL_STATUS, i18n.MODE, i18n.SIGNAL_KIND):
        messages |= set(table.values())
    messages |= {label for _, label in render.BANDS + render.POP_BANDS} | {g[2] for g in render.GROUPS}
    missing = sorted(m for m in messages if m not in i18n.EN)
    assert len(messages) > 150 and not missing, missing


def test_band_colours_have_enough_contrast_with_white_text():
    css = (render.STATIC / "muniaudit.css").read_text()

    def luminance(hex_colour: str) -> float:
        rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    colours = dict(re.findall(r"--((?:band-\w+|fail|partial|pass|na|review)):\s*(#[0-9a-f]{6})", css))
    assert len(colours) == 11
    for name, colour in colours.items():
        assert 1.05 / (luminance(colour) + 0.05) >= 4.5, name


def test_accessible_structure(site):
    for page in ("index.html", "m/14097.html", "estados/15.html", "metodologia.html", "datos/diccionario.html"):
        html = soup(site / page)
        assert html.html.get("lang") == "es"
        assert html.find("meta", attrs={"name": "viewport"})
        levels = [int(h.name[1]) for h in html.find_all(re.compile(r"^h[1-6]$"))]
        assert levels[0] == 1 and levels.count(1) == 1, page
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (page, levels)
    for th in soup(site / "index.html").select("table.ranking thead th"):
        assert th.button is not None or th.get_text(strip=True) == "Nivel"


def test_validate_document_names_the_problem(doc):
    validate_document(doc)
    bad = copy.deepcopy(doc)
    bad["municipalities"][1]["score"] = 150
    bad["municipalities"][2]["crawl"]["status"] = "kaput"
    with pytest.raises(DocumentError) as err:
        validate_document(bad)
    assert "municipalities/1/score" in str(err.value) and "municipalities/2/crawl/status" in str(err.value)
    with pytest.raises(DocumentError):
        render_site(bad, Path("/nonexistent/never-written"))


def test_scores_and_criteria_csv(doc):
    doc["municipalities"][0]["name"] = "=HYPERLINK(\"http://evil\")"
    rows = list(csv.DictReader(io.StringIO(scores_csv(doc))))
    assert [r["cvegeo"] for r in rows] == [m["cvegeo"] for m in doc["municipalities"]]
    assert rows[0]["name"].startswith("'=") and rows[0]["score"] == "91"
    assert rows[0]["category_transparencia"] == "60" and rows[0]["crawl_status"] == "ok"
    crit = list(csv.DictReader(io.StringIO(criteria_csv(doc))))
    assert len(crit) == sum(len(m["criteria"]) for m in doc["municipalities"])
    first = crit[0]
    assert first["criterion_id"] == "datos" and first["evidence_urls"] == "https://14097.gob.example.mx/datos"
    assert exports.category_ids(doc) == ["transparencia", "tic"]


def test_comparison_page(tmp_path, doc):
    render_site(doc, tmp_path / "s", validate=False)
    out = render_comparison(doc, ["14097", "15033", "31050"], tmp_path / "s" / "comparar.html")
    page = soup(out)
    heads = [th.get_text(" ", strip=True) for th in page.select("table.compare thead th")]
    assert heads[1].startswith("Tlajomulco") and heads[2].startswith("Ecatepec")
    total = page.select_one("tr.total").get_text(" ", strip=True)
    assert "91" in total and "Sitio no disponible" in total
    assert page.select_one('a[href="m/14097.html"]')
    with pytest.raises(KeyError):
        render_comparison(doc, ["99999"], tmp_path / "x.html")


def test_rank_from_document_is_respected(tmp_path, doc):
    for i, m in enumerate(doc["municipalities"]):
        m["rank"] = {"national": 10 + i if m["score"] is not None else None, "state": 1}
    render_site(doc, tmp_path / "s")
    assert ranking_names(tmp_path / "s" / "index.html")[0] == ("10", "Tlajomulco de Zúñiga")


def test_safe_href_only_allows_http_and_https():
    assert render.safe_href("https://a.example/x?y=1") == "https://a.example/x?y=1"
    assert render.safe_href("HTTP://A.EXAMPLE") == "HTTP://A.EXAMPLE"
    for bad in ("javascript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "JaVaScRiPt:x",
                "data:text/html,<script>", "vbscript:x", "//evil.example", "/relative", "https://", "https:/x",
                "http://a b", "\x01https://a.example", None, 5):
        assert render.safe_href(bad) is None, bad


def test_render_pdf_needs_chromium(tmp_path, site):
    with pytest.raises(ChromiumNotFound, match="Chromium"):
        render_pdf(site / "index.html", tmp_path / "x.pdf", chromium=tmp_path / "no-chromium")
    with pytest.raises(FileNotFoundError):
        render_pdf(tmp_path / "missing.html", tmp_path / "x.pdf")


def test_optional_fields_from_the_document_win_over_the_rubric(tmp_path, doc):
    muni = doc["municipalities"][4]  # Mérida: datos failed
    muni["crawl"].update(pages_unreachable=7, pages_blocked=2)
    muni["criteria"][0]["how_to_fix"] = "Publique el inventario de datos en datos.merida.example."
    validate_document(doc)
    render_site(doc, tmp_path / "s", rubric=sample.small_rubric())
    text = soup(tmp_path / "s" / "m" / "31050.html").get_text(" ", strip=True)
    assert "Páginas sin respuesta 7" in text and "Páginas bloqueadas 2" in text
    assert "Publique el inventario de datos en datos.merida.example." in text
    assert "Sección de datos abiertos: Sin este elemento" in text  # why still from the rubric


def test_empty_document_renders(tmp_path, doc):
    doc["municipalities"] = []
    index = render_site(doc, tmp_path / "s", history=[sample.small_document()])
    assert "0 de 0 municipios" in soup(index).get_text(" ", strip=True)
