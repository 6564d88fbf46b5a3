"""audit.decider: which kinds a crawl still has to look for, judged on small rubrics and on AIDH-2016."""
from __future__ import annotations

from pathlib import Path

import pytest

from audit.decider import RubricDecider
from crawler.extract.types import Signal
from tests.unit.test_audit_engine import crit, make_rubric


def signal(kind: str, url: str = "https://m.gob.mx/x", on_home: bool = True, **data) -> Signal:
    return Signal(kind, url, "https://m.gob.mx/", on_home, data)


def decider_of(rubric) -> RubricDecider:
    decider = RubricDecider()
    decider.add(rubric)
    return decider


@pytest.fixture
def small(tmp_path: Path):
    return decider_of(make_rubric(tmp_path, [
        crit("social", "uno", 10, "has_signal", params={"kind": "social_profile"}),
        crit("app_en_inicio", "uno", 10, "has_signal", params={"kind": "mobile_app", "on_home": True}),
        crit("datos", "dos", 10, "count_datasets", params={"min": 2, "in_data_section": False}),
        crit("lenguaje", "dos", 10, "readability", mode="assisted"),
    ]))


def test_with_nothing_found_every_automatic_criterion_wants_its_kinds(small):
    assert small.wanted([], home_read=False) == {"social_profile", "mobile_app", "dataset"}


def test_assisted_criteria_do_not_steer(small):
    assert "clarity" not in small.wanted([], home_read=False)


def test_a_passed_count_stops_wanting_its_kind(small):
    found = [signal("dataset", f"https://m.gob.mx/{n}.csv", format="csv") for n in range(2)]
    assert "dataset" not in small.wanted(found, home_read=False)


def test_a_count_short_of_its_minimum_still_wants_more(small):
    assert "dataset" in small.wanted([signal("dataset", "https://m.gob.mx/1.csv", format="csv")], home_read=False)


def test_a_home_page_criterion_is_decided_once_the_home_page_is_read_even_failing(small):
    assert "mobile_app" in small.wanted([], home_read=False)
    assert "mobile_app" not in small.wanted([], home_read=True)


def test_a_site_where_every_automatic_criterion_passed_is_decided(small):
    found = [signal("social_profile", "https://facebook.com/m", identity="facebook:m"),
             signal("mobile_app", "https://play.google.com/store/apps/details?id=mx.m", identity="google_play:mx.m"),
             signal("dataset", "https://m.gob.mx/1.csv", format="csv"),
             signal("dataset", "https://m.gob.mx/2.csv", format="csv")]
    assert small.wanted(found, home_read=False) == frozenset()


def test_a_share_never_stops_wanting_what_it_counts(tmp_path):
    # a share can fall when more files are found: passing now does not decide it
    decider = decider_of(make_rubric(tmp_path, [
        crit("formatos", "uno", 10, "formats_machine_readable", params={"share": 0.5, "in_data_section": False}),
        crit("app", "dos", 10, "has_signal", params={"kind": "mobile_app", "on_home": True}),
    ]))
    found = [signal("dataset", "https://m.gob.mx/1.csv", format="csv", machine_readable=True)]
    assert decider.wanted(found, home_read=True) == {"dataset"}


def test_a_criterion_wants_what_the_criteria_it_requires_read(tmp_path):
    decider = decider_of(make_rubric(tmp_path, [
        crit("seccion", "uno", 0, "has_signal", mode="informative", params={"kind": "open_data_section"}),
        crit("datos", "uno", 10, "count_datasets", params={"min": 1, "in_data_section": True},
             requires=["seccion"]),
        crit("app", "dos", 10, "has_signal", params={"kind": "mobile_app", "on_home": True}),
    ]))
    assert decider.wanted([], home_read=True) == {"dataset", "open_data_section"}


def test_a_check_that_reads_every_kind_wants_everything(tmp_path):
    decider = decider_of(make_rubric(tmp_path, [
        crit("menciona", "uno", 10, "mentions", params={"patterns": ["cabildo abierto"]}),
        crit("app", "dos", 10, "has_signal", params={"kind": "mobile_app", "on_home": True}),
    ]))
    assert decider.wanted([], home_read=True) is None


def test_bundled_rubrics_are_found_by_id():
    decider = RubricDecider(["aidh-2016", "transparencia-obligaciones"])
    wanted = decider.wanted([], home_read=False)
    assert {"open_data_section", "dataset", "social_profile", "transparency_section"} <= wanted


def test_an_account_found_decides_both_social_criteria_of_aidh():
    # (r) has an account; (s)/(t) then rest on its activity, which a person judges: no more pages change them
    decider = RubricDecider(["aidh-2016"])
    account = signal("social_profile", "https://facebook.com/m", identity="facebook:m", platform="facebook",
                     handle="m", status="confirmed", confidence=1.0)
    assert "social_profile" in decider.wanted([], home_read=True)
    assert "social_profile" not in decider.wanted([account], home_read=True)


@pytest.mark.parametrize("data", [
    {"status": "candidate", "confidence": 0.6},      # a link's words only proposed it
    {"status": "reference", "confidence": 1.0},      # somebody else's account the site points at
    {"status": "confirmed", "confidence": 0.3},      # too unsure to count without a person
])
def test_a_signal_that_would_not_count_does_not_decide(small, data):
    account = signal("social_profile", "https://facebook.com/otro", identity="facebook:otro", **data)
    assert "social_profile" in small.wanted([account], home_read=True)


def test_what_a_site_settled_is_not_judged_again(small):
    settled: set[str] = set()
    small.wanted([signal("social_profile", "https://facebook.com/m", identity="facebook:m")], True, settled)
    assert settled == {"mini/social", "mini/app_en_inicio"}
    # later calls are handed only the kinds still wanted: the settled criteria stay decided without their signals
    assert small.wanted([], True, settled) == {"dataset"}
