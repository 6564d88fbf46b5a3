"""The links a page offers the frontier (crawler.extract.outlinks), read in the reactor's process from a Scrapy
response (crawler.links.page_links) or in an extraction worker from the tree it parsed (crawler.pool.read_page):
the two must agree, and a link's region must not depend on which lxml proxies happen to be alive."""
from __future__ import annotations

from scrapy.http import HtmlResponse

from crawler import links
from crawler.extract.outlinks import append_joined
from crawler.extract.placement import placement_of
from crawler.extract.types import PageContext
from crawler.pool import read_page

# A header, a menu and a footer, many times over, with plain content between: each link's region is decided by
# its ancestors, and the links of one block share them.
TEMPLATE = "".join(
    f"<header><a href='/h{i}'>Inicio {i}</a></header>"
    f"<nav class='menu'><ul><li><a href='/m{i}'>Trámites {i}</a></li></ul></nav>"
    f"<div class='contenido'><p><a href='/c{i}'>Nota {i}</a></p></div>"
    f"<footer><a href='/f{i}'>Aviso de privacidad {i}</a></footer>" for i in range(40))
PAGE = f"<html><head><title> Municipio   de Prueba </title></head><body>{TEMPLATE}</body></html>"
URL = "http://municipio.gob.mx/seccion/"


def _response(html: str = PAGE, url: str = URL) -> HtmlResponse:
    return HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8")


def test_a_link_s_region_is_its_ancestors_verdict_whatever_the_cache_held():
    # regions read with the shared ancestor cache equal those read without any cache; keyed by id(), the cache
    # answered for ancestors whose lxml proxies were freed and whose ids another element had taken
    response = _response()
    found = links.page_links(response)
    root = links.page_root(response)
    uncached = [placement_of(node, False).region for node in root.iter("a")]
    assert [region for _, _, region in found] == uncached
    assert {region for _, _, region in found} == {"header", "menu", "main", "footer"}


def test_a_worker_reads_the_same_links_and_title_as_the_reactor_would():
    html = PAGE.replace("<head>", "<head><base href='http://municipio.gob.mx/otra/'>") + (
        "<a href='javascript:void(0)' onclick=\"location.href='/tramites.html'\">Trámites</a>"
        "<iframe src='/mapa'></iframe><a href='//[::1'>roto</a>")
    response = _response(html)
    for is_home in (False, True):
        ctx = PageContext(url=URL, site_hosts=frozenset({"municipio.gob.mx"}), is_home=is_home)
        reading = read_page(html, ctx, {}, links.base_url(response), is_home)
        assert reading.links == _with_js(links.page_links(response, is_home), response.url)
        assert reading.title == links.page_title(response) == "Municipio de Prueba"
        assert reading.extraction.page["role"]        # and the signals and role, from the same parse


def _with_js(found, url):
    """The reactor's reading adds the targets of JavaScript handlers after the page's links."""
    append_joined(found, url, "/tramites.html", "js-handler", "js_loader")
    return found


def test_links_below_deep_unclosed_markup_are_still_read():
    # a template that never closes its <div>s nests deeper than libxml2's default limit (256): without huge_tree
    # the page parsed to nothing past it, no links and no signals
    deep = "<html><body>" + "<div>" * 400 + "<a href='/transparencia'>Transparencia</a></body></html>"
    ctx = PageContext(url=URL, site_hosts=frozenset({"municipio.gob.mx"}))
    reading = read_page(deep, ctx, {}, URL, False)
    assert [url for url, _, _ in reading.links] == ["http://municipio.gob.mx/transparencia"]
    assert any(s.kind == "transparency_section" for s in reading.extraction.signals)


def test_the_pool_reads_a_page_in_a_warmed_worker_and_a_failure_is_none():
    import asyncio

    from crawler.pool import ExtractionPool

    ctx = PageContext(url=URL, site_hosts=frozenset({"municipio.gob.mx"}))

    async def read_twice(pool):
        good = await pool.read(PAGE, ctx, {}, URL, False)
        bad = await pool.read(PAGE, ctx, 42, URL, False)   # the worker raises (headers of no kind): logged, None
        return good, bad

    for workers in (0, 1):
        pool = ExtractionPool(workers)
        try:
            pool.start()
            good, bad = asyncio.run(read_twice(pool))
        finally:
            pool.close()
        assert good.title == "Municipio de Prueba" and len(good.links) == 160 and bad is None


def test_a_dead_worker_costs_one_page_not_the_rest_of_the_crawl():
    import asyncio
    import os
    import signal

    from crawler.pool import ExtractionPool

    ctx = PageContext(url=URL, site_hosts=frozenset({"municipio.gob.mx"}))
    pool = ExtractionPool(1)

    async def crawl():
        first = await pool.read(PAGE, ctx, {}, URL, False)
        for pid in list(pool._pool._processes):    # noqa: SLF001 - the worker the OOM killer would pick
            os.kill(pid, signal.SIGKILL)
        lost = await pool.read(PAGE, ctx, {}, URL, False)
        after = await pool.read(PAGE, ctx, {}, URL, False)
        return first, lost, after

    try:
        first, lost, after = asyncio.run(crawl())
    finally:
        pool.close()
    assert first.title == after.title == "Municipio de Prueba" and lost is None
