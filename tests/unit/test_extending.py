"""Adding a signal kind or a platform is one module plus one table row (docs/extending.md).

A throwaway kind, its extractor, a check that reads it and a throwaway platform *module file* are added at test
time, without touching any other file, and flow through extract_page, finalize_site, the rubric loader, the
generated export-schema list of kinds and platform discovery. Everything is removed again afterwards.
"""
from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from audit.checks import registry as checks
from audit.checks.base import passed
from audit.loader import RubricError, load_rubric
from crawler import platforms
from crawler.extract import extract_page, finalize_site
from crawler.extract import registry as extractors
from crawler.extract.types import Extraction, Signal
from store import kinds
from tests.extract_helpers import ctx, page

ROOT = Path(__file__).resolve().parents[2]
NEW = "accessibility_statement"
RUBRIC = """\
id: prueba
version: "1"
title: {es: Prueba, en: Test}
source: Pruebas
citation: Pruebas 2025
categories:
  - {id: acceso, title: Acceso, weight: 100}
criteria:
  - id: declaracion_accesibilidad
    category: acceso
    title: Publica una declaración de accesibilidad
    why: Porque sí.
    how_to_fix: Publicarla.
    basis: {type: methodological, text: Prueba}
    points: 10
    mode: auto
    check: {name: CHECK, params: PARAMS}
"""


@pytest.fixture
def new_kind() -> Iterator[None]:
    """Step 1 and 2 of docs/extending.md: one row in the table, one extractor (here defined in the test)."""
    kinds.register_kind(kinds.SignalKind(
        NEW, "`label` (link text)", "declaración de accesibilidad", "accessibility statement",
        "Declaración de accesibilidad", "Accessibility statement", "A page stating how accessible the site is.",
        (kinds.SHORTEST_URL,)))

    @extractors.extractor("accessibility", order=999, kinds=(NEW,))
    def accessibility(p) -> Extraction:
        found = [Signal(NEW, link.url, p.ctx.url, p.ctx.is_home, {"label": link.label}, link.label)
                 for link in p.links if link.url and re.search(r"accesibilidad", link.label, re.I)]
        return Extraction(signals=found)

    @checks.check("has_accessibility_statement", reads=[NEW])
    def has_statement(ev, p):
        return passed({"key": "none", "params": {}}, ev.of_kind(NEW))

    yield
    checks.unregister("has_accessibility_statement")
    extractors.unregister("accessibility")
    kinds.unregister_kind(NEW)


def test_a_new_kind_flows_through_extraction_and_the_site_merge(new_kind) -> None:
    html = page('<a href="/accesibilidad/declaracion">Accesibilidad</a> <a href="/accesibilidad">Accesibilidad</a>')
    found = [s for s in extract_page(html, ctx()).signals if s.kind == NEW]
    assert len(found) == 2
    for s in found:
        s.data["identity"] = NEW      # one statement seen through two links
    [merged] = [s for s in finalize_site(found) if s.kind == NEW]
    assert merged.url == "https://www.municipio.gob.mx/accesibilidad"     # the row's merge rule: shortest URL


def test_the_rubric_loader_accepts_the_new_kind_and_rejects_it_once_the_row_is_gone(new_kind, tmp_path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(RUBRIC.replace("CHECK", "has_signal").replace("PARAMS", "{kind: " + NEW + "}"), encoding="utf-8")
    assert load_rubric(path).criteria[0].check.params == {"kind": NEW}
    path.write_text(RUBRIC.replace("CHECK", "has_accessibility_statement").replace("PARAMS", "{}"), encoding="utf-8")
    load_rubric(path)
    kinds.unregister_kind(NEW)        # the check still reads it: the loader says so, with file, line and criterion
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    assert str(info.value).endswith(
        "r.yaml:17: criterion 'declaracion_accesibilidad': check 'has_accessibility_statement' reads signal kind "
        "'accessibility_statement', which does not exist")


def test_the_schema_check_sees_the_new_row_and_the_generator_adds_it(new_kind) -> None:
    schema = (ROOT / "reports/schema/export.schema.json").read_text(encoding="utf-8")
    assert kinds.with_schema_kinds(schema) != schema           # the schema test would fail until regenerated
    regenerated = json.loads(kinds.with_schema_kinds(schema))
    assert NEW in regenerated["$defs"]["signal"]["properties"]["kind"]["examples"]
    assert NEW in kinds.markdown_table()


@pytest.fixture
def platform_module(tmp_path, monkeypatch) -> Iterator[None]:
    """A platform plug-in is one file in crawler/platforms/; here the file sits in a temporary folder added to
    the package's search path, and discovery is run again."""
    folder = tmp_path / "plugins"
    folder.mkdir()
    (folder / "plantilla_estatal.py").write_text(textwrap.dedent('''
        """A state transparency template (throwaway, for the walkthrough test)."""
        import re

        from crawler.extract.platform import generator_says
        from crawler.platforms import Platform

        PLATFORM = Platform("plantilla_estatal", lambda page: generator_says(page, re.compile("PlantillaEstatal")),
                            seeds=("transparencia/api/obligaciones.json",))
    '''), encoding="utf-8")
    monkeypatch.setattr(platforms, "__path__", [*platforms.__path__, str(folder)])
    monkeypatch.setattr(platforms, "_discovered", False)
    yield
    platforms.unregister("plantilla_estatal")


def test_a_platform_module_is_discovered_and_fingerprinted_without_touching_other_files(platform_module) -> None:
    html = page("", '<meta name="generator" content="PlantillaEstatal 3.1">')
    names = [s.data["name"] for s in extract_page(html, ctx()).signals if s.kind == "platform"]
    assert names == ["plantilla_estatal"]
    assert platforms.seed_urls(names, "https://www.municipio.gob.mx/") == [
        "https://www.municipio.gob.mx/transparencia/api/obligaciones.json"]
