"""Archived copies of evidence pages: the crawler's WARC middleware and bounds, the report's reader, sanitiser
and views (crawler/archive.py, crawler/middlewares.py, reports/archive.py)."""
from __future__ import annotations

import gzip
import hashlib
import re
from io import BytesIO
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request, Response, TextResponse
from scrapy.utils.test import get_crawler
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler import archive as bounds
from crawler.middlewares import WarcArchiveMiddleware
from reports import archive, i18n
from store.documents import archive_ref

HOSTILE = """<html><head><title>Hostil &amp; malo</title>
<meta http-equiv="refresh" content="0; url=javascript:top.pwned=1">
<base href="https://evil.example/">
<script>top.pwned = 1</script><script src="https://evil.example/x.js"></script>
<style>body { background: url(javascript:alert(1)) }</style>
<link rel="stylesheet" href="https://evil.example/x.css"></head>
<body onload="top.pwned=1"><h1>Datos abiertos</h1>
<a href="javascript:top.pwned=1">clic</a> <a href="/datos/">datos</a> <a href="mailto:a@b.mx">correo</a>
<img src="x" onerror="top.pwned=1" alt="logo">
<iframe src="javascript:top.pwned=1"></iframe><object data="https://evil.example/x.swf"></object>
<embed src="https://evil.example/e"><svg><script>top.pwned=1</script></svg>
<form action="https://evil.example/"><input name="q"><button formaction="javascript:top.pwned=1">ir</button></form>
<p style="position:fixed" onclick="top.pwned=1">Texto visible</p></body></html>"""


# ---------------------------------------------------------------- sanitiser

def test_sanitiser_removes_everything_that_can_run_or_fetch():
    clean = archive.sanitise_html(HOSTILE, "https://municipio.gob.mx/transparencia/")
    lowered = clean.lower()
    for forbidden in ("<script", "javascript:", "onload", "onerror", "onclick", "<iframe", "<object", "<embed",
                      "<form", "<input", "<button", "<meta", "<base", "<link", "<style", "<svg", "<img",
                      "evil.example", "style="):
        assert forbidden not in lowered, forbidden
    assert "Datos abiertos" in clean and "Texto visible" in clean and "clic" in clean


def test_sanitiser_makes_links_absolute_against_the_archived_page():
    clean = archive.sanitise_html('<a href="/datos/">d</a> <a href="otra.html">o</a> <a href="mailto:x@y.mx">m</a>',
                                  "https://municipio.gob.mx/transparencia/")
    hrefs = re.findall(r'href="([^"]+)"', clean)
    assert hrefs == ["https://municipio.gob.mx/datos/", "https://municipio.gob.mx/transparencia/otra.html"]
    assert 'rel="noopener noreferrer nofollow"' in clean


def test_page_title_is_plain_text():
    assert archive.page_title(HOSTILE) == "Hostil & malo"
    assert archive.page_title("<p>sin título</p>") == ""


def test_decode_html_follows_the_declared_charset():
    body = "<meta charset='windows-1252'><p>Año</p>".encode("cp1252")
    assert "Año" in archive.decode_html(body, "")
    assert "Año" in archive.decode_html("<p>Año</p>".encode("latin-1"), "text/html; charset=ISO-8859-1")


# ---------------------------------------------------------------- bounds (pure)

def test_payload_is_cut_at_the_record_bound():
    assert bounds.cut_payload(b"x" * 10, 10) == (b"x" * 10, False)
    assert bounds.cut_payload(b"x" * 11, 10) == (b"x" * 10, True)
    assert bounds.cut_payload(b"x" * 11, 0) == (b"x" * 11, False)     # 0 = no bound


def test_site_budget_admits_until_the_site_is_full_and_keeps_sites_apart():
    budget = bounds.SiteBudget(limit=100)
    assert budget.admit("a", 60) and not budget.admit("a", 41) and budget.admit("a", 40)
    assert not budget.admit("a", 1) and budget.admit("b", 100)


def test_only_html_pages_are_archivable():
    assert bounds.is_archivable("text/html; charset=utf-8", b"", 200)
    assert bounds.is_archivable("application/xhtml+xml", b"", 404)       # an error page can be evidence
    assert not bounds.is_archivable("text/html", b"", 301)
    assert not bounds.is_archivable("application/pdf", b"%PDF", 200)
    assert bounds.is_archivable("", b"<!doctype html><HTML>", 200)


def test_default_warc_folder_sits_beside_the_sqlite_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert bounds.default_warc_dir(f"sqlite:///{tmp_path}/db/x.sqlite") == tmp_path / "db" / "warc"
    assert bounds.default_warc_dir("sqlite:///rel.sqlite") == tmp_path / "warc"
    assert bounds.default_warc_dir("postgresql://u@127.0.0.1/db") == tmp_path / "warc"
    assert bounds.default_warc_dir("sqlite://") == tmp_path / "warc"
    assert bounds.warc_file_name(7) == "run-7.warc.gz"
    assert bounds.warc_file_name(7, (1, 4)) == "run-7-p1of4.warc.gz"


# ---------------------------------------------------------------- the middleware, in a real Scrapy crawler

def _middleware(tmp_path: Path, **settings) -> WarcArchiveMiddleware:
    crawler = get_crawler(settings_dict={"MUNIAUDIT_WARC_DIR": str(tmp_path / "warc"),
                                         "MUNIAUDIT_WARC_RECORD_MAX": 1000, "MUNIAUDIT_WARC_SITE_MAX": 2500,
                                         "MUNIAUDIT_SCREENSHOT_MAX": 1000, **settings})
    crawler.spider = type("S", (), {"run_id": 5, "partition": None})()
    return WarcArchiveMiddleware.from_crawler(crawler)


def _page(url: str, body: bytes, site: int = 1, ctype: bytes = b"text/html; charset=utf-8", status: int = 200,
          **meta):
    request = Request(url, meta={"site": site, "page": "page", **meta})
    return request, HtmlResponse(url, body=body, headers={"Content-Type": ctype}, status=status, request=request)


def _read(pointer: dict, folder: Path):
    ref = archive_ref(pointer)
    return archive.WarcArchive([folder]).copy(ref)


def test_middleware_archives_html_pages_with_a_readable_pointer(tmp_path):
    mw = _middleware(tmp_path)
    request, response = _page("https://m.gob.mx/a.html", b"<html><p>hola</p></html>")
    assert mw.process_response(request, response) is response
    pointer = request.meta["muniaudit_archive"]
    assert Path(pointer["file"]).name == "run-5.warc.gz" and pointer["record_id"].startswith("<urn:uuid:")
    assert not pointer.get("truncated")
    mw.close()
    copy = _read(pointer, tmp_path / "warc")
    assert copy.body == b"<html><p>hola</p></html>" and copy.url == "https://m.gob.mx/a.html"


def test_middleware_cuts_long_records_and_marks_them(tmp_path):
    mw = _middleware(tmp_path)
    request, response = _page("https://m.gob.mx/largo.html", b"<html>" + b"x" * 5000)
    mw.process_response(request, response)
    mw.close()
    pointer = request.meta["muniaudit_archive"]
    assert pointer["truncated"] is True
    copy = _read(pointer, tmp_path / "warc")
    assert len(copy.body) == 1000 and copy.truncated


def test_middleware_stops_archiving_a_full_site_but_not_the_others(tmp_path):
    mw = _middleware(tmp_path)
    pointers = []
    for i in range(4):
        request, response = _page(f"https://m.gob.mx/{i}.html", b"<html>" + b"y" * 994, site=1)
        mw.process_response(request, response)
        pointers.append(request.meta["muniaudit_archive"])
    other, response = _page("https://otro.gob.mx/", b"<html>ok</html>", site=2)
    mw.process_response(other, response)
    assert [bool(p.get("record_id")) for p in pointers] == [True, True, False, False]
    assert pointers[2] == {"skipped": bounds.SKIPPED_SITE_LIMIT}
    assert other.meta["muniaudit_archive"]["record_id"]
    assert archive_ref(pointers[2]) == {"skipped": "site_limit"}


def test_middleware_skips_files_redirects_and_clears_a_redirects_pointer(tmp_path):
    mw = _middleware(tmp_path)
    request, _ = _page("https://m.gob.mx/viejo", b"")
    request.meta["muniaudit_archive"] = {"record_id": "stale"}           # as if left by an earlier hop
    moved = Response("https://m.gob.mx/viejo", status=301, headers={"Location": "/nuevo"}, request=request)
    mw.process_response(request, moved)
    assert "muniaudit_archive" not in request.meta
    pdf_request, pdf = _page("https://m.gob.mx/x.pdf", b"%PDF-1.4", ctype=b"application/pdf")
    mw.process_response(pdf_request, pdf)
    robots = Request("https://m.gob.mx/robots.txt", meta={"site": 1})
    mw.process_response(robots, TextResponse(robots.url, body=b"<html>", request=robots))
    assert "muniaudit_archive" not in pdf_request.meta and "muniaudit_archive" not in robots.meta


def test_middleware_keeps_a_bounded_screenshot_of_rendered_pages(tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    method = type("PageMethod", (), {"method": "screenshot", "result": png})()
    mw = _middleware(tmp_path)
    request, response = _page("https://m.gob.mx/spa", b"<html>spa</html>", playwright=True,
                              playwright_page_methods=[method])
    mw.process_response(request, response)
    big = type("PageMethod", (), {"method": "screenshot", "result": png + b"\0" * 2000})()
    request2, response2 = _page("https://m.gob.mx/spa2", b"<html>spa</html>", playwright=True,
                                playwright_page_methods=[big])
    mw.process_response(request2, response2)
    mw.close()
    assert "screenshot" not in request2.meta["muniaudit_archive"]        # over MUNIAUDIT_SCREENSHOT_MAX
    ref = archive_ref(request.meta["muniaudit_archive"])
    assert archive.WarcArchive([tmp_path / "warc"]).screenshot(ref) == png


def test_archive_can_be_switched_off(tmp_path):
    from scrapy.exceptions import NotConfigured

    with pytest.raises(NotConfigured):
        _middleware(tmp_path, MUNIAUDIT_WARC=False)


# ---------------------------------------------------------------- the reader

def _warc_with(tmp_path: Path, body: bytes, headers=None, truncated=False) -> dict:
    path = tmp_path / "run-1.warc.gz"
    with open(path, "ab") as fh:
        offset = fh.tell()
        writer = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", headers or [("Content-Type", "text/html")], protocol="HTTP/1.1")
        extra = {"WARC-Truncated": "length"} if truncated else {}
        record = writer.create_warc_record("https://m.gob.mx/", "response", payload=BytesIO(body),
                                           http_headers=http, warc_headers_dict=extra)
        writer.write_record(record)
        return {"warc": path.name, "offset": offset, "length": fh.tell() - offset,
                "record_id": record.rec_headers.get_header("WARC-Record-ID"), "truncated": truncated}


def test_reader_undoes_content_encoding(tmp_path):
    ref = _warc_with(tmp_path, gzip.compress(b"<p>comprimida</p>"),
                     [("Content-Type", "text/html"), ("Content-Encoding", "gzip")])
    assert archive.WarcArchive([tmp_path]).copy(ref).body == b"<p>comprimida</p>"


def test_reader_refuses_wrong_ids_paths_and_damaged_records(tmp_path):
    ref = _warc_with(tmp_path, b"<p>bien</p>")
    reader = archive.WarcArchive([tmp_path])
    assert reader.copy(ref) is not None
    assert reader.copy({**ref, "record_id": "<urn:uuid:otro>"}) is None
    assert reader.copy({**ref, "warc": "../" + ref["warc"]}) is None
    assert reader.copy({**ref, "warc": "/etc/passwd"}) is None
    assert reader.copy({**ref, "offset": ref["offset"] + 3}) is None
    assert reader.copy({**ref, "offset": -1}) is None
    assert archive.WarcArchive([tmp_path / "nada"]).copy(ref) is None
    cut = _warc_with(tmp_path, gzip.compress(b"<p>" + b"z" * 10000)[:40],
                     [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], truncated=True)
    reader.copy(cut)          # a cut gzip body: whatever it yields, it never raises


# ---------------------------------------------------------------- views and notes

def _evidence(ref: dict, body: bytes) -> dict:
    return {"url": "https://m.gob.mx/datos", "found_on": "https://m.gob.mx/", "sha256": hashlib.sha256(body).hexdigest(),
            "fetched_at": "2026-11-29T10:41:07+00:00", "archive": ref}


def test_views_are_written_for_readable_records_only(tmp_path):
    body = HOSTILE.encode()
    good = _evidence(_warc_with(tmp_path, body), body)
    gone = {**_evidence({**good["archive"], "record_id": "<urn:uuid:x>"}, b"otro"), "found_on": "https://m.gob.mx/b"}
    munis = [{"criteria": [{"evidence": [good, gone, {"url": "https://m.gob.mx/sin"}]}]}]
    out = tmp_path / "site"
    written = archive.write_views(munis, out, archive.WarcArchive([tmp_path]), "es", i18n.translator("es"))
    assert set(written) == {good["sha256"]}
    page = (out / written[good["sha256"]]["href"]).read_text()
    assert "Copia archivada el 29/11/2026 10:41 UTC" in page and good["sha256"] in page
    assert f"Content-Security-Policy\" content=\"{archive.CSP.replace(chr(39), '&#39;')}\"" in page
    assert '<iframe sandbox="" ' in page
    srcdoc = page.split('srcdoc="', 1)[1].split('"></iframe>', 1)[0]
    assert "&lt;script" not in srcdoc.lower() and "<script" not in srcdoc.lower() and "Datos abiertos" in srcdoc
    assert "<script" not in page.lower()
    assert archive.write_views(munis, out, None, "es", i18n.translator("es")) == {}


def test_hash_mismatch_and_truncation_are_said_in_the_view(tmp_path):
    body = b"<p>original</p>"
    ref = _warc_with(tmp_path, b"<p>otra cosa</p>")
    ev = _evidence(ref, body)
    written = archive.write_views([{"criteria": [{"evidence": [ev]}]}], tmp_path / "s", archive.WarcArchive([tmp_path]),
                                  "es", i18n.translator("es"))
    assert "no coincide con este hash" in (tmp_path / "s" / written[ev["sha256"]]["href"]).read_text()
    cut = _warc_with(tmp_path, b"<p>cort", truncated=True)
    ev2 = _evidence(cut, b"<p>cortada entera</p>")
    written = archive.write_views([{"criteria": [{"evidence": [ev2]}]}], tmp_path / "s2",
                                  archive.WarcArchive([tmp_path]), "en", i18n.translator("en"))
    assert "truncated copy: the first 7 bytes were kept" in (tmp_path / "s2" / written[ev2["sha256"]]["href"]).read_text()


def test_archive_note_links_or_says_why_there_is_no_copy():
    es = i18n.translator("es")
    sha = "a" * 64
    ev = {"url": "u", "sha256": sha, "fetched_at": "2026-11-29T10:41:00Z", "archive": {"record_id": "r", "warc": "run-1.warc.gz"}}
    linked = archive.archive_note(ev, {sha: {"href": f"archivo/{sha}.html", "screenshot": None}}, "../", es)
    assert f'href="../archivo/{sha}.html"' in linked and "copia archivada el 29/11/2026 10:41 UTC" in linked
    assert "aaaaaaaaaaaa…" in linked
    assert "no incluida en este reporte" in archive.archive_note(ev, {}, "../", es) and "href" not in \
        archive.archive_note(ev, {}, "../", es)
    assert "límite de archivo" in archive.archive_note({"archive": {"skipped": "site_limit"}}, {}, "../", es)
    assert "sin copia archivada" in archive.archive_note({"url": "u"}, {}, "../", es)
    en = archive.archive_note(ev, {sha: {"href": "archivo/x.html", "screenshot": "archivo/x.png"}}, "", i18n.translator("en"), "en")
    assert "archived copy of 2026-11-29 10:41 UTC" in en and "screenshot" in en


def test_archive_ref_never_publishes_server_paths():
    ref = archive_ref({"file": "/srv/muniaudit/warc/run-3.warc.gz", "offset": 10, "length": 5, "record_id": "<r>",
                       "screenshot": {"file": "/srv/muniaudit/warc/run-3.warc.gz", "offset": 15, "length": 9,
                                      "record_id": "<s>"}})
    assert ref["warc"] == "run-3.warc.gz" and ref["screenshot"]["warc"] == "run-3.warc.gz"
    assert "/srv" not in repr(ref)
    assert archive_ref(None) is None and archive_ref({"file": 3}) is None


def test_archive_messages_have_english_translations():
    pattern = re.compile(r"""_\(\s*"((?:[^"\\]|\\.)*)\"""")
    messages = set()
    for path in (Path(archive.__file__), Path(archive.__file__).with_name("citation.py"),
                 archive.TEMPLATES / "archived.html.j2", archive.TEMPLATES / "_citation.html.j2"):
        messages |= set(pattern.findall(path.read_text(encoding="utf-8")))
    missing = sorted(m for m in messages if m not in i18n.EN)
    assert len(messages) > 15 and not missing, missing


def test_hostile_archive_fields_in_a_document_never_crash_or_inject(tmp_path):
    from reports import sample
    from reports.render import render_site

    doc = sample.small_document()
    muni = next(m for m in doc["municipalities"] if m["cvegeo"] == "14097")
    hostile = [{"warc": "../../etc/passwd", "offset": "x", "record_id": 5}, "no es un objeto",
               {"warc": "run-1.warc.gz", "record_id": "<script>alert(1)</script>", "offset": 0},
               {"skipped": "<img src=x onerror=alert(1)>"}]
    for c, ref in zip(muni["criteria"], hostile * 4, strict=False):
        c["evidence"] = [{"url": "https://m.gob.mx/", "sha256": "<script>", "fetched_at": "<b>x</b>", "archive": ref}]
    render_site(doc, tmp_path, validate=False, archive=archive.WarcArchive([tmp_path]))
    page = (tmp_path / "m" / "14097.html").read_text()
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>x</b>" not in page
    assert not (tmp_path / "archivo").exists()
