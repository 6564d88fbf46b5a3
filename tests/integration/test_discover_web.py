"""URL discovery against a fake web on loopback with host-based routing (real HTTP, injected name resolution):
the official site, a parked domain, a namesake municipality in another state and a site found only through a
link on a known site."""
from __future__ import annotations

import csv
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from muniaudit.discover import Fetched, discover_to_csv, http_fetch
from muniaudit.sampleweb import _http
from muniaudit.service import open_store
from store.db import session_scope
from store.models import CrawlRun, Municipality, SignalRow, SiteCrawl

pytestmark = pytest.mark.slow


def page(title: str, footer: str, body: str = "") -> str:
    return (f'<!doctype html><html lang="es"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1><p>{body}</p><footer>{footer}</footer></body></html>")


SITES = {
    "tlajomulco.gob.mx": page("Gobierno Municipal de Tlajomulco de Zúñiga", "H. Ayuntamiento de Tlajomulco de "
                              "Zúñiga, Jalisco"),
    "municipiotlajomulcodezuniga.gob.mx": page("municipiotlajomulcodezuniga.gob.mx", "",
                                               "Tlajomulco de Zúñiga: this domain is for sale. Buy this domain."),
    "benitojuarez.gob.mx": page("H. Ayuntamiento de Benito Juárez", "Benito Juárez, Veracruz"),
    "www.gobiernozapopan.gob.mx": page("Zapopan - Gobierno Municipal", "Zapopan, Jalisco"),
}


class HostRouted(_http.QuietHandler):
    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":")[0]
        if host not in SITES:
            return self.send_bytes(421, b"misdirected", _http.TYPES[".html"])
        self.send_html(200, SITES[host])


@pytest.fixture
def fake_web() -> Iterator[int]:
    server = _http.LoopbackServer(("127.0.0.1", 0), HostRouted)
    _http.start(server)
    yield server.server_address[1]
    _http.stop([server])


def loopback_fetch(port: int):
    """Candidates whose host the fake web serves go to 127.0.0.1:port (Host header kept); others do not resolve."""
    def fetch(url: str) -> Fetched:
        parts = urllib.parse.urlsplit(url)
        if parts.hostname not in SITES:
            raise httpx.ConnectError(f"[Errno -2] Name or service not known: {parts.hostname}")
        response = httpx.get(f"http://127.0.0.1:{port}{parts.path or '/'}", headers={"Host": parts.hostname},
                             timeout=5)
        return Fetched(response.status_code, url, response.text)
    return fetch


def test_real_http_fetch_on_loopback_when_allowed(fake_web):
    fetched = http_fetch(f"http://127.0.0.1:{fake_web}/", allow_private=True)
    assert fetched.status == 421          # no Host the fake web knows: proves the request went out and back


def test_discover_writes_ranked_candidates_for_confirmation(fake_web, tmp_path):
    db_url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    engine = open_store(db_url)
    with session_scope(engine) as session:       # a known site whose evidence links to Zapopan's unusual domain
        session.get(Municipality, "14098").url = "https://www.tlaquepaque.gob.mx/"
        run = CrawlRun(label="t", started_at=datetime.now(UTC), status="finished", settings={}, stats={})
        session.add(run)
        session.flush()
        site = SiteCrawl(run_id=run.id, cvegeo="14098", start_url="https://www.tlaquepaque.gob.mx/", status="ok",
                         facts={})
        session.add(site)
        session.flush()
        session.add(SignalRow(site_crawl_id=site.id, kind="contact", url="mailto:x@gobiernozapopan.gob.mx",
                              found_on="https://www.tlaquepaque.gob.mx/directorio", on_home=False,
                              data={"type": "email", "value": "x@gobiernozapopan.gob.mx"}, snippet="",
                              captured_at=datetime.now(UTC)))
    engine.dispose()
    out = tmp_path / "candidatos.csv"
    written = discover_to_csv(db_url, out, cvegeos=["14097", "23005", "14120"], fetch=loopback_fetch(fake_web))
    with open(out, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert written == len(rows) > 0
    assert list(rows[0]) == ["cvegeo", "url", "confidence", "reasons", "confirmed"]
    assert all(r["confirmed"] == "" for r in rows)
    by_muni: dict[str, list[dict]] = {}
    for r in rows:
        by_muni.setdefault(r["cvegeo"], []).append(r)

    tlajomulco = by_muni["14097"]
    assert tlajomulco[0]["url"] == "https://tlajomulco.gob.mx/" and float(tlajomulco[0]["confidence"]) >= 0.75
    parked = [r for r in tlajomulco if "municipiotlajomulco" in r["url"]]
    assert all(float(r["confidence"]) <= 0.1 for r in parked)

    namesake = by_muni["23005"]                    # Benito Juárez, Quintana Roo: only Veracruz's site answers
    assert all(float(r["confidence"]) < 0.6 for r in namesake)
    assert any("otro estado" in r["reasons"] for r in namesake)

    zapopan = by_muni["14120"]                     # found only because a known site links to it
    assert zapopan[0]["url"] == "https://www.gobiernozapopan.gob.mx/"
    assert "enlazado desde un sitio municipal conocido" in zapopan[0]["reasons"]
