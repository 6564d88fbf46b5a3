"""Calibration of rubrics/aidh-2016.yaml against the AIDH 2016 findings (docs/calibration.md)."""
from __future__ import annotations

from collections import Counter

import pytest

from audit import calibration
from audit.checks.human import SOCIAL_ACTIVITY_FACT
from audit.engine import score
from audit.loader import builtin_rubric_path, load_rubric
from audit.schema import Rubric

# What a social-activity probe records (Evidence.facts["social_activity"]): the channel's last publication.
ACTIVITY = [{"identity": "youtube:UCaaaaaaaaaaaaaaaaaaaaaa", "url": "https://www.youtube.com/channel/UCaaaaaaaaaaaaaaaaaaaaaa",
             "probe": "youtube_feed", "last_post_at": "2016-05-08T17:00:00+00:00", "last_interaction_at": None}]


@pytest.fixture(scope="module")
def aidh() -> Rubric:
    return load_rubric(builtin_rubric_path("aidh-2016"))


def test_rubric_has_the_23_aidh_aspects_in_7_categories(aidh: Rubric) -> None:
    refs = [c.ref for c in aidh.criteria if c.mode != "informative"]
    assert refs == [f"({chr(c)})" for c in range(ord("a"), ord("w") + 1)]
    assert len({c.category for c in aidh.criteria}) == 7
    assert sum(c.weight for c in aidh.categories) == 100
    points = Counter()
    for crit in aidh.criteria:
        points[crit.category] += crit.points
    assert all(points[c.id] == c.weight for c in aidh.categories)   # one rubric point = one point of 100


def test_tlajomulco_2016_profile_scores_exactly_91(aidh: Rubric) -> None:
    result = score(aidh, calibration.tlajomulco_2016())
    assert result.score == 91 and result.status == "complete" and result.pending_points == 0
    failed = sorted(c.id for c in result.criteria if c.status == "fail")
    assert failed == ["o_contacto_participacion", "p_colaboracion_informacion", "w_app_movil"]
    assert {c.id for c in result.criteria if c.reviewed_by} == {
        "h_lenguaje_entendible", "j_util_para_decidir", "m_procesada_uso_final", "s_actualizacion_semana",
        "t_interaccion_semana"}


def test_tlajomulco_without_reviews_is_incomplete_not_lower(aidh: Rubric) -> None:
    evidence = calibration.tlajomulco_2016()
    evidence.reviews = {}
    result = score(aidh, evidence)
    assert result.status == "incomplete"
    assert result.score == 91 - 5 - 4 - 3 - 2 - 2
    assert result.pending_points == 16


def test_recorded_social_activity_replaces_the_weekly_update_review(aidh: Rubric) -> None:
    evidence = calibration.tlajomulco_2016()
    del evidence.reviews["s_actualizacion_semana"]
    evidence.facts[SOCIAL_ACTIVITY_FACT] = ACTIVITY
    result = score(aidh, evidence)
    s = next(c for c in result.criteria if c.id == "s_actualizacion_semana")
    assert s.status == "pass" and s.reviewed_by is None and "08/05/2016" in s.reason
    assert result.score == 91


def test_social_media_and_video_without_data_section_scores_27_or_less(aidh: Rubric) -> None:
    result = score(aidh, calibration.social_only())
    assert result.status == "complete" and result.score is not None and result.score <= 27
    assert result.caps_applied and result.caps_applied[0].startswith("sin_apartado_datos")


def test_best_possible_without_data_section_is_27(aidh: Rubric) -> None:
    result = score(aidh, calibration.everything_but_data_section())
    assert result.score == 27 and result.status == "complete"


def test_cap_holds_even_if_a_reviewer_passes_data_aspects(aidh: Rubric) -> None:
    evidence = calibration.everything_but_data_section()
    for cid in ("h_lenguaje_entendible", "j_util_para_decidir", "m_procesada_uso_final"):
        evidence.reviews[cid] = calibration.review(cid)
    assert score(aidh, evidence).score == 27
