"""The demo's crawl of the sample web, as a journalist would use it: every evidence item links to an archived copy
of the page it was found on, captured when that page was fetched, and the run has its own citable folder."""
from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import unquote

import jsonschema
import pytest
from bs4 import BeautifulSoup

from tests.conftest import ROOT, run_cli

pytestmark = pytest.mark.slow
SCHEMA = json.loads((ROOT / "reports/schema/export.schema.json").read_text())


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-archive")
    proc = run_cli("demo", "--out", str(out), "--render", "never", timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads((out / "export.json").read_text())
    jsonschema.validate(doc, SCHEMA)
    return out, doc


def _evidence(doc: dict):
    for m in doc["municipalities"]:
        for c in m["criteria"]:
            for e in c["evidence"]:
                yield m, c, e


def test_every_evidence_item_points_at_its_pages_archived_record(demo):
    _, doc = demo
    items = list(_evidence(doc))
    assert len(items) > 30
    for m, c, e in items:
        assert e.get("archive", {}).get("record_id"), (m["name"], c["id"], e["url"])
        assert len(e["sha256"]) == 64 and e["archive"]["warc"] == f"run-{doc['run']['id']}.warc.gz"
        # "capturado el" is the fetch time of the page the evidence came from, within the site's crawl
        fetched = datetime.fromisoformat(e["fetched_at"])
        assert e["captured_at"] == e["fetched_at"]
        assert datetime.fromisoformat(m["crawl"]["started_at"]) <= fetched <= datetime.fromisoformat(
            m["crawl"]["finished_at"])
    strong = next(m for m in doc["municipalities"] if m["name"] == "Santa Clara del Ejemplo")
    times = {e["fetched_at"] for c in strong["criteria"] for e in c["evidence"]}
    assert len(times) > 1           # pages fetched at different moments, not one time for the whole site


def test_every_evidence_link_on_every_municipality_page_opens_its_archived_copy(demo):
    out, doc = demo
    checked = 0
    for m in doc["municipalities"]:
        page_path = out / "m" / f"{m['cvegeo']}.html"
        soup = BeautifulSoup(page_path.read_text(encoding="utf-8"), "html.parser")
        shown = soup.select("ul.evidence > li:not(.muted)")
        links = soup.select("ul.evidence a.archived")
        assert len(links) == len(shown), m["name"]           # one archived copy per evidence item shown
        assert "sin copia archivada" not in soup.get_text()
        for a in links:
            view = (page_path.parent / unquote(a["href"])).resolve()
            assert view.is_file() and view.parent == (out / "archivo").resolve(), a["href"]
            text = view.read_text(encoding="utf-8")
            assert view.stem in text and "Content-Security-Policy" in text and '<iframe sandbox=""' in text
            assert "<script" not in text.lower()
            checked += 1
    assert checked > 30


def test_the_run_has_its_own_citable_folder_and_pages_say_how_to_cite(demo):
    out, doc = demo
    folder = out / "corridas" / "demo"
    assert json.loads((folder / "run.json").read_text())["id"] == doc["run"]["id"]
    for m in doc["municipalities"]:
        latest = (out / "m" / f"{m['cvegeo']}.html").read_text(encoding="utf-8")
        assert (folder / "m" / f"{m['cvegeo']}.html").read_text(encoding="utf-8") == latest
        cite = BeautifulSoup(latest, "html.parser").select_one("section.citation pre.cite-text").get_text()
        assert f"corridas/demo/m/{m['cvegeo']}.html" in cite and "corrida demo" in cite and "aidh-2016" in cite
    assert sorted(p.name for p in (folder / "archivo").iterdir()) == sorted(p.name for p in (out / "archivo").iterdir())


@pytest.mark.parametrize("warc", [True, False])
def test_run_archives_beside_the_database_or_not_at_all_and_says_so(tmp_path, warc):
    from muniaudit.sampleweb.server import serve_sample_web

    db = f"sqlite:///{tmp_path / 'x.sqlite'}"
    with serve_sample_web(sites=["strong"]) as web:
        csv = tmp_path / "sitios.csv"
        csv.write_text(f"cvegeo,url\n14097,{web.entry_url('strong')}\n", encoding="utf-8")
        run_cli("municipalities", "import", str(csv), db=db, check=True)
        proc = run_cli("run", "--allow-private", "--render", "never", *([] if warc else ["--no-warc"]),
                       "--label", "2026-11", "--out", str(tmp_path / "rep"), db=db, timeout=240)
    said = proc.stdout + proc.stderr
    page = (tmp_path / "rep" / "m" / "14097.html").read_text(encoding="utf-8")
    assert (tmp_path / "rep" / "corridas" / "2026-11" / "m" / "14097.html").is_file()
    if warc:
        [path] = (tmp_path / "warc").glob("run-*.warc.gz")
        assert f"copias archivadas: {path}" in said
        assert 'class="archived"' in page and "sin copia archivada" not in page
    else:
        assert not (tmp_path / "warc").exists() and "copias archivadas: ninguna" in said
        assert "sin copia archivada" in page and 'class="archived"' not in page
        assert not (tmp_path / "rep" / "archivo").exists()


@pytest.mark.browser
def test_rendered_pages_keep_a_screenshot_linked_from_the_report(tmp_path):
    from reports.pdf import CHROMIUM

    if not CHROMIUM.is_file():
        pytest.skip(f"needs the system Chromium at {CHROMIUM}")
    out = tmp_path / "demo"
    proc = run_cli("demo", "--out", str(out), "--render", "auto", timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    doc = json.loads((out / "export.json").read_text())
    js_only = next(m for m in doc["municipalities"] if m["crawl"]["pages_rendered"])
    shots = [e for c in js_only["criteria"] for e in c["evidence"] if e.get("archive", {}).get("screenshot")]
    assert shots, "no evidence from a rendered page carries a screenshot"
    soup = BeautifulSoup((out / "m" / f"{js_only['cvegeo']}.html").read_text(encoding="utf-8"), "html.parser")
    links = soup.select("ul.evidence a.screenshot")
    assert links
    for a in links:
        png = (out / "m" / unquote(a["href"])).resolve()
        assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and png.stat().st_size <= 1024 * 1024


@pytest.mark.browser
def test_archived_links_open_in_chromium_without_errors(demo):
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from reports.pdf import CHROMIUM, CHROMIUM_ARGS

    if not CHROMIUM.is_file():
        pytest.skip(f"needs the system Chromium at {CHROMIUM}")
    sync_api = pytest.importorskip("playwright.sync_api")
    out, doc = demo

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            views: set[str] = set()
            for m in doc["municipalities"]:
                for prefix in ("", "corridas/demo/"):
                    page.goto(f"{base}/{prefix}m/{m['cvegeo']}.html")
                    views |= set(page.eval_on_selector_all("a.archived", "els => els.map(e => e.href)"))
            assert len(views) > 10
            for href in sorted(views):
                response = page.goto(href)
                assert response.status == 200, href
                assert page.locator("h1").inner_text().startswith("Copia archivada el")
                assert page.frame_locator("iframe[sandbox]").locator("body").inner_text().strip(), href
            assert errors == []
            browser.close()
    finally:
        server.shutdown()
