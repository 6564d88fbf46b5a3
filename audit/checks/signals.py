"""Checks on the presence and count of typed signals (social profiles, sections, tools, contacts...)."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from audit.checks.base import (
    CONFIRMED,
    DEFAULT_MIN_CONFIDENCE,
    INCLUDE_REFERENCES,
    MIN_CONFIDENCE,
    CheckOutcome,
    EvidenceIndex,
    Param,
    failed,
    is_decided,
    is_reference,
    matches,
    partly,
    passed,
    text_problem,
    to_review,
)
from audit.checks.registry import FromParam, check
from audit.evidence import EvidenceSignal
from audit.messages import KIND_ES, PLACEMENT_ES, REASON_ES, ROLE_ES, Message, joined, key_of, localized, msg
from audit.result import PASS
from store.kinds import kind_names

# The kinds of the one table (store.kinds), as the table stood at import; params read the table at validation.
SIGNAL_KINDS = kind_names()

KIND_LABELS = KIND_ES      # Spanish labels (audit.messages holds both languages)

KIND = Param((str, list), required=True, choices=kind_names, help="signal kind or list of kinds")
WHERE = Param((dict,), default=None, help="data fields that must equal these values (a list = any of)")
ON_HOME = Param((bool,), default=None, help="true: only signals linked from the home page")
MAX_DEPTH = Param((int,), default=None, help="only signals whose data.depth is at most this")


def label(kinds: str | list[str]) -> Message:
    """'perfil institucional en redes sociales o canal de video' as a message."""
    kinds = [kinds] if isinstance(kinds, str) else kinds
    return joined([msg(key_of("kind", k)) if k in KIND_LABELS else k for k in kinds], "or")


def select(ev: EvidenceIndex, p: Mapping[str, Any]) -> list[EvidenceSignal]:
    """Signals of p['kind'] that satisfy on_home, max_depth and where (others' things only when asked)."""
    found = []
    for signal in ev.of_kind(p["kind"]):
        if p.get("on_home") and not signal.on_home:
            continue
        if p.get("max_depth") is not None and _depth(signal) > p["max_depth"]:
            continue
        if is_reference(signal) and not p.get("include_references"):
            continue
        if matches(signal, p.get("where")):
            found.append(signal)
    return found


def split(signals: list[EvidenceSignal], p: Mapping[str, Any]) -> tuple[list[EvidenceSignal], list[EvidenceSignal]]:
    """(decided, for a person): confirmed and confident detections apart from candidates the crawler could not
    confirm or is not sure of."""
    floor = p.get("min_confidence", DEFAULT_MIN_CONFIDENCE)
    sure = [s for s in signals if is_decided(s, floor) or (is_reference(s) and p.get("include_references"))]
    return sure, [s for s in signals if s not in sure]


def _depth(signal: EvidenceSignal) -> int:
    depth = signal.data.get("depth")
    if isinstance(depth, int):
        return depth
    return 0 if signal.on_home else 99


def _place(p: Mapping[str, Any]) -> Message | str:
    return msg("signal.place.on_home") if p.get("on_home") else ""


def _more(n: int) -> Message | str:
    return msg("more", n=n) if n > 0 else ""


def _placement_term(data: Mapping[str, Any]) -> Message | None:
    region = str(data.get("placement") or "").partition("/")[2]
    return msg(key_of("placement", region)) if region in PLACEMENT_ES else None


def _why_term(data: Mapping[str, Any]) -> Message | None:
    """Why a graded signal could not be decided (None when no known reason applies)."""
    for code in reversed(data.get("reasons") or []):
        if code in REASON_ES:
            return msg(key_of("target", code))
        if str(code).startswith("target_"):
            return msg("signal.target_problem", code=str(code)[7:])
    return None


def describe(signal: EvidenceSignal) -> Message | str:
    """'<url> (enlace en el menú principal; destino: página de tipo artículo; confianza 0.45)' for a reason:
    where the link sat, what its target was, why it was not confirmed, how sure the crawler is."""
    parts: list[Message] = []
    placed = _placement_term(signal.data)
    if placed:
        parts.append(placed)
    if signal.data.get("target_role") in ROLE_ES:
        parts.append(msg("signal.target_is", role=msg(key_of("role", signal.data["target_role"]))))
    why = _why_term(signal.data) if signal.data.get("status") != CONFIRMED else None
    if why:
        parts.append(why)
    if isinstance(signal.data.get("confidence"), int | float):
        parts.append(msg("signal.confidence", c=float(signal.data["confidence"])))
    return msg("signal.described", url=signal.url, detail=joined(parts, ";")) if parts else signal.url


def _for_review(what: Message, unsure: list[EvidenceSignal], found: int = 0, needed: int = 1) -> CheckOutcome:
    """A person decides: the crawler proposed candidates it could not confirm."""
    listed = [joined([describe(s) for s in unsure[:3]], ";"), _more(len(unsure) - 3)]
    have = msg("signal.confirmed_of", found=found, needed=needed) if found else ""
    return to_review(msg("signal.for_review", have=have, what=what, listed=joined(listed, "")),
                     suggestion=msg("review.check_by_hand", url=unsure[0].url), signals=unsure)


GRADED = {"min_confidence": MIN_CONFIDENCE, "include_references": INCLUDE_REFERENCES}


@check("has_signal", params={"kind": KIND, "where": WHERE, "on_home": ON_HOME, "max_depth": MAX_DEPTH,
                             "min": Param((int,), default=1, help="how many distinct signals are needed"), **GRADED},
       reads=[FromParam("kind")], final=[PASS])
def has_signal(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """At least `min` signals of a kind (optionally on the home page and with data fields equal to values);
    candidates the crawler could not confirm, or is not confident of, go to a person."""
    found, unsure = split(select(ev, p), p)
    what = joined([label(p["kind"]), _place(p)], "")
    if len(found) >= p["min"]:
        return passed(msg("signal.found", what=what, first=describe(found[0]), more=_more(len(found) - 1)), found)
    if unsure:
        return _for_review(what, unsure, len(found), p["min"])
    if found:
        return partly(len(found) / p["min"], msg("signal.some_of", found=len(found), min=p["min"], what=what), found)
    if p.get("on_home"):
        elsewhere, _ = split(select(ev, {**p, "on_home": False}), p)
        if elsewhere:
            return failed(msg("signal.not_on_home", what=label(p["kind"]), url=elsewhere[0].found_on),
                          absent=False, signals=elsewhere)
    return failed(msg("signal.not_found", what=what))


@check("signal_on_home", params={"kind": KIND, "where": WHERE, **GRADED}, reads=[FromParam("kind")], final=[PASS])
def signal_on_home(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """A signal of a kind linked from the home page."""
    return has_signal(ev, {**p, "on_home": True, "min": 1, "max_depth": None})


@check("count_signals", params={"kind": KIND, "where": WHERE, "on_home": ON_HOME, "max_depth": MAX_DEPTH,
                                "min": Param((int,), required=True, help="signals needed to pass"), **GRADED},
       reads=[FromParam("kind")], final=[PASS])
def count_signals(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """At least `min` distinct signals of a kind; the fraction is found/min (unsure ones go to a person)."""
    found, unsure = split(select(ev, p), p)
    what = label(p["kind"])
    if len(found) < p["min"] and unsure:
        return _for_review(what, unsure, len(found), p["min"])
    if not found:
        return failed(msg("signal.none_of_needed", what=what, place=_place(p), min=p["min"]))
    return partly(len(found) / p["min"], msg("signal.count", n=len(found), what=what, min=p["min"]), found)


@check("search_tool", params={
    "scope": Param((str,), default="any", choices=("any", "site", "data_section")),
    "dynamic": Param((bool,), default=None, help="true: only dynamic (query) search tools")}, reads=["search_tool"],
       final=[PASS])
def search_tool(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """A search tool for the site or the data section (optionally a dynamic one)."""
    tools = ev.of_kind("search_tool")
    if p["scope"] != "any":
        tools = [s for s in tools if s.data.get("scope") == p["scope"]]
    if p["dynamic"] is not None:
        tools = [s for s in tools if bool(s.data.get("dynamic")) == p["dynamic"]]
    where = "" if p["scope"] == "any" else msg(f"search.where.{p['scope']}")
    if tools:
        return passed(msg("search.found", where=where, url=tools[0].url), tools)
    others = [s for s in ev.of_kind("search_tool") if s not in tools]
    if others:
        return failed(msg("search.other", url=others[0].url, where=where), signals=others)
    return failed(msg("search.not_found", where=where))


@check("contact_tied_to_participation", params={
    "types": Param((list,), default=None, choices=("email", "phone", "address", "form"),
                   help="contact types that count (default: all)")}, reads=["contact"],
       final=[PASS])
def contact_tied_to_participation(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """A phone, e-mail, address or form presented as the contact of a participation strategy."""
    contacts = [s for s in ev.of_kind("contact") if not p["types"] or s.data.get("type") in p["types"]]
    tied = [s for s in contacts if s.data.get("participation_related")]
    if tied:
        return passed(msg("contact.tied", value=str(tied[0].data.get("value") or tied[0].url)), tied)
    if contacts:
        return failed(msg("contact.untied", n=len(contacts)), signals=contacts)
    return failed(msg("contact.none"))


MENTION_FIELDS = ("label", "collection", "topic", "value", "type", "target")


def _regex_problem(value: Any) -> str | None:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        return "needs a non-empty list of texts"
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as exc:
            return f"invalid regular expression {pattern!r}: {exc}"
    return None


_SEPARATORS = re.compile(r"[-_/.+]|%20")


def fold(text: str) -> str:
    """Lower-case, accents removed, URL separators as spaces: 'Plan-Municipal_de-Desarrollo' ~ 'plan municipal de desarrollo'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", text.lower())


@lru_cache(maxsize=256)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    folded = (unicodedata.normalize("NFKD", p) for p in patterns)
    cleaned = ("".join(ch for ch in p if not unicodedata.combining(ch)) for p in folded)
    return re.compile("|".join(f"(?:{p})" for p in cleaned), re.IGNORECASE)


def _signal_text(signal: EvidenceSignal, fields: tuple[str, ...]) -> str:
    parts = [signal.url, signal.snippet]
    parts += [str(signal.data[f]) for f in fields if signal.data.get(f) not in (None, "")]
    return fold(" ".join(parts))


@check("mentions", params={
    "patterns": Param((list,), required=True, validate=_regex_problem,
                      help="regular expressions (case-insensitive), any of which must match"),
    "kinds": Param((list,), default=None, choices=kind_names, help="signal kinds to search (default all)"),
    "where": WHERE, "on_home": ON_HOME,
    "what": Param((str, dict), default="", validate=text_problem,
                  help="name of what is sought, for the reason: Spanish text or {es: ..., en: ...}")},
       reads=[FromParam("kinds")], final=[PASS])
def mentions(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """Signals whose URL, snippet, label, collection or topic mention one of `patterns` (keyword evidence).

    Text and patterns are compared lower-case and without accents; '-', '_', '/', '.' in URLs read as spaces.
    """
    regex = _compiled(tuple(p["patterns"]))
    pool = ev.of_kind(p["kinds"]) if p["kinds"] else ev.evidence.signals
    found = [s for s in pool if (not p["on_home"] or s.on_home) and matches(s, p["where"])
             and regex.search(_signal_text(s, MENTION_FIELDS))]
    what = localized(p["what"]) or msg("mentions.default_what", patterns=" / ".join(p["patterns"][:3]))
    if found:
        return passed(msg("mentions.found", what=what, url=found[0].url, more=_more(len(found) - 1)), found)
    return failed(msg("mentions.not_found", what=what))
