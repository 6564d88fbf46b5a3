"""Export helpers: validate the export document and flatten it to CSV for spreadsheets."""
from __future__ import annotations

import csv
import io
import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("schema") / "export.schema.json"

# Cells that a spreadsheet would run as a formula (CSV injection); text cells starting with them get a quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class DocumentError(ValueError):
    """The export document does not follow reports/schema/export.schema.json."""


def _inline_refs(node: Any, defs: dict) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if ref.startswith("#/$defs/"):
            return _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs) for v in node]
    return node


@cache
def _validator():
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    schema = _inline_refs(schema, schema.get("$defs", {}))  # ~30% faster than resolving $ref per object
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def validate_document(doc: Any) -> None:
    """Raise DocumentError naming the path and problem of the first few schema violations."""
    errors = sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        return
    lines = []
    for err in errors[:5]:
        where = "/".join(str(p) for p in err.absolute_path) or "(document)"
        lines.append(f"  at {where}: {err.message[:300]}")
    more = f"\n  ... and {len(errors) - 5} more" if len(errors) > 5 else ""
    raise DocumentError(
        f"export document does not match {SCHEMA_PATH.name} ({len(errors)} problem(s)):\n" + "\n".join(lines) + more
    )


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write(header: list[str], rows) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buf.getvalue()


def category_ids(doc: dict) -> list[str]:
    """Category ids in first-seen order across the document."""
    seen: dict[str, None] = {}
    for m in doc.get("municipalities", []):
        for c in m.get("categories", []):
            seen.setdefault(c["id"], None)
    return list(seen)


def scores_csv(doc: dict) -> str:
    """One row per municipality: identity, score, status, ranks, crawl facts and points per category."""
    cats = category_ids(doc)
    header = ["cvegeo", "name", "state_code", "state", "population", "url", "score", "max_score",
              "score_status", "pending_points", "rank_national", "rank_state", "crawl_status", "pages_seen",
              "pages_needing_render", "stop_reason"] + [f"category_{c}" for c in cats]

    def rows():
        for m in doc.get("municipalities", []):
            crawl = m.get("crawl") or {}
            rank = m.get("rank") or {}
            points = {c["id"]: c.get("points") for c in m.get("categories", [])}
            yield [m["cvegeo"], m["name"], m.get("state_code") or m["cvegeo"][:2], m["state"], m.get("population"),
                   m.get("url"), m.get("score"), m.get("max_score"), m["score_status"], m.get("pending_points"),
                   rank.get("national"), rank.get("state"), crawl.get("status"), crawl.get("pages_seen"),
                   crawl.get("pages_needing_render"), crawl.get("stop_reason")] + [points.get(c) for c in cats]

    return _write(header, rows())


def criteria_csv(doc: dict) -> str:
    """One row per municipality and criterion, with the evidence URLs joined by ' | '."""
    header = ["cvegeo", "name", "state_code", "criterion_id", "category", "title", "status", "points",
              "max_points", "mode", "reviewed_by", "reason", "evidence_count", "evidence_urls", "captured_at"]

    def rows():
        for m in doc.get("municipalities", []):
            for c in m.get("criteria", []):
                ev = c.get("evidence", [])
                captured = next((e["captured_at"] for e in ev if e.get("captured_at")), None)
                yield [m["cvegeo"], m["name"], m.get("state_code") or m["cvegeo"][:2], c["id"], c["category"],
                       c.get("title", ""), c["status"], c["points"], c["max_points"], c.get("mode"),
                       c.get("reviewed_by"), c.get("reason", ""), len(ev), " | ".join(e["url"] for e in ev),
                       captured]

    return _write(header, rows())
