"""The one table of signal kinds (store/kinds.py) and every room that reads it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from store import kinds

ROOT = Path(__file__).resolve().parents[2]


def test_every_kind_has_fields_labels_in_both_languages_a_description_and_known_merge_rules() -> None:
    assert len(set(kinds.kind_names())) == len(kinds.KINDS)
    for kind in kinds.KINDS:
        assert kind.fields and kind.description, kind.name
        assert kind.label_es and kind.label_en and kind.title_es and kind.title_en, kind.name
        assert set(kind.merge) <= set(kinds.MERGE_RULES), kind.name


def test_the_export_schema_names_exactly_the_kinds_of_the_table() -> None:
    text = (ROOT / "reports/schema/export.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    assert schema["$defs"]["signal"]["properties"]["kind"]["examples"] == list(kinds.kind_names())
    assert kinds.with_schema_kinds(text) == text, "run: python -m store.kinds --write"


def test_the_architecture_doc_shows_the_current_table() -> None:
    doc = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    assert kinds.with_table(doc) == doc, "run: python -m store.kinds --write"


def test_the_doc_check_fails_when_a_row_changes() -> None:
    doc = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    stale = doc.replace("| responsive | `viewport` (bool) | default |", "| responsive | `viewport` | default |")
    assert stale != doc and kinds.with_table(stale) != stale


def test_labels_of_reasons_reports_and_methodology_come_from_the_table() -> None:
    from audit.checks.signals import SIGNAL_KINDS
    from audit.describe import KIND_LABELS_EN
    from audit.messages import KIND_ES, render
    from crawler.extract.types import SIGNAL_KINDS as CRAWLER_KINDS
    from reports import i18n

    assert SIGNAL_KINDS == CRAWLER_KINDS == kinds.kind_names()
    english = i18n.translator("en")
    for kind in kinds.KINDS:
        assert KIND_ES[kind.name] == kind.label_es and KIND_LABELS_EN[kind.name] == kind.label_en
        assert render({"key": f"kind.{kind.name}", "params": {}}, "en") == kind.label_en
        assert i18n.SIGNAL_KIND[kind.name] == kind.title_es and english(kind.title_es) == kind.title_en


def test_the_site_merge_follows_the_rules_of_the_table() -> None:
    from crawler.extract.site import merge
    from crawler.extract.types import Signal

    deep = Signal("open_data_section", "https://m.gob.mx/datos/abiertos/inicio", "https://m.gob.mx/a",
                  data={"identity": "ods", "depth": 2})
    root = Signal("open_data_section", "https://m.gob.mx/datos", "https://m.gob.mx/", data={"identity": "ods", "depth": 1})
    [kept] = merge([deep, root])
    assert kept.url == "https://m.gob.mx/datos" and kept.data["depth"] == 1
    # a kind without the rules keeps the first URL it saw
    a = Signal("search_tool", "https://m.gob.mx/buscar/avanzado", "https://m.gob.mx/", data={"identity": "s"})
    b = Signal("search_tool", "https://m.gob.mx/b", "https://m.gob.mx/x", data={"identity": "s"})
    assert merge([a, b])[0].url == "https://m.gob.mx/buscar/avanzado"


def test_a_kind_cannot_be_registered_twice_or_with_an_unknown_merge_rule() -> None:
    row = kinds.by_name()["contact"]
    with pytest.raises(ValueError, match="already exists"):
        kinds.register_kind(row)
    bad = kinds.SignalKind("x_kind", "`a`", "x", "x", "X", "X", "x", ("newest",))
    with pytest.raises(ValueError, match="merge rule"):
        kinds.register_kind(bad)
    assert "x_kind" not in kinds.kind_names()


def test_every_check_declares_the_kinds_it_reads_and_they_are_rows_of_the_table() -> None:
    from audit.checks import CHECKS
    from audit.checks.registry import reads_errors

    for name, registered in CHECKS.items():
        assert registered.reads, f"check '{name}' does not declare what it reads"
        assert reads_errors(name) == [], name


def test_every_kind_has_an_extractor_that_declares_it() -> None:
    from crawler.extract.registry import extractors

    emitted = {kind for e in extractors() for kind in e.kinds}
    assert set(kinds.kind_names()) - emitted == set()
