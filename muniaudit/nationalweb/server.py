"""Serve the synthetic national web on loopback: one threaded HTTP server answering for every site's host name.

    with serve_national_web(sites=200, seed=2016) as web:
        web.url("14097")           # http://www.tlajomulcodezuniga.gob.mx:PORT/
        web.hosts_file             # host names to map to 127.0.0.1 (crawler.dns.LoopbackResolver)

The crawler resolves those names to 127.0.0.1 itself; a client without that resolver can send the Host header.
"""
from __future__ import annotations

import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from muniaudit.nationalweb.generator import SitePlan, national_plans, render
from muniaudit.sampleweb import _http


class NationalServer(_http.LoopbackServer):
    request_queue_size = 1024           # many crawler connections arrive at once


@dataclass
class NationalWeb:
    port: int
    plans: dict[str, SitePlan]          # cvegeo -> plan, only the sites served
    hosts_file: Path
    today: date

    def url(self, cvegeo: str) -> str:
        return f"http://{self.plans[cvegeo].host}:{self.port}/"

    def start_urls(self) -> dict[str, str]:
        return {c: self.url(c) for c in self.plans}

    def crawl_settings(self) -> dict:
        """Scrapy settings that resolve this web's host names to 127.0.0.1 inside the crawler only (which is
        a private address: the resolver's guard must allow it)."""
        return {"TWISTED_DNS_RESOLVER": "crawler.dns.LoopbackResolver",
                "MUNIAUDIT_LOOPBACK_HOSTS_FILE": str(self.hosts_file), "MUNIAUDIT_ALLOW_PRIVATE": True}


def select_plans(sites: int | list[str] | None, seed: int, fault_share: float) -> dict[str, SitePlan]:
    """All sites, the first N spread evenly over the registry, or the given cvegeos."""
    plans = national_plans(seed, fault_share)
    if sites is None:
        return dict(plans)
    if isinstance(sites, int):
        keys = list(plans)
        step = max(1, len(keys) // max(sites, 1))
        return {k: plans[k] for k in keys[::step][:sites]}
    return {k: plans[k] for k in sites}


def make_handler(by_host: dict[str, SitePlan], today: date, latency_s: float, hang_s: float,
                 stopping: threading.Event) -> type[_http.QuietHandler]:
    class NationalHandler(_http.QuietHandler):
        protocol_version = "HTTP/1.1"      # keep-alive, as real servers do

        def serve(self, head_only: bool) -> None:
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            plan = by_host.get(host)
            if plan is None:
                return self.send_bytes(421, b"<h1>421 Misdirected Request</h1>", _http.TYPES[".html"], head_only)
            if latency_s:
                time.sleep(latency_s)
            if plan.fault == "reset":
                return self.reset_connection()
            if plan.fault == "hang":
                stopping.wait(hang_s)
                return self.reset_connection()
            if plan.fault == "error500":
                return self.send_bytes(500, b"<h1>500 Internal Server Error</h1>", _http.TYPES[".html"], head_only)
            path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
            status, ctype, body = render(plan, path, today)
            self.send_bytes(status, body, ctype, head_only)

        def do_GET(self) -> None:
            self.serve(head_only=False)

        def do_HEAD(self) -> None:
            self.serve(head_only=True)

        def do_POST(self) -> None:
            self.read_body()
            self.send_bytes(303, b"", _http.TYPES[".html"], headers={"Location": "/"})

    return NationalHandler


@contextmanager
def serve_national_web(sites: int | list[str] | None = None, seed: int = 2016, fault_share: float = 0.06,
                       latency_s: float = 0.0, hang_s: float = 30.0, port: int = 0,
                       today: date | None = None) -> Iterator[NationalWeb]:
    """Serve `sites` (None = all 2,478) of the national web on 127.0.0.1; faulty sites fail on every request.

    `latency_s` is slept before every answer; "hang" sites wait `hang_s` (cut short on exit) and then reset.
    """
    plans = select_plans(sites, seed, fault_share)
    today = today or date.today()
    stopping = threading.Event()
    by_host = {p.host: p for p in plans.values()}
    by_host.update({p.host.removeprefix("www."): p for p in plans.values()})
    server = NationalServer(("127.0.0.1", port), make_handler(by_host, today, latency_s, hang_s, stopping))
    with tempfile.TemporaryDirectory(prefix="muniaudit-nationalweb-") as tmp:
        hosts_file = Path(tmp) / "hosts.txt"
        hosts_file.write_text("\n".join(sorted(by_host)) + "\n", encoding="utf-8")
        _http.start(server)
        try:
            yield NationalWeb(server.server_address[1], plans, hosts_file, today)
        finally:
            stopping.set()
            _http.stop([server])
