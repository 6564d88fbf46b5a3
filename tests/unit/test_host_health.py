"""A host that stopped answering (crawler.middlewares.HostHealth): no more retries for it, and the spider asks its
site for nothing more on that host, until the host answers again. Hard negatives: an error status is an answer,
one slow page among answers is not a dead host, another host of the site is not affected."""
from __future__ import annotations

import asyncio

from scrapy import Request, Spider
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from twisted.internet.error import ConnectionRefusedError
from twisted.python.failure import Failure

from crawler import frontier as fr
from crawler.middlewares import BackoffRetryMiddleware, HostHealth
from tests.spider_helpers import add_site, make_spider, page_meta, run

HOME = "http://municipio.gob.mx/"


def test_consecutive_silences_make_a_host_unresponsive_and_any_answer_clears_them():
    health = HostHealth(3)
    for _ in range(2):
        health.failed("municipio.gob.mx")
    assert not health.unresponsive("municipio.gob.mx")
    health.failed("municipio.gob.mx")
    assert health.unresponsive("municipio.gob.mx") and not health.unresponsive("transparencia.municipio.gob.mx")
    health.answered("municipio.gob.mx")
    assert not health.unresponsive("municipio.gob.mx")


def test_a_limit_of_zero_never_gives_up():
    health = HostHealth(0)
    for _ in range(50):
        health.failed("municipio.gob.mx")
    assert not health.unresponsive("municipio.gob.mx")


def _middleware(limit: int = 2) -> BackoffRetryMiddleware:
    crawler = get_crawler(Spider, settings_dict={"MUNIAUDIT_HOST_FAILURES": limit, "RETRY_BACKOFF_BASE": 0,
                                                 "RETRY_TIMES": 5})
    crawler.spider = crawler._create_spider("hosts")
    crawler.stats.open_spider()
    return BackoffRetryMiddleware.from_crawler(crawler)


def _fail(mw, url: str, exc: Exception = None):
    request = Request(url)
    return request, asyncio.run(mw.process_exception(request, exc or DownloadTimeoutError("took longer than 5")))


def _answer(mw, url: str, status: int = 200):
    request = Request(url)
    return asyncio.run(mw.process_response(request, HtmlResponse(url, status=status, body=b"", request=request)))


def test_retries_stop_once_the_host_is_unresponsive_and_resume_when_it_answers():
    mw = _middleware(limit=2)
    _, retried = _fail(mw, HOME + "robots.txt")
    assert isinstance(retried, Request)                       # one silence: retried as Scrapy would
    request, given_up = _fail(mw, HOME, ConnectionRefusedError())
    assert given_up is None and request.meta["host_unresponsive"]
    assert mw.crawler.stats.get_value("muniaudit/retry_skipped_unresponsive") == 1
    _answer(mw, HOME + "contacto", status=500)                # an error page is still an answer
    _, retried = _fail(mw, HOME + "tramites")
    assert isinstance(retried, Request) and "host_unresponsive" not in retried.meta


def test_silences_of_one_host_do_not_touch_another():
    mw = _middleware(limit=2)
    _fail(mw, "http://transparencia.municipio.gob.mx/")
    _fail(mw, "http://transparencia.municipio.gob.mx/datos")
    _, retried = _fail(mw, HOME)
    assert isinstance(retried, Request)


def test_two_ports_of_one_address_are_two_servers():
    mw = _middleware(limit=2)
    _fail(mw, "http://127.0.0.1:8001/")
    _fail(mw, "http://127.0.0.1:8001/datos")
    _, retried = _fail(mw, "http://127.0.0.1:8002/")
    assert isinstance(retried, Request)


def test_a_browser_render_that_times_out_is_not_the_host_s_silence():
    mw = _middleware(limit=2)
    request = Request(HOME, meta={"playwright": True})
    asyncio.run(mw.process_exception(request, DownloadTimeoutError("Timeout 20000ms exceeded")))
    assert "host_unresponsive" not in request.meta
    _, retried = _fail(mw, HOME)          # the first silence that counts: still retried
    assert isinstance(retried, Request)


def test_a_wrong_answer_is_not_a_silence():
    mw = _middleware(limit=1)
    request, _ = _fail(mw, HOME, ValueError("a parser's complaint"))
    assert "host_unresponsive" not in request.meta


def _failed_page(spider, state, url: str, unresponsive: bool) -> list:
    state.outstanding += 1
    failure = Failure(DownloadTimeoutError(f"Getting {url} took longer than 5.0 seconds."))
    failure.request = Request(url, callback=spider.parse_page,
                              meta=page_meta(state, "page", host_unresponsive=unresponsive))
    return run(spider.on_error(failure))


def _queue(spider, state, *urls: str) -> None:
    spider.frontier.follow(state, [(u, "Transparencia", "menu") for u in urls], depth=0)


def test_the_site_asks_a_silent_host_for_nothing_more_but_its_other_hosts_go_on():
    spider = make_spider()
    state = add_site(spider, HOME)
    state.home_url = HOME
    state.awaiting_probe = False
    state.outstanding = 10                      # a full window: the failure below releases one place at a time
    _queue(spider, state, HOME + "transparencia", HOME + "datos-abiertos", "http://www.municipio.gob.mx/contacto")
    _failed_page(spider, state, HOME + "tramites", unresponsive=True)
    state.outstanding = 0
    released = [d.url for d in spider.frontier.pump(state)]
    assert released == ["http://www.municipio.gob.mx/contacto"]
    assert state.skipped["host_unresponsive"] == 2 and state.faults["host_unresponsive"] == 1
    assert fr.stop_reason(state) == "host_unresponsive"        # not "no candidates": pages were left unasked


def test_a_timeout_alone_does_not_silence_the_host():
    spider = make_spider()
    state = add_site(spider, HOME)
    state.home_url, state.awaiting_probe, state.outstanding = HOME, False, 10
    _queue(spider, state, HOME + "transparencia")
    _failed_page(spider, state, HOME + "tramites", unresponsive=False)
    state.outstanding = 0
    assert [d.url for d in spider.frontier.pump(state)] == [HOME + "transparencia"]


def test_an_answer_from_a_silent_host_makes_it_askable_again():
    state = add_site(make_spider(), HOME)
    fr.note_silent_host(state, HOME + "tramites")
    assert fr.skip_silent(state, HOME + "transparencia")
    fr.note_answer(state, HOME + "contacto")
    assert not fr.skip_silent(state, HOME + "transparencia")
