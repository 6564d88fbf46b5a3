"""Pure page classification: blocks, PHP errors, JS shells and handlers, data sniffing, failure kinds."""
from __future__ import annotations

import pytest
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError, IgnoreRequest

from crawler import faults
from crawler.middlewares import ForbiddenAddress, OffsiteRedirect


def test_block_pages_are_recognised():
    assert faults.block_reason("<title>Attention Required! | Cloudflare</title>", 403)
    assert faults.block_reason('<div class="g-recaptcha" data-sitekey="x"></div>', 200)
    assert faults.block_reason("<p>This website is not available in your country</p>", 451)
    assert faults.block_reason("<h1>Bienvenidos al portal</h1>", 200) is None


def test_php_errors_with_status_200():
    html = "<b>Fatal error</b>:  Uncaught Error in <b>/var/www/index.php</b> on line <b>12</b>"
    assert faults.php_error(html)
    assert not faults.php_error("<p>Advertencia: la temporada de lluvias</p>")


def test_handler_targets_are_recovered_without_a_browser():
    html = """<a href="javascript:loadPage('transparencia.php')">T</a>
              <li onclick="cargarSeccion('/datos/index.html')">D</li> <a href="javascript:void(0)">x</a>"""
    assert faults.js_targets(html) == ["transparencia.php", "/datos/index.html"]


def test_js_shells_need_rendering():
    assert faults.needs_rendering('<div id="root"></div><script src="/app.js"></script>', 0) == "js_shell"
    nav = "".join(f'<a href="javascript:go({i})">S{i}</a>' for i in range(5))
    assert faults.needs_rendering(nav + "<p>" + "texto " * 100 + "</p>", 0) == "js_navigation"
    assert faults.needs_rendering("<p>" + "texto " * 100 + '</p><a href="/a">a</a>', 1) is None


@pytest.mark.parametrize("ext, head, ok", [
    ("csv", b"anio,monto\n2026,100\n2025,90\n", True),
    ("csv", b"<!DOCTYPE html><html><title>Login</title>", False),
    ("csv", b"\x89PNG\r\n\x1a\n\x00\x00", False),
    ("json", b'  {"a": 1}', True),
    ("json", b"<html>", False),
    ("xml", b"<?xml version='1.0'?><a/>", True),
])
def test_data_files_are_sniffed(ext, head, ok):
    assert faults.looks_like(ext, head) is ok


def test_soft_404_fingerprint_ignores_the_probe_path():
    a = "<h1>No encontrado</h1><p>/muniaudit-probe-abc123 no existe</p>"
    b = "<h1>No encontrado</h1><p>/muniaudit-probe-ffffff no existe</p>"
    assert faults.fingerprint(a) == faults.fingerprint(b)


@pytest.mark.parametrize("exc, kind", [
    (ForbiddenAddress("127.0.0.1"), "forbidden_address"),
    (OffsiteRedirect("redirect to another host"), "offsite_redirect"),
    (IgnoreRequest("Forbidden by robots.txt"), "robots_disallowed"),
    (IgnoreRequest("max redirections reached"), "redirect_loop"),
    (IgnoreRequest("Ignored response because its body exceeded DOWNLOAD_MAXSIZE during decompression."),
     "too_large"),
    (DownloadCancelledError("Cancelling download of x: expected response size (9) larger than download max size (1)."),
     "too_large"),
    (DownloadTimeoutError("Getting x took longer than 3.0 seconds."), "timeout"),
])
def test_failures_get_stable_kinds(exc, kind):
    assert faults.failure_kind(exc) == kind
