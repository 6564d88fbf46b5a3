"""The real commands, end to end, on the sample web served on loopback (child processes, real Scrapy)."""
from __future__ import annotations

import json

import jsonschema
import pytest

from muniaudit.sampleweb.server import serve_sample_web
from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.slow
SCHEMA = json.loads((ROOT / "reports/schema/export.schema.json").read_text())
FAST = ["--render", "never"]


@pytest.fixture(scope="module")
def web():
    with serve_sample_web(delay_s=8.0) as served:
        yield served


def _import(db: str, tmp_path, web) -> None:
    # Real INEGI keys stand in for the fictional sites, since `municipalities import` only accepts known keys.
    rows = {"14097": "strong", "14120": "social_only", "14039": "failing"}
    csv = tmp_path / "sitios.csv"
    csv.write_text("cvegeo,url\n" + "".join(f"{k},{web.entry_url(v)}\n" for k, v in rows.items()), encoding="utf-8")
    run_cli("municipalities", "import", str(csv), db=db, check=True)


def test_private_addresses_are_refused_without_allow_private(tmp_path, web, sqlite_url):
    _import(sqlite_url, tmp_path, web)
    proc = run_cli("crawl", db=sqlite_url)
    assert proc.returncode == 2
    assert "--allow-private" in proc.stderr and "127.0.0.1" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = run_cli("audit", db=sqlite_url)          # nothing was crawled
    assert proc.returncode == 2 and "no hay corridas" in proc.stderr


def test_crawl_audit_report_export_on_imported_registry(tmp_path, web, sqlite_url):
    _import(sqlite_url, tmp_path, web)
    crawl = run_cli("crawl", "--allow-private", "--cvegeo", "14097", "--cvegeo", "14120", "--cvegeo", "14039",
                    *FAST, "--label", "2026-11", db=sqlite_url, check=True)
    assert "unreachable=1" in crawl.stderr and "ok=2" in crawl.stderr
    run_cli("audit", db=sqlite_url, check=True)
    out = tmp_path / "site"
    run_cli("report", "--out", str(out), db=sqlite_url, check=True)
    assert (out / "index.html").is_file() and (out / "m" / "14097.html").is_file()
    export = run_cli("export", "--format", "json", db=sqlite_url, check=True)
    doc = json.loads(export.stdout)
    jsonschema.validate(doc, SCHEMA)
    by_key = {m["cvegeo"]: m for m in doc["municipalities"]}
    assert by_key["14039"]["score"] is None and by_key["14039"]["score_status"] == "unreachable"
    assert by_key["14097"]["score"] > by_key["14120"]["score"]
    assert by_key["14097"]["rank"]["national"] == 1
    social = [s for s in by_key["14120"]["signals"] if s["kind"] == "social_profile"]
    assert social and all(s["platform"] and s["handle"] for s in social)
    # what each page is and where each link sat are in the export, with the schema's vocabulary
    assert by_key["14097"]["crawl"]["page_roles"].get("home") == 1
    assert all(s["placement"].startswith(("navigation/", "content/")) and s["source_role"] for s in social)
    evidence = [e for c in by_key["14097"]["criteria"] for e in c["evidence"] if e.get("placement")]
    assert evidence and all(e["page_role"] for e in evidence)
    # every criterion carries its evidence and points
    for crit in by_key["14097"]["criteria"]:
        assert 0 <= crit["points"] <= crit["max_points"]
    # re-audit with the second rubric without re-crawling
    run_cli("audit", "--rubric", "transparencia-obligaciones", db=sqlite_url, check=True)
    second = json.loads(run_cli("export", "--rubric", "transparencia-obligaciones", db=sqlite_url, check=True).stdout)
    assert second["rubric"]["id"] == "transparencia-obligaciones" != doc["rubric"]["id"]
    again = {m["cvegeo"]: m for m in second["municipalities"]}
    assert again["14097"]["crawl"]["run_id"] == by_key["14097"]["crawl"]["run_id"]       # same crawl, not a new one
    assert again["14097"]["signals"] == by_key["14097"]["signals"]
    first_ids = {c["id"] for c in by_key["14097"]["criteria"]}
    assert again["14097"]["criteria"] and first_ids.isdisjoint(c["id"] for c in again["14097"]["criteria"])
    jsonschema.validate(second, SCHEMA)


def test_run_does_crawl_audit_and_report_in_sequence(tmp_path, web, sqlite_url):
    _import(sqlite_url, tmp_path, web)
    out = tmp_path / "reportes"
    run_cli("run", "--allow-private", *FAST, "--out", str(out), db=sqlite_url, check=True)
    doc = json.loads((out / "export.json").read_text())
    jsonschema.validate(doc, SCHEMA)
    assert {m["cvegeo"] for m in doc["municipalities"]} == {"14097", "14120", "14039"}
    assert (out / "index.html").is_file()


def test_unknown_key_and_bad_rubric_are_one_line_errors(tmp_path, sqlite_url):
    proc = run_cli("crawl", "--cvegeo", "99999", db=sqlite_url)
    assert proc.returncode == 2 and "99999" in proc.stderr and "Traceback" not in proc.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nversion: [1\n", encoding="utf-8")
    proc = run_cli("rubric", "validate", str(bad))
    assert proc.returncode == 2 and "bad.yaml:" in proc.stderr and "Traceback" not in proc.stderr
