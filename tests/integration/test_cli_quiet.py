"""A quiet, informative crawl on the sample web: Scrapy's log in a file, progress and warnings on screen, a run
without a browser says so (crawl start, run summary, export document), English report through the CLI."""
from __future__ import annotations

import json
import re

import jsonschema
import pytest
from bs4 import BeautifulSoup

from audit.loader import builtin_rubric_path, load_rubric
from tests.conftest import ROOT, run_cli
from tests.integration.test_cli_e2e import _import, web  # noqa: F401 - the sample web fixture, shared

pytestmark = pytest.mark.slow
SCHEMA = json.loads((ROOT / "reports/schema/export.schema.json").read_text())


def test_run_without_browser_is_quiet_logs_to_a_file_and_says_it_had_no_browser(tmp_path, web, monkeypatch):  # noqa: F811
    db = f"sqlite:///{tmp_path / 'm.sqlite'}"
    _import(db, tmp_path, web)
    monkeypatch.setenv("MUNIAUDIT_CHROMIUM", str(tmp_path / "no-chromium"))
    out = tmp_path / "reportes"
    proc = run_cli("run", "--allow-private", "--out", str(out), "--label", "2026-11", db=db)
    assert proc.returncode in (0, 3), proc.stderr
    log = tmp_path / "logs" / "run-1.log"
    assert log.is_file() and f"bitácora de Scrapy: {log}" in proc.stderr
    assert "[scrapy.core.engine] INFO" in log.read_text(encoding="utf-8")
    screen = proc.stdout + proc.stderr
    assert " INFO: " not in screen                        # Scrapy's INFO lines stay in the file
    assert len(screen.splitlines()) < 40, screen
    assert "sin navegador" in proc.stderr                 # at crawl start
    assert re.search(r"aviso: corrida sin navegador \(no hay Chromium en .*\): .*(requiere|requieren|requerir) "
                     r"JavaScript", proc.stdout)  # summary
    assert "sitios 3/3" in proc.stderr                    # progress (one line when not on a terminal)
    doc = json.loads((out / "export.json").read_text(encoding="utf-8"))
    jsonschema.validate(doc, SCHEMA)
    assert doc["run"]["browser"]["available"] is False and doc["run"]["label"] == "2026-11"
    criteria = [c for m in doc["municipalities"] for c in m["criteria"]]
    assert criteria and all(c.get("message", {}).get("key") for c in criteria)


def test_report_lang_en_from_a_real_crawl_has_the_rubrics_english_titles(tmp_path, web):  # noqa: F811
    db = f"sqlite:///{tmp_path / 'm.sqlite'}"
    _import(db, tmp_path, web)
    run_cli("crawl", "--allow-private", "--render", "never", "--cvegeo", "14097", "--cvegeo", "14120", db=db,
            check=True)
    run_cli("audit", db=db, check=True)
    out = tmp_path / "en"
    proc = run_cli("report", "--out", str(out), "--lang", "en", db=db, check=True)
    assert "reports written:" in proc.stdout
    text = " ".join(BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").get_text(" ")
                    for p in out.rglob("*.html"))
    rubric = load_rubric(builtin_rubric_path("aidh-2016"))
    for crit in rubric.criteria:
        assert crit.title.en in text and crit.title.es not in text, crit.id
    for cat in rubric.categories:
        assert cat.title.en in text and cat.title.es not in text, cat.id
    assert not re.search(r"\b(Se encontró|No se encontró|Se encontraron)\b", text)
