"""Golden tests: tests/golden/<rubric id>/<case>.evidence.json in, <case>.expected.json out.

Regenerate after an intended change with `MUNIAUDIT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden` and review
the diff: it is the behaviour change.
"""
from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from audit.engine import score
from audit.loader import builtin_rubric_path, load_rubric
from audit.schema import Rubric
from tests.evidence_json import evidence_from_dict

HERE = Path(__file__).resolve().parent
CASES = sorted(HERE.glob("*/*.evidence.json"))
VOLATILE = ("rubric_hash", "code_version")   # change with every rubric edit or release, not with behaviour


@cache
def rubric_named(rubric_id: str) -> Rubric:
    return load_rubric(builtin_rubric_path(rubric_id))


def actual(case: Path) -> dict[str, Any]:
    rubric = rubric_named(case.parent.name)
    evidence = evidence_from_dict(json.loads(case.read_text(encoding="utf-8")))
    result = score(rubric, evidence, code_version="golden").to_dict()
    return {k: v for k, v in result.items() if k not in VOLATILE}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name.split('.')[0]}" for c in CASES])
def test_golden(case: Path) -> None:
    expected_path = case.with_name(case.name.replace(".evidence.json", ".expected.json"))
    got = json.loads(json.dumps(actual(case), ensure_ascii=False))
    if os.environ.get("MUNIAUDIT_UPDATE_GOLDEN"):
        expected_path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert expected_path.exists(), f"{expected_path.name} is missing: write it with MUNIAUDIT_UPDATE_GOLDEN=1 and review it"
    assert got == json.loads(expected_path.read_text(encoding="utf-8"))


def test_there_are_cases_for_both_rubrics() -> None:
    assert {c.parent.name for c in CASES} == {"aidh-2016", "transparencia-obligaciones"}
