"""The page budget goes where verdicts can change: menus and hubs before article archives.

A generated news-heavy site on loopback: the home page carries a menu and 120 news teasers (dated article paths,
each article linking five more); the only video sits two menu clicks deep (menu -> hub -> video page), behind
link words the frontier has no keyword for. With a budget of 25 pages the crawl must reach it.
"""
from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from benchmarks.scratch import crawl_sites
from crawler.runner import CrawlOptions

FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "LOG_LEVEL": "WARNING"}
MENU = ('<header><nav class="menu-principal"><ul><li><a href="/">Inicio</a></li>'
        '<li><a href="/comunicacion/">Comunicación social</a></li><li><a href="/gobierno/">Gobierno</a></li></ul>'
        '</nav></header>')


def _page(title: str, body: str) -> str:
    return f"<!doctype html><html><head><title>{title}</title></head><body>{MENU}<main>{body}</main></body></html>"


def _article(n: int) -> str:
    related = "".join(f'<li><a href="/2026/01/{(n + k) % 28 + 1:02d}/nota-{n + k}/">Nota {n + k}</a></li>'
                      for k in range(1, 6))
    return _page(f"Nota {n}", f'<article class="post type-post"><h1>Nota {n}</h1><time>2026-01-01</time>'
                              f'<div class="entry-content"><p>{"Texto de la nota. " * 40}</p></div>'
                              f'<aside class="related-posts"><ul>{related}</ul></aside></article>')


def _write_site(root: Path) -> None:
    teasers = "".join(f'<article class="post"><h2><a href="/2026/01/{n % 28 + 1:02d}/nota-{n}/">Nota {n}</a></h2>'
                      f'<p>Resumen.</p></article>' for n in range(120))
    files = {
        "index.html": _page("Inicio", f"<h1>Municipio</h1><section class='noticias'>{teasers}</section>"),
        "comunicacion/index.html": _page("Comunicación", '<h1>Comunicación social</h1><ul>'
                                         '<li><a href="/comunicacion/boletines/">Boletines</a></li>'
                                         '<li><a href="/comunicacion/sala-audiovisual/">Sala audiovisual</a></li>'
                                         '</ul>'),
        "comunicacion/boletines/index.html": _page("Boletines", "<h1>Boletines</h1><p>Sin boletines.</p>"),
        "comunicacion/sala-audiovisual/index.html": _page(
            "Sala audiovisual", '<h1>Sala audiovisual</h1>'
            '<iframe src="https://www.youtube.com/embed/AbCdEf12345" title="Informe"></iframe>'),
        "gobierno/index.html": _page("Gobierno", "<h1>Gobierno</h1><p>Cabildo.</p>"),
    }
    for n in range(130):
        files[f"2026/01/{n % 28 + 1:02d}/nota-{n}/index.html"] = _article(n)
    for rel, html in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html, encoding="utf-8")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:   # the test's output is the assertion, not the access log
        pass


@pytest.mark.slow
def test_a_video_two_menu_clicks_deep_is_reached_before_the_news_archive(tmp_path):
    _write_site(tmp_path)
    handler = functools.partial(_QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        results = crawl_sites({"news": url}, CrawlOptions(allow_private=True, render="never", page_budget=25,
                                                          settings=FAST), timeout=300)
    finally:
        server.shutdown()
        server.server_close()
    site = results["news"]
    videos = [s for s in site.signals if s["kind"] == "video_channel"]
    assert videos, [p["url"] for p in site.pages]
    skipped = site.facts["skipped"]
    assert skipped.get("budget", 0) + skipped.get("no_candidates", 0) > 100   # the archive was left unread
    fetched = {p["url"].rstrip("/").rsplit("/", 1)[-1] for p in site.pages}
    assert "sala-audiovisual" in fetched
