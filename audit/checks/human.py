"""Checks that need (or may need) a person: readability proposals, social activity probes, human-only items."""
from __future__ import annotations

from collections.abc import Mapping
from statistics import median
from typing import Any

from audit.checks.base import (
    CheckOutcome,
    EvidenceIndex,
    Param,
    failed,
    outcome,
    parse_date,
    passed,
    refs,
    text_problem,
    to_review,
)
from audit.checks.registry import ALL_KINDS, FromParam, check
from audit.messages import localized, msg, status_word
from audit.result import FAIL, NEEDS_REVIEW, PASS


@check("readability", params={
    "min_score": Param((int, float), default=60, help="minimum Fernández-Huerta score (60 = normal)"),
    "max_scanned_share": Param((int, float), default=0.3, help="highest tolerated share of scanned PDFs")},
       reads=["clarity"])
def readability(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """Proposal on plain language from Fernández-Huerta readability and the share of scanned PDFs."""
    signals = ev.of_kind("clarity")
    scores = [s.data["readability"] for s in signals if isinstance(s.data.get("readability"), int | float)]
    scans = [s.data["scanned_pdf_share"] for s in signals if isinstance(s.data.get("scanned_pdf_share"), int | float)]
    if not scores:
        return to_review(msg("readability.none"), signals=signals)
    value = median(scores)
    scanned = max(scans, default=0.0)
    ok = value >= p["min_score"] and scanned <= p["max_scanned_share"]
    words = {"verdict": status_word(PASS if ok else FAIL),
             "detail": msg("readability.detail", value=float(value), min=p["min_score"]),
             "scans": msg("readability.scans", share=scanned) if scans else ""}
    return outcome(PASS if ok else FAIL, 1.0 if ok else 0.0, msg("readability.proposal", **words), refs(signals),
                   suggestion=msg("readability.suggestion", **words))


@check("human_only", params={"hint": Param((str, dict), default="", validate=text_problem,
                                          help="what the reviewer should look at: text or {es: ..., en: ...}")},
       # a person judges the whole site, not recorded signals: any change of evidence asks them again
       reads=[ALL_KINDS])
def human_only(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """Nothing a machine can judge: always asks for a human review."""
    return to_review(msg("human.hint", hint=localized(p["hint"])) if p["hint"] else msg("human.default_hint"))


# Evidence.facts key under which a social-activity probe records accounts' last publication and interaction
# (a list of {identity, url, probe, last_post_at, last_interaction_at}); no probe ships today, see CHANGELOG.
SOCIAL_ACTIVITY_FACT = "social_activity"


@check("social_activity", params={
    "days": Param((int,), default=7, help="window before the crawl"),
    "what": Param((str,), default="post", choices=("post", "interaction"),
                  help="post: the account published; interaction: it answered a citizen"),
    "kinds": Param((list,), default=["social_profile", "video_channel"],
                   choices=("social_profile", "video_channel", "mayor_profile"))}, reads=[FromParam("kinds")],
       # once one account is found the verdict rests on the accounts' activity (a person, or a probe after the
       # crawl), not on more pages
       final=[PASS, NEEDS_REVIEW])
def social_activity(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """Recent activity of the municipality's accounts, from optional probe results; else asks a reviewer."""
    accounts = ev.of_kind(p["kinds"])
    if not accounts:
        return failed(msg("social.no_accounts"))
    field = "last_post_at" if p["what"] == "post" else "last_interaction_at"
    what = msg(f"social.what.{p['what']}")
    probed = [r for r in ev.facts.get(SOCIAL_ACTIVITY_FACT) or [] if isinstance(r, Mapping)]
    dates = sorted(((d, r) for r in probed if (d := parse_date(r.get(field))) is not None),
                   key=lambda pair: pair[0], reverse=True)
    urls = ", ".join(s.url for s in accounts[:5])
    if not dates:
        return to_review(msg("social.unprobed", what=what, days=p["days"], crawled=ev.crawled_on.isoformat(),
                             urls=urls), signals=accounts)
    newest, record = dates[0]
    age = (ev.crawled_on - newest).days
    detail = msg("social.detail", newest=newest.isoformat(), where=str(record.get("url") or record.get("identity")))
    if -1 <= age <= p["days"]:
        return passed(msg("social.active", what=what, days=p["days"], detail=detail), accounts)
    return failed(msg("social.inactive", what=what, days=p["days"], detail=detail), absent=False, signals=accounts)
