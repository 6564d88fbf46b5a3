"""The portal spider's callbacks, in-process on saved responses under a frozen clock: one field per test.

Pages come from the bundled sample web (muniaudit/sampleweb/sites), the fixture sites (tests/fixtures/sites) and
small pages written here; no server, no reactor, no child process (tests/spider_helpers.py).
"""
from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from scrapy import Request
from scrapy.exceptions import StopDownload
from twisted.internet.error import ConnectionRefusedError, DNSLookupError
from twisted.python.failure import Failure

from crawler.extensions import RunStats
from crawler.items import PageItem, SignalsItem, SiteDoneItem
from crawler.scope import OffsiteRedirect, SiteScopeMiddleware
from tests.spider_helpers import (
    add_site,
    callback_output,
    done_of,
    drive,
    file_response,
    make_spider,
    page_meta,
    pages_of,
    run,
)

ROOT = Path(__file__).resolve().parents[2]
STRONG = ROOT / "muniaudit" / "sampleweb" / "sites" / "strong"
SPA = ROOT / "tests" / "fixtures" / "sites" / "spa"
HOME = "http://santa-clara.gob.mx/"
FROZEN = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(FROZEN, tick=False):
        yield


@pytest.fixture
def spider():
    return make_spider()


@pytest.fixture
def state(spider):
    return add_site(spider, HOME)


def html(title: str, body: str = "") -> bytes:
    return f"<!doctype html><html><head><title>{title}</title></head><body>{body}</body></html>".encode()


def home_output(spider, state, body, headers=None, status=200, url=HOME) -> list:
    response = file_response(body, url, headers=headers, status=status, meta=page_meta(state))
    return callback_output(spider, state, response)


def page_output(spider, state, body, url, headers=None, status=200, depth=1) -> list:
    response = file_response(body, url, headers=headers, status=status, meta=page_meta(state, "page", depth))
    return callback_output(spider, state, response)


def the_page(items) -> PageItem:
    (page,) = pages_of(items)
    return page


def requests_of(items) -> list[Request]:
    return [i for i in items if isinstance(i, Request)]


# -- a home page ----------------------------------------------------------------------------------------------

def test_home_page_title(spider, state):
    assert the_page(home_output(spider, state, STRONG / "index.html")).title == \
        "Inicio | Gobierno Municipal de Santa Clara del Ejemplo"


def test_home_page_fetch_time_is_the_clock_s(spider, state):
    assert the_page(home_output(spider, state, STRONG / "index.html")).fetched_at == FROZEN


def test_home_page_is_read_over_http(spider, state):
    assert the_page(home_output(spider, state, STRONG / "index.html")).render_mode == "http"


def test_home_page_role(spider, state):
    assert the_page(home_output(spider, state, STRONG / "index.html")).role == "home"


def test_home_page_hash_is_of_the_body_as_served(spider, state):
    import hashlib

    body = (STRONG / "index.html").read_bytes()
    assert the_page(home_output(spider, state, body)).sha256 == hashlib.sha256(body).hexdigest()


def test_home_page_signals_include_its_social_profiles(spider, state):
    (signals,) = [i for i in home_output(spider, state, STRONG / "index.html") if isinstance(i, SignalsItem)]
    assert "social_profile" in {s.kind for s in signals.signals}


def test_home_page_menu_link_is_requested_first(spider, state):
    first = requests_of(home_output(spider, state, STRONG / "index.html"))[0]
    assert first.url == HOME + "datos-abiertos/"


def test_home_page_releases_a_window_of_page_requests(spider, state):
    assert len(requests_of(home_output(spider, state, STRONG / "index.html"))) == 4


def test_home_page_s_final_host_joins_the_site(spider, state):
    response = file_response(STRONG / "index.html", "https://www.santa-clara.gob.mx/",
                             meta=page_meta(state, redirect_urls=[HOME]))
    callback_output(spider, state, response)
    assert state.home_redirects == [HOME]


def test_home_page_outcome_is_ok(spider, state):
    home_output(spider, state, STRONG / "index.html")
    assert state.home_outcome == "ok"


def test_a_corpus_home_page_is_read(spider, state):
    corpus_home = ROOT.parent / "shared" / "corpus" / "sites" / "escarcega" / "index.html"
    if not corpus_home.exists():
        pytest.skip("corpus not found beside the project (../shared/corpus)")
    assert the_page(home_output(spider, state, corpus_home)).status == 200


# -- faults ------------------------------------------------------------------------------------------------------

def test_a_captcha_home_page_is_blocked(spider, state):
    home_output(spider, state, html("Attention Required! | Cloudflare", "<div class='cf-challenge'></div>"))
    assert state.home_outcome == "blocked"


def test_a_server_error_home_page_is_unreachable(spider, state):
    home_output(spider, state, html("Error"), status=500)
    assert state.home_outcome == "unreachable"


def test_a_php_error_page_is_recorded(spider, state):
    body = html("Obras", "<b>Fatal error</b>: Uncaught Error in /var/www/obras.php on line <b>12</b>")
    assert the_page(page_output(spider, state, body, HOME + "obras.php")).fault == "php_error"


def test_latin1_served_as_utf8_is_an_encoding_mismatch(spider, state):
    body = "<html><head><title>Información</title></head><body>Año</body></html>".encode("latin-1")
    item = the_page(page_output(spider, state, body, HOME + "latin1"))
    assert item.fault == "encoding_mismatch"


def test_latin1_served_as_utf8_is_read_as_latin1(spider, state):
    body = "<html><head><title>Información</title></head><body>Año</body></html>".encode("latin-1")
    assert the_page(page_output(spider, state, body, HOME + "latin1")).title == "Información"


def test_a_page_like_the_random_path_probe_is_a_soft_404(spider, state):
    not_found = html("Página", "<p>Lo sentimos, esta página no existe.</p>")
    probe = file_response(not_found, HOME + "muniaudit-probe-abc",
                          request=Request(HOME + "muniaudit-probe-abc", callback=spider.parse_probe,
                                          meta={"site": 1, "depth_": 0, "probe": True}))
    callback_output(spider, state, probe)
    assert the_page(page_output(spider, state, not_found, HOME + "algo")).fault == "soft_404"


def test_pages_wait_for_the_probe_and_go_once_it_answers(spider, state):
    state.awaiting_probe = True
    home = requests_of(home_output(spider, state, html("Inicio", '<nav><a href="/transparencia/">Transparencia</a>'
                                                                 '</nav>')))
    assert home == []
    probe = file_response(html("x"), HOME + "muniaudit-probe-abc", status=404,
                          request=Request(HOME + "muniaudit-probe-abc", callback=spider.parse_probe,
                                          meta={"site": 1, "depth_": 0, "probe": True}))
    urls = [r.url for r in requests_of(callback_output(spider, state, probe))]
    assert urls == [HOME + "transparencia/"]


def test_a_js_shell_is_listed_as_needing_render_when_there_is_no_browser(spider, state):
    home_output(spider, state, SPA / "index.html")
    assert state.needing_render == [HOME]


def test_a_js_shell_page_is_recorded_as_needing_render(spider, state):
    assert the_page(home_output(spider, state, SPA / "index.html")).render_mode == "needs_render"


def test_a_binary_behind_a_page_link_is_recorded_as_a_file(spider, state):
    item = the_page(page_output(spider, state, b"%PDF-1.4", HOME + "informe", headers={"Content-Type": "application/pdf"}))
    assert item.render_mode == "head"


def test_a_binary_page_link_is_not_downloaded(spider, state):
    request = Request(HOME + "informe", meta=page_meta(state, "page"))
    with pytest.raises(StopDownload):
        spider.headers_received({b"Content-Type": b"application/pdf"}, 10, request)


# -- robots.txt and sitemaps ----------------------------------------------------------------------------------------

def robots_output(spider, state, body: bytes, status: int = 200) -> list:
    request = Request(HOME + "robots.txt", callback=spider.parse_robots, meta={"site": 1, "depth_": 0})
    response = file_response(body, request.url, headers={"Content-Type": "text/plain"}, status=status,
                             request=request)
    return callback_output(spider, state, response)


def test_robots_declared_sitemap_is_requested(spider, state):
    out = robots_output(spider, state, b"User-agent: *\nDisallow: /privado/\nSitemap: " + HOME.encode() + b"mapa.xml\n")
    assert [r.url for r in requests_of(out)] == [HOME + "mapa.xml"]


def test_robots_without_sitemap_tries_the_conventional_one(spider, state):
    assert [r.url for r in requests_of(robots_output(spider, state, b"User-agent: *\n"))] == [HOME + "sitemap.xml"]


def test_robots_that_shut_out_the_home_page_are_a_fact(spider, state):
    robots_output(spider, state, b"User-agent: *\nDisallow: /\n")
    assert state.robots["home_allowed"] is False


def test_robots_sitemaps_of_another_site_are_ignored(spider, state):
    robots_output(spider, state, b"Sitemap: http://otro.mx/sitemap.xml\n")
    assert state.robots["sitemaps"] == []


def sitemap_output(spider, state, body: bytes) -> list:
    request = Request(HOME + "sitemap.xml", callback=spider.parse_sitemap, meta={"site": 1, "depth_": 1})
    response = file_response(body, request.url, headers={"Content-Type": "application/xml"}, request=request)
    return callback_output(spider, state, response)


URLSET = (b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
          b"<url><loc>" + HOME.encode() + b"solo-sitemap.html</loc><lastmod>2026-09-30</lastmod></url>"
          b"<url><loc>" + HOME.encode() + b"otra.html</loc><lastmod>2025-01-01</lastmod></url></urlset>")


def test_sitemap_newest_lastmod_is_kept(spider, state):
    sitemap_output(spider, state, URLSET)
    assert state.sitemap["latest_lastmod"] == "2026-09-30"


def test_sitemap_urls_are_requested(spider, state):
    assert HOME + "solo-sitemap.html" in {r.url for r in requests_of(sitemap_output(spider, state, URLSET))}


def test_a_gzipped_sitemap_is_read(spider, state):
    sitemap_output(spider, state, gzip.compress(URLSET))
    assert state.sitemap["urls"] == 2


def test_an_html_page_instead_of_a_sitemap_is_counted_invalid(spider, state):
    sitemap_output(spider, state, html("No encontrado"))
    assert state.sitemap["invalid"] == 1


def test_a_sitemap_index_asks_for_its_children(spider, state):
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>" + HOME.encode() + b"sitemap-1.xml</loc></sitemap></sitemapindex>")
    assert [r.url for r in requests_of(sitemap_output(spider, state, index))] == [HOME + "sitemap-1.xml"]


# -- file probes ------------------------------------------------------------------------------------------------

def file_output(spider, state, url, body, headers, status=200, sample=True) -> list:
    meta = {"site": 1, "depth_": 1, "sample": True} if sample else {"site": 1, "depth_": 1, "head": True}
    request = Request(url, callback=spider.parse_file, meta=meta, method="GET" if sample else "HEAD")
    return callback_output(spider, state, file_response(body, url, headers=headers, status=status, request=request))


def test_an_html_page_behind_a_csv_link_is_a_format_mismatch(spider, state):
    out = file_output(spider, state, HOME + "datos/falso.csv", html("Inicie sesión"), {"Content-Type": "text/csv"})
    assert the_page(out).fault == "format_mismatch"


def test_a_data_file_s_last_modified_is_its_update_date(spider, state):
    out = file_output(spider, state, HOME + "datos/obras.csv", b"obra,monto\nPuente,100\n",
                      {"Content-Type": "text/csv", "Last-Modified": "Wed, 30 Sep 2026 10:00:00 GMT"})
    (signals,) = [i for i in out if isinstance(i, SignalsItem)]
    assert signals.signals[0].data["date"] == "2026-09-30"


def test_a_file_s_size_comes_from_content_range(spider, state):
    out = file_output(spider, state, HOME + "datos/obras.csv", b"obra,monto\nPuente,100\n",
                      {"Content-Type": "text/csv", "Content-Range": "bytes 0-21/5000"}, status=206)
    assert the_page(out).size == 5000


def test_a_refused_head_becomes_a_small_ranged_get(spider, state):
    out = file_output(spider, state, HOME + "datos/obras.xlsx", b"", {"Content-Type": "text/html"}, status=405,
                      sample=False)
    assert requests_of(out)[0].headers["Range"] == b"bytes=0-8191"


# -- failures ---------------------------------------------------------------------------------------------------

def error_output(spider, state, exc, page="home", url=HOME) -> list:
    state.outstanding += 1
    failure = Failure(exc)
    failure.request = Request(url, callback=spider.parse_page, meta=page_meta(state, page))
    return run(spider.on_error(failure))


def test_a_dead_home_page_makes_the_site_unreachable(spider, state):
    error_output(spider, state, ConnectionRefusedError())
    assert state.home_outcome == "unreachable"


def test_a_failed_page_is_recorded_with_its_fault(spider, state):
    assert the_page(error_output(spider, state, DNSLookupError("no such host"))).fault == "dns_error"


def test_the_last_failure_finishes_the_site(spider, state):
    assert done_of(error_output(spider, state, ConnectionRefusedError())).status == "unreachable"


# -- scope, run statistics ----------------------------------------------------------------------------------------

def redirect_off_site(spider, state) -> Request:
    """A page of the site that redirects to Facebook, as SiteScopeMiddleware sees the redirected request."""
    spider.crawler.spider = spider
    return Request("https://www.facebook.com/municipio", meta=page_meta(state, "page", redirect_urls=[HOME + "fb"]))


def test_a_redirect_off_the_site_is_dropped(spider, state):
    with pytest.raises(OffsiteRedirect):
        SiteScopeMiddleware(spider.crawler).process_request(redirect_off_site(spider, state))


def test_a_redirect_off_the_site_is_recorded_as_an_external_link(spider, state):
    with pytest.raises(OffsiteRedirect):
        SiteScopeMiddleware(spider.crawler).process_request(redirect_off_site(spider, state))
    assert state.external["social"] == ["https://www.facebook.com/municipio"]


def test_the_home_page_may_redirect_anywhere(spider, state):
    middleware = SiteScopeMiddleware(spider.crawler)
    spider.crawler.spider = spider
    request = Request("https://nuevo-dominio.gob.mx/", meta=page_meta(state, "home", redirect_urls=[HOME]))
    assert middleware.process_request(request) is None


def test_run_stats_count_site_outcomes_and_faults(spider):
    stats = RunStats(spider.crawler.stats)
    stats.item_scraped(SiteDoneItem(1, "partial", 3, 0, 0, None, {"faults": {"timeout": 2}}))
    assert (spider.crawler.stats.get_value("muniaudit/site_status/partial"),
            spider.crawler.stats.get_value("muniaudit/fault/timeout")) == (1, 2)


def test_run_stats_keep_the_time_the_last_site_finished(spider):
    RunStats(spider.crawler.stats).item_scraped(SiteDoneItem(1, "ok", 1, 0, 0, None, {"faults": {}}))
    assert spider.crawler.stats.get_value("muniaudit/last_site_done") == FROZEN


def test_run_stats_are_an_extension_of_the_project():
    from crawler import settings

    assert "crawler.extensions.RunStats" in settings.EXTENSIONS


# -- a whole site, engine played in-process ----------------------------------------------------------------------

def saved_site(root: Path) -> dict[str, bytes]:
    """A folder of saved pages as path -> body (index.html serves its folder)."""
    site: dict[str, bytes] = {}
    for path in root.rglob("*"):
        if path.is_file():
            rel = "/" + path.relative_to(root).as_posix()
            site[rel] = path.read_bytes()
            if path.name == "index.html":
                site[rel.removesuffix("index.html")] = path.read_bytes()
    return site


def test_a_whole_sample_site_finishes_ok(spider, state):
    items, _ = drive(spider, state, saved_site(STRONG))
    assert done_of(items).status == "ok"


def test_a_whole_sample_site_stops_with_no_candidates_left(spider, state):
    items, _ = drive(spider, state, saved_site(STRONG))
    assert done_of(items).facts["stop_reason"] == "no_candidates"


def test_the_page_budget_is_kept_over_a_whole_site(state):
    spider = make_spider(MUNIAUDIT_PAGE_BUDGET=3)
    state = add_site(spider, HOME)
    items, _ = drive(spider, state, saved_site(STRONG))
    assert done_of(items).facts["pages_scheduled"] == 4      # the home page and three more


# A generated news-heavy site (moved here from a child-process crawl test): the home page carries a menu and 120
# news teasers (dated article paths, each article linking five more); the only video sits two menu clicks deep
# (menu -> hub -> video page), behind link words the frontier has no keyword for. With a budget of 25 pages the
# crawl must reach it: the page budget goes where verdicts can change, menus and hubs before article archives.

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


@pytest.fixture
def news_site(tmp_path):
    _write_site(tmp_path)
    spider = make_spider(MUNIAUDIT_PAGE_BUDGET=25)
    state = add_site(spider, HOME)
    items, _ = drive(spider, state, saved_site(tmp_path))
    return items


def test_a_video_two_menu_clicks_deep_is_reached_before_the_news_archive(news_site):
    assert any(p.url.endswith("/comunicacion/sala-audiovisual/") for p in pages_of(news_site))


def test_the_video_two_menu_clicks_deep_is_found(news_site):
    kinds = {s.kind for i in news_site if isinstance(i, SignalsItem) for s in i.signals}
    assert "video_channel" in kinds


def test_the_news_archive_is_left_unread(news_site):
    skipped = done_of(news_site).facts["skipped"]
    assert skipped.get("budget", 0) + skipped.get("no_candidates", 0) > 100


# -- steered by the rubrics: a decided site stops, a site missing evidence is searched to the end ----------------

DECIDING = {"MUNIAUDIT_SITE_DECIDER": "audit.decider.RubricDecider",
            "MUNIAUDIT_DECIDER_RUBRICS": ["aidh-2016", "transparencia-obligaciones"]}
SAMPLE_SITES = ROOT / "muniaudit" / "sampleweb" / "sites"


def _crawl(site: Path, **settings):
    spider = make_spider(**settings)
    state = add_site(spider, HOME)
    return drive(spider, state, saved_site(site))


def test_a_site_whose_automatic_criteria_are_all_decided_stops_early(tmp_path):
    from tests.unit.test_audit_engine import crit, make_rubric

    make_rubric(tmp_path, [crit("redes", "uno", 10, "has_signal", params={"kind": "social_profile"}),
                           crit("transparencia", "dos", 10, "has_signal", params={"kind": "transparency_section"})])
    items, requested = _crawl(STRONG, MUNIAUDIT_SITE_DECIDER=DECIDING["MUNIAUDIT_SITE_DECIDER"],
                              MUNIAUDIT_DECIDER_RUBRICS=[str(tmp_path / "mini.yaml")])
    _, unsteered = _crawl(STRONG)
    facts = done_of(items).facts
    assert facts["stop_reason"] == "decided" and facts["wanted_at_end"] == []
    assert len(requested) < len(unsteered)


def test_a_site_that_lacks_evidence_is_searched_until_its_candidates_run_out():
    items, requested = _crawl(SAMPLE_SITES / "legal_only", **DECIDING)
    _, unsteered = _crawl(SAMPLE_SITES / "legal_only")
    facts = done_of(items).facts
    assert facts["stop_reason"] == "no_candidates" and "open_data_section" in facts["wanted_at_end"]
    assert len(requested) == len(unsteered)


def test_without_a_decider_nothing_is_ever_decided():
    facts = done_of(_crawl(STRONG)[0]).facts
    assert facts["stop_reason"] == "no_candidates" and facts["wanted_at_end"] is None
