"""Archived copies of evidence pages in the report: read the WARC record, make it safe, write a static view.

The export document only points at the records (reports/schema/export.schema.json `archive_ref`); the bodies
are read at render time from the run's WARC files through a `WarcArchive` (service.render_reports passes one).
Without it the report is still complete: each evidence item then says where its copy is archived, unlinked.

A view is `archivo/<sha256>.html`: a header (when, hash, original URL) and the archived page made safe twice:
sanitised with nh3 (scripts, styles, event handlers, javascript: URLs, iframes, objects, forms and meta tags
removed), then shown in an `<iframe sandbox="" srcdoc=...>` inside a page whose Content-Security-Policy allows
no script, no connection and no remote image. A sanitiser miss still cannot run script in the report's origin.
"""
from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import jinja2
import nh3
from markupsafe import Markup, escape
from w3lib.encoding import html_to_unicode

from reports.urls import safe_href

TEMPLATES = Path(__file__).with_name("templates")
VIEW_FOLDER = "archivo"
# decoded bytes read from a record: above the crawler's DOWNLOAD_MAXSIZE (5 MiB), so a page is read whole; a
# gzip bomb in a damaged or foreign file stops here and is shown as a cut copy
VIEW_MAX_BYTES = 8 * 1024 * 1024
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
_WARC_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")

# What survives sanitising: nh3's defaults (ammonia's list of harmless tags, no script, style, iframe, object,
# embed, form, input, meta, link, base) minus images, whose remote fetches the CSP would block anyway.
_TAGS = set(nh3.ALLOWED_TAGS) - {"img", "map", "area"}
_CLEAN_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "noembed", "svg", "math", "title",
                  "textarea", "select", "button"}


@dataclass(frozen=True)
class ArchivedCopy:
    """One archived response, decoded: what the view shows."""

    url: str
    date: str | None
    body: bytes
    content_type: str
    truncated: bool


class WarcArchive:
    """Reads records of a run's WARC files, found by file name in the given folders."""

    def __init__(self, folders: Iterable[Path | str]) -> None:
        self.folders = [Path(f) for f in folders]

    def path(self, name: Any) -> Path | None:
        if not isinstance(name, str) or not _WARC_NAME.match(name):
            return None       # only a plain file name from the document: never a path
        return next((f / name for f in self.folders if (f / name).is_file()), None)

    def read(self, ref: dict, record_type: str = "response") -> tuple[Any, bytes] | None:
        """(record, payload) of the record `ref` points at, or None when the file, offset or id do not match or
        the record cannot be decoded (a cut gzip body): the report then says there is no copy."""
        from warcio.archiveiterator import ArchiveIterator

        path = self.path(ref.get("warc"))
        offset = ref.get("offset")
        if path is None or not isinstance(offset, int) or offset < 0:
            return None
        try:
            with open(path, "rb") as fh:
                fh.seek(offset)
                record = next(iter(ArchiveIterator(fh)), None)
                if record is None or record.rec_type != record_type:
                    return None
                if record.rec_headers.get_header("WARC-Record-ID") != ref.get("record_id"):
                    return None
                stream = record.content_stream() if record_type == "response" else record.raw_stream
                return record, stream.read(VIEW_MAX_BYTES)
        except Exception:   # a damaged file or record (warcio, zlib, brotli errors): shown as "no copy", never a crash
            return None

    def copy(self, ref: dict) -> ArchivedCopy | None:
        got = self.read(ref)
        if got is None:
            return None
        record, body = got
        ctype = record.http_headers.get_header("Content-Type") if record.http_headers else ""
        return ArchivedCopy(url=record.rec_headers.get_header("WARC-Target-URI") or "",
                            date=record.rec_headers.get_header("WARC-Date"), body=body, content_type=ctype or "",
                            truncated=bool(ref.get("truncated")) or bool(record.rec_headers.get_header("WARC-Truncated"))
                            or len(body) >= VIEW_MAX_BYTES)

    def screenshot(self, ref: dict) -> bytes | None:
        shot = ref.get("screenshot")
        if not isinstance(shot, dict):
            return None
        got = self.read(shot, record_type="resource")
        return got[1] if got and got[1].startswith(b"\x89PNG\r\n\x1a\n") else None


# ---------------------------------------------------------------- sanitising

def decode_html(body: bytes, content_type: str = "") -> str:
    """Text of an archived body: the HTTP charset, a BOM or <meta charset>, else UTF-8 (w3lib, as Scrapy does)."""
    _, text = html_to_unicode(content_type or None, body)
    return text


def sanitise_html(page: str, base_url: str = "") -> str:
    """The page as inert HTML: no script, style, handler, frame, form or meta; links made absolute against the
    page's own URL (inside the view they would otherwise point into the report) and kept only for http(s)."""

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if attribute in ("href", "src", "cite", "action", "formaction", "srcset", "background", "poster"):
            absolute = urljoin(base_url, value.strip()) if base_url else value.strip()
            return absolute if absolute.lower().startswith(("http://", "https://")) else None
        return value

    return nh3.clean(page, tags=_TAGS, clean_content_tags=_CLEAN_CONTENT, attribute_filter=keep,
                     url_schemes={"http", "https"}, link_rel="noopener noreferrer nofollow", strip_comments=True)


def page_title(page: str) -> str:
    match = re.search(r"<title[^>]*>(.*?)</title", page[:200_000], re.IGNORECASE | re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]*>", "", match.group(1))) if match else ""
    return re.sub(r"\s+", " ", text).strip()[:200]      # plain text: the template escapes it


# ---------------------------------------------------------------- the views

@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("archived.html.j2")


def fmt_moment(value: Any, lang: str = "es") -> str:
    """29/11/2026 10:41 UTC (es) or 2026-11-29 10:41 UTC (en); unparseable values as given (shortened)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)[:40]
    if moment.utcoffset() is not None:
        from datetime import UTC
        moment = moment.astimezone(UTC)
    return moment.strftime("%d/%m/%Y %H:%M UTC" if lang == "es" else "%Y-%m-%d %H:%M UTC")


def evidence_pages(municipalities: Iterable[dict]) -> dict[str, dict]:
    """sha256 -> the first evidence item pointing at an archived record of that content."""
    out: dict[str, dict] = {}
    for m in municipalities:
        for c in m.get("criteria") or []:
            for e in c.get("evidence") or []:
                sha, ref = e.get("sha256"), e.get("archive")
                if isinstance(sha, str) and _SHA256.match(sha) and isinstance(ref, dict) and ref.get("record_id"):
                    out.setdefault(sha, e)
    return out


def write_views(municipalities: Iterable[dict], out_dir: Path, archive: WarcArchive | None, lang: str,
                translate) -> dict[str, dict]:
    """Write archivo/<sha256>.html (and .png for a screenshot) for every archived evidence page the archive can
    read; returns sha256 -> {href, screenshot} for the pages written (evidence items link only to those)."""
    if archive is None:
        return {}
    written: dict[str, dict] = {}
    folder = Path(out_dir) / VIEW_FOLDER
    for sha, e in evidence_pages(municipalities).items():
        ref = e["archive"]
        copy = archive.copy(ref)
        if copy is None:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        text = decode_html(copy.body, copy.content_type)
        shot = archive.screenshot(ref)
        if shot is not None:
            (folder / f"{sha}.png").write_bytes(shot)
        verified = hashlib.sha256(copy.body).hexdigest() == sha
        page = _template().render(
            _=translate, lang=lang, csp=CSP, url=copy.url or e.get("found_on") or e.get("url") or "",
            safe_url=safe_href(copy.url or e.get("found_on") or ""), when=fmt_moment(e.get("fetched_at") or copy.date,
                                                                                     lang),
            sha256=sha, verified=verified, truncated=copy.truncated, size=len(copy.body), warc=ref.get("warc", ""),
            record_id=ref.get("record_id", ""), title=page_title(text), screenshot=f"{sha}.png" if shot else None,
            body=sanitise_html(text, copy.url or e.get("found_on") or ""))
        (folder / f"{sha}.html").write_text(page, encoding="utf-8")
        written[sha] = {"href": f"{VIEW_FOLDER}/{sha}.html", "screenshot": f"{VIEW_FOLDER}/{sha}.png" if shot else None}
    return written


def archive_note(e: dict, archived: dict, root: str, translate, lang: str = "es") -> Markup:
    """What an evidence item says about its archived copy: a link to the view with the capture time and a short
    hash; where the copy is when this report does not include it; or that there is none (never a broken link)."""
    _ = translate
    sha, ref = e.get("sha256"), e.get("archive") if isinstance(e.get("archive"), dict) else {}
    view = archived.get(sha) if isinstance(sha, str) else None
    if view:
        label = _("copia archivada el {d}", d=fmt_moment(e.get("fetched_at"), lang))
        parts = [f'<a class="archived" href="{escape(root + view["href"])}">{escape(label)}</a>',
                 f'<span class="muted">SHA-256 <code title="{escape(sha)}">{escape(sha[:12])}…</code></span>']
        if ref.get("truncated"):
            parts.append(f'<span class="muted">{escape(_("copia recortada"))}</span>')
        if view.get("screenshot"):
            parts.append(f'<a class="screenshot" href="{escape(root + view["screenshot"])}">'
                         f'{escape(_("captura de pantalla"))}</a>')
        return Markup('<span class="archive-note"> · ' + " · ".join(parts) + "</span>")
    if ref.get("record_id"):
        text = _("copia archivada en {warc}, no incluida en este reporte", warc=str(ref.get("warc", "")))
    elif ref.get("skipped"):
        text = _("sin copia archivada (límite de archivo del sitio)")
    else:
        text = _("sin copia archivada")
    return Markup(f'<span class="archive-note muted"> · {escape(text)}</span>')
