"""Rubric loading: every error is one line `file:line: context: message`, with suggestions for typos."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from audit.loader import (
    RubricError,
    builtin_rubric_ids,
    builtin_rubric_path,
    load_rubric,
    validate_rubric_file,
)

GOOD = """\
id: prueba
version: "1"
title: {es: Prueba, en: Test}
source: Pruebas
citation: Pruebas 2025
categories:
  - id: datos
    title: Datos
    weight: 100
criteria:
  - id: datos_5_colecciones
    category: datos
    title: Hay al menos 5 colecciones
    why: Porque sí.
    how_to_fix: Publicar más.
    basis: {type: methodological, text: Prueba}
    points: 10
    mode: auto
    check:
      name: count_datasets
      params: {min: 5}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(RubricError) as info:
        load_rubric(path)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_good_rubric_loads_with_content_hash(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    rubric = load_rubric(path)
    assert rubric.id == "prueba" and rubric.title.get("en") == "Test"
    assert rubric.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert validate_rubric_file(path) == []


def test_typo_in_check_name_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("name: count_datasets", "name: count_dataset"))
    assert error_of(path) == (f"{path}:20: criterion 'datos_5_colecciones': unknown check 'count_dataset'; "
                              "did you mean 'count_datasets'?")


def test_missing_field_names_the_criterion_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("    why: Porque sí.\n", ""))
    assert error_of(path) == f"{path}:11: criterion 'datos_5_colecciones': missing field 'why'"


def test_missing_nested_field(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("{type: methodological, text: Prueba}", "{text: Prueba}"))
    assert error_of(path) == f"{path}:16: criterion 'datos_5_colecciones': missing field 'basis.type'"


def test_bad_yaml_syntax_gives_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("    weight: 100", "    weight: [100"))
    message = error_of(path)
    assert message.startswith(f"{path}:") and "invalid YAML" in message
    line = int(message.split(":")[1])
    assert 9 <= line <= 11


def test_wrong_type(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("points: 10", "points: diez"))
    message = error_of(path)
    assert message.startswith(f"{path}:17: criterion 'datos_5_colecciones': field 'points': ")
    assert "number" in message and "'diez'" in message


def test_wrong_param_type_and_unknown_param(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("params: {min: 5}", "params: {min: cinco, in_data_sectoin: true}"))
    errors = validate_rubric_file(path)
    assert errors == [
        f"{path}:21: criterion 'datos_5_colecciones': "
        "param 'min' of check 'count_datasets' must be integer, got 'cinco'",
        f"{path}:21: criterion 'datos_5_colecciones': "
        "check 'count_datasets' has no param 'in_data_sectoin'; did you mean 'in_data_section'?",
    ]


def test_missing_required_param(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("params: {min: 5}", "params: {}"))
    assert error_of(path).startswith(f"{path}:21: criterion 'datos_5_colecciones': check 'count_datasets' needs param 'min'")


def test_param_choices_are_checked(tmp_path: Path) -> None:
    text = GOOD.replace("name: count_datasets", "name: has_signal").replace("{min: 5}", "{kind: social_profiles}")
    path = write(tmp_path, text)
    assert error_of(path).endswith("'social_profiles' is not one of: " + error_of(path).split("not one of: ")[1].split(";")[0]
                                   + "; did you mean 'social_profile'?")


def test_unknown_field_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("    how_to_fix:", "    how_to_fx:"))
    errors = validate_rubric_file(path)
    assert f"{path}:15: criterion 'datos_5_colecciones': unknown field 'how_to_fx'; did you mean 'how_to_fix'?" in errors


def test_unknown_category_and_duplicate_key(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("    category: datos", "    category: dato").replace(
        "    points: 10\n", "    points: 10\n    points: 11\n"))
    errors = validate_rubric_file(path)
    assert f"{path}:12: criterion 'datos_5_colecciones': unknown category 'dato'; did you mean 'datos'?" in errors
    assert f"{path}:18: criterion 'datos_5_colecciones': duplicate key 'points'" in errors
    assert str(RubricError(errors)).endswith(f"(+{len(errors) - 1} more)")


def test_cross_references_of_requires_and_caps(tmp_path: Path) -> None:
    text = GOOD.replace("    mode: auto\n", "    mode: auto\n    requires: [datos_5]\n") + (
        "caps:\n  - {id: tope, criterion: datos_5_coleciones, scope: totl, max: 10, reason: Tope}\n")
    path = write(tmp_path, text)
    errors = validate_rubric_file(path)
    assert any(":19: criterion 'datos_5_colecciones': requires unknown criterion" in e for e in errors)
    assert any(e.startswith(f"{path}:24: cap 'tope': unknown criterion 'datos_5_coleciones'; "
                            "did you mean 'datos_5_colecciones'?") for e in errors)
    assert any("scope must be 'total' or a category id" in e for e in errors)


def test_informative_with_points_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("mode: auto", "mode: informative"))
    assert error_of(path) == (f"{path}:11: criterion 'datos_5_colecciones': informative criteria carry no points: "
                              "set 'points: 0'")


def test_not_a_mapping_and_missing_file(tmp_path: Path) -> None:
    assert validate_rubric_file(write(tmp_path, "- a\n- b\n")) == [
        f"{tmp_path / 'x.yaml'}:1: rubric: the file must be a YAML mapping (id, version, title, ...)"]
    missing = tmp_path / "nope.yaml"
    assert validate_rubric_file(missing)[0].startswith(f"{missing}:0: cannot read file")


def test_invalid_regex_in_params(tmp_path: Path) -> None:
    text = GOOD.replace("name: count_datasets", "name: mentions").replace("{min: 5}", "{patterns: ['gaceta(']}")
    assert "invalid regular expression" in error_of(write(tmp_path, text))


@pytest.mark.parametrize("rubric_id", ["aidh-2016", "transparencia-obligaciones"])
def test_builtin_rubrics_are_valid(rubric_id: str) -> None:
    assert rubric_id in builtin_rubric_ids()
    assert validate_rubric_file(builtin_rubric_path(rubric_id)) == []


HOSTILE_YAML = {
    "alias bomb": "".join(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}" if i else "x"] * 9) + "]\n" for i in range(9)),
    "deep nesting": "id: " + "[" * 5000 + "]" * 5000 + "\n",
    "python tag": "id: !!python/object/apply:os.system ['echo hola']\n",
    "custom tag": "id: !incluir otro.yaml\n",
    "self-reference": "a: &a [*a]\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_YAML))
def test_hostile_yaml_is_one_line_with_file_and_line_and_never_hangs(tmp_path, name):
    path = tmp_path / "hostil.yaml"
    path.write_text(HOSTILE_YAML[name], encoding="utf-8")
    errors = validate_rubric_file(path)
    assert len(errors) == 1 and errors[0].startswith(f"{path}:") and "invalid YAML" in errors[0]


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan"])
def test_rubric_numbers_must_be_finite(tmp_path, value):
    text = builtin_rubric_path("aidh-2016").read_text(encoding="utf-8").replace("points: 15", f"points: {value}", 1)
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    [error] = validate_rubric_file(path)
    assert "field 'points'" in error and "finite number" in error
