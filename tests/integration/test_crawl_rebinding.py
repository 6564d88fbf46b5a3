"""The address guard holds at connection time: the resolver Scrapy connects with refuses private answers."""
from benchmarks.scratch import crawl_sites
from crawler.runner import CrawlOptions
from muniaudit.sampleweb.server import serve_sample_web


def test_a_name_that_resolves_to_loopback_at_connection_time_is_refused_and_recorded():
    # With the middleware's own lookup switched off (as if it had seen a public address: DNS rebinding),
    # the connection's lookup of "localhost" answers 127.0.0.1 and the resolver refuses it.
    with serve_sample_web(sites=["strong"]) as web:
        url = web.entry_url("strong").replace("127.0.0.1", "localhost")
        options = CrawlOptions(allow_private=False, render="never", settings={
            "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.AddressGuardMiddleware": None},
            "RETRY_ENABLED": False, "LOG_LEVEL": "ERROR"})
        results = crawl_sites({"rebind": url}, options, timeout=120)
    site = results["rebind"]
    assert results.returncode == 0
    assert site.status == "unreachable" and site.signals == []
    assert {p["fault"] for p in site.pages} == {"forbidden_address"}
    assert all(p["status"] is None for p in site.pages)      # nothing was fetched from the private address


def test_the_same_crawl_with_private_addresses_allowed_reaches_the_site():
    with serve_sample_web(sites=["strong"]) as web:
        url = web.entry_url("strong").replace("127.0.0.1", "localhost")
        options = CrawlOptions(allow_private=True, render="never", page_budget=3, settings={
            "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.AddressGuardMiddleware": None}, "LOG_LEVEL": "ERROR"})
        results = crawl_sites({"allowed": url}, options, timeout=120)
    assert results["allowed"].status == "ok"
    assert any(p["status"] == 200 for p in results["allowed"].pages)
