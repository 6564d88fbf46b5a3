"""The README's demo: the promises it makes to a new user."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import jsonschema
import pytest

from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.slow
SCHEMA = json.loads((ROOT / "reports/schema/export.schema.json").read_text())


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def _text(path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(" ".join(parser.parts).split())


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    # --render never: what a fresh machine without Chromium gets
    proc = run_cli("demo", "--out", str(out), "--render", "never", timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "index.html").resolve().as_uri() in proc.stdout
    doc = json.loads((out / "export.json").read_text())
    jsonschema.validate(doc, SCHEMA)
    return out, {m["name"]: m for m in doc["municipalities"]}


def test_strong_site_ranks_first_and_social_only_scores_30_or_less(demo):
    _, by_name = demo
    strong, social = by_name["Santa Clara del Ejemplo"], by_name["Los Alcatraces"]
    assert strong["rank"]["national"] == 1
    assert social["score"] <= 30
    scored = sorted((m for m in by_name.values() if m["score"] is not None), key=lambda m: -m["score"])
    assert scored[0] is strong


def test_failing_site_is_unreachable_not_zero(demo):
    out, by_name = demo
    failing = by_name["Mineral de la Cumbre"]
    assert failing["score"] is None and failing["score_status"] == "unreachable"
    assert failing["crawl"]["status"] == "unreachable"
    assert "Sitio no disponible" in _text(out / "m" / f"{failing['cvegeo']}.html")
    assert "Sitio no disponible" not in _text(out / "m" / f"{by_name['San Tadeo Xochiapa']['cvegeo']}.html")


def test_js_only_site_is_reported_as_needing_rendering_not_empty(demo):
    out, by_name = demo
    js = by_name["Nuevo Amanecer"]
    assert js["crawl"]["status"] == "partial" and js["crawl"]["pages_needing_render"] >= 1
    assert js["score_status"] == "incomplete" and js["pending_points"] > 0
    # the page says how many pages need JavaScript: at least one here, none on a plain HTML site
    assert _needing_js(out, js) >= 1
    assert _needing_js(out, by_name["San Tadeo Xochiapa"]) == 0


def _needing_js(out, municipality: dict) -> int:
    match = re.search(r"requieren JavaScript\s+(\d+)", _text(out / "m" / f"{municipality['cvegeo']}.html"))
    assert match, "the crawl facts on the municipality page name the pages that need JavaScript"
    return int(match.group(1))


def test_report_site_has_every_page(demo):
    out, by_name = demo
    assert len(by_name) == 6
    for m in by_name.values():
        assert (out / "m" / f"{m['cvegeo']}.html").is_file()
    assert (out / "metodologia.html").is_file() and (out / "datos" / "scores.csv").is_file()


def test_demo_database_survives_publication_and_serves_the_next_command(demo):
    """The README names the demo's database for later commands: publishing the report must not delete it."""
    out, munis = demo
    db = out.parent / f"{out.name}-datos" / "muniaudit-demo.sqlite"
    assert db.is_file() and db.stat().st_size > 0
    assert not list(out.glob("*.sqlite*")), "the database must live outside the published folder"
    proc = run_cli("--db", f"sqlite:///{db}", "export", timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert {m["name"] for m in json.loads(proc.stdout)["municipalities"]} == set(munis)
