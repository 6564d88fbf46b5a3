"""Each registered check on small hand-made evidence."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from audit.checks import CHECKS, run_check
from audit.checks.human import SOCIAL_ACTIVITY_FACT
from audit.evidence import Evidence, EvidenceSignal

CRAWLED = datetime(2025, 3, 31, 9, 0)


def sig(kind: str, url: str = "https://m.gob.mx/x", on_home: bool = False, **data: Any) -> EvidenceSignal:
    return EvidenceSignal(kind=kind, url=url, found_on="https://m.gob.mx/", on_home=on_home, data=data,
                          snippet="texto", captured_at=CRAWLED)


def ev(*signals: EvidenceSignal, status: str = "ok", **kw: Any) -> Evidence:
    return Evidence(cvegeo="14097", crawl_status=status, crawled_at=CRAWLED, signals=list(signals), **kw)


def ds(name: str, fmt: str = "csv", collection: str = "", topic: str = "", in_section: bool = True) -> EvidenceSignal:
    return sig("dataset", f"https://m.gob.mx/datos/{name}.{fmt}", format=fmt, machine_readable=fmt in ("csv", "json", "xlsx"),
               in_data_section=in_section, collection=collection, topic=topic)


def test_every_check_is_documented_and_declares_params() -> None:
    for registered in CHECKS.values():
        assert registered.doc, registered.name
        assert all(p.help or p.types for p in registered.params.values())


@pytest.mark.parametrize("status", ["unreachable", "blocked", "no_url"])
def test_not_auditable_crawl_is_error_never_fail(status: str) -> None:
    for name in CHECKS:
        params = {"kind": "social_profile", "min": 1, "days": 7, "patterns": ["x"]}
        spec = CHECKS[name].params
        outcome = run_check(name, ev(status=status), {k: v for k, v in params.items() if k in spec})
        assert outcome.status == "error", name


def test_has_signal_filters_home_and_data_fields() -> None:
    evidence = ev(sig("social_profile", on_home=False, platform="facebook"),
                  sig("social_profile", "https://x.com/m", on_home=True, platform="x"))
    assert run_check("has_signal", evidence, {"kind": "social_profile"}).status == "pass"
    assert run_check("has_signal", evidence, {"kind": "social_profile", "where": {"platform": "facebook"},
                                              "on_home": True}).status == "fail"
    assert run_check("has_signal", evidence, {"kind": "social_profile", "where": {"platform": ["x", "tiktok"]},
                                              "on_home": True}).status == "pass"
    outcome = run_check("signal_on_home", evidence, {"kind": "social_profile", "where": {"platform": "facebook"}})
    assert outcome.status == "fail" and "sin enlace en la página principal" in outcome.reason
    assert outcome.evidence[0].url == "https://m.gob.mx/x"


def test_has_signal_kind_list_and_min() -> None:
    evidence = ev(sig("communication_tool"), sig("citizen_report_tool", "https://m.gob.mx/r"))
    assert run_check("has_signal", evidence, {"kind": ["communication_tool", "citizen_report_tool"], "min": 2}).status == "pass"
    half = run_check("has_signal", evidence, {"kind": "communication_tool", "min": 2})
    assert half.status == "partial" and half.fraction == 0.5


def test_count_signals_fraction() -> None:
    outcome = run_check("count_signals", ev(sig("participation"), sig("participation", "u2")),
                        {"kind": "participation", "min": 4})
    assert outcome.status == "partial" and outcome.fraction == 0.5


def test_count_datasets_and_machine_readable_filter() -> None:
    evidence = ev(ds("a"), ds("b", "pdf"), ds("c", in_section=False))
    assert run_check("count_datasets", evidence, {"min": 2}).status == "pass"
    assert run_check("count_datasets", evidence, {"min": 2, "machine_readable": True}).fraction == 0.5
    assert run_check("count_datasets", evidence, {"min": 3, "in_data_section": False}).status == "pass"


def test_count_collections_groups_by_heading() -> None:
    evidence = ev(ds("a", collection="Obras"), ds("b", collection="Obras"), ds("c", collection="Nómina"), ds("d"))
    outcome = run_check("count_collections", evidence, {"min": 5})
    assert outcome.fraction == pytest.approx(3 / 5)
    assert run_check("count_collections", evidence, {"min": 2, "count_ungrouped": False}).status == "pass"


def test_organised_by_topics_needs_subtopics() -> None:
    flat = ev(ds("a", topic="Finanzas", collection="x"), ds("b", topic="Obras", collection="y"))
    outcome = run_check("organised_by_topics", flat, {})
    assert outcome.status == "partial" and "subtemas" in outcome.reason
    nested = ev(ds("a", topic="Finanzas", collection="x"), ds("c", topic="Finanzas", collection="z"),
                ds("b", topic="Obras", collection="y"))
    assert run_check("organised_by_topics", nested, {}).status == "pass"
    assert run_check("organised_by_topics", ev(ds("a")), {}).status == "fail"


def test_updated_within_is_relative_to_crawl() -> None:
    evidence = ev(sig("update_date", date="2024-11-01", scope="data_section", source="page_text"),
                  sig("update_date", date="2030-01-01", scope="data_section", source="page_text"))  # future: ignored
    outcome = run_check("updated_within", evidence, {"days": 183})
    assert outcome.status == "pass" and "01/11/2024" in outcome.reason
    assert run_check("updated_within", evidence, {"days": 100}).status == "fail"
    assert run_check("updated_within", evidence, {"days": 183, "scopes": ["page"]}).status == "fail"


def test_newest_block_within_uses_dataset_dates() -> None:
    evidence = ev(sig("update_date", date="2025-03-20", scope="dataset"),
                  sig("update_date", date="2025-03-30", scope="page"))
    assert run_check("newest_block_within", evidence, {"days": 31}).status == "pass"
    assert run_check("newest_block_within", evidence, {"days": 5}).status == "fail"


def test_formats_machine_readable_any_and_share() -> None:
    evidence = ev(ds("a"), ds("b", "pdf"), ds("c", "pdf"), ds("d", "pdf"))
    assert run_check("formats_machine_readable", evidence, {"any": True}).status == "pass"
    share = run_check("formats_machine_readable", evidence, {"share": 0.5})
    assert share.status == "partial" and share.fraction == pytest.approx(0.5)
    assert run_check("formats_machine_readable", ev(ds("b", "pdf")), {}).status == "fail"


def test_downloadable_ignores_html_pages() -> None:
    assert run_check("downloadable", ev(ds("a", "html")), {}).status == "fail"
    assert run_check("downloadable", ev(ds("a", "xlsx")), {}).status == "pass"


def test_processed_data_flags_scans() -> None:
    assert run_check("processed_data", ev(ds("a"), ds("b", "jpg")), {}).status == "fail"
    assert run_check("processed_data", ev(ds("a"), sig("clarity", scanned_pdf_share=0.1)), {}).status == "pass"


def test_search_tool_scope_and_dynamic() -> None:
    evidence = ev(sig("search_tool", scope="site", dynamic=True))
    assert run_check("search_tool", evidence, {}).status == "pass"
    outcome = run_check("search_tool", evidence, {"scope": "data_section", "dynamic": True})
    assert outcome.status == "fail" and outcome.evidence


def test_contact_tied_to_participation() -> None:
    assert run_check("contact_tied_to_participation", ev(sig("contact", type="email", value="a@m.mx")), {}).status == "fail"
    tied = ev(sig("contact", type="phone", value="33 1", participation_related=True))
    assert run_check("contact_tied_to_participation", tied, {}).status == "pass"
    assert run_check("contact_tied_to_participation", tied, {"types": ["email"]}).status == "fail"


def test_readability_proposes() -> None:
    good = run_check("readability", ev(sig("clarity", readability=70, needs_human=True)), {})
    assert good.status == "pass" and "cumple" in (good.suggestion or "")
    bad = run_check("readability", ev(sig("clarity", readability=70, scanned_pdf_share=0.8)), {})
    assert bad.status == "fail"
    assert run_check("readability", ev(), {}).status == "needs_review"


def test_human_only_always_needs_review() -> None:
    outcome = run_check("human_only", ev(), {"hint": "Mire."})
    assert outcome.status == "needs_review" and outcome.reason == "Mire."


def test_social_activity_without_probe_asks_a_human() -> None:
    evidence = ev(sig("social_profile", "https://facebook.com/m", platform="facebook"))
    outcome = run_check("social_activity", evidence, {"days": 7})
    assert outcome.status == "needs_review" and "https://facebook.com/m" in outcome.reason
    assert run_check("social_activity", ev(), {}).status == "fail"


def test_social_activity_with_probe_results() -> None:
    facts = {SOCIAL_ACTIVITY_FACT: [{"identity": "youtube:UC1", "url": "https://youtube.com/channel/UC1",
                                     "last_post_at": "2025-03-28T18:00:00+00:00", "last_interaction_at": None}]}
    evidence = ev(sig("video_channel", platform="youtube"), facts=facts)
    assert run_check("social_activity", evidence, {"days": 7}).status == "pass"
    assert run_check("social_activity", evidence, {"days": 2}).status == "fail"
    assert run_check("social_activity", evidence, {"what": "interaction", "kinds": ["video_channel"]}).status == "needs_review"


def test_mentions_matches_labels_and_urls() -> None:
    evidence = ev(sig("transparency_section", "https://m.gob.mx/gaceta-municipal", label="Gaceta"),
                  sig("dataset", "https://m.gob.mx/ldf-2025.xlsx", machine_readable=True, collection="Finanzas"))
    assert run_check("mentions", evidence, {"patterns": ["gaceta"]}).status == "pass"
    assert run_check("mentions", evidence, {"patterns": [r"\bLDF\b"], "kinds": ["dataset"],
                                            "where": {"machine_readable": True}}).status == "pass"
    assert run_check("mentions", evidence, {"patterns": ["cabildo"]}).status == "fail"


def test_partial_crawl_turns_absence_into_needs_review_but_keeps_real_fails() -> None:
    partial = ev(sig("update_date", date="2020-01-01", scope="data_section"), status="partial")
    missing = run_check("has_signal", partial, {"kind": "mobile_app"})
    assert missing.status == "needs_review" and "parcial" in missing.reason
    old = run_check("updated_within", partial, {"days": 30})
    assert old.status == "fail"   # a date was seen and it is old: a real finding


def test_blocked_pages_fact_makes_absence_uncertain() -> None:
    outcome = run_check("has_signal", ev(facts={"blocked_pages": 2}), {"kind": "mobile_app"})
    assert outcome.status == "needs_review" and "bloqueadas" in outcome.reason


def test_check_crash_is_an_error_outcome() -> None:
    broken = sig("update_date")
    broken.data = None  # type: ignore[assignment]
    outcome = run_check("updated_within", ev(broken), {"days": 3})
    assert outcome.status == "error" and "Error interno" in outcome.reason


def test_unknown_check_is_an_error() -> None:
    assert run_check("nope", ev(), {}).status == "error"


# -- graded detections: what the crawler could not confirm goes to a person, never a silent pass or fail ------

def test_an_unconfirmed_section_goes_to_review_with_the_candidate_and_the_reason() -> None:
    candidate = sig("open_data_section", "https://m.gob.mx/datos-abiertos/", on_home=True, status="unconfirmed",
                    confidence=0.5, placement="navigation/menu", reasons=["link_in_menu", "target_not_crawled"])
    outcome = run_check("has_signal", ev(candidate), {"kind": "open_data_section", "on_home": True})
    assert outcome.status == "needs_review"
    assert "https://m.gob.mx/datos-abiertos/" in outcome.reason and "enlace en el menú principal" in outcome.reason
    assert "no se rastreó" in outcome.reason and outcome.evidence[0].placement == "navigation/menu"


def test_confidence_below_the_threshold_asks_a_person_and_above_it_scores() -> None:
    def graded(confidence: float) -> EvidenceSignal:
        return sig("mobile_app", status="confirmed", confidence=confidence, reasons=["presented_as_own"])

    assert run_check("has_signal", ev(graded(0.6)), {"kind": "mobile_app"}).status == "needs_review"
    assert run_check("has_signal", ev(graded(0.9)), {"kind": "mobile_app"}).status == "pass"
    assert run_check("has_signal", ev(graded(0.6)), {"kind": "mobile_app", "min_confidence": 0.5}).status == "pass"


def test_other_bodies_portals_count_only_when_the_rubric_asks_for_them() -> None:
    national = sig("open_data_section", "https://datos.gob.mx/", on_home=True, status="reference", confidence=0.9)
    assert run_check("has_signal", ev(national), {"kind": "open_data_section"}).status == "fail"
    asked = run_check("has_signal", ev(national), {"kind": "open_data_section", "include_references": True})
    assert asked.status == "pass"


def test_signals_stored_before_grading_still_count() -> None:
    assert run_check("has_signal", ev(sig("video_channel")), {"kind": "video_channel"}).status == "pass"
