"""The audit's message catalogue: every key in both languages, plural forms, parameters, nesting."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from audit.engine import score
from audit.loader import builtin_rubric_path, load_rubric
from audit.messages import _FIELD, CATALOGUE, joined, localized, msg, plural_category, render
from tests.evidence_json import evidence_from_dict

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SPANISH_SLIPS = re.compile(r"\(es\)|\(s\)|\b1 (días|puntos|archivos|páginas|colecciones|temas)\b|"
                           r"Propuesta automática: Propuesta automática")


def fields(template: str) -> set[tuple[str, bool]]:
    """(parameter name, used as a plural selector) for each field of a template."""
    return {(m.group(1), m.group(2) is not None) for m in _FIELD.finditer(template)}


def test_every_key_has_both_languages_with_the_same_parameters():
    for key, entry in CATALOGUE.items():
        assert set(entry) == {"es", "en"}, key
        assert entry["es"].strip() and entry["en"].strip(), key
        assert {name for name, _ in fields(entry["es"])} == {name for name, _ in fields(entry["en"])}, key


@pytest.mark.parametrize(("n", "es", "en"), [
    (0, "Se encontraron 0 colecciones (); se requieren 5.", "Found 0 collections (); 5 needed."),
    (1, "Se encontraron 1 colección (a); se requieren 5.", "Found 1 collection (a); 5 needed."),
    (2, "Se encontraron 2 colecciones (a, b); se requieren 5.", "Found 2 collections (a, b); 5 needed."),
])
def test_plural_forms(n, es, en):
    names = ", ".join("ab"[:n])
    message = msg("data.collections", n=n, names=names, min=5)
    assert render(message, "es") == es
    assert render(message, "en") == en


def test_days_and_pages_agree_with_their_number():
    one = msg("fresh.detail", newest="2026-11-28", age=1, crawled="2026-11-29")
    assert render(one, "es") == "la más reciente es del 28/11/2026 (1 día antes del rastreo del 29/11/2026)"
    assert render(one, "en") == "the newest is from 2026-11-28 (1 day before the crawl of 2026-11-29)"
    assert "(3 días antes" in render({**one, "params": {**one["params"], "age": 3}}, "es")
    assert render(msg("incomplete.render", n=1), "es") == "1 página requiere JavaScript y no se pudo mostrar"
    assert render(msg("incomplete.render", n=4), "en") == "4 pages need JavaScript and could not be shown"
    assert plural_category(1.0, "es") == "one" and plural_category(1.5, "es") == "other"


def test_nested_messages_lists_rubric_texts_and_format_specs():
    what = joined([msg("kind.social_profile"), msg("kind.video_channel")], "or")
    assert render(msg("signal.not_found", what=what), "es") == (
        "No se encontró perfil institucional en redes sociales o canal de video.")
    assert render(msg("signal.not_found", what=what), "en") == (
        "Not found: institutional social media profile or video channel.")
    gazette = localized({"es": "la gaceta municipal", "en": "the municipal gazette"})
    assert render(msg("mentions.not_found", what=gazette), "en") == "Not found: the municipal gazette."
    assert render(msg("mentions.not_found", what=localized({"es": "actas", "en": None})), "en") == "Not found: actas."
    assert render(msg("data.processed", share=0.05), "en").endswith("(share of scans or images: 5%).")


def test_unknown_keys_and_plain_text_are_kept_not_dropped():
    assert render({"key": "no.such.key", "params": {}}, "en") == "no.such.key"
    assert render("texto ya escrito", "en") == "texto ya escrito"
    assert render(None) == ""


def test_audit_results_carry_messages_that_render_in_both_languages():
    """Score every golden case: each reason is its message rendered in Spanish, and the English rendering has no
    Spanish placeholder words left."""
    for case in sorted(GOLDEN.glob("*/*.evidence.json")):
        rubric = load_rubric(builtin_rubric_path(case.parent.name))
        result = score(rubric, evidence_from_dict(json.loads(case.read_text(encoding="utf-8"))))
        for crit in result.criteria:
            assert crit.message is not None, (case.name, crit.id)
            assert json.loads(json.dumps(crit.message)) == crit.message        # plain JSON, storable
            assert render(crit.message, "es") == crit.reason
            english = render(crit.message, "en")
            assert english and english != crit.reason or crit.reason.startswith("http"), (crit.id, english)
            assert not re.search(r"\b(Se encontr|No se encontr|archivos|colecciones|requiere)\b", english), english
            assert not SPANISH_SLIPS.search(crit.reason), crit.reason
            if crit.suggestion:
                assert not crit.suggestion.startswith("Propuesta automática"), crit.suggestion


def test_rubric_text_parameters_take_both_languages_and_bad_ones_are_named(tmp_path):
    from audit.loader import validate_rubric_file

    source = builtin_rubric_path("transparencia-obligaciones").read_text(encoding="utf-8")
    good = 'what: {es: "la gaceta municipal", en: "the municipal gazette"}'
    assert good in source
    bad = tmp_path / "r.yaml"
    bad.write_text(source.replace(good, 'what: {es: "la gaceta municipal", fr: "la gazette"}'), encoding="utf-8")
    errors = validate_rubric_file(bad)
    assert len(errors) == 1 and "r.yaml:" in errors[0] and "param 'what' of check 'mentions'" in errors[0]


def test_crawled_text_in_parameters_is_inserted_as_is_never_interpreted():
    hostile = "<script>alert(1)</script> {n} {n|a|b} {d:date}"
    rendered = render(msg("data.collections", n=2, names=hostile, min=5), "es")
    assert hostile in rendered                      # no second pass over parameters; HTML escaping is the report's
    assert render(msg("contact.tied", value={"key": 7}), "en").startswith("There is a contact")


@pytest.mark.parametrize("stored", [
    {"key": "data.collections", "params": ["not", "a", "mapping"]}, {"key": "data.collections", "params": None},
    {"key": None}, {"text": 5}, {"items": "x", "sep": "nonsense"}, 42, [], {"key": "more", "params": {"n": {}}},
])
def test_malformed_stored_messages_render_without_crashing(stored):
    assert isinstance(render(stored, "en"), str)
