"""Citable runs: the "Cómo citar" block (reports/citation.py) and each run's stable folder (muniaudit/citable.py)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from muniaudit import citable
from muniaudit.publish import publish
from reports import i18n, sample
from reports.citation import CitationSettings, citation, run_path, run_slug
from reports.render import render_site

META = {"generated_at": "2026-12-01T03:00:00+00:00", "tool": {"name": "muniaudit", "version": "0.1.0"},
        "rubric": {"id": "aidh-2016", "version": "2026.1", "title": "AIDH", "hash": "h"},
        "run": {"id": 12, "label": "2026-11", "finished_at": "2026-11-29T10:50:00+00:00"}}
MUNI = {"cvegeo": "14097", "name": "Tlajomulco de Zúñiga", "state": "Jalisco",
        "crawl": {"run_id": 12, "finished_at": "2026-11-29T10:41:00+00:00"}}


def test_run_slug_is_a_safe_folder_name():
    assert run_slug("2026-11", 3) == "2026-11"
    assert run_slug("../../etc", 3) == "etc"
    assert run_slug("mes de noviembre/2026", 3) == "mes-de-noviembre-2026"
    assert run_slug("", 7) == "run-7" and run_slug("..", 7) == "run-7" and run_slug(None, None) == "run"
    assert run_path("2026-11", 3) == "corridas/2026-11/"


def test_citation_names_who_what_run_rubric_date_and_stable_url():
    settings = CitationSettings("Ciudadanos por Municipios Transparentes", "https://datos.example.org/informe/",
                                "corridas/2026-11/")
    cite = citation(MUNI, META, settings, i18n.translator("es"))
    assert cite["url"] == "https://datos.example.org/informe/corridas/2026-11/m/14097.html" and cite["stable"]
    text = cite["text"]
    for part in ("Ciudadanos por Municipios Transparentes. (2026).", "Tlajomulco de Zúñiga, Jalisco",
                 "rúbrica aidh-2016, versión 2026.1", "corrida 2026-11 (n.º 12)", "datos del 2026-11-29",
                 "muniaudit 0.1.0", cite["url"]):
        assert part in text, part
    assert cite["bibtex"].startswith("@misc{muniaudit-14097-2026-11,")
    assert "\\url{https://datos.example.org/informe/corridas/2026-11/m/14097.html}" in cite["bibtex"]


def test_citation_without_organisation_or_base_url():
    cite = citation(MUNI, META, CitationSettings(run_folder="corridas/2026-11/"), i18n.translator("en"))
    assert cite["author"] == "muniaudit 0.1.0" and cite["url"] == "corridas/2026-11/m/14097.html"
    assert cite["text"].count("muniaudit 0.1.0") == 1
    assert "run 2026-11 (no. 12)" in cite["text"] and "rubric aidh-2016, version 2026.1" in cite["text"]
    latest = citation(MUNI, META, CitationSettings(), i18n.translator("es"))
    assert latest["url"] == "m/14097.html" and not latest["stable"]


def test_bibtex_fields_cannot_be_broken_by_names():
    hostile = {**MUNI, "name": "San {Juan}} \\input{x} 100% & #1"}
    bib = citation(hostile, META, CitationSettings(), i18n.translator("es"))["bibtex"]
    title = next(line for line in bib.splitlines() if line.strip().startswith("title"))
    assert "\\input" not in bib and title.count("{") == title.count("}")
    assert "100\\% \\& \\#1" in title


def test_municipality_page_carries_the_block(tmp_path):
    doc = sample.small_document()
    doc["run"] = {"id": 4, "label": "2024-05"}
    render_site(doc, tmp_path, cite=CitationSettings("Mi ONG", "", "corridas/2024-05/"))
    page = BeautifulSoup((tmp_path / "m" / "14097.html").read_text(), "html.parser")
    block = page.select_one("section.citation")
    assert block.h2.get_text() == "Cómo citar"
    assert "Mi ONG" in block.select_one("pre.cite-text").get_text()
    assert "corridas/2024-05/m/14097.html" in block.select_one(".cite-url").get_text()
    render_site(doc, tmp_path / "en", lang="en")
    en = BeautifulSoup((tmp_path / "en" / "m" / "14097.html").read_text(), "html.parser").select_one("section.citation")
    assert en.h2.get_text() == "How to cite" and "changes with the next run" in en.get_text()


# ---------------------------------------------------------------- per-run folders in a publication

def _publish_run(out: Path, run_id: int, label: str, marker: str, fail: bool = False) -> str:
    """What service.render_reports does, with a one-file "report"."""
    published = Path(os.path.realpath(out))
    this_run = citable.run_folder(published, label, run_id)

    def build(folder: Path) -> None:
        (folder / "index.html").write_text(marker)
        (folder / "m").mkdir()
        (folder / "m" / "14097.html").write_text(marker)
        citable.carry_earlier_runs(published, folder, this_run)
        if fail:
            raise OSError(28, "No space left on device")
        citable.snapshot_run(folder, this_run, {"id": run_id, "label": label,
                                                "generated_at": f"2026-{run_id:02d}-01T00:00:00+00:00"})
        citable.write_run_index(folder)

    publish(out, build)
    return this_run


def test_each_run_keeps_its_address_beside_the_latest(tmp_path):
    out = tmp_path / "reportes"
    assert _publish_run(out, 1, "2026-10", "octubre") == "corridas/2026-10/"
    assert _publish_run(out, 2, "2026-11", "noviembre") == "corridas/2026-11/"
    assert (out / "index.html").read_text() == "noviembre"                       # latest at the top
    assert (out / "corridas/2026-10/m/14097.html").read_text() == "octubre"       # earlier month kept
    assert (out / "corridas/2026-11/m/14097.html").read_text() == "noviembre"
    assert json.loads((out / "corridas/2026-10/run.json").read_text())["id"] == 1
    # carried as hard links, not copies
    assert (out / "corridas/2026-11/index.html").stat().st_ino == (out / "index.html").stat().st_ino


def test_rerendering_a_run_replaces_its_own_folder_and_another_run_never_takes_it(tmp_path):
    out = tmp_path / "reportes"
    _publish_run(out, 1, "2026-11", "primera")
    assert _publish_run(out, 1, "2026-11", "reauditada") == "corridas/2026-11/"
    assert (out / "corridas/2026-11/index.html").read_text() == "reauditada"
    assert _publish_run(out, 2, "2026-11", "otra corrida") == "corridas/2026-11-run2/"
    assert (out / "corridas/2026-11/index.html").read_text() == "reauditada"


def test_a_failed_publication_leaves_every_month_as_it_was(tmp_path):
    out = tmp_path / "reportes"
    _publish_run(out, 1, "2026-10", "octubre")
    with pytest.raises(OSError):
        _publish_run(out, 2, "2026-11", "noviembre", fail=True)
    assert (out / "index.html").read_text() == "octubre"
    assert sorted(p.name for p in (out / "corridas").iterdir() if p.is_dir()) == ["2026-10"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".reportes.staging")]


def test_run_index_lists_every_month_newest_first(tmp_path):
    out = tmp_path / "reportes"
    _publish_run(out, 1, "2026-10", "octubre")
    _publish_run(out, 2, "2026-11", "noviembre")
    soup = BeautifulSoup((out / "corridas" / "index.html").read_text(), "html.parser")
    assert [a["href"] for a in soup.select("tbody a")] == ["2026-11/index.html", "2026-10/index.html"]
    assert all((out / "corridas" / a["href"]).is_file() for a in soup.select("tbody a"))


def test_the_footer_link_to_every_run_works_at_the_top_and_inside_each_run_folder(tmp_path):
    """The run folders hold the same files as the latest report, so one relative link must work in both places."""
    out = tmp_path / "reportes"
    doc = sample.small_document()
    doc["run"] = {"id": 2, "label": "2026-11"}
    this_run = citable.run_folder(out, "2026-11", 2)

    def build(folder: Path) -> None:
        render_site(doc, folder, cite=CitationSettings(run_folder=this_run))
        citable.snapshot_run(folder, this_run, {"id": 2, "label": "2026-11", "generated_at": doc["generated_at"]})
        citable.write_run_index(folder)

    publish(out, build)
    for page in (out / "m" / "14097.html", out / "corridas/2026-11/m/14097.html", out / "index.html",
                 out / "corridas/2026-11/index.html"):
        link = BeautifulSoup(page.read_text(), "html.parser").select_one("footer .runs-link a")["href"]
        target = (page.parent / link).resolve()
        assert target.is_file(), (page, link)
        if target != (out / "corridas" / "index.html").resolve():      # the forwarding page inside a run folder
            forward = BeautifulSoup(target.read_text(), "html.parser").a["href"]
            assert (target.parent / forward).resolve() == (out / "corridas" / "index.html").resolve()
    # a report rendered without a citable folder has no such link (it would lead nowhere)
    render_site(doc, tmp_path / "suelto")
    assert not BeautifulSoup((tmp_path / "suelto/index.html").read_text(), "html.parser").select("footer .runs-link")


def test_run_index_is_a_report_page_in_the_report_s_language_and_escapes_what_run_json_says(tmp_path):
    staging = tmp_path / "reportes"
    run = staging / "corridas" / "2026-11"
    run.mkdir(parents=True)
    (run / "run.json").write_text(json.dumps({"id": 3, "label": "<script>x()</script>",
                                              "rubric": {"id": "aidh-2016", "version": "1.0.0"},
                                              "generated_at": "2026-11-30T02:00:00+00:00"}))
    page = citable.write_run_index(staging, "en")
    soup = BeautifulSoup(page.read_text(), "html.parser")
    assert soup.h1.get_text() == "Published runs" and soup.html["lang"] == "en"
    assert not soup.select("main script") and "<script>x()</script>" in soup.select_one("tbody a").get_text()
    assert soup.select_one("link[rel=stylesheet]")["href"] == "../static/muniaudit.css"
