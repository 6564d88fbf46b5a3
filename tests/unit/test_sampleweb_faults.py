"""The fault-injection web misbehaves exactly as crawler robustness tests expect."""

from __future__ import annotations

import re
import ssl
import time

import httpx
import pytest

from muniaudit.sampleweb.faults import HUGE_BYTES, serve_fault_web

pytestmark = pytest.mark.timeout(10)


@pytest.fixture(scope="module")
def urls():
    with serve_fault_web(delay_s=2, drip_s=1) as served:
        yield served


@pytest.fixture(scope="module")
def client():
    with httpx.Client(timeout=3) as c:
        yield c


def test_home_links_every_fault(urls, client):
    home = client.get(urls["http"] + "/").text
    for path in ("/timeout", "/500", "/reset", "/drip", "/loop-a", "/huge", "/latin1", "/calendar?month=1",
                 "/captcha", "/soft404-anything", "/php-error", "/session?PHPSESSID="):
        assert f'href="{path}' in home, path


def test_timeout_500_and_reset(urls, client):
    with pytest.raises(httpx.ReadTimeout):
        client.get(urls["http"] + "/timeout", timeout=0.5)
    assert client.get(urls["http"] + "/timeout", timeout=4).status_code == 200  # answers after delay_s
    assert client.get(urls["http"] + "/500").status_code == 500
    with pytest.raises(httpx.ReadError):
        client.get(urls["http"] + "/reset")


def test_drip_is_slow_but_complete(urls, client):
    started = time.monotonic()
    r = client.get(urls["http"] + "/drip")
    assert r.status_code == 200 and r.text.endswith("</html>")
    assert time.monotonic() - started >= 0.8


def test_redirect_loop(urls, client):
    r = client.get(urls["http"] + "/loop-a")
    assert r.status_code == 302 and r.headers["location"] == "/loop-b"
    with pytest.raises(httpx.TooManyRedirects):
        client.get(urls["http"] + "/loop-a", follow_redirects=True)


def test_huge_is_twenty_megabytes(urls, client):
    with client.stream("GET", urls["http"] + "/huge") as r:
        assert int(r.headers["content-length"]) == HUGE_BYTES
        first = next(r.iter_bytes())
    assert first.startswith(b"<!doctype html>")
    assert len(client.get(urls["http"] + "/huge").content) == HUGE_BYTES


def test_latin1_declared_as_utf8(urls, client):
    r = client.get(urls["http"] + "/latin1")
    assert "charset=utf-8" in r.headers["content-type"]
    with pytest.raises(UnicodeDecodeError):
        r.content.decode("utf-8")
    assert "Participación" in r.content.decode("latin-1")


def test_calendar_is_endless(urls, client):
    page = client.get(urls["http"] + "/calendar?month=500").text
    assert 'href="/calendar?month=501"' in page


def test_block_pages_soft404_and_php_error(urls, client):
    captcha = client.get(urls["http"] + "/captcha")
    assert captcha.status_code == 403 and "cf-challenge" in captcha.text and "Attention Required" in captcha.text
    recaptcha = client.get(urls["http"] + "/captcha-200")
    assert recaptcha.status_code == 200 and "g-recaptcha" in recaptcha.text
    for path in ("/soft404-anything", "/zz-" + str(time.time_ns())):
        r = client.get(urls["http"] + path)
        assert r.status_code == 200 and "Página no encontrada" in r.text
    assert client.get(urls["http"] + "/not-found").status_code == 404
    php = client.get(urls["http"] + "/php-error")
    assert php.status_code == 200 and re.search(r"Fatal error.*on line <b>12</b>", php.text, re.S)


def test_session_ids_are_ever_new(urls, client):
    first = re.findall(r"PHPSESSID=(\w+)", client.get(urls["http"] + "/session?PHPSESSID=1").text)
    second = re.findall(r"PHPSESSID=(\w+)", client.get(urls["http"] + "/session?PHPSESSID=1").text)
    assert first and second and not set(first) & set(second)


def test_head_requests(urls, client):
    r = client.head(urls["http"] + "/huge")
    assert r.status_code == 200 and r.content == b""


def test_https_self_signed(urls):
    assert urls["https"].startswith("https://127.0.0.1:")
    with pytest.raises(httpx.ConnectError):
        httpx.get(urls["https"] + "/", timeout=3)
    r = httpx.get(urls["https"] + "/", verify=ssl.create_default_context(cafile=str(urls.cert_path)), timeout=3)
    assert r.status_code == 200 and "Municipio Seguro" in r.text
    assert httpx.get(urls["https"] + "/", verify=False, timeout=3).status_code == 200
