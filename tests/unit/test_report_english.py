"""`report --lang en` is English: criterion and category titles from the rubric's `en:` texts, reasons rendered
from their message keys. Scored from the golden evidence, localised and rendered as the CLI does (service)."""
from __future__ import annotations

import html
import json
import re
from dataclasses import asdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from audit.engine import score
from audit.loader import builtin_rubric_path, load_rubric
from muniaudit.localize import localize_document
from muniaudit.service import rubric_for_report, rubric_meta
from reports.exports import validate_document
from reports.render import render_comparison, render_site
from tests.evidence_json import evidence_from_dict

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
NAMES = {"15054": ("Ecatepec de Morelos", "México", "15"), "14097": ("Tlajomulco de Zúñiga", "Jalisco", "14")}


def document_for(rubric_id: str) -> tuple[dict, object]:
    """An export document (schema-valid) of every golden case of a rubric, as stored: Spanish reasons + messages."""
    rubric = load_rubric(builtin_rubric_path(rubric_id))
    municipalities = []
    for i, case in enumerate(sorted((GOLDEN / rubric_id).glob("*.evidence.json"))):
        evidence = evidence_from_dict(json.loads(case.read_text(encoding="utf-8")))
        result = score(rubric, evidence)
        key = f"{evidence.cvegeo[:2]}{100 + i:03d}"
        name, state, code = NAMES.get(evidence.cvegeo, ("Municipio", "Jalisco", "14"))
        municipalities.append({
            "cvegeo": key, "name": f"{name} {i}", "state": state, "state_code": key[:2], "population": 1000,
            "url": "https://example.gob.mx/", "crawl": {"status": evidence.crawl_status if evidence.crawl_status in
                                                        ("ok", "partial", "unreachable", "blocked") else "ok",
                                                        "pages_seen": evidence.pages_seen},
            "score": result.score, "max_score": result.max_score, "score_status": result.status,
            "pending_points": result.pending_points, "categories": [asdict(c) for c in result.categories],
            "criteria": [{k: v for k, v in asdict(c).items() if v is not None or k in ("reviewed_by", "suggestion")}
                         for c in result.criteria], "signals": []})
    document = {"schema_version": "1", "generated_at": "2026-11-29T10:00:00+00:00",
                "rubric": rubric_meta(rubric, "en"), "municipalities": municipalities}
    validate_document(document)
    return document, rubric


def site_text(folder: Path) -> str:
    """The visible text of every page of a site, unescaped."""
    pages = [BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text(" ") for p in folder.rglob("*.html")]
    return html.unescape(" \n".join(pages))


@pytest.mark.parametrize("rubric_id", ["aidh-2016", "transparencia-obligaciones"])
def test_english_report_has_the_rubric_en_titles_and_no_spanish_ones(tmp_path, rubric_id):
    document, rubric = document_for(rubric_id)
    spanish_reasons = {c["reason"] for m in document["municipalities"] for c in m["criteria"]}
    localize_document(document, rubric, "en")
    render_site(document, tmp_path / "en", lang="en", rubric=rubric_for_report(rubric, "en"))
    render_comparison(document, [m["cvegeo"] for m in document["municipalities"][:2]], tmp_path / "en" / "c.html",
                      "en", rubric=rubric_for_report(rubric, "en"))
    text = site_text(tmp_path / "en")
    for crit in rubric.criteria:
        assert crit.title.en in text, crit.title.en
        assert crit.title.es not in text, crit.title.es
    for cat in rubric.categories:
        assert cat.title.en in text, cat.title.en
        assert cat.title.es not in text, cat.title.es
    for reason in spanish_reasons:
        assert reason not in text, reason
    page = next((tmp_path / "en" / "m").glob("*.html"))
    reasons = [p.get_text(" ", strip=True) for p in BeautifulSoup(page.read_text(), "html.parser").select("p.reason")]
    assert reasons and not [r for r in reasons if re.search(r"\b(Se encontr|No se encontr|Requiere|días)\b", r)]


def test_spanish_report_says_each_proposal_label_once(tmp_path):
    document, rubric = document_for("aidh-2016")
    localize_document(document, rubric, "es")
    render_site(document, tmp_path / "es", lang="es", rubric=rubric_for_report(rubric, "es"))
    text = site_text(tmp_path / "es")
    assert re.search(r"Propuesta automática:\s*cumple", text)
    assert not re.search(r"Propuesta automática:\s*Propuesta automática", text, re.I)
    assert not re.search(r"\(es\)|\(s\)|\b1 (días|puntos|colecciones|archivos)\b", text)
