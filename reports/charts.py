"""Chart view models for the report (issue #12, pages): pure functions that turn rows and runs into coordinates
for inline SVG in the templates. No JavaScript, no network; every chart also has a text alternative."""
from __future__ import annotations

import math
from collections.abc import Iterable
from statistics import median

from store.status import NOT_AUDITABLE

MET, PARTIAL, PENDING, NOT_MET = "pass", "partial", "pending", "fail"
# Score statuses of municipalities whose site could not be assessed (no score; the report says why): the audit still
# lists their criteria (as "error"), but they are not "pending" points of an assessed site.
UNAVAILABLE = frozenset({*NOT_AUDITABLE, "not_audited"})


def nice_ticks(top: int, most: int = 5) -> list[int]:
    """Integer gridline values 0..>=top with a round step (1, 2, 5, 10, 20, ...), at most `most`+1 of them.

    The old histogram labelled gridlines at max/2 with a rounded value that was not where the line sat."""
    top = max(1, int(math.ceil(top)))
    magnitude = 1
    while True:
        for mult in (1, 2, 5):
            step = mult * magnitude
            if math.ceil(top / step) <= most:
                return list(range(0, step * math.ceil(top / step) + 1, step))
        magnitude *= 10


def histogram_chart(hist: dict, width: int = 420, height: int = 190) -> dict:
    """Bars of a 10-bin histogram and labelled gridlines whose labels are the counts at their height."""
    left, right, top, bottom = 34, 8, 14, 34
    ticks = nice_ticks(max(hist["bins"]) or 1)
    scale_top = ticks[-1]
    plot_h = height - top - bottom
    y = lambda v: round(height - bottom - v / scale_top * plot_h, 2)  # noqa: E731
    bw = (width - left - right) / len(hist["bins"])
    bars = []
    for i, n in enumerate(hist["bins"]):
        low = i * 10
        bars.append({"x": round(left + i * bw + 2, 2), "y": y(n), "w": round(bw - 4, 2),
                     "h": round(height - bottom - y(n), 2), "n": n, "low": low,
                     "high": 100 if i == len(hist["bins"]) - 1 else low + 9,
                     "label_x": round(left + i * bw + bw / 2, 2)})
    return {"width": width, "height": height, "left": left, "right": width - right, "base": height - bottom,
            "grid": [{"y": y(v), "v": v} for v in ticks], "bars": bars}


def criterion_shares(munis: Iterable[dict], order: list[tuple[str, str]]) -> list[dict]:
    """Per criterion, how many scored municipalities met it, partly met it, await a decision or did not.

    `order` is [(criterion id, title)] in rubric order; informative and not-applicable results are left out of
    the denominator; municipalities that could not be assessed (no score, or an unavailable site whose criteria
    the audit lists as errors) do not count."""
    counts: dict[str, dict[str, int]] = {cid: {MET: 0, PARTIAL: 0, PENDING: 0, NOT_MET: 0} for cid, _ in order}
    for m in munis:
        if m.get("score") is None or m.get("score_status") in UNAVAILABLE:
            continue
        for c in m.get("criteria") or []:
            bucket = counts.get(c.get("id"))
            status = c.get("status")
            if bucket is None or status in ("informative", "not_applicable"):
                continue
            key = {"pass": MET, "partial": PARTIAL, "needs_review": PENDING, "error": PENDING}.get(status, NOT_MET)
            bucket[key] += 1
    out = []
    for cid, title in order:
        b = counts[cid]
        total = sum(b.values())
        if not total:
            continue
        segments, x = [], 0.0
        for key in (MET, PARTIAL, PENDING, NOT_MET):
            share = b[key] / total
            segments.append({"key": key, "n": b[key], "x": round(100 * x, 2), "w": round(100 * share, 2)})
            x += share
        out.append({"id": cid, "title": title, "total": total, "met": b[MET], "partial": b[PARTIAL],
                    "pending": b[PENDING], "not_met": b[NOT_MET], "share": round(100 * b[MET] / total, 1),
                    "segments": segments})
    return out


BAND_EDGES = (0, 20, 40, 60, 80)


def _band(score: float) -> int:
    return max(i for i, low in enumerate(BAND_EDGES) if score >= low)


def score_trend(dates: list[str], runs: list[dict[str, float | None]], width: int = 640, height: int = 230) -> dict | None:
    """Month over month: per run, the share of scored municipalities in each score band (stacked columns),
    the median and quartiles, and how many could not be scored. None with fewer than two runs."""
    if len(runs) < 2:
        return None
    left, right, top, bottom = 40, 10, 12, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / len(runs)
    cols = []
    for i, (date, scores) in enumerate(zip(dates, runs, strict=True)):
        values = sorted(s for s in scores.values() if isinstance(s, int | float))
        counts = [0] * len(BAND_EDGES)
        for s in values:
            counts[_band(s)] += 1
        n = len(values)
        stack, y0 = [], float(top + plot_h)
        for band, c in enumerate(counts):
            h = plot_h * c / n if n else 0.0
            stack.append({"band": band, "n": c, "share": round(100 * c / n, 1) if n else 0.0,
                          "y": round(y0 - h, 2), "h": round(h, 2)})
            y0 -= h
        q1, q3 = (_quantile(values, 0.25), _quantile(values, 0.75)) if values else (None, None)
        cols.append({"date": date, "x": round(left + i * slot + slot * 0.15, 2), "w": round(slot * 0.7, 2),
                     "cx": round(left + i * slot + slot / 2, 2), "n": n, "unscored": len(scores) - n,
                     "median": median(values) if values else None, "q1": q1, "q3": q3, "stack": stack})
    every = max(1, math.ceil(len(cols) / 6))
    for i, c in enumerate(cols):
        c["label"] = i % every == 0 or i == len(cols) - 1
    y = lambda v: round(top + plot_h - plot_h * v / 100, 2)  # noqa: E731
    return {"width": width, "height": height, "left": left, "right": width - right, "base": top + plot_h,
            "grid": [{"y": y(v), "v": v} for v in (0, 25, 50, 75, 100)], "cols": cols}


def _quantile(values: list[float], q: float) -> float:
    """Linear-interpolated quantile of sorted values (the 'inclusive' method of statistics.quantiles)."""
    if len(values) == 1:
        return values[0]
    pos = (len(values) - 1) * q
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (pos - lo)
