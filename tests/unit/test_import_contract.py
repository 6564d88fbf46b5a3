"""The doors between the rooms (docs/architecture.md, "Rooms and doors") are import-linter contracts in
pyproject.toml (the layers of the rooms; extraction imports no Scrapy and no store), run by `make lint`. These tests run it on the code as it is, and on a copy with one forbidden
import added, to show the contract is kept today and that it fails when a door is broken."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("muniaudit", "reports", "audit", "crawler", "store")
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter not installed (pip install -e '.[dev]')")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """lint-imports on the packages found first on PYTHONPATH=cwd (a copy shadows the editable install)."""
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo"], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    """The five packages (Python files only) and pyproject.toml, in a scratch folder."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=lambda folder, names: [n for n in names
                                                      if not n.endswith(".py") and not (Path(folder) / n).is_dir()
                                                      or n == "__pycache__"])
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_code_keeps_the_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Rooms: app -> reports | audit | crawler -> store KEPT" in result.stdout
    assert "Extraction is pure" in result.stdout and "0 broken" in result.stdout


def test_the_copy_keeps_the_contract_before_it_is_broken(copy):
    """The copy is what lint-imports reads (not the installed tree), so the next tests break something real."""
    result = lint_imports(copy)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("module", "forbidden", "says"), [
    ("store/db.py", "import audit.engine", "store is not allowed to import audit"),
    ("crawler/items.py", "from muniaudit import service", "crawler is not allowed to import muniaudit"),
    ("reports/i18n.py", "import audit.wording", "reports is not allowed to import audit"),   # siblings
    ("audit/engine.py", "import reports.render", "audit is not allowed to import reports"),
    ("crawler/extract/types.py", "import scrapy", "crawler.extract is not allowed to import scrapy"),
    ("crawler/extract/roles.py", "from store import db", "crawler.extract is not allowed to import sqlalchemy"),
])
def test_a_forbidden_import_breaks_the_contract(copy, module, forbidden, says):
    path = copy / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{forbidden}  # deliberate: a broken door\n",
                    encoding="utf-8")
    result = lint_imports(copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert says in result.stdout
    assert "1 broken" in result.stdout
