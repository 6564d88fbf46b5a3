"""Render the export document (plus optional history) as a static, offline, bilingual report site."""
from __future__ import annotations

import json
import math
import re
import shutil
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from reports import archive as archived_copies
from reports import charts, exports, geo, i18n, uncertainty
from reports import citation as citations
from reports.pdf import ChromiumNotFound, render_pdf  # noqa: F401  (re-exported)
from reports.urls import safe_href

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")
SNIPPET_MAX = 300

# Score bands (lower bound inclusive); CSS classes band-0..band-4 carry the colours.
BANDS = [(0, "Muy bajo"), (20, "Bajo"), (40, "Medio"), (60, "Alto"), (80, "Muy alto")]
# Population bands (INEGI-like size classes).
POP_BANDS = [(0, "Menos de 15 mil"), (15_000, "15 mil a 50 mil"), (50_000, "50 mil a 100 mil"),
             (100_000, "100 mil a 500 mil"), (500_000, "500 mil o más")]
# Criteria groups on a municipality page, in display order: what to fix first.
GROUPS = [("fix", ("fail", "partial"), "Por mejorar"), ("pass", ("pass",), "Cumplidos"),
          ("na", ("not_applicable",), "No aplica"),
          ("review", ("needs_review", "error"), "Pendientes de revisión humana o no verificables"),
          ("info", ("informative",), "Informativos (no suman puntos)")]
UNAVAILABLE = charts.UNAVAILABLE     # score statuses without a score

_CVEGEO = re.compile(r"^[0-9]{5}$")
_STATE = re.compile(r"^[0-9]{2}$")


# ---------------------------------------------------------------- small pure helpers (also used as filters)

def ext_link(url: Any, text: Any = None) -> Markup:
    """A link for a crawled URL: clickable only when safe_href allows it, otherwise shown as inert text.

    A Python function rather than a Jinja macro: evidence links are the most frequent element of the site."""
    label = escape(truncate(text or url or "", 120))
    href = safe_href(url)
    if href:
        return Markup(f'<a class="ext" href="{escape(href)}" rel="nofollow noopener noreferrer"><bdi>{label}</bdi></a>')
    return Markup(f'<span class="unsafe-url"><bdi>{label}</bdi></span>')


def truncate(text: Any, limit: int = SNIPPET_MAX) -> str:
    text = "" if text is None else str(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def band_index(score: float | None) -> int | None:
    if score is None:
        return None
    return max(i for i, (low, _) in enumerate(BANDS) if score >= low)


def pop_band_index(pop: int | None) -> int | None:
    if pop is None:
        return None
    return max(i for i, (low, _) in enumerate(POP_BANDS) if pop >= low)


def fmt_date(value: Any) -> str:
    """ISO date (yyyy-mm-dd) of an ISO timestamp; unparseable values are shown as given."""
    if not value:
        return ""
    text = str(value)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return truncate(text, 40)


def fmt_num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.{digits}f}"
    return f"{int(value):,}"


def competition_ranks(items: list[tuple[str, float]]) -> dict[str, int]:
    """Rank (1224 style) of each key by descending score."""
    ranks: dict[str, int] = {}
    prev, rank = None, 0
    for i, (key, score) in enumerate(sorted(items, key=lambda kv: -kv[1])):
        if score != prev:
            rank, prev = i + 1, score
        ranks[key] = rank
    return ranks


def signal_key(s: dict) -> tuple[str, str]:
    """One signal identity across runs: the account for profiles, else the URL."""
    if s.get("platform") and s.get("handle"):
        return s["kind"], f"{s['platform']}:{s['handle']}".lower()
    return s["kind"], s.get("url", "")


# ---------------------------------------------------------------- rubric outline (methodology, why/how)

def _text(value: Any, lang: str) -> str:
    """Rubric texts may be plain strings or {"es": ..., "en": ...}."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("es") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _first(d: dict, *keys: str) -> Any:
    return next((d[k] for k in keys if d.get(k) not in (None, "", [])), None)


def _listify(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _sources(value: Any, lang: str) -> list[dict]:
    out = []
    for s in _listify(value):
        if isinstance(s, dict) and not {"es", "en"} >= set(s):
            out.append({"title": _text(_first(s, "title", "name", "citation") or s.get("url"), lang),
                        "url": s.get("url")})
        else:
            out.append({"title": _text(s, lang), "url": None})
    return out


def rubric_outline(rubric: dict | None, doc: dict, lang: str) -> dict:
    """Normalise a rubric dict (nested or flat criteria) or, without one, what the document shows."""
    meta = doc.get("rubric", {})
    if not rubric:
        cats: dict[str, dict] = {}
        for m in doc.get("municipalities", []):
            for c in m.get("categories", []):
                cats.setdefault(c["id"], {"id": c["id"], "title": c["title"], "weight": c.get("weight"),
                                          "max_points": c.get("max_points"), "description": "", "criteria": {}})
            for c in m.get("criteria", []):
                cat = cats.setdefault(c["category"], {"id": c["category"], "title": c["category"], "weight": None,
                                                      "max_points": None, "description": "", "criteria": {}})
                cat["criteria"].setdefault(c["id"], {"id": c["id"], "title": c.get("title", c["id"]),
                                                     "points": c["max_points"], "mode": c.get("mode"),
                                                     "description": "", "why": "", "how_to_fix": "", "sources": [],
                                                     "rule": "", "who": "", "needs_person": False, "partial": "",
                                                     "requires": []})
        for cat in cats.values():
            cat["criteria"] = list(cat["criteria"].values())
        return {"id": meta.get("id"), "version": meta.get("version"), "title": meta.get("title"),
                "description": "", "categories": list(cats.values()), "sources": [], "limits": [],
                "caps": [], "calibration": [], "from_rubric": False}

    raw_cats = rubric.get("categories") or []
    if isinstance(raw_cats, dict):
        raw_cats = [{"id": k, **v} for k, v in raw_cats.items()]
    flat = rubric.get("criteria") or []
    if isinstance(flat, dict):
        flat = [{"id": k, **v} for k, v in flat.items()]
    by_cat: dict[str, list] = defaultdict(list)
    for c in flat:
        by_cat[str(c.get("category"))].append(c)

    def criterion(c: dict) -> dict:
        return {"id": c.get("id"), "title": _text(_first(c, "title", "name") or c.get("id"), lang),
                "points": _first(c, "points", "max_points", "weight"), "mode": c.get("mode", "auto"),
                "description": _text(_first(c, "description", "question", "check_description"), lang),
                "why": _text(_first(c, "why", "why_it_matters", "rationale"), lang),
                "how_to_fix": _text(_first(c, "how_to_fix", "fix", "remedy", "recommendation"), lang),
                "sources": _sources(_first(c, "sources", "source"), lang),
                # generated from the check (audit.describe via rubric_for_report): the rule, who decides
                "rule": _text(c.get("rule"), lang), "who": _text(c.get("who"), lang),
                "needs_person": bool(c.get("needs_person")), "partial": _text(c.get("partial"), lang),
                "requires": _listify(c.get("requires"))}

    cats = []
    for cat in raw_cats:
        crits = [criterion(c) for c in list(cat.get("criteria") or []) + by_cat.get(str(cat.get("id")), [])]
        cats.append({"id": cat.get("id"), "title": _text(_first(cat, "title", "name") or cat.get("id"), lang),
                     "weight": _first(cat, "weight", "points", "max_points"),
                     "description": _text(cat.get("description"), lang), "criteria": crits})
    return {"id": rubric.get("id", meta.get("id")), "version": rubric.get("version", meta.get("version")),
            "title": _text(rubric.get("title", meta.get("title")), lang),
            "description": _text(rubric.get("description"), lang), "categories": cats,
            "sources": _sources(_first(rubric, "sources", "source", "references"), lang),
            "limits": [_text(x, lang) for x in _listify(_first(rubric, "limits", "limitations",
                                                                  "automation_limits"))],
            "caps": [{"id": k.get("id"), "criterion": k.get("criterion"), "max": k.get("max"),
                      "scope": k.get("scope", "total"), "reason": _text(k.get("reason"), lang),
                      "criterion_title": next((c["title"] for cat in cats for c in cat["criteria"]
                                               if c["id"] == k.get("criterion")), k.get("criterion"))}
                     for k in _listify(rubric.get("caps")) if isinstance(k, dict)],
            "calibration": [a for a in _listify(rubric.get("calibration")) if isinstance(a, dict)],
            "from_rubric": True}


# ---------------------------------------------------------------- templates

@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, auto_reload=False,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(safe_href=safe_href, truncate_text=truncate, date=fmt_date, num=fmt_num)
    env.globals.update(ext_link=ext_link, BANDS=BANDS, POP_BANDS=POP_BANDS, GROUPS=GROUPS, band_index=band_index,
                       UNAVAILABLE=UNAVAILABLE, SCORE_STATUS=i18n.SCORE_STATUS, CRIT_STATUS=i18n.CRIT_STATUS,
                       CRAWL_STATUS=i18n.CRAWL_STATUS, STOP_REASON=i18n.STOP_REASON, MODE=i18n.MODE, SIGNAL_KIND=i18n.SIGNAL_KIND,
                       PLACEMENT=i18n.PLACEMENT, PAGE_ROLE=i18n.PAGE_ROLE, CAUSES=uncertainty.CAUSES)
    env.globals.update(archive_note=archived_copies.archive_note, citation_for=citations.citation)
    return env


class _Writer:
    """Renders templates for one language and writes them under the site root."""

    def __init__(self, out_dir: Path, lang: str, common: dict):
        self.out_dir, self.lang = out_dir, lang
        env = _environment()
        self.templates = {name: env.get_template(f"{name}.html.j2")
                          for name in ("index", "state", "municipality", "methodology", "dictionary", "compare",
                                       "runs", "forward")}
        self.common = {"lang": lang, "_": i18n.translator(lang), "_n": i18n.plural_translator(lang), **common}

    def write(self, template: str, rel_path: str, **ctx: Any) -> Path:
        depth = rel_path.count("/")
        path = self.out_dir / rel_path
        html = self.templates[template].render(**self.common, root="../" * depth, page=rel_path, **ctx)
        path.write_text(html, encoding="utf-8")
        return path


# ---------------------------------------------------------------- view models

@dataclass
class History:
    """What the report needs from the earlier runs, read once from any iterable of export documents (oldest
    first): each run's date and scores, and the whole of the latest earlier run (for changes). Holding only
    this, not every document, keeps a year of national history in tens of megabytes."""

    dates: list[str] = field(default_factory=list)
    scores: list[dict[str, float | None]] = field(default_factory=list)
    previous: dict | None = None

    @classmethod
    def read(cls, runs: Iterable[dict] | None) -> History:
        history = cls()
        for run in runs or ():
            history.dates.append(fmt_date(run.get("generated_at")))
            history.scores.append({m["cvegeo"]: m.get("score") for m in run.get("municipalities", [])})
            history.previous = run          # the earlier one is released here
        return history

    def __bool__(self) -> bool:
        return self.previous is not None


def _history_series(history: History, doc: dict) -> tuple[list[str], dict[str, list]]:
    """Run dates and, per cvegeo, the score of each run (None when not scored or absent). O(runs x munis)."""
    runs = [*history.scores, {m["cvegeo"]: m.get("score") for m in doc.get("municipalities", [])}]
    dates = [*history.dates, fmt_date(doc.get("generated_at"))]
    series: dict[str, list] = defaultdict(lambda: [None] * len(runs))
    for i, scores in enumerate(runs):
        for cvegeo, score in scores.items():
            series[cvegeo][i] = score
    return dates, series


def _changes(now: dict, prev: dict | None) -> dict | None:
    """Criteria gained/lost and signals that appeared/vanished since the previous run."""
    if prev is None:
        return None
    before = {c["id"]: c for c in prev.get("criteria", [])}
    gained, lost = [], []
    for c in now.get("criteria", []):
        b = before.get(c["id"])
        if b is None:
            continue
        delta = (c.get("points") or 0) - (b.get("points") or 0)
        item = {"title": c.get("title") or c["id"], "id": c["id"], "before": b["status"], "now": c["status"],
                "delta": delta}
        if delta > 0:
            gained.append(item)
        elif delta < 0:
            lost.append(item)
    old_sigs = {signal_key(s): s for s in prev.get("signals", [])}
    new_sigs = {signal_key(s): s for s in now.get("signals", [])}
    appeared = [new_sigs[k] for k in new_sigs.keys() - old_sigs.keys()]
    vanished = [old_sigs[k] for k in old_sigs.keys() - new_sigs.keys()]
    score_delta = None
    if now.get("score") is not None and prev.get("score") is not None:
        score_delta = now["score"] - prev["score"]
    return {"gained": gained, "lost": lost, "appeared": sorted(appeared, key=signal_key),
            "vanished": sorted(vanished, key=signal_key), "score_delta": score_delta,
            "prev_status": prev.get("score_status")}


def _row(m: dict, browser: bool | None = None) -> dict:
    """What a ranking table needs of a municipality, with the range its pending points allow and their causes
    (`browser` is the run's run.browser.available, when the document records it)."""
    score = m.get("score")
    available = score is not None and m.get("score_status") not in UNAVAILABLE
    _, upper = uncertainty.score_range(m) if available else (None, None)
    return {"upper": upper, "causes": uncertainty.pending_causes(m, browser) if available else {},
            "cvegeo": m["cvegeo"], "name": m["name"], "state": m["state"], "state_code": m["state_code"],
            "population": m.get("population"), "pop_band": pop_band_index(m.get("population")),
            "score": score if available else None, "band": band_index(score) if available else None,
            "status": m.get("score_status"), "pending": m.get("pending_points") or 0,
            "crawl_status": (m.get("crawl") or {}).get("status"),
            "rank_national": m["rank"]["national"], "rank_state": m["rank"]["state"], "delta": None}


def _prepare(doc: dict) -> list[dict]:
    """Shallow copies of the municipalities with state_code and ranks filled in, in ranking order."""
    munis = []
    for m in doc.get("municipalities", []):
        if not _CVEGEO.match(str(m.get("cvegeo", ""))):
            raise exports.DocumentError(f"municipality {m.get('name')!r}: cvegeo {m.get('cvegeo')!r} is not 5 digits")
        code = m.get("state_code")
        munis.append({**m, "state_code": code if code and _STATE.match(code) else m["cvegeo"][:2]})
    scored = [m for m in munis if m.get("score") is not None and m.get("score_status") not in UNAVAILABLE]
    national = competition_ranks([(m["cvegeo"], m["score"]) for m in scored])
    by_state: dict[str, list] = defaultdict(list)
    for m in scored:
        by_state[m["state_code"]].append((m["cvegeo"], m["score"]))
    state_rank: dict[str, int] = {}
    for items in by_state.values():
        state_rank.update(competition_ranks(items))
    for m in munis:
        given = m.get("rank") or {}
        m["rank"] = {"national": given.get("national") or national.get(m["cvegeo"]),
                     "state": given.get("state") or state_rank.get(m["cvegeo"])}
    munis.sort(key=lambda m: (m["rank"]["national"] is None, m["rank"]["national"] or 0, m["name"]))
    return munis


def _criterion_order(outline: dict, munis: list[dict]) -> list[tuple[str, str]]:
    """(id, title) of every criterion: the rubric's order first, then any the document has that it lacks."""
    order = {c["id"]: c["title"] for cat in outline["categories"] for c in cat["criteria"]}
    for m in munis:
        for c in m.get("criteria") or []:
            order.setdefault(c["id"], c.get("title") or c["id"])
    return list(order.items())


def histogram(rows: list[dict]) -> dict:
    """Counts per 10-point bin (100 goes into the last bin) plus how many could not be scored."""
    bins = [0] * 10
    for r in rows:
        if r["score"] is not None:
            bins[min(int(r["score"] // 10), 9)] += 1
    hist = {"bins": bins, "max": max(bins) or 1, "unscored": sum(r["score"] is None for r in rows)}
    return {**hist, "chart": charts.histogram_chart(hist)}


def _criterion_view(c: dict, rubric_crit: dict | None) -> dict:
    extra = rubric_crit or {}
    return {**c, "title": c.get("title") or extra.get("title") or c["id"],
            "why": c.get("why") or extra.get("why") or "",
            "how_to_fix": c.get("how_to_fix") or extra.get("how_to_fix") or "",
            "evidence": sorted(c.get("evidence", []), key=lambda e: safe_href(e.get("url")) is None)}


def municipality_view(m: dict, crit_index: dict, total: int, state_total: int, changes: dict | None,
                      dates: list[str], scores: list) -> dict:
    """Everything the municipality page shows, grouped for display (crit_index: rubric criteria by id)."""
    groups = {key: [] for key, _, _ in GROUPS}
    status_group = {s: key for key, statuses, _ in GROUPS for s in statuses}
    for c in m.get("criteria", []):
        groups[status_group.get(c["status"], "review")].append(_criterion_view(c, crit_index.get(c["id"])))
    groups["fix"].sort(key=lambda c: -(c["max_points"] - c["points"]))
    reviewed = [c for g in groups.values() for c in g if c.get("reviewed_by")]
    points = [(d, s) for d, s in zip(dates, scores, strict=True)]
    return {"m": m, "row": _row(m), "groups": groups, "reviewed": reviewed,
            "human_points": sum(c["points"] for c in reviewed), "total": total, "state_total": state_total,
            "changes": changes, "history": points, "chart": line_chart(points)}


def line_chart(points: list[tuple[str, float | None]], width: int = 420, height: int = 170) -> dict | None:
    """Coordinates for an inline SVG line chart of scores (0-100); gaps where a run had no score."""
    if len(points) < 2 or all(s is None for _, s in points):
        return None
    left, right, top, bottom = 34, 12, 12, 28
    step = (width - left - right) / (len(points) - 1)
    y = lambda s: top + (100 - s) * (height - top - bottom) / 100  # noqa: E731
    segments, current, dots = [], [], []
    for i, (date, score) in enumerate(points):
        if score is None:
            if current:
                segments.append(current)
            current = []
            continue
        pt = (round(left + i * step, 1), round(y(score), 1))
        current.append(pt)
        dots.append({"x": pt[0], "y": pt[1], "date": date, "score": score})
    if current:
        segments.append(current)
    every, last = max(1, math.ceil(len(points) / 4)), len(points) - 1
    shown = list(range(0, last + 1, every))
    if shown[-1] != last:
        if last - shown[-1] < every / 2 and len(shown) > 1:
            shown.pop()  # too close to the last label
        shown.append(last)
    xlabels = [{"x": round(left + i * step, 1), "text": points[i][0]} for i in shown]
    return {"width": width, "height": height, "left": left, "right": width - right, "bottom": height - bottom,
            "grid": [{"y": round(y(v), 1), "v": v} for v in (0, 25, 50, 75, 100)], "xlabels": xlabels,
            "paths": [" ".join(f"{x},{yy}" for x, yy in seg) for seg in segments], "dots": dots}


# ---------------------------------------------------------------- public API

def copy_static(out_dir: Path) -> None:
    (out_dir / "static").mkdir(parents=True, exist_ok=True)
    for f in STATIC.iterdir():
        if f.is_file():
            shutil.copyfile(f, out_dir / "static" / f.name)


def _common(doc: dict, lang: str) -> dict:
    return {"doc_meta": {"generated_at": doc.get("generated_at"), "rubric": doc.get("rubric", {}),
                         "tool": doc.get("tool") or {}, "publication": doc.get("publication") or {},
                         "run": doc.get("run") or {}},
            "archived": {}, "cite_conf": citations.CitationSettings()}


def render_site(document: dict, out_dir: Path, *, lang: str = "es", history: Iterable[dict] | None = None,
                rubric: dict | None = None, validate: bool = True,
                archive: archived_copies.WarcArchive | None = None,
                cite: citations.CitationSettings | None = None) -> Path:
    """Write the report site (ranking, states, municipalities, methodology, data) into out_dir; returns index.html.

    `archive` reads the run's WARC files for the archived views of evidence pages (reports/archive.py); `cite`
    gives the organisation and stable address for each municipality page's "Cómo citar" block."""
    if lang not in i18n.LANGUAGES:
        raise ValueError(f"lang must be one of {sorted(i18n.LANGUAGES)}, not {lang!r}")
    if validate:
        exports.validate_document(document)
    out_dir = Path(out_dir)
    for sub in ("estados", "m", "datos"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    copy_static(out_dir)

    munis = _prepare(document)
    outline = rubric_outline(rubric, document, lang)
    history = History.read(history)      # earlier runs may be a generator: each is read once, then dropped
    dates, series = _history_series(history, document)
    previous = {m["cvegeo"]: m for m in history.previous.get("municipalities", [])} if history else {}
    prev_rubric = history.previous.get("rubric", {}).get("hash") if history else None
    rubric_changed = bool(history) and prev_rubric != document.get("rubric", {}).get("hash")

    browser = uncertainty.browser_available(document)
    rows = [_row(m, browser) for m in munis]
    for r in rows:
        prev = previous.get(r["cvegeo"])
        if prev and r["score"] is not None and prev.get("score") is not None:
            r["delta"] = r["score"] - prev["score"]
    states: dict[str, dict] = {}
    for r in rows:
        st = states.setdefault(r["state_code"], {"code": r["state_code"], "name": r["state"], "rows": []})
        st["rows"].append(r)
    state_list = sorted(states.values(), key=lambda s: s["name"])
    for st in state_list:
        scored = [r["score"] for r in st["rows"] if r["score"] is not None]
        st["scored"] = len(scored)
        st["mean"] = sum(scored) / len(scored) if scored else None

    archived = archived_copies.write_views(munis, out_dir, archive, lang, i18n.translator(lang))
    w = _Writer(out_dir, lang, {**_common(document, lang), "states": state_list, "rubric_changed": rubric_changed,
                                "has_history": bool(history), "archived": archived,
                                "cite_conf": cite or citations.CitationSettings()})
    movers = sorted((r for r in rows if r["delta"]), key=lambda r: -abs(r["delta"]))[:10]
    # Pictures (issue #12, pages): criterion shares, score trend, state map.
    order = _criterion_order(outline, munis)
    munis_by_state: dict[str, list] = defaultdict(list)
    for m in munis:
        munis_by_state[m["state_code"]].append(m)
    index = w.write("index", "index.html", rows=rows, hist=histogram(rows), movers=movers,
                    total=len(rows), scored=sum(r["score"] is not None for r in rows),
                    shares=charts.criterion_shares(munis, order),
                    trend=charts.score_trend(dates, [*history.scores, {r["cvegeo"]: r["score"] for r in rows}]),
                    state_map=geo.state_map(state_list), no_browser=uncertainty.run_without_browser(document))
    for st in state_list:
        w.write("state", f"estados/{st['code']}.html", state=st, rows=st["rows"], hist=histogram(st["rows"]),
                total=len(rows), shares=charts.criterion_shares(munis_by_state[st["code"]], order))
    ranked = sum(r["rank_national"] is not None for r in rows)
    crit_index = {c["id"]: c for cat in outline["categories"] for c in cat["criteria"]}
    for m in munis:
        changes = _changes(m, previous.get(m["cvegeo"])) if history else None
        view = municipality_view(m, crit_index, ranked, states[m["state_code"]]["scored"], changes, dates,
                                 series[m["cvegeo"]])
        w.write("municipality", f"m/{m['cvegeo']}.html", **view)
    w.write("methodology", "metodologia.html", outline=outline)
    w.write("dictionary", "datos/diccionario.html", categories=exports.category_ids(document))
    (out_dir / "datos" / "scores.csv").write_text(exports.scores_csv(document), encoding="utf-8")
    (out_dir / "datos" / "criteria.csv").write_text(exports.criteria_csv(document), encoding="utf-8")
    # json.dumps (one shot) uses the C encoder; json.dump to a file would not.
    (out_dir / "datos" / "export.json").write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")),
                                                   encoding="utf-8")
    return index


def render_comparison(document: dict, cvegeos: list[str], out_path: Path, lang: str = "es", *,
                      rubric: dict | None = None) -> Path:
    """Side-by-side comparison of a few municipalities, criterion by criterion.

    Links to municipality pages assume out_path sits at the site root (e.g. <site>/comparar.html)."""
    out_path = Path(out_path)
    munis = {m["cvegeo"]: m for m in _prepare(document)}
    missing = [c for c in cvegeos if c not in munis]
    if missing:
        raise KeyError(f"municipalities not in the document: {', '.join(missing)}")
    chosen = [munis[c] for c in dict.fromkeys(cvegeos)]
    outline = rubric_outline(rubric, document, lang)
    by_id = [{c["id"]: c for c in m.get("criteria", [])} for m in chosen]
    seen: dict[str, dict] = {}
    for crits in by_id:
        for cid, c in crits.items():
            seen.setdefault(cid, c)
    order = {c["id"]: i for i, c in enumerate(c for cat in outline["categories"] for c in cat["criteria"])}
    lines = [{"id": cid, "title": c.get("title") or cid, "category": c["category"], "max": c["max_points"],
              "cells": [crits.get(cid) for crits in by_id]}
             for cid, c in sorted(seen.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))]
    cat_titles = {c["id"]: c["title"] for m in chosen for c in m.get("categories", [])}
    out_path.parent.mkdir(parents=True, exist_ok=True)
    copy_static(out_path.parent)
    w = _Writer(out_path.parent, lang, {**_common(document, lang), "states": [], "rubric_changed": False,
                                        "has_history": False})
    browser = uncertainty.browser_available(document)
    return w.write("compare", out_path.name, munis=[_row(m, browser) for m in chosen], lines=lines,
                   cat_titles=cat_titles, full=chosen)


def render_run_index(out_dir: Path, runs: list[tuple[str, dict]], lang: str = "es") -> Path:
    """corridas/index.html: the published runs, as given (folder name, run.json manifest), newest first."""
    rows = [{"folder": folder, "label": str(m.get("label") or folder), "id": m.get("id"),
             "rubric_id": (m.get("rubric") or {}).get("id", ""), "rubric_version": (m.get("rubric") or {}).get("version", ""),
             "published": m.get("generated_at")} for folder, m in runs]
    newest = runs[0][1] if runs else {}
    common = {"doc_meta": {"generated_at": newest.get("generated_at"), "rubric": newest.get("rubric") or {},
                           "tool": {}, "publication": {}, "run": {}},
              "archived": {}, "cite_conf": citations.CitationSettings(), "states": [], "rubric_changed": False,
              "has_history": False}
    (Path(out_dir) / citations.RUNS_FOLDER).mkdir(parents=True, exist_ok=True)
    return _Writer(Path(out_dir), lang, common).write("runs", f"{citations.RUNS_FOLDER}/index.html", runs=rows)


def render_forward(out_dir: Path, rel_path: str, href: str, lang: str = "es") -> Path:
    """A one-line page at rel_path that sends the reader on to href (see forward.html.j2)."""
    (Path(out_dir) / rel_path).parent.mkdir(parents=True, exist_ok=True)
    return _Writer(Path(out_dir), lang, {}).write("forward", rel_path, href=href)
