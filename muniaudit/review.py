"""Human review: export the criteria a machine cannot settle to spreadsheets, import the reviewers' decisions.

A review is tied to a hash of the evidence it judged (the signals of the kinds its criterion's check reads);
when a later crawl changes that evidence, the audit treats the review as stale and asks for it again (see
audit.storage.load_reviews).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from audit.checks.registry import criterion_reads
from audit.result import NEEDS_REVIEW
from muniaudit.registry import RowError, csv_rows
from store.evidence import evidence_hash, site_crawls
from store.models import Audit, ManualReview, Municipality, SignalRow

COLUMNS = ("cvegeo", "municipio", "estado", "criterio", "titulo", "modo", "sugerencia_maquina", "estado_maquina",
           "motivo_maquina", "evidencia", "hash_evidencia", "decision", "puntos", "revisor", "fecha", "nota")
# Spanish and English spellings a reviewer may type in a spreadsheet.
DECISION_WORDS = {
    "pass": "pass", "cumple": "pass", "si": "pass", "sí": "pass",
    "partial": "partial", "parcial": "partial", "cumple en parte": "partial",
    "fail": "fail", "no cumple": "fail", "no": "fail",
    "not_applicable": "not_applicable", "no aplica": "not_applicable", "n/a": "not_applicable", "na": "not_applicable",
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")


def review_rows(session: Session, run_id: int, rubric) -> list[dict]:
    """One row per assisted/manual criterion (or any criterion needing review) per audited municipality."""
    modes = {c.id: c.mode for c in rubric.criteria}
    reads = criterion_reads(rubric)
    rows = []
    for site in site_crawls(session, run_id):
        audit = session.scalar(select(Audit).where(Audit.site_crawl_id == site.id, Audit.rubric_id == rubric.id)
                               .order_by(Audit.id.desc()).limit(1))
        if audit is None:
            continue
        muni = session.get(Municipality, site.cvegeo)
        signals = list(session.scalars(select(SignalRow).where(SignalRow.site_crawl_id == site.id)))
        for c in audit.criteria:
            if modes.get(c.criterion_id) not in ("assisted", "manual") and c.status != NEEDS_REVIEW:
                continue
            rows.append({
                "cvegeo": site.cvegeo, "municipio": muni.name, "estado": muni.state_name, "criterio": c.criterion_id,
                "titulo": c.title, "modo": c.mode, "sugerencia_maquina": c.suggestion or "",
                "estado_maquina": c.status, "motivo_maquina": c.reason or "", "evidencia": " | ".join(e.get("url", "") for e in c.evidence[:10]),
                "hash_evidencia": evidence_hash(signals, reads.get(c.criterion_id)), "decision": "", "puntos": "", "revisor": "", "fecha": "", "nota": "",
            })
    return rows


def write_batches(rows: list[dict], out_dir: Path, batch_size: int) -> list[Path]:
    """CSV files of at most `batch_size` rows, UTF-8 with BOM so spreadsheets show accents correctly."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for start in range(0, max(len(rows), 1), batch_size):
        path = out_dir / f"revision_{start // batch_size + 1:03d}.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(_spreadsheet_safe(r) for r in rows[start:start + batch_size])
        paths.append(path)
    return paths


def _spreadsheet_safe(row: dict) -> dict:
    # Crawled text must not become a formula when the CSV is opened in a spreadsheet (CSV injection).
    return {k: ("'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v) for k, v in row.items()}


@dataclass
class ReviewImport:
    recorded: int = 0
    skipped_blank: int = 0
    errors: list[RowError] = field(default_factory=list)


def import_reviews(session: Session, path: Path, rubric) -> ReviewImport:
    """Record every valid decided row; report each bad row with its line; rows with no decision are skipped."""
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    result = ReviewImport()
    try:
        fields = set(reader.fieldnames or [])
    except csv.Error as exc:
        result.errors.append(RowError(1, "", f"encabezado ilegible: {exc}"))
        return result
    missing = {"cvegeo", "criterio", "decision", "revisor"} - fields
    if missing:
        result.errors.append(RowError(1, ",".join(sorted(missing)), "faltan columnas obligatorias"))
        return result
    criteria = {c.id: c for c in rubric.criteria}
    known = set(session.scalars(select(Municipality.cvegeo)))
    for row in csv_rows(reader, result.errors):
        row = {k: (v or "").strip() for k, v in row.items() if k}
        if not row.get("decision"):
            result.skipped_blank += 1
            continue
        parsed = _parse_row(row, reader.line_num, criteria, known)
        if isinstance(parsed, RowError):
            result.errors.append(parsed)
            continue
        session.add(ManualReview(rubric_id=rubric.id, **parsed))
        result.recorded += 1
    return result


def _parse_row(row: dict, line: int, criteria: dict, known: set[str]) -> dict | RowError:
    key = row.get("cvegeo", "").lstrip("'")
    if key not in known:
        return RowError(line, "cvegeo", f"clave '{key}' desconocida")
    crit = criteria.get(row.get("criterio", ""))
    if crit is None:
        return RowError(line, "criterio", f"criterio '{row.get('criterio')}' no existe en la rúbrica")
    decision = DECISION_WORDS.get(row["decision"].lower())
    if decision is None:
        return RowError(line, "decision", f"'{row['decision']}' no es cumple/parcial/no cumple/no aplica")
    if not row.get("revisor"):
        return RowError(line, "revisor", "falta el nombre de quien revisó")
    points = None
    if row.get("puntos"):
        try:
            points = float(row["puntos"].replace(",", "."))
        except ValueError:
            return RowError(line, "puntos", f"'{row['puntos']}' no es un número")
        if not 0 <= points <= crit.points:
            return RowError(line, "puntos", f"{points} fuera de 0–{crit.points}")
    when = _parse_date(row.get("fecha", ""))
    if when is None:
        return RowError(line, "fecha", f"fecha '{row['fecha']}' no reconocida (use AAAA-MM-DD o DD/MM/AAAA)")
    if when > datetime.now(UTC):
        return RowError(line, "fecha", f"fecha '{row['fecha']}' posterior al momento de la importación (hora UTC)")
    return {"cvegeo": key, "criterion_id": crit.id, "decision": decision, "points": points,
            "reviewer": row["revisor"][:200], "reviewed_at": when, "note": row.get("nota", "")[:5000],
            "evidence_hash": row.get("hash_evidencia", "")}


def _parse_date(value: str) -> datetime | None:
    if not value:
        return datetime.now(UTC)
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None
