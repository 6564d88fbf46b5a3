"""Checks on the open-data section's content: datasets, collections, topics, formats."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from audit.checks.base import CheckOutcome, EvidenceIndex, Param, failed, partly, passed
from audit.checks.registry import check
from audit.evidence import EvidenceSignal
from audit.messages import Message, joined, msg
from audit.result import PASS

IN_SECTION = Param((bool,), default=True, help="true: only datasets listed in the open-data section")
NON_DATA_FORMATS = ("html", "htm", "php", "aspx", "")


def datasets(ev: EvidenceIndex, in_data_section: bool) -> list[EvidenceSignal]:
    found = ev.of_kind("dataset")
    return [s for s in found if s.data.get("in_data_section")] if in_data_section else found


def _where(in_data_section: bool) -> Message:
    return msg("data.where.section") if in_data_section else msg("data.where.site")


@check("count_datasets", params={
    "min": Param((int,), required=True, help="datasets needed to pass"), "in_data_section": IN_SECTION,
    "machine_readable": Param((bool,), default=None, help="true: only machine-readable formats")}, reads=["dataset"],
    final=[PASS])
def count_datasets(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """At least `min` downloadable datasets; the fraction is found/min."""
    found = datasets(ev, p["in_data_section"])
    if p["machine_readable"] is not None:
        found = [s for s in found if bool(s.data.get("machine_readable")) == p["machine_readable"]]
    if not found:
        return failed(msg("data.no_files", where=_where(p["in_data_section"])))
    return partly(len(found) / p["min"], msg("data.files_found", n=len(found), where=_where(p["in_data_section"]),
                                             min=p["min"]), found)


def collections_of(found: list[EvidenceSignal], count_ungrouped: bool) -> dict[str, list[EvidenceSignal]]:
    """Datasets grouped by collection heading; ungrouped files count as their own collection when asked."""
    groups: dict[str, list[EvidenceSignal]] = {}
    for signal in found:
        name = str(signal.data.get("collection") or "").strip()
        if not name and count_ungrouped:
            name = signal.url
        if name:
            groups.setdefault(name, []).append(signal)
    return groups


@check("count_collections", params={
    "min": Param((int,), required=True, help="collections (rubros, document sets or databases) needed"),
    "in_data_section": IN_SECTION,
    "count_ungrouped": Param((bool,), default=True, help="a file without a heading counts as one collection")},
       reads=["dataset"], final=[PASS])
def count_collections(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """At least `min` collections of documents, rubros or databases."""
    groups = collections_of(datasets(ev, p["in_data_section"]), p["count_ungrouped"])
    if not groups:
        return failed(msg("data.no_collections", where=_where(p["in_data_section"])))
    names = ", ".join(sorted(groups)[:5])
    return partly(len(groups) / p["min"], msg("data.collections", n=len(groups), names=names, min=p["min"]),
                  [g[0] for g in groups.values()])


@check("organised_by_topics", params={
    "min_topics": Param((int,), default=2, help="distinct topics needed"),
    "require_subtopics": Param((bool,), default=True, help="a topic must hold two or more collections"),
    "in_data_section": IN_SECTION}, reads=["dataset"], final=[PASS])
def organised_by_topics(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """Data classified by topics (and subtopics: collections inside a topic)."""
    found = datasets(ev, p["in_data_section"])
    topics: dict[str, set[str]] = {}
    for signal in found:
        topic = str(signal.data.get("topic") or "").strip()
        if topic:
            topics.setdefault(topic, set()).add(str(signal.data.get("collection") or "").strip())
    if not topics:
        if found:
            return failed(msg("data.not_by_topic"), absent=False, signals=found)
        return failed(msg("data.no_topics", where=_where(p["in_data_section"])))
    listed = ", ".join(sorted(topics)[:5])
    with_sub = [t for t, cols in topics.items() if len(cols - {""}) >= 2]
    enough = len(topics) >= p["min_topics"]
    if enough and (with_sub or not p["require_subtopics"]):
        return passed(msg("data.by_topics", n=len(topics), listed=listed), found)
    missing = [] if enough else [msg("data.topics_of", n=len(topics), min=p["min_topics"])]
    if p["require_subtopics"] and not with_sub:
        missing.append(msg("data.no_subtopics"))
    return partly(0.5, msg("data.topics_incomplete", listed=listed, missing=joined(missing, ";")), found)


@check("formats_machine_readable", params={
    "share": Param((int, float), default=None, help="minimum share (0-1) of machine-readable files"),
    "any": Param((bool,), default=False, help="pass with at least one machine-readable file"),
    "in_data_section": IN_SECTION}, reads=["dataset"],
    # "any" only grows with more files; a share can fall when more files are found
    final=lambda p: [PASS] if p["any"] or p["share"] is None else [])
def formats_machine_readable(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """Files in formats that allow quick extraction and reuse (CSV, XLSX, JSON...): any, or a minimum share."""
    found = datasets(ev, p["in_data_section"])
    if not found:
        return failed(msg("data.no_files", where=_where(p["in_data_section"])))
    readable = [s for s in found if s.data.get("machine_readable")]
    share = len(readable) / len(found)
    formats = ", ".join(sorted({str(s.data.get("format") or "?") for s in readable})) or msg("none")
    detail = msg("data.readable_detail", r=len(readable), n=len(found), formats=formats)
    wanted = p["share"] if p["share"] is not None and not p["any"] else None
    if wanted is None:
        return passed(msg("data.readable_some", detail=detail), readable) if readable else failed(
            msg("data.readable_none", detail=detail), absent=False, signals=found)
    return partly(share / wanted if wanted else 1.0, msg("data.readable_share", detail=detail, share=wanted),
                  readable or found)


@check("downloadable", params={"min": Param((int,), default=1), "in_data_section": IN_SECTION}, reads=["dataset"],
       final=[PASS])
def downloadable(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """Information can be downloaded as files (not only shown as web pages)."""
    files = [s for s in datasets(ev, p["in_data_section"])
             if str(s.data.get("format") or "").lower() not in NON_DATA_FORMATS]
    if not files:
        return failed(msg("data.no_downloads", where=_where(p["in_data_section"])))
    return partly(len(files) / p["min"], msg("data.downloads", n=len(files), url=files[0].url), files)


@check("processed_data", params={
    "max_scanned_share": Param((int, float), default=0.3, help="highest tolerated share of scanned PDFs/images"),
    "in_data_section": IN_SECTION}, reads=["dataset", "clarity"])
def processed_data(ev: EvidenceIndex, p: Mapping[str, Any]) -> CheckOutcome:
    """Proposal: data were processed for end use (structured files, few scans or images)."""
    found = datasets(ev, p["in_data_section"])
    if not found:
        return failed(msg("data.no_files", where=_where(p["in_data_section"])))
    images = {"jpg", "jpeg", "png", "gif", "tif", "tiff"}
    raw = [s for s in found if str(s.data.get("format") or "").lower() in images]
    scanned = [s.data["scanned_pdf_share"] for s in ev.of_kind("clarity")
               if isinstance(s.data.get("scanned_pdf_share"), int | float)]
    share = max([len(raw) / len(found), *scanned])
    if share <= p["max_scanned_share"]:
        return passed(msg("data.processed", share=share), found)
    return failed(msg("data.scanned", share=share), absent=False, signals=raw or found)
