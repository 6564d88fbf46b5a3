"""The rubrics shipped with muniaudit, as YAML files found by their id (aidh-2016, transparencia-obligaciones)."""
from __future__ import annotations

from pathlib import Path

BUNDLED_DIR = Path(__file__).resolve().parent


def bundled_ids() -> list[str]:
    return sorted(p.stem for p in BUNDLED_DIR.glob("*.yaml"))


def path_of(id_or_path: str | Path) -> Path:
    """A rubric file: a path to a YAML file as given, else the bundled rubric with that id."""
    path = Path(id_or_path)
    return path if path.suffix in (".yaml", ".yml") else BUNDLED_DIR / f"{id_or_path}.yaml"
