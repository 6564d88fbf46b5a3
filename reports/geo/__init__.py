"""Mexico's 32 states as SVG paths for the report's choropleth map (issue #12, pages).

Geometry: @svg-maps/mexico 2.0.0 from the npm registry (Victor Cazanave, based on the MapSVG map of Mexico),
licensed CC BY 4.0 (LICENSE.md beside this file); re-keyed by INEGI state code in mexico_states.json. The map is
drawn offline from these paths: no tiles, no script, no network.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

GEOMETRY = Path(__file__).with_name("mexico_states.json")
ATTRIBUTION = "@svg-maps/mexico (MapSVG), CC BY 4.0"   # the page prefixes "Mapa:" / "Map:"

# Colour classes by average score, the same bands as the ranking (lower bound inclusive).
MAP_BANDS = (0, 20, 40, 60, 80)


@cache
def geometry() -> dict:
    """{"viewBox": ..., "states": {inegi code: {"name", "path"}}} read once from the shipped file."""
    return json.loads(GEOMETRY.read_text(encoding="utf-8"))


def _band(mean: float | None) -> int | None:
    if mean is None:
        return None
    return max(i for i, low in enumerate(MAP_BANDS) if mean >= low)


def state_map(states: list[dict], geo: dict | None = None) -> dict:
    """Paths coloured by each state's average score. `states` are the report's state summaries (code, name,
    mean, scored, rows); a state without a scored municipality is shown as 'sin datos', never as 0."""
    geo = geo or geometry()
    by_code = {s["code"]: s for s in states}
    shapes = []
    for code, shape in sorted(geo["states"].items()):
        st = by_code.get(code)
        mean = st.get("mean") if st else None
        shapes.append({"code": code, "name": st["name"] if st else shape["name"], "path": shape["path"],
                       "mean": mean, "band": _band(mean), "scored": st.get("scored", 0) if st else 0,
                       "total": len(st.get("rows", [])) if st else 0, "linked": st is not None})
    return {"viewBox": geo["viewBox"], "shapes": shapes, "attribution": ATTRIBUTION,
            "bands": [{"band": i, "low": low, "high": (MAP_BANDS[i + 1] - 1) if i + 1 < len(MAP_BANDS) else 100}
                      for i, low in enumerate(MAP_BANDS)]}
