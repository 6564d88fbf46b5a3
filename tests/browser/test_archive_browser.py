"""Archived copies in headless Chromium: a hostile archived page cannot run script or fetch anything when opened
from the report, even if the sanitiser missed everything; evidence links lead to the archived views; the views
and the municipality page fit a phone."""
from __future__ import annotations

import functools
import hashlib
import html
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from reports import archive, sample
from reports.pdf import CHROMIUM
from reports.render import render_site

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"needs the system Chromium at {CHROMIUM}")]

# Every way a crawled page could try to run script or leave the page; each would set top.pwned, change the
# report's title, log "pwned" or request /evil* or /pwned* from the report's own server.
HOSTILE = """<!DOCTYPE html><html><head><title>Portal municipal</title>
<meta http-equiv="refresh" content="0; url=javascript:top.pwned=1">
<meta http-equiv="refresh" content="1; url=/pwned-refresh.html">
<script>top.pwned = "inline"; top.document.title = "pwned"; console.log("pwned inline");</script>
<script src="/evil.js"></script>
<link rel="stylesheet" href="/evil.css"></head>
<body onload="top.pwned='onload'">
<h1 id="h">Transparencia y datos abiertos</h1>
<img src="/evil-img.png" onerror="top.pwned='onerror'; console.log('pwned onerror')">
<a id="js" href="javascript:top.pwned='link'">ver datos</a>
<iframe src="javascript:top.pwned='iframe'"></iframe>
<iframe src="/evil-frame.html"></iframe>
<object data="/evil-object"></object>
<form action="/pwned-form"><input name="q" autofocus onfocus="top.pwned='focus'"></form>
<svg><script>top.pwned='svg'</script></svg>
<p>Texto de la página</p></body></html>"""


class RecordingHandler(SimpleHTTPRequestHandler):
    requested: list[str] = []

    def do_GET(self):
        self.requested.append(self.path)
        super().do_GET()

    def log_message(self, *args):
        pass


def _warc(folder: Path, url: str, body: bytes) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "run-1.warc.gz"
    with open(path, "ab") as fh:
        offset = fh.tell()
        writer = WARCWriter(fh, gzip=True)
        record = writer.create_warc_record(
            url, "response", payload=BytesIO(body),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"))
        writer.write_record(record)
        return {"warc": path.name, "record_id": record.rec_headers.get_header("WARC-Record-ID"), "offset": offset,
                "length": fh.tell() - offset, "truncated": False}


def _document_with_archived_evidence(warc_dir: Path) -> dict:
    """The small sample document; every evidence item of Tlajomulco found on the hostile page, archived."""
    doc = sample.small_document()
    body = HOSTILE.encode()
    ref = _warc(warc_dir, "https://tlajomulco.gob.mx/", body)
    muni = next(m for m in doc["municipalities"] if m["cvegeo"] == "14097")
    for c in muni["criteria"]:
        c["evidence"] = [{**e, "found_on": "https://tlajomulco.gob.mx/", "sha256": hashlib.sha256(body).hexdigest(),
                          "fetched_at": "2026-11-29T10:41:00+00:00", "archive": ref} for e in c["evidence"]]
    assert sum(len(c["evidence"]) for c in muni["criteria"]) > 0
    return doc


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    root = tmp_path_factory.mktemp("archive-sites")
    doc = _document_with_archived_evidence(root / "warc")
    reader = archive.WarcArchive([root / "warc"])
    render_site(doc, root / "site", rubric=sample.small_rubric(), archive=reader)
    # the same report with the sanitiser switched off: the sandbox and the CSP alone must hold
    original = archive.sanitise_html
    archive.sanitise_html = lambda page, base_url="": page
    try:
        render_site(doc, root / "unsanitised", rubric=sample.small_rubric(), archive=reader)
    finally:
        archive.sanitise_html = original
    assert "<script>top.pwned" in html.unescape(next((root / "unsanitised" / "archivo").glob("*.html")).read_text())
    handler = type("Handler", (RecordingHandler,), {"requested": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield {"root": root, "url": f"http://127.0.0.1:{server.server_port}", "requested": handler.requested}
    server.shutdown()



def _open(browser, url: str, width: int = 1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.errors, page.logs = [], []
    page.on("console", lambda msg: (page.logs.append(msg.text),
                                    page.errors.append(msg.text) if msg.type == "error" else None))
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(url, wait_until="load")
    return page


@pytest.mark.parametrize("variant", ["site", "unsanitised"])
def test_hostile_archived_copy_cannot_run_script_from_the_report(browser, sites, variant):
    page = _open(browser, f"{sites['url']}/{variant}/m/14097.html")
    links = page.locator("a.archived")
    assert links.count() > 0
    title = page.title()
    links.first.click()
    page.wait_for_load_state("load")
    page.wait_for_timeout(1500)                           # past the 1-second meta refresh
    view_url = page.url
    assert "/archivo/" in view_url and view_url.endswith(".html")
    frame = page.frame_locator("iframe[sandbox]")
    assert frame.locator("h1").inner_text() == "Transparencia y datos abiertos"   # the copy is shown
    frame.get_by_text("ver datos").click(timeout=2000)    # a javascript: link (dropped by the sanitiser)
    page.wait_for_timeout(300)
    assert page.url == view_url                           # no navigation of the report's window
    assert page.evaluate("window.pwned") is None
    assert page.title() != "pwned" and title != "pwned"
    assert not [log for log in page.logs if "pwned" in log]
    fetched = [p for p in sites["requested"] if p.startswith(("/evil", "/pwned"))]
    assert fetched == [], fetched
    # Every frame of the view is sandboxed without scripts. (Evaluating inside such a frame is not possible: a
    # frame where no script may run never answers Playwright's evaluate, which would hang rather than fail.)
    sandboxes = page.eval_on_selector_all("iframe", "els => els.map(e => e.getAttribute('sandbox'))")
    assert sandboxes and all(s is not None and "allow-scripts" not in s for s in sandboxes), sandboxes
    page.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_evidence_links_work_and_pages_fit_a_phone(browser, sites, width):
    page = _open(browser, f"{sites['url']}/site/m/14097.html", width)
    assert page.errors == []
    hrefs = page.eval_on_selector_all("a.archived", "els => els.map(e => e.href)")
    evidence = page.locator("ul.evidence > li").count()
    assert hrefs and len(hrefs) == evidence - page.locator("ul.evidence > li.muted").count()
    assert page.locator("section.citation pre.cite-text").count() == 1
    for rel in ("m/14097.html",):
        scroll, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"{rel} overflows at {width}px"
    for href in set(hrefs):
        view = _open(browser, href, width)
        assert view.errors == [], view.errors            # the sanitised copy gives the CSP nothing to block
        assert "Copia archivada el 29/11/2026 10:41 UTC" in view.locator("h1").inner_text()
        scroll, client = view.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert scroll <= client, f"{href} overflows at {width}px"
        view.close()
    page.close()
