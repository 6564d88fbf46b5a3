"""Serve the bundled fictional municipal sites on loopback, one ThreadingHTTPServer per site.

    with serve_sample_web(delay_s=0.5) as web:
        httpx.get(web["strong"] + "/")

    python -m muniaudit.sampleweb.server --port-base 8100     # manual use, Ctrl-C to stop
"""

from __future__ import annotations

import argparse
import posixpath
import threading
import urllib.parse
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import yaml

from muniaudit.sampleweb import _http, timeshift

SAMPLEWEB_DIR = Path(__file__).resolve().parent
SITES_YAML = SAMPLEWEB_DIR / "sites.yaml"
INDEXES = ("index.html", "index.htm")
FAULTS = ("error500", "hang", "reset")
TEXT_SUFFIXES = (".html", ".htm", ".xml", ".csv", ".json", ".txt", ".js")


@dataclass(frozen=True)
class Site:
    """One fictional municipal site: registry facts, where its files are, how it is served, what tests expect."""

    site_id: str
    root: Path
    cvegeo: str = ""
    name: str = ""
    state: str = "Estado de Ejemplo"
    population: int = 0
    entry: str = "/"
    spa_fallback: bool = False
    last_modified: str | None = None  # ISO date sent as Last-Modified on every file, when set
    forms: Mapping[str, str] = field(default_factory=dict)  # POST path -> page to 303-redirect to
    faults: Mapping[str, str] = field(default_factory=dict)  # path or "prefix*" -> error500 | hang | reset
    expected: Mapping[str, Any] = field(default_factory=dict)

    def fault_for(self, path: str) -> str | None:
        for pattern, fault in self.faults.items():
            if path == pattern or (pattern.endswith("*") and path.startswith(pattern[:-1])):
                return fault
        return None


def load_sites(path: Path | str = SITES_YAML) -> dict[str, Site]:
    """Read a sites.yaml file (roots are relative to the file); fail fast, naming the file and field."""
    path = Path(path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    sites: dict[str, Site] = {}
    for i, raw in enumerate(doc.get("sites") or []):
        where = f"{path}: sites[{i}]"
        if "id" not in raw:
            raise ValueError(f"{where}: missing field 'id'")
        root = (path.parent / raw.get("root", f"sites/{raw['id']}")).resolve()
        if not root.is_dir():
            raise ValueError(f"{where}.root: not a directory: {root}")
        for pattern, fault in (raw.get("faults") or {}).items():
            if fault not in FAULTS:
                raise ValueError(f"{where}.faults[{pattern!r}]: {fault!r} is not one of {FAULTS}")
        sites[raw["id"]] = Site(
            site_id=raw["id"], root=root, cvegeo=str(raw.get("cvegeo", "")), name=raw.get("name", ""),
            state=raw.get("state", "Estado de Ejemplo"), population=int(raw.get("population", 0)),
            entry=raw.get("entry", "/"), spa_fallback=bool(raw.get("spa_fallback", False)),
            last_modified=str(raw["last_modified"]) if raw.get("last_modified") else None,
            forms=dict(raw.get("forms") or {}), faults=dict(raw.get("faults") or {}),
            expected=dict(raw.get("expected") or {}),
        )
    return sites


def _http_date(iso_day: str) -> str:
    return format_datetime(datetime.fromisoformat(iso_day).replace(hour=9, tzinfo=UTC), usegmt=True)


def make_handler(site: Site, stopping: threading.Event, delay_s: float,
                 shift_days: int = 0) -> type[_http.QuietHandler]:
    """A request handler serving `site` statically, with its configured faults and form endpoints.

    `shift_days` moves every date in text bodies and Last-Modified forward (see timeshift.py)."""
    root = site.root
    last_modified = site.last_modified and timeshift.shift_date(date.fromisoformat(site.last_modified), shift_days)

    class SiteHandler(_http.QuietHandler):
        def resolve(self, path: str) -> Path | tuple[str, str] | None:
            parts = [p for p in posixpath.normpath(path).split("/") if p not in ("", ".", "..")]
            full = root.joinpath(*parts).resolve()
            if full != root and root not in full.parents:
                return None
            if full.is_dir():
                if not path.endswith("/"):
                    return ("redirect", path + "/")
                return next((full / n for n in INDEXES if (full / n).is_file()), None)
            if full.is_file():
                return full
            if site.spa_fallback and "." not in posixpath.basename(path) and (root / "index.html").is_file():
                return root / "index.html"
            return None

        def serve(self, head_only: bool) -> None:
            split = urllib.parse.urlsplit(self.path)
            path = urllib.parse.unquote(split.path)
            fault = site.fault_for(path)
            if fault == "reset":
                return self.reset_connection()
            if fault == "hang":
                stopping.wait(delay_s)  # bounded, and cut short when the server stops
                if stopping.is_set():
                    return self.reset_connection()
                return self.send_html(200, "<!doctype html><title>Tarde</title><p>Respuesta tardía.</p>", head_only)
            if fault == "error500":
                page = root / "500.html"
                body = page.read_bytes() if page.is_file() else b"<h1>500 Internal Server Error</h1>"
                return self.send_bytes(500, body, _http.TYPES[".html"], head_only)
            target = self.resolve(path)
            if isinstance(target, tuple):
                return self.redirect(301, target[1] + ("?" + split.query if split.query else ""))
            if target is None:
                return self.send_bytes(404, _http.NOT_FOUND_HTML, _http.TYPES[".html"], head_only)
            ctype = _http.TYPES.get(target.suffix.lower(), "application/octet-stream")
            headers = {"Last-Modified": _http_date(last_modified.isoformat())} if last_modified else None
            body = target.read_bytes()
            if target.suffix in (".xml", ".txt"):  # robots.txt and sitemaps need absolute URLs
                body = body.replace(b"__BASE_URL__", _http.base_url(self.server).encode())
            if shift_days and target.suffix in TEXT_SUFFIXES:
                body = timeshift.shift_text(body.decode("utf-8"), shift_days).encode("utf-8")
            self.send_bytes(200, body, ctype, head_only, headers)

        def do_GET(self) -> None:
            self.serve(head_only=False)

        def do_HEAD(self) -> None:
            self.serve(head_only=True)

        def do_POST(self) -> None:
            self.read_body()
            path = urllib.parse.urlsplit(self.path).path
            if path in site.forms:
                return self.redirect(303, site.forms[path])
            self.send_html(405, "<!doctype html><title>405</title><h1>405 Método no permitido</h1>",
                           headers={"Allow": "GET, HEAD"})

    return SiteHandler


class SampleWeb(dict[str, str]):
    """site_id -> base URL (no trailing slash); `.sites` keeps the Site records, `.entry_url()` the entry."""

    def __init__(self, urls: Mapping[str, str], sites: Mapping[str, Site]):
        super().__init__(urls)
        self.sites = dict(sites)

    def entry_url(self, site_id: str) -> str:
        return self[site_id] + self.sites[site_id].entry

    def url(self, site_id: str, path: str = "/") -> str:
        return self[site_id] + path


def _select(sites: Iterable[str | Site] | Mapping[str, Site] | None) -> dict[str, Site]:
    bundled = load_sites()
    if sites is None:
        return bundled
    if isinstance(sites, Mapping):
        sites = sites.values()
    chosen: dict[str, Site] = {}
    for item in sites:
        site = item if isinstance(item, Site) else bundled.get(item)
        if site is None:
            raise KeyError(f"unknown sample site {item!r}; known: {', '.join(bundled)}")
        chosen[site.site_id] = site
    return chosen


@contextmanager
def serve_sample_web(host: str = "127.0.0.1", delay_s: float = 30.0,
                     sites: Iterable[str | Site] | Mapping[str, Site] | None = None,
                     port_base: int = 0, today: date | None = None) -> Iterator[SampleWeb]:
    """Serve the sample sites (all bundled ones by default), one server per site, and yield their URLs.

    `delay_s` is how long the failing site's "hang" paths sleep; the sleep is cut short on exit.
    `port_base=0` picks ephemeral ports; otherwise site i listens on port_base + i.
    `today`: serve the sites as if written shortly before that day (dates shifted from timeshift.ANCHOR);
    None serves them exactly as written (as of 2026-11-01).
    """
    chosen = _select(sites)
    shift = timeshift.offset_days(today)
    stopping = threading.Event()
    servers: list[_http.LoopbackServer] = []
    try:
        for i, site in enumerate(chosen.values()):
            port = port_base + i if port_base else 0
            server = _http.LoopbackServer((host, port), make_handler(site, stopping, delay_s, shift))
            servers.append(server)
            _http.start(server)
        yield SampleWeb({sid: _http.base_url(s) for sid, s in zip(chosen, servers, strict=True)}, chosen)
    finally:
        stopping.set()
        _http.stop(servers)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Serve the fictional sample municipal web on loopback.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port-base", type=int, default=8100, help="first port; site i uses port-base + i")
    ap.add_argument("--delay", type=float, default=30.0, help="seconds the failing site's hanging paths sleep")
    ap.add_argument("--fixtures", type=Path, help="also serve the sites of this sites.yaml (e.g. tests/fixtures/sites/sites.yaml)")
    args = ap.parse_args(argv)
    sites: list[str | Site] = list(load_sites())
    if args.fixtures:
        sites += list(load_sites(args.fixtures).values())
    with serve_sample_web(args.host, args.delay, sites, args.port_base) as web:
        for sid in web:
            site = web.sites[sid]
            print(f"{site.cvegeo:>6}  {sid:<12} {web.entry_url(sid):<32} {site.name}", flush=True)
        print("Ctrl-C para detener.", flush=True)
        _http.wait_for_interrupt()


if __name__ == "__main__":
    main()
