"""The real spider over the fault-injection web plus healthy sites, all on loopback, in one run.

Every fault must end as a recorded kind (on the page or in the site facts), nothing may crash, and the healthy
sites must yield the same signals as when crawled alone.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.scratch import crawl_sites
from crawler.runner import CrawlOptions
from muniaudit.sampleweb.faults import serve_fault_web
from muniaudit.sampleweb.server import Site, serve_sample_web

pytestmark = pytest.mark.slow
# Not steered by the rubrics: a steered crawl stops looking for a kind once its criteria are decided, so which of
# several equivalent proofs it records (a data file's Last-Modified) depends on the order pages arrive in. The
# isolation of healthy sites from faulty ones is tested on the whole of what the crawler can record.
FAST = {"DOWNLOAD_TIMEOUT": 3, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RETRY_TIMES": 1,
        "RETRY_BACKOFF_BASE": 0.2, "LOG_LEVEL": "WARNING", "MUNIAUDIT_SITE_DECIDER": None}
HEALTHY = ["strong", "small_town"]

ROBOTS_SITE = {
    "index.html": '<!doctype html><html lang="es"><head><meta charset="utf-8"><title>Municipio Robots</title></head>'
                  '<body><a href="/privado/nomina.html">Nómina</a> <a href="/publico.html">Transparencia</a>'
                  ' <a href="/datos/obras.csv">Obras (CSV)</a> <a href="/datos/falso.csv">Presupuesto (CSV)</a>'
                  ' <a href="/datos/informe.pdf">Informe (PDF)</a></body></html>',
    "publico.html": '<!doctype html><html><head><title>Transparencia</title></head><body><p>Público.</p></body></html>',
    "privado/nomina.html": "<!doctype html><html><head><title>Privado</title></head><body>No.</body></html>",
    "solo-sitemap.html": "<!doctype html><html><head><title>Sólo en el sitemap</title></head><body>Hola</body></html>",
    "datos/obras.csv": "obra,monto\nPuente,100\nCalle,50\n",
    "datos/falso.csv": "<!doctype html><html><head><title>Inicie sesión</title></head><body>login</body></html>",
    "datos/informe.pdf": "%PDF-1.4 " + "x" * 5000,
    "robots.txt": "User-agent: *\nDisallow: /privado/\nSitemap: __BASE_URL__/sitemap.xml\n",
    "sitemap.xml": '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                   "<url><loc>__BASE_URL__/solo-sitemap.html</loc><lastmod>2026-09-30</lastmod></url></urlset>",
}


def _robots_site(root: Path) -> Site:
    for name, text in ROBOTS_SITE.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return Site(site_id="robots", root=root)


def _signal_keys(result) -> set[tuple[str, str]]:
    return {(s["kind"], s["data"].get("identity") or s["url"]) for s in result.signals}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    site_root = tmp / "robots-site"
    site_root.mkdir()
    warc_dir = tmp / "warc"
    with serve_fault_web(delay_s=10, drip_s=1.5) as fw, \
            serve_sample_web(sites=HEALTHY, delay_s=5) as web, \
            serve_sample_web(sites=[_robots_site(site_root)]) as robots_web, \
            serve_sample_web(sites=[Site(site_id="silent", root=site_root, faults={"*": "hang"})],
                             delay_s=20) as silent_web:
        urls = {"faults": fw["http"] + "/", "tls": fw["https"] + "/", "robots": robots_web.entry_url("robots"),
                "dead": "http://127.0.0.1:9/", "silent": silent_web.entry_url("silent")}
        urls |= {sid: web.entry_url(sid) for sid in HEALTHY}
        options = CrawlOptions(allow_private=True, render="never", settings=FAST, warc_dir=str(warc_dir))
        together = crawl_sites(urls, options, timeout=240)
        alone = crawl_sites({sid: web.entry_url(sid) for sid in HEALTHY},
                            CrawlOptions(allow_private=True, render="never", settings=FAST), timeout=240)
    return together, alone, warc_dir


def test_the_run_finishes_without_unhandled_errors(crawled):
    together, _, _ = crawled
    assert together.returncode == 0
    stats = together.run_stats["crawls"][-1]
    assert not any(k.startswith("spider_exceptions") for k in stats), stats
    # the only ERROR lines allowed are Scrapy's robots.txt middleware failing to reach the dead site
    robots_errors = sum(v for k, v in stats.items() if k.startswith("robotstxt/exception_count"))
    assert stats.get("log_count/ERROR", 0) <= robots_errors, stats
    assert together.run_stats["sites"] and "pending" not in together.run_stats["sites"]
    for result in together.values():
        assert "internal_error" not in result.facts["faults"]


def test_every_fault_is_recorded_with_its_kind(crawled):
    together, _, _ = crawled
    site = together["faults"]
    by_path = {p["url"].split("/", 3)[3]: p for p in site.pages}
    expected = {
        "timeout": "timeout", "500": "http_500", "reset": "connection_reset", "loop-a": "redirect_loop",
        "huge": "too_large", "latin1": "encoding_mismatch", "captcha": "blocked", "captcha-200": "blocked",
        "soft404-anything": "soft_404", "not-found": "http_404", "php-error": "php_error",
    }
    for path, kind in expected.items():
        assert by_path[path]["fault"] == kind, (path, by_path[path])
    assert by_path["drip"]["status"] == 200 and by_path["drip"]["fault"] is None   # slow but within the timeout
    facts = site.facts["faults"]
    assert facts["crawl_trap"] >= 1 and facts["session_id_url"] >= 1 and site.facts["soft_404_site"]
    calendar_pages = [p for p in site.pages if "calendar" in p["url"]]
    assert 1 <= len(calendar_pages) <= 6                      # the endless calendar is cut off
    assert len([p for p in site.pages if "session" in p["url"]]) == 1   # session IDs do not multiply pages
    assert site.status == "partial"                          # reachable, but parts failed
    # impossible URLs at the top of the page are skipped one by one; the links after them are still followed
    assert site.facts["skipped"]["invalid_url"] >= 1


def test_tls_invalid_is_recorded_and_the_site_still_crawled(crawled):
    site = crawled[0]["tls"]
    assert site.status in ("ok", "partial")
    assert site.facts["faults"]["tls_invalid"] == 1 and site.facts["tls_invalid"]
    home = next(p for p in site.pages if p["depth"] == 0)
    assert home["status"] == 200 and home["fault"] == "tls_invalid"


def test_unreachable_site_ends_unreachable_and_the_run_goes_on(crawled):
    together, _, _ = crawled
    assert together["dead"].status == "unreachable"
    assert together["dead"].facts["faults"].get("connection_refused")


def test_a_host_that_never_answers_is_given_up_on_after_its_home_page_s_one_try(crawled):
    # every path hangs: robots.txt (the middleware's and the spider's) and the probe fail first, so the host is
    # unresponsive (MUNIAUDIT_HOST_FAILURES) and the home page, still asked once, is not retried
    together, _, _ = crawled
    site = together["silent"]
    assert site.status == "unreachable" and site.facts["faults"]["host_unresponsive"] == 1
    assert [(p["depth"], p["fault"]) for p in site.pages] == [(0, "timeout")]
    assert together.run_stats["crawls"][-1]["muniaudit/retry_skipped_unresponsive"] >= 1


def test_robots_disallow_sitemap_and_files(crawled):
    site = crawled[0]["robots"]
    assert any(u.endswith("/privado/nomina.html") for u in site.facts["robots_disallowed"])
    nomina = next(p for p in site.pages if p["url"].endswith("/privado/nomina.html"))
    assert nomina["fault"] == "robots_disallowed" and nomina["status"] is None
    assert any(p["url"].endswith("/solo-sitemap.html") and p["status"] == 200 for p in site.pages)
    assert site.facts["sitemap"]["latest_lastmod"] == "2026-09-30"
    files = {p["url"].rsplit("/", 1)[1]: p for p in site.pages if p["render_mode"] in ("head", "sample")}
    assert files["obras.csv"]["render_mode"] == "sample" and files["obras.csv"]["fault"] is None
    assert files["falso.csv"]["fault"] == "format_mismatch"
    assert "informe.pdf" not in files          # a document is judged by its link; only data files are probed
    assert site.facts["skipped"]["file_not_probed"] >= 1


def test_healthy_sites_are_unaffected_by_the_faulty_ones(crawled):
    together, alone, _ = crawled
    for sid in HEALTHY:
        assert together[sid].status == alone[sid].status == "ok"
        assert _signal_keys(together[sid]) == _signal_keys(alone[sid])
        assert {p["url"] for p in together[sid].pages} == {p["url"] for p in alone[sid].pages}


def test_html_pages_are_archived_as_warc_with_pointers_that_match_the_stored_hash(crawled):
    import hashlib

    from warcio.archiveiterator import ArchiveIterator

    from reports.archive import WarcArchive
    from store.documents import archive_ref

    together, _, warc_dir = crawled
    [path] = list(warc_dir.glob("run-*.warc.gz"))
    with open(path, "rb") as fh:
        records = [(r.rec_headers.get_header("WARC-Target-URI"), r.http_headers.get_statuscode())
                   for r in ArchiveIterator(fh) if r.rec_type == "response"]
    assert not any(uri.endswith("/loop-a") for uri, _ in records)      # redirects are not evidence pages
    assert any(uri.endswith("/latin1") and code == "200" for uri, code in records)
    assert together.run_stats["crawls"][-1]["muniaudit/warc_records"] == len(records)
    reader = WarcArchive([warc_dir])
    archived = [p for site in together.values() for p in site.pages if (p["archive"] or {}).get("record_id")]
    assert len(archived) >= 10
    for page in archived:
        copy = reader.copy(archive_ref(page["archive"]))
        assert copy is not None, page["url"]
        # the stored hash is of the body as served (charset repair comes after), so the copy proves it
        assert hashlib.sha256(copy.body).hexdigest() == page["sha256"], page["url"]
    files = [p for site in together.values() for p in site.pages if p["render_mode"] in ("head", "sample")]
    assert files and all(p["archive"] is None for p in files)
