"""Issue #12, pages: uncertainty ranges and causes, chart and map view models, rule descriptions, methodology."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from audit.checks import CHECKS
from audit.describe import DESCRIBERS, WHO_WORDS, describe_check, who_decides
from audit.loader import builtin_rubric_ids, builtin_rubric_path, load_rubric
from muniaudit.service import rubric_for_report
from reports import charts, geo, sample, uncertainty
from reports.exports import validate_document
from reports.render import histogram, render_comparison, render_site


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def by_name(doc: dict, name: str) -> dict:
    return next(m for m in doc["municipalities"] if m["name"] == name)


# ---------------------------------------------------------------- uncertainty

def test_score_range_is_decided_score_up_to_score_plus_pending_capped_at_max():
    doc = sample.uncertain_document()
    assert uncertainty.score_range(by_name(doc, "Toluca")) == (50, 70)
    tijuana = by_name(doc, "Tijuana")
    assert tijuana["score"] == 20 and tijuana["pending_points"] == 80
    assert uncertainty.score_range(tijuana) == (20, 100)
    assert uncertainty.score_range({**tijuana, "pending_points": 95}) == (20, 100)   # never above max_score
    assert uncertainty.score_range(by_name(doc, "Ecatepec de Morelos")) == (None, None)


def test_each_pending_point_has_a_cause():
    doc = sample.uncertain_document()
    browser = uncertainty.browser_available(doc)
    assert browser is False
    assert uncertainty.pending_causes(by_name(doc, "Toluca"), browser) == {"review": 20}        # manual criterion
    assert uncertainty.pending_causes(by_name(doc, "Tijuana"), browser) == {"review": 20, "no_browser": 60}
    assert uncertainty.pending_causes(by_name(doc, "Monterrey"), browser) == {"partial_crawl": 20}
    assert uncertainty.pending_causes(by_name(doc, "Puebla"), browser) == {"blocked": 20}
    assert uncertainty.pending_causes(by_name(doc, "Tlajomulco de Zúñiga"), browser) == {}
    for m in doc["municipalities"]:       # the causes account for every pending point
        assert sum(uncertainty.pending_causes(m, browser).values()) == pytest.approx(m["pending_points"])


def test_no_browser_is_derived_from_crawl_facts_without_the_run_field():
    doc = sample.uncertain_document(browser=None)
    assert "run" not in doc and uncertainty.browser_available(doc) is None
    tijuana = by_name(doc, "Tijuana")        # JavaScript pages left, none rendered: no browser
    assert uncertainty.crawl_gaps(tijuana) == ["no_browser"]
    toluca = by_name(doc, "Toluca")          # some rendered, some not: the render budget, not a missing browser
    assert uncertainty.crawl_gaps(toluca) == ["not_rendered"]
    assert uncertainty.run_without_browser(doc) == {"recorded": False, "affected": 1}
    assert uncertainty.run_without_browser(sample.small_document()) is None
    with_browser = sample.uncertain_document(browser=True)
    assert uncertainty.run_without_browser(with_browser) == {"recorded": False, "affected": 1}


def test_unreachable_sites_have_no_range_and_no_causes(tmp_path):
    doc = sample.uncertain_document()
    render_site(doc, tmp_path, rubric=sample.small_rubric())
    row = next(r for r in soup(tmp_path / "index.html").select("table.ranking tbody tr")
               if "Ecatepec" in r.get_text())
    assert "hasta" not in row.get_text() and "Puntos pendientes" not in row.get_text()


# ---------------------------------------------------------------- pages show the uncertainty in words

@pytest.fixture()
def site(tmp_path) -> Path:
    doc = sample.uncertain_document()
    render_site(doc, tmp_path / "site", rubric=sample.small_rubric(),
                history=[sample.small_document("2024-04-03T10:00:00+00:00")])
    render_comparison(doc, ["02004", "15106", "19039", "21114"], tmp_path / "site" / "comparar.html")
    return tmp_path / "site"


def ranking_row(page: Path, name: str):
    return next(r for r in soup(page).select("table.ranking tbody tr") if r.select_one("td.name a").get_text() == name)


def test_ranking_shows_range_and_causes_as_visible_text(site):
    row = ranking_row(site / "index.html", "Tijuana")
    assert row.select_one("td.score").get_text(" ", strip=True) == "20 , hasta 100"
    causes = row.select_one(".pending-causes").get_text(" ", strip=True)
    assert "revisión humana: 20" in causes and "sin navegador" in causes and "60" in causes
    for element in row.find_all(True):   # nothing is explained only in a tooltip
        assert not element.get("title"), element
    assert "rastreo parcial: 20" in ranking_row(site / "index.html", "Monterrey").get_text(" ", strip=True)
    assert "páginas bloqueadas: 20" in ranking_row(site / "index.html", "Puebla").get_text(" ", strip=True)
    state = ranking_row(site / "estados/02.html", "Tijuana")
    assert "hasta 100" in state.get_text(" ", strip=True) and state.select_one(".pending-causes")


def test_index_says_the_run_had_no_browser(site, tmp_path):
    note = soup(site / "index.html").select_one(".no-browser")
    assert note and "sin navegador" in note.get_text() and "5" in note.get_text()
    render_site(sample.small_document(), tmp_path / "plain", rubric=sample.small_rubric())
    assert soup(tmp_path / "plain" / "index.html").select_one(".no-browser") is None


def test_comparison_keeps_the_incomplete_marker_range_and_causes(site):
    total = soup(site / "comparar.html").select_one("tr.total")
    cells = total.select("td")
    assert len(cells) == 4 and all(c.select_one(".flag") for c in cells)
    assert "hasta 100" in cells[0].get_text(" ", strip=True)
    assert "sin navegador" in cells[0].select_one(".pending-causes").get_text()


def test_english_causes(tmp_path):
    render_site(sample.uncertain_document(), tmp_path, lang="en", rubric=sample.small_rubric())
    text = ranking_row(tmp_path / "index.html", "Tijuana").get_text(" ", strip=True)
    assert "up to 100" in text and "no browser" in text and "human review: 20" in text
    assert "hasta" not in text and "revisión" not in text


def test_document_with_run_browser_validates():
    validate_document(sample.uncertain_document())
    bad = sample.uncertain_document()
    bad["run"]["browser"]["available"] = "no"
    with pytest.raises(Exception, match="available"):
        validate_document(bad)


# ---------------------------------------------------------------- charts

@pytest.mark.parametrize("top", [1, 2, 3, 4, 5, 6, 7, 9, 13, 23, 47, 99, 150, 1234])
def test_nice_ticks_are_round_integers_covering_the_maximum(top):
    ticks = charts.nice_ticks(top)
    step = ticks[1] - ticks[0]
    assert ticks[0] == 0 and ticks[-1] >= top and len(ticks) <= 6
    assert all(b - a == step for a, b in zip(ticks, ticks[1:], strict=False))
    assert str(step).strip("0") in ("1", "2", "5")


def test_histogram_gridline_labels_are_the_count_at_their_height():
    rows = [{"score": s} for s in (5, 12, 14, 15, 33, 100)] + [{"score": None}]
    hist = histogram(rows)
    chart = hist["chart"]
    assert hist["bins"] == [1, 3, 0, 1, 0, 0, 0, 0, 0, 1] and hist["unscored"] == 1
    grid = {g["v"]: g["y"] for g in chart["grid"]}
    assert list(grid) == [0, 1, 2, 3]        # 3 is the max: every label is an integer count, no rounding
    for bar in chart["bars"]:                # a bar of n reaches exactly the gridline labelled n
        if bar["n"] in grid:
            assert bar["y"] == pytest.approx(grid[bar["n"]])
    assert chart["bars"][-1]["high"] == 100 and chart["bars"][0]["low"] == 0


def test_criterion_shares_count_only_assessed_results():
    doc = sample.uncertain_document()
    order = [("datos", "Sección de datos abiertos"), ("lenguaje", "Lenguaje sencillo"), ("nada", "Sin datos")]
    shares = {s["id"]: s for s in charts.criterion_shares(doc["municipalities"], order)}
    assert "nada" not in shares                       # no results: no bar
    datos = shares["datos"]
    assert datos["total"] == 7                        # 9 municipalities, 2 could not be assessed
    assert (datos["met"], datos["partial"], datos["pending"], datos["not_met"]) == (5, 0, 1, 1)
    assert datos["share"] == pytest.approx(100 * 5 / 7, abs=0.05)
    assert sum(seg["w"] for seg in datos["segments"]) == pytest.approx(100, abs=0.05)
    assert shares["lenguaje"]["pending"] == 2


def test_criterion_shares_leave_out_unavailable_sites_whose_criteria_are_errors():
    """The audit lists an unreachable site's criteria as "error": they are not pending points of an assessed site."""
    order = [("datos", "Sección de datos abiertos")]
    assessed = {"score": 40, "score_status": "complete", "criteria": [{"id": "datos", "status": "pass"}]}
    unreachable = {"score": None, "score_status": "unreachable", "criteria": [{"id": "datos", "status": "error"}]}
    blocked = {"score": 0, "score_status": "blocked", "criteria": [{"id": "datos", "status": "error"}]}
    (datos,) = charts.criterion_shares([assessed, unreachable, blocked], order)
    assert (datos["total"], datos["met"], datos["pending"]) == (1, 1, 0)


def test_score_trend_stacks_bands_to_100_percent_with_median_and_quartiles():
    runs = [{"a": 10, "b": 30, "c": 50, "d": None}, {"a": 15, "b": 85, "c": 65, "d": 90}]
    trend = charts.score_trend(["2024-01-01", "2024-02-01"], runs)
    first, second = trend["cols"]
    assert first["n"] == 3 and first["unscored"] == 1 and first["median"] == 30
    assert (first["q1"], first["q3"]) == (20, 40)
    assert [s["n"] for s in first["stack"]] == [1, 1, 1, 0, 0]
    assert sum(s["share"] for s in second["stack"]) == pytest.approx(100)
    assert sum(s["h"] for s in second["stack"]) == pytest.approx(trend["base"] - trend["grid"][-1]["y"])
    assert charts.score_trend(["2024-01-01"], runs[:1]) is None


def test_state_map_colours_by_average_and_never_shows_missing_states_as_zero():
    states = [{"code": "14", "name": "Jalisco", "mean": 45.5, "scored": 2, "rows": [1, 2]},
              {"code": "31", "name": "Yucatán", "mean": None, "scored": 0, "rows": [1]}]
    view = geo.state_map(states)
    shapes = {s["code"]: s for s in view["shapes"]}
    assert len(shapes) == 32 and set(shapes) == {f"{i:02d}" for i in range(1, 33)}
    assert shapes["14"]["band"] == 2 and shapes["14"]["linked"]
    assert shapes["31"]["band"] is None and shapes["31"]["linked"]        # checked, nothing scored
    assert shapes["09"]["band"] is None and not shapes["09"]["linked"]    # not in this run
    assert all(s["path"].lower().startswith("m") for s in shapes.values())
    assert "CC BY 4.0" in view["attribution"]
    assert (Path(geo.__file__).parent / "LICENSE.md").read_text().count("Attribution 4.0") >= 1


def test_index_has_map_trend_shares_and_a_text_alternative(site):
    page = soup(site / "index.html")
    paths = page.select("svg.state-map path.state")
    assert len(paths) == 32 and all(p.find("title") for p in paths)
    jalisco = page.select_one('svg.state-map path[data-state="14"]')
    assert "Jalisco" in jalisco.title.get_text() and "fill-band-" in " ".join(jalisco["class"])
    assert page.select_one('svg.state-map path[data-state="09"]')["class"] == ["state", "no-data"]
    assert page.select_one("svg.trendchart") and page.select_one("table.trend-table")
    assert page.select("#shares-h") and len(page.select(".share-list li")) == 4
    states = soup(site / "estados/15.html")
    assert len(states.select(".share-list li")) == 4


# ---------------------------------------------------------------- rule descriptions and methodology

def test_every_registered_check_has_a_description():
    assert set(CHECKS) <= set(DESCRIBERS), sorted(set(CHECKS) - set(DESCRIBERS))


@pytest.mark.parametrize("rubric_id", builtin_rubric_ids())
def test_every_criterion_of_each_rubric_gets_a_rule_in_both_languages(rubric_id):
    rubric = load_rubric(builtin_rubric_path(rubric_id))
    for crit in rubric.criteria:
        es = describe_check(crit.check.name, crit.check.params, "es")
        en = describe_check(crit.check.name, crit.check.params, "en")
        assert es and en and es != en, crit.id
        assert "desconocida" not in es, crit.id


def test_rule_follows_the_parameters():
    assert "183 días" in describe_check("updated_within", {"days": 183}, "es")
    assert "31 days" in describe_check("updated_within", {"days": 31}, "en")
    assert "al menos 5 colecciones" in describe_check("count_collections", {"min": 5}, "es")
    assert "página principal" in describe_check("has_signal", {"kind": "open_data_section", "on_home": True}, "es")
    assert "página principal" not in describe_check("has_signal", {"kind": "open_data_section"}, "es")


def test_social_activity_is_not_called_automatic():
    rubric = load_rubric(builtin_rubric_path("aidh-2016"))
    for cid in ("s_actualizacion_semana", "t_interaccion_semana"):
        crit = rubric.criterion(cid)
        assert crit.mode == "auto" and who_decides(crit.mode, crit.check.name) == "no_probe"
    assert who_decides("auto", "has_signal") == "unsure"
    assert who_decides("auto", "updated_within") == "never"
    assert who_decides("manual", "human_only") == "manual"
    assert WHO_WORDS["never"]["es"] == "Automático"


def test_methodology_states_rules_cap_calibration_and_who_decides(tmp_path):
    rubric = load_rubric(builtin_rubric_path("aidh-2016"))
    render_site(sample.small_document(), tmp_path, rubric=rubric_for_report(rubric, "es"))
    page = soup(tmp_path / "metodologia.html")
    rules = [p.get_text(" ", strip=True) for p in page.select("p.rule")]
    assert len(rules) == len(rubric.criteria)
    assert any("al menos 5 colecciones" in r for r in rules)
    caps = page.select_one("#caps-h").find_next("ul").get_text(" ", strip=True)
    assert "27" in caps and "no pasa de" in caps
    calib = page.select_one("#calib-h").find_next("table").get_text(" ", strip=True)
    assert "91" in calib and "≤ 27" in calib
    row = next(tr for tr in page.select("table.methodology tr") if "s_actualizacion_semana" in tr.get_text())
    assert row.select_one("td.who").get_text(strip=True) != "Automático"
    people = page.select_one("#people-h").find_next("ul").get_text(" ", strip=True)
    assert "última semana" in people and "lenguaje" in people.lower()     # (s), (t), (h) ...
    assert "accesible desde la página principal" not in people              # (a) is automatic


def test_methodology_in_english_uses_english_rules(tmp_path):
    rubric = load_rubric(builtin_rubric_path("aidh-2016"))
    outline = rubric_for_report(rubric, "en")
    render_site(sample.small_document(), tmp_path, lang="en", rubric=copy.deepcopy(outline))
    page = soup(tmp_path / "metodologia.html")
    rules = " ".join(p.get_text(" ", strip=True) for p in page.select("p.rule"))
    assert "Met when" in rules and "Cumple si" not in rules
    assert "Caps" in page.get_text() and "Calibration" in page.get_text()


def test_every_cause_has_english_words():
    from reports import i18n
    assert all(words in i18n.EN for words in uncertainty.CAUSES.values())


def test_municipality_scorecard_names_the_cause_not_always_human_review(site):
    card = soup(site / "m" / "19039.html").select_one(".scorecard").get_text(" ", strip=True)
    assert "hasta 80" in card and "rastreo parcial: 20" in card
    assert "revisión humana" not in card          # the partial crawl, not a person, holds these points


# ---------------------------------------------------------------- why the crawl ended

@pytest.mark.parametrize("lang,reason,words", [
    ("es", "decided", "todos los criterios automáticos decididos"),
    ("es", "budget", "presupuesto de páginas agotado"),
    ("en", "no_candidates", "no link left that could lead to evidence"),
    ("es", "host_unresponsive", "el sitio dejó de responder"),
    ("en", "host_unresponsive", "the site stopped answering"),
])
def test_the_municipality_page_says_why_the_crawl_ended(tmp_path, lang, reason, words):
    doc = sample.small_document()
    doc["municipalities"][0]["crawl"]["stop_reason"] = reason
    render_site(doc, tmp_path, rubric=sample.small_rubric(), lang=lang)
    page = soup(tmp_path / "m" / f"{doc['municipalities'][0]['cvegeo']}.html").get_text(" ")
    assert words in " ".join(page.split())


def test_an_unknown_stop_reason_is_not_shown(tmp_path):
    doc = sample.small_document()
    doc["municipalities"][0]["crawl"]["stop_reason"] = None
    render_site(doc, tmp_path, rubric=sample.small_rubric())
    assert "Fin del rastreo" not in (tmp_path / "m" / f"{doc['municipalities'][0]['cvegeo']}.html").read_text()
