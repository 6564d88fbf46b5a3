"""The simulated national web: deterministic sites, host routing, the loopback resolver, and a real crawl of a
small national web scored against its ground truth."""
from __future__ import annotations

from datetime import date

import httpx
import pytest
from sqlalchemy import select
from twisted.internet import defer

from crawler.dns import LoopbackResolver, read_hosts
from muniaudit.nationalweb import expected_statuses, national_plans, render, serve_national_web
from muniaudit.nationalweb.run import audit_against_truth, crawl_national
from store.db import make_engine, session_scope
from store.models import SiteCrawl


def test_every_municipality_has_one_site_with_a_unique_realistic_host():
    plans = national_plans(2016)
    assert len(plans) == 2478
    assert len({p.host for p in plans.values()}) == 2478
    assert plans["14097"].host == "www.tlajomulcodezuniga.gob.mx"
    assert all(p.host.startswith("www.") and p.host.endswith(".gob.mx") and p.host.isascii() for p in plans.values())
    assert all(len(p.html_pages()) <= 50 for p in plans.values())


def test_sites_are_deterministic_and_rendered_lazily():
    a, b = national_plans(2016)["14097"], national_plans.__wrapped__(2016)["14097"]
    assert a == b
    today = date(2026, 11, 1)
    for path in a.html_pages():
        status, ctype, body = render(a, path, today)
        assert status == 200 and "html" in ctype and "Tlajomulco de Zúñiga" in body.decode()
    assert render(a, "/no-existe/", today)[0] == 404
    assert set(expected_statuses(a)) and national_plans.__wrapped__(7)["14097"] != a


def test_server_routes_by_host_header():
    with serve_national_web(sites=["14097", "14120"], fault_share=0) as web:
        base = f"http://127.0.0.1:{web.port}/"
        for cvegeo, name in (("14097", "Tlajomulco"), ("14120", "Zapopan")):
            page = httpx.get(base, headers={"Host": web.plans[cvegeo].host + f":{web.port}"})
            assert page.status_code == 200 and name in page.text
        assert httpx.get(base, headers={"Host": "www.otro.gob.mx"}).status_code == 421
        assert web.url("14097") == f"http://www.tlajomulcodezuniga.gob.mx:{web.port}/"


def test_loopback_resolver_maps_listed_names_and_suffixes(tmp_path):
    hosts = tmp_path / "hosts.txt"
    hosts.write_text("# comment\nwww.tlajomulcodezuniga.gob.mx\n\n", encoding="utf-8")
    assert read_hosts(hosts) == {"www.tlajomulcodezuniga.gob.mx"}
    from twisted.internet import reactor

    resolver = LoopbackResolver(reactor, 0, 5.0, read_hosts(hosts), [".prueba.test"], allow_private=True)
    assert resolver.maps("WWW.Tlajomulcodezuniga.gob.mx.") and resolver.maps("a.prueba.test")
    assert not resolver.maps("www.zapopan.gob.mx") and not resolver.maps("prueba.test.mx")
    result = resolver.getHostByName("www.tlajomulcodezuniga.gob.mx")
    assert isinstance(result, defer.Deferred) and result.result == "127.0.0.1"


@pytest.mark.slow
def test_small_national_web_crawl_settles_each_site_once_and_matches_ground_truth(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'national.sqlite'}"
    with serve_national_web(sites=30, fault_share=0.25, hang_s=4) as web:
        faulty = {c for c, p in web.plans.items() if p.fault}
        assert faulty and len(faulty) < 30
        crawl = crawl_national(web, db_url, page_budget=50, settings={"DOWNLOAD_TIMEOUT": 2}, timeout=280)
        assert crawl.returncode == 0
        engine = make_engine(db_url)
        with session_scope(engine) as session:
            rows = list(session.scalars(select(SiteCrawl).where(SiteCrawl.run_id == crawl.run_id)))
            assert sorted(r.cvegeo for r in rows) == sorted(web.plans)          # each site exactly once
            assert all(r.finished_at is not None for r in rows)
            status = {r.cvegeo: r.status for r in rows}
        engine.dispose()
        assert {c for c, s in status.items() if s == "unreachable"} == faulty
        assert all(status[c] in ("ok", "partial") for c in web.plans if c not in faulty)   # partial: a slow CI
        accuracy = audit_against_truth(web, db_url, crawl.run_id)
    assert accuracy.sites == 30 and accuracy.crawl_status_correct == 30
    assert accuracy.value >= 0.95, accuracy.as_dict()
