"""Hard negatives by class (tests/fixtures/detection): each case is a small site built around one way the
detectors were fooled on real municipal sites, with at least one positive control. Scored like the corpus:
what the audit would count automatically must match the labels exactly; a labelled section whose page was not
crawled must be proposed for human review, never counted and never dropped."""
from __future__ import annotations

import pytest

from audit.checks.data import collections_of
from audit.evidence import EvidenceSignal
from benchmarks.accuracy import _matches, label_key
from benchmarks.detection_fixtures import CASES, crawl, file_for, load_labels
from crawler.extract import urls
from crawler.extract.grading import REFERENCE
from crawler.extract.site import counted

KINDS = ("social_profile", "mobile_app", "open_data_section", "transparency_section", "video_channel",
         "participation", "citizen_report_tool", "communication_tool", "mayor_profile")


def _keys(signal) -> set[str]:
    """A tool given by a form is labelled by the page that shows the form (its URL is where the form posts)."""
    keys = {urls.canonical(signal.url)}
    if signal.kind == "communication_tool" or ":form:" in str(signal.data.get("identity", "")):
        keys.add(urls.canonical(signal.found_on))
    return keys


def _label_keys(entry: dict, base: str) -> set[str]:
    keys = {label_key(entry["url"], base, entry.get("page"))}
    if entry.get("action"):
        keys.add(label_key(entry["action"], base, entry.get("page")))
    return keys


def _not_crawled(case: str, site, url: str) -> bool:
    absolute = urls.resolve(site.base + "/", url.lstrip("/")) if not url.startswith("http") else url
    return not urls.is_same_site(absolute, frozenset({site.labels["host"]})) or (
        file_for(case, absolute) is None and urls.path_of(absolute) not in (site.labels.get("status") or {}))


def _problems(case: str, site, kind: str) -> list[str]:
    entries = [e for e in site.labels["signals"].get(kind) or [] if not e.get("ambiguous")]
    ambiguous = [e for e in site.labels["signals"].get(kind) or [] if e.get("ambiguous")]
    mine = [s for s in site.signals if s.kind == kind]
    auto = [s for s in mine if counted(s)]
    review = [s for s in mine if not counted(s) and s.data.get("status") != REFERENCE]
    problems = []
    for signal in auto:
        hit = [e for e in entries + ambiguous
               if any(_matches(kind, d, k) for d in _keys(signal) for k in _label_keys(e, site.base))]
        if not hit:
            problems.append(f"{kind}: counted but not labelled: {signal.url} on {signal.found_on} {signal.data}")
    for entry in entries:
        keys = _label_keys(entry, site.base)
        hits = [s for s in auto if any(_matches(kind, d, k) for d in _keys(s) for k in keys)]
        if hits:
            if entry.get("on_home") and not any(s.on_home for s in hits):
                problems.append(f"{kind}: {entry['url']} found but not as reachable from the home page")
            continue
        proposed = [s for s in review if any(_matches(kind, d, k) for d in _keys(s) for k in keys)]
        if _not_crawled(case, site, entry["url"]) and kind in ("open_data_section", "transparency_section"):
            if not proposed and not urls.resolve(site.base + "/", entry["url"]).startswith("https://" +
                                                                                            site.labels["host"]):
                continue   # an own portal on another host is judged by ownership, counted above if found
            if not proposed:
                problems.append(f"{kind}: {entry['url']} (not crawled) neither counted nor proposed for review")
            continue
        problems.append(f"{kind}: labelled but not counted: {entry['url']} (review: {[s.url for s in proposed]})")
    return problems


@pytest.fixture(scope="module", params=CASES)
def site(request):
    return request.param, crawl(request.param)


def test_what_is_counted_matches_the_labels(site):
    case, crawled = site
    problems = [p for kind in KINDS if kind in crawled.labels["signals"] for p in _problems(case, crawled, kind)]
    assert not problems, f"{case}:\n" + "\n".join(problems)


def test_contact_emails_match_the_labels(site):
    case, crawled = site
    expected = {e.lower() for e in (crawled.labels["signals"].get("contact") or {}).get("emails") or []}
    found = {s.data["value"].lower() for s in crawled.signals if s.kind == "contact" and s.data.get("type") == "email"}
    assert found == expected, case


def test_not_social_profile_entries_are_never_counted(site):
    case, crawled = site
    negatives = {label_key(n["url"], crawled.base, n.get("page"))
                 for n in crawled.labels["signals"].get("not_social_profile") or [] if n.get("url") not in ("#", "")}
    counted_accounts = {urls.canonical(s.url) for s in crawled.signals
                        if s.kind in ("social_profile", "mobile_app") and counted(s)}
    assert not counted_accounts & negatives, case


BOUNDED = [c for c in CASES if (load_labels(c)["signals"].get("datasets") or {}).get("collections_at_least")]


@pytest.mark.parametrize("case", BOUNDED)
def test_collections_at_least(case):
    crawled = crawl(case)
    wanted = crawled.labels["signals"]["datasets"]["collections_at_least"]
    datasets = [EvidenceSignal(s.kind, s.url, s.found_on, s.on_home, s.data) for s in crawled.signals
                if s.kind == "dataset" and s.data.get("in_data_section")]
    assert len(collections_of(datasets, count_ungrouped=True)) >= wanted, case


def test_every_error_class_has_a_case():
    assert {"article-about-open-data", "foreign-portals-in-article", "home-menu-points-home", "soft-404-menu",
            "author-and-staff-accounts", "app-badges", "js-loader-buzon", "popup-email", "data-per-region"} <= set(CASES)
