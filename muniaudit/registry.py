"""The municipality registry: the bundled INEGI list, plus websites and accounts users import from CSV."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.extract.text import fold
from muniaudit.urls import UrlError, normalise_site_url
from store.models import Municipality

REGISTRY_FILE = "municipios_inegi.csv"
IMPORT_COLUMNS = ("cvegeo", "url")
OPTIONAL_COLUMNS = ("extra_urls", "social_accounts", "enabled")
LIST_SEPARATORS = (";", "|", " ")


@dataclass
class RowError:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"línea {self.line}: {self.field}: {self.message}"


@dataclass
class ImportReport:
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)


def bundled_rows() -> list[dict[str, str]]:
    """The 2,478 municipalities shipped with the package (see muniaudit/data/NOTICE.md for the licence)."""
    text = resources.files("muniaudit.data").joinpath(REGISTRY_FILE).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def seed_registry(session: Session) -> int:
    """Insert the bundled municipalities that are not in the store yet; never overwrites user data."""
    existing = set(session.scalars(select(Municipality.cvegeo)))
    added = 0
    for row in bundled_rows():
        if row["cvegeo"] in existing:
            continue
        session.add(Municipality(
            cvegeo=row["cvegeo"], name=row["nom_mun"], state_code=row["cve_ent"], state_name=row["nom_ent"],
            state_abbr=row["nom_abr_ent"], population=int(row["poblacion_total"] or 0),
            url=None, extra_urls=[], known_accounts=[], enabled=True,
        ))
        added += 1
    return added


def _split_list(value: str) -> list[str]:
    for sep in LIST_SEPARATORS:
        if sep in value.strip():
            return [v.strip() for v in value.split(sep) if v.strip()]
    return [value.strip()] if value.strip() else []


def _parse_bool(value: str) -> bool | None:
    v = value.strip().lower()
    if v in ("", "1", "true", "si", "sí", "yes", "y"):
        return True
    if v in ("0", "false", "no", "n"):
        return False
    return None


def csv_rows(reader: csv.DictReader, errors: list) -> Iterator[dict]:
    """The rows of a CSV reader; a row the csv module refuses (a field over its size limit, a NUL byte) is
    reported with its line and skipped, and reading goes on."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:   # line_num still counts the rows before the refused one
            errors.append(RowError(reader.line_num + 1, "", f"fila ilegible: {exc}"))
            continue
        yield row


def parse_import_csv(text: str, known_keys: set[str]) -> tuple[list[dict], list[RowError]]:
    """Validate an import CSV. Returns the good rows and one error per bad row (line numbers as in the file)."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        return [], [RowError(1, "", f"encabezado ilegible: {exc}")]
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        return [], [RowError(1, ",".join(missing), "faltan columnas obligatorias (se requieren cvegeo,url)")]
    reader.fieldnames = header
    good: list[dict] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for row in csv_rows(reader, errors):
        line = reader.line_num
        row = {k: (v or "").strip() for k, v in row.items() if k is not None}
        error = _validate_row(row, line, known_keys, seen)
        if error:
            errors.append(error)
            continue
        seen[row["cvegeo"]] = line
        good.append(_clean_row(row))
    return good, errors


def _validate_row(row: dict, line: int, known_keys: set[str], seen: dict[str, int]) -> RowError | None:
    key = row.get("cvegeo", "")
    if len(key) == 4 and key.isdigit():     # spreadsheets drop the leading zero of states 01-09
        key = row["cvegeo"] = "0" + key
    if not (len(key) == 5 and key.isdigit()):
        return RowError(line, "cvegeo", f"clave '{key}' no es una clave INEGI de 5 dígitos")
    if key not in known_keys:
        return RowError(line, "cvegeo", f"clave '{key}' no existe en el registro INEGI")
    if key in seen:
        return RowError(line, "cvegeo", f"clave '{key}' duplicada (ya aparece en la línea {seen[key]})")
    try:
        if row.get("url"):
            row["url"] = normalise_site_url(row["url"])
        row["extra_urls"] = [normalise_site_url(u) for u in _split_list(row.get("extra_urls", ""))]
    except UrlError as exc:
        return RowError(line, "url", str(exc))
    if _parse_bool(row.get("enabled", "")) is None:
        return RowError(line, "enabled", f"valor '{row['enabled']}' no es sí/no")
    return None


def _clean_row(row: dict) -> dict:
    return {
        "cvegeo": row["cvegeo"], "url": row.get("url") or None, "extra_urls": row["extra_urls"],
        "social_accounts": _split_list(row.get("social_accounts", "")),
        "enabled": _parse_bool(row.get("enabled", "")),
    }


def import_csv(session: Session, path: Path) -> ImportReport:
    """Import websites from a CSV; good rows are stored, bad rows reported. Raises OSError/UnicodeError on unreadable files."""
    text = path.read_text(encoding="utf-8-sig")
    known = set(session.scalars(select(Municipality.cvegeo)))
    good, errors = parse_import_csv(text, known)
    for row in good:
        muni = session.get(Municipality, row["cvegeo"])
        muni.url = row["url"]
        muni.extra_urls = row["extra_urls"]
        muni.known_accounts = row["social_accounts"]
        muni.enabled = row["enabled"]
    return ImportReport(imported=len(good), errors=errors)


def list_municipalities(session: Session, state: str | None = None, has_url: bool | None = None,
                        enabled: bool | None = None) -> list[Municipality]:
    """Municipalities filtered by state (key, name or abbreviation, accent-insensitive) and by having a URL."""
    query = select(Municipality).order_by(Municipality.cvegeo)
    if has_url is True:
        query = query.where(Municipality.url.is_not(None))
    elif has_url is False:
        query = query.where(Municipality.url.is_(None))
    if enabled is not None:
        query = query.where(Municipality.enabled.is_(enabled))
    rows = list(session.scalars(query))
    if state:
        rows = [m for m in rows if _state_matches(m, state)]
    return rows


def known_states(session: Session, wanted: str) -> set[str]:
    """Codes of the states in the store that `wanted` names (key, name or abbreviation); empty when none does."""
    rows = session.execute(select(Municipality.state_code, Municipality.state_name, Municipality.state_abbr)
                           .distinct()).all()
    probe = Municipality()
    found = set()
    for code, name, abbr in rows:
        probe.state_code, probe.state_name, probe.state_abbr = code, name, abbr
        if _state_matches(probe, wanted):
            found.add(code)
    return found


def _state_matches(m: Municipality, wanted: str) -> bool:
    def key(text: str) -> str:
        return fold(text).strip(" .")      # "Jal." and "jal" name the same state
    w = key(wanted)
    return w in (m.state_code, key(m.state_name), key(m.state_abbr)) or (w.isdigit() and w.zfill(2) == m.state_code)
