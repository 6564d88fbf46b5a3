"""The real spider over the real municipal corpus (../shared/corpus) and the SPA fixture, on loopback."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.crawl_speed import CORPUS_ENTRIES, serve_corpus
from benchmarks.scratch import crawl_sites
from crawler.runner import CrawlOptions
from tests.conftest import ROOT

FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "LOG_LEVEL": "WARNING"}
BUDGET = 300


@pytest.mark.corpus
@pytest.mark.slow
def test_each_corpus_site_is_crawled_completely_within_budget(corpus_dir):
    with serve_corpus(corpus_dir) as urls:
        assert set(urls) == set(CORPUS_ENTRIES)
        results = crawl_sites(urls, CrawlOptions(allow_private=True, render="never", page_budget=BUDGET,
                                                 settings=FAST), timeout=600)
    assert results.returncode == 0
    stats = results.run_stats["crawls"][-1]
    assert not any(k.startswith("spider_exceptions") for k in stats) and not stats.get("log_count/ERROR"), stats
    for site, result in results.items():
        assert result.status == "ok", (site, result.facts)
        assert "internal_error" not in result.facts["faults"] and "extraction_error" not in result.facts["faults"]
        assert result.facts["skipped"].get("budget", 0) == 0, site      # the frontier was exhausted: complete
        html = [p for p in result.pages if p["status"] == 200 and "html" in p["content_type"]]
        assert 3 <= len(html) <= BUDGET + 1, (site, len(html))   # sapas links most menu items to '#'
        assert all(p["final_url"].startswith("http://127.0.0.1:") for p in result.pages if p["status"])
        assert result.signals, site
    # a meta refresh to webmail.<real domain> is recorded, not followed
    assert results["sapas-nicolas-romero"].facts["faults"].get("offsite_redirect")


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/usr/bin/chromium"), reason="needs the system Chromium at /usr/bin/chromium")
def test_spa_is_rendered_and_yields_its_links_and_accounts():
    from muniaudit.sampleweb.server import load_sites, serve_sample_web

    sites = load_sites(Path(ROOT / "tests/fixtures/sites/sites.yaml"))
    expected = sites["spa"].expected
    with serve_sample_web(sites=sites) as web:
        results = crawl_sites({"spa": web.entry_url("spa")},
                              CrawlOptions(allow_private=True, render="auto", settings=FAST), timeout=300)
    spa = results["spa"]
    assert results.returncode == 0 and spa.status == "ok", spa.facts
    modes = {p["render_mode"] for p in spa.pages}
    assert "browser" in modes
    rendered_urls = {p["url"].rstrip("/").rsplit("/", 1)[-1] for p in spa.pages if p["render_mode"] == "browser"}
    assert {"datos-abiertos", "transparencia", "participa", "contacto"} <= rendered_urls   # links of the rendered DOM
    identities = {s["data"].get("identity") for s in spa.signals if s["kind"] == "social_profile"}
    video = {s["data"].get("identity") for s in spa.signals if s["kind"] == "video_channel"}
    for account in expected["accounts_rendered"]:
        assert account in identities | video, (account, identities, video)
    kinds = {s["kind"] for s in spa.signals}
    assert set(expected["present_rendered"]) <= kinds, kinds
    assert spa.facts["faults"].get("js_shell") and spa.facts["render_seconds"] > 0


@pytest.mark.slow
def test_without_a_browser_the_pages_needing_rendering_are_listed():
    from muniaudit.sampleweb.server import load_sites, serve_sample_web

    sites = load_sites(Path(ROOT / "tests/fixtures/sites/sites.yaml"))
    with serve_sample_web(sites=sites) as web:
        results = crawl_sites({"spa": web.entry_url("spa")},
                              CrawlOptions(allow_private=True, render="never", settings=FAST), timeout=120)
    spa = results["spa"]
    assert spa.status == "partial"
    assert spa.facts["needing_render"] == [web.entry_url("spa")]
    assert [p["render_mode"] for p in spa.pages if p["depth"] == 0] == ["needs_render"]
