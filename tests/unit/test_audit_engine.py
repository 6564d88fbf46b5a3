"""Scoring semantics of audit.engine.score (Lighthouse-like), on small rubrics written for each test."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from audit.engine import score
from audit.evidence import Evidence, EvidenceSignal, Review
from audit.loader import load_rubric
from audit.schema import Rubric

CRAWLED = datetime(2025, 3, 31, 12, 0)


def crit(cid: str, category: str, points: float, check: str, mode: str = "auto", **extra: Any) -> dict[str, Any]:
    params = extra.pop("params", {})
    return {"id": cid, "category": category, "title": f"Cumple {cid}", "why": "Porque sí.",
            "how_to_fix": "Arreglarlo.", "basis": {"type": "methodological", "text": "Prueba"},
            "points": points, "mode": mode, "check": {"name": check, "params": params}, **extra}


def make_rubric(tmp_path: Path, criteria: list[dict[str, Any]], caps: list[dict[str, Any]] | None = None,
                categories: list[dict[str, Any]] | None = None, **top: Any) -> Rubric:
    doc = {"id": "mini", "version": "1", "title": "Mini", "source": "Pruebas", "citation": "Pruebas",
           "categories": categories or [{"id": "uno", "title": "Uno", "weight": 60},
                                        {"id": "dos", "title": "Dos", "weight": 40}],
           "criteria": criteria, "caps": caps or [], **top}
    path = tmp_path / "mini.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_rubric(path)


def sig(kind: str, url: str = "https://m.gob.mx/x", on_home: bool = True, **data: Any) -> EvidenceSignal:
    return EvidenceSignal(kind=kind, url=url, found_on="https://m.gob.mx/", on_home=on_home, data=data)


def ev(*signals: EvidenceSignal, status: str = "ok", reviews: dict[str, Review] | None = None,
       **kw: Any) -> Evidence:
    return Evidence(cvegeo="14097", crawl_status=status, crawled_at=CRAWLED, signals=list(signals),
                    reviews=reviews or {}, **kw)


def review(cid: str, decision: str = "pass", **kw: Any) -> Review:
    return Review(criterion_id=cid, decision=decision, reviewer="ana", reviewed_at=datetime(2025, 4, 2), **kw)


@pytest.fixture
def basic(tmp_path: Path) -> Rubric:
    return make_rubric(tmp_path, [
        crit("social", "uno", 10, "has_signal", params={"kind": "social_profile"}),
        crit("video", "uno", 10, "has_signal", params={"kind": "video_channel"}),
        crit("datos", "dos", 10, "count_datasets", params={"min": 4, "in_data_section": False},
             partial={"rule": "proportional"}),
        crit("lenguaje", "dos", 10, "readability", mode="assisted"),
    ])


def by_id(result: Any) -> dict[str, Any]:
    return {c.id: c for c in result.criteria}


def test_pass_and_fail_scale_category_weights_to_100(basic: Rubric) -> None:
    result = score(basic, ev(sig("social_profile"), reviews={"lenguaje": review("lenguaje", "fail")}))
    assert by_id(result)["social"].status == "pass"
    assert by_id(result)["social"].points == 30 and by_id(result)["social"].max_points == 30
    assert by_id(result)["video"].status == "fail"
    assert result.score == 30 and result.max_score == 100 and result.status == "complete"
    assert [c.max_points for c in result.categories] == [60, 40]


def test_partial_credit_proportional(basic: Rubric) -> None:
    datasets = [sig("dataset", f"https://m.gob.mx/{i}.csv", format="csv") for i in range(3)]
    result = score(basic, ev(*datasets, reviews={"lenguaje": review("lenguaje", "fail")}))
    datos = by_id(result)["datos"]
    assert datos.status == "partial" and datos.points == pytest.approx(15.0)


def test_partial_credit_steps_and_none(tmp_path: Path) -> None:
    rubric = make_rubric(tmp_path, [
        crit("steps", "uno", 10, "count_datasets", params={"min": 4, "in_data_section": False},
             partial={"rule": "steps", "steps": [{"min": 0.5, "credit": 0.4}]}),
        crit("none", "dos", 10, "count_datasets", params={"min": 4, "in_data_section": False}),
    ])
    datasets = [sig("dataset", f"https://m.gob.mx/{i}.csv", format="csv") for i in range(2)]
    result = by_id(score(rubric, ev(*datasets)))
    assert result["steps"].status == "partial" and result["steps"].points == pytest.approx(24.0)
    assert result["none"].status == "fail" and result["none"].points == 0


def test_assisted_without_review_is_pending_with_suggestion(basic: Rubric) -> None:
    result = score(basic, ev(sig("clarity", readability=70)))
    lenguaje = by_id(result)["lenguaje"]
    assert lenguaje.status == "needs_review" and lenguaje.points == 0
    assert "cumple" in (lenguaje.suggestion or "")
    assert result.status == "incomplete" and result.pending_points == 20
    assert result.categories[1].status == "incomplete" and result.categories[1].pending_points == 20
    assert result.categories[0].status == "complete"


def test_review_overrides_assisted_and_sets_reviewer(basic: Rubric) -> None:
    result = score(basic, ev(sig("clarity", readability=20), reviews={"lenguaje": review("lenguaje", "pass")}))
    lenguaje = by_id(result)["lenguaje"]
    assert lenguaje.status == "pass" and lenguaje.reviewed_by == "ana" and lenguaje.points == 20
    assert "no cumple" in (lenguaje.suggestion or "")  # the machine proposal is kept beside the decision
    assert result.status == "complete"


def test_review_overrides_auto_when_a_human_decided(basic: Rubric) -> None:
    result = score(basic, ev(sig("social_profile"), reviews={"social": review("social", "fail", note="Cuenta falsa"),
                                                             "lenguaje": review("lenguaje", "fail")}))
    social = by_id(result)["social"]
    assert social.status == "fail" and social.reviewed_by == "ana" and "Cuenta falsa" in social.reason


def test_partial_review_with_points(basic: Rubric) -> None:
    result = score(basic, ev(reviews={"lenguaje": review("lenguaje", "partial", points=2.5)}))
    assert by_id(result)["lenguaje"].status == "partial"
    assert by_id(result)["lenguaje"].points == pytest.approx(5.0)   # 2.5 of 10 rubric points = 25% of 20


def test_stale_review_needs_review(basic: Rubric) -> None:
    result = score(basic, ev(sig("social_profile"), reviews={"lenguaje": review("lenguaje", "pass", stale=True)}))
    lenguaje = by_id(result)["lenguaje"]
    assert lenguaje.status == "needs_review" and lenguaje.reviewed_by is None
    assert "ya no es válida" in lenguaje.reason
    assert result.status == "incomplete"


def test_review_older_than_validity_window_is_stale(tmp_path: Path) -> None:
    rubric = make_rubric(tmp_path, [crit("a", "uno", 1, "human_only", mode="manual"),
                                    crit("b", "dos", 1, "human_only", mode="manual")], review_valid_days=30)
    old = Review("a", "pass", "ana", datetime(2024, 1, 1))
    fresh = Review("b", "pass", "ana", datetime(2025, 3, 20))
    result = by_id(score(rubric, ev(reviews={"a": old, "b": fresh})))
    assert result["a"].status == "needs_review" and result["b"].status == "pass"


def test_manual_without_review_needs_review(tmp_path: Path) -> None:
    rubric = make_rubric(tmp_path, [crit("a", "uno", 1, "human_only", mode="manual", params={"hint": "Mire X."}),
                                    crit("b", "dos", 1, "has_signal", params={"kind": "contact"})])
    result = score(rubric, ev(sig("contact")))
    assert by_id(result)["a"].status == "needs_review" and by_id(result)["a"].reason == "Mire X."
    assert result.score == 40 and result.pending_points == 60 and result.status == "incomplete"


def test_not_applicable_rescales_within_category_and_across(tmp_path: Path) -> None:
    rubric = make_rubric(tmp_path, [
        crit("a", "uno", 10, "has_signal", params={"kind": "social_profile"}),
        crit("b", "uno", 30, "human_only", mode="manual"),
        crit("c", "dos", 10, "human_only", mode="manual"),
    ])
    result = score(rubric, ev(sig("social_profile"), reviews={"b": review("b", "not_applicable"),
                                                              "c": review("c", "pass")}))
    crits = by_id(result)
    assert crits["b"].status == "not_applicable" and crits["b"].max_points == 0
    assert crits["a"].max_points == 60 and crits["a"].points == 60
    assert result.score == 100
    # a whole category not applicable: its weight goes to the others
    result = score(rubric, ev(sig("social_profile"), reviews={"b": review("b", "not_applicable"),
                                                              "c": review("c", "not_applicable")}))
    assert result.score == 100 and result.categories[1].max_points == 0 and result.categories[0].max_points == 100


def test_informative_criteria_carry_no_points(tmp_path: Path) -> None:
    rubric = make_rubric(tmp_path, [
        crit("info", "uno", 0, "has_signal", mode="informative", params={"kind": "platform"}),
        crit("a", "uno", 1, "has_signal", params={"kind": "social_profile"}),
        crit("b", "dos", 1, "has_signal", params={"kind": "contact"}),
    ])
    result = score(rubric, ev(sig("platform", name="wordpress"), sig("contact")))
    info = by_id(result)["info"]
    assert info.status == "informative" and info.points == 0 and info.max_points == 0 and info.evidence
    assert result.score == 40


@pytest.mark.parametrize("status", ["unreachable", "blocked", "no_url"])
def test_not_auditable_site_has_no_score(basic: Rubric, status: str) -> None:
    result = score(basic, ev(sig("social_profile"), status=status))
    assert result.score is None and result.status == status
    assert {c.status for c in result.criteria} == {"error"}
    assert result.pending_points == 100
    assert all(c.status == "incomplete" for c in result.categories)


def test_partial_crawl_absence_is_needs_review_not_fail(basic: Rubric) -> None:
    result = score(basic, ev(sig("social_profile"), status="partial"))
    video = by_id(result)["video"]
    assert video.status == "needs_review" and "parcial" in video.reason
    assert by_id(result)["social"].status == "pass"
    assert result.status == "incomplete"


def test_js_shell_pages_make_absence_uncertain(basic: Rubric) -> None:
    result = score(basic, ev(sig("social_profile"), pages_needing_render=3,
                             reviews={"lenguaje": review("lenguaje", "fail")}))
    video = by_id(result)["video"]
    assert video.status == "needs_review" and "JavaScript" in video.reason
    assert result.pending_points == 50   # video (30) and datos (20): both absent, both uncertain


def test_error_criterion_is_pending_not_zero(tmp_path: Path) -> None:
    rubric = make_rubric(tmp_path, [
        crit("dates", "uno", 1, "updated_within", params={"days": 30}),
        crit("b", "dos", 1, "has_signal", params={"kind": "contact"}),
    ])
    broken = sig("update_date", date=object(), scope="page")   # corrupt stored data
    broken.data = None  # type: ignore[assignment]
    result = score(rubric, ev(broken, sig("contact")))
    assert by_id(result)["dates"].status == "error"
    assert result.status == "incomplete" and result.pending_points == 60 and result.score == 40


def test_category_and_total_caps(tmp_path: Path) -> None:
    criteria = [
        crit("base", "uno", 0, "has_signal", mode="informative", params={"kind": "open_data_section"}),
        crit("a", "uno", 10, "has_signal", params={"kind": "social_profile"}),
        crit("b", "dos", 10, "has_signal", params={"kind": "contact"}),
    ]
    caps = [{"id": "tope_uno", "criterion": "b", "scope": "uno", "max": 20, "reason": "Sin contacto."},
            {"id": "tope_total", "criterion": "base", "scope": "total", "max": 25, "reason": "Sin datos."}]
    rubric = make_rubric(tmp_path, criteria, caps)
    result = score(rubric, ev(sig("social_profile")))
    assert result.categories[0].points == 20
    assert result.score == 20
    assert [c.split(":")[0] for c in result.caps_applied] == ["tope_uno", "tope_total"]
    result = score(rubric, ev(sig("social_profile"), sig("contact"), sig("open_data_section")))
    assert result.score == 100 and result.caps_applied == []


def test_cap_limits_pending_points(tmp_path: Path) -> None:
    rubric = make_rubric(tmp_path, [
        crit("base", "uno", 0, "has_signal", mode="informative", params={"kind": "open_data_section"}),
        crit("a", "uno", 10, "has_signal", params={"kind": "social_profile"}),
        crit("b", "dos", 10, "human_only", mode="manual"),
    ], [{"id": "t", "criterion": "base", "scope": "total", "max": 60, "reason": "Tope."}])
    result = score(rubric, ev(sig("social_profile")))
    assert result.score == 60 and result.pending_points == 0 and result.status == "complete"


def test_requires_fails_dependents_without_review(tmp_path: Path) -> None:
    rubric = make_rubric(tmp_path, [
        crit("seccion", "uno", 10, "has_signal", params={"kind": "open_data_section"}),
        crit("lenguaje", "dos", 10, "readability", mode="assisted", requires=["seccion"]),
    ])
    result = by_id(score(rubric, ev()))
    assert result["lenguaje"].status == "fail" and "requisito previo" in result["lenguaje"].reason
    result = by_id(score(rubric, ev(sig("open_data_section"))))
    assert result["lenguaje"].status == "needs_review"


def test_windows_use_crawl_time_not_clock(tmp_path: Path) -> None:
    rubric = make_rubric(tmp_path, [crit("fresh", "uno", 1, "updated_within", params={"days": 30}),
                                    crit("b", "dos", 1, "has_signal", params={"kind": "contact"})])
    evidence = ev(sig("update_date", date="2025-03-10", scope="data_section"), sig("contact"))
    assert by_id(score(rubric, evidence))["fresh"].status == "pass"
    evidence.crawled_at = datetime(2025, 6, 1)
    assert by_id(score(rubric, evidence))["fresh"].status == "fail"


def test_result_carries_rubric_identity_and_is_serialisable(basic: Rubric) -> None:
    result = score(basic, ev(), code_version="0.1.0")
    assert result.rubric_id == "mini" and result.rubric_hash == basic.content_hash and len(result.rubric_hash) == 64
    assert result.code_version == "0.1.0"
    assert result.to_dict()["criteria"][0]["id"] == "social"


def test_english_titles_when_asked(tmp_path: Path) -> None:
    rubric = make_rubric(tmp_path, [
        {**crit("a", "uno", 1, "has_signal", params={"kind": "contact"}), "title": {"es": "Hay contacto", "en": "Has contact"}},
        crit("b", "dos", 1, "has_signal", params={"kind": "contact"}),
    ])
    assert by_id(score(rubric, ev(), lang="en"))["a"].title == "Has contact"
    assert by_id(score(rubric, ev(), lang="en"))["b"].title == "Cumple b"   # falls back to Spanish


