"""Downloader middlewares: address safety, TLS verification as evidence, retries with backoff, WARC archive.

Every middleware here that drops a request raises IgnoreRequest (or a subclass), so the request's errback fires
and the spider's per-site bookkeeping still settles the site.
"""
from __future__ import annotations

import asyncio
import socket
import ssl
import zlib
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

from crawler.addresses import private_address_reason
from crawler.faults import failure_kind
from crawler.links import server_of  # host and port: two ports of one address are two servers
from crawler.scope import OffsiteRedirect, SiteScopeMiddleware  # noqa: F401 - their home is crawler.scope


class TolerantMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta-refresh redirects, except that a page whose <base href> or refresh URL no URL parser accepts
    is kept as a page (Scrapy's own middleware raises ValueError, and the page would be lost)."""

    def process_response(self, request: Request, response: Response, spider=None):
        try:
            return super().process_response(request, response)
        except ValueError:
            return response


class ForbiddenAddress(IgnoreRequest):
    """The request's host resolves to a private, loopback, link-local or metadata address."""


class AddressGuardMiddleware:
    """Checked on every request, so also after every redirect (redirects are re-scheduled requests).

    The name is resolved in a thread (the reactor must not block on DNS) and the verdict cached per host, so
    the refusal is recorded before any connection. A DNS answer that changes between this check and the
    download (DNS rebinding) is caught by crawler.dns.GuardedResolver, which checks the connection's address.
    """

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._verdicts: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("MUNIAUDIT_ALLOW_PRIVATE"))

    async def process_request(self, request: Request, spider=None) -> None:
        if self.allow_private or request.meta.get("playwright"):   # rendered URLs were checked on the HTTP pass
            return None
        host = urlsplit(request.url).hostname or ""
        if host not in self._verdicts:
            self._verdicts[host] = await asyncio.to_thread(private_address_reason, request.url)
        reason = self._verdicts[host]
        if reason:
            raise ForbiddenAddress(reason)
        return None


def tls_problem(host: str, port: int, timeout: float = 8.0) -> str | None:
    """Why the server's certificate does not verify against the system trust store (None when it does,
    or when the handshake fails for another reason: the download itself then records that failure)."""
    context = ssl.create_default_context()
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            with context.wrap_socket(sock, server_hostname=host):
                return None
    except ssl.SSLCertVerificationError as exc:
        return (exc.verify_message or str(exc))[:200]
    except (OSError, ssl.SSLError):
        return None


class TlsCheckMiddleware:
    """Scrapy downloads https without verifying certificates (so broken municipal TLS is still crawled); this
    middleware verifies each https host once, in a thread, and marks its requests `tls_invalid` in meta."""

    def __init__(self, enabled: bool) -> None:
        if not enabled:
            raise NotConfigured
        self._verdicts: dict[tuple[str, int], str | None] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("MUNIAUDIT_TLS_CHECK"))

    async def process_request(self, request: Request, spider=None) -> None:
        parts = urlsplit(request.url)
        if parts.scheme != "https" or not parts.hostname:
            return None
        key = (parts.hostname, parts.port or 443)
        if key not in self._verdicts:
            self._verdicts[key] = await asyncio.to_thread(tls_problem, *key)
        if self._verdicts[key]:
            request.meta["tls_invalid"] = self._verdicts[key]
        return None


# Failures that say the host itself did not answer (as opposed to an answer that was wrong): crawler.faults names.
HOST_SILENT = frozenset({"timeout", "connection_refused", "connection_reset", "dns_error"})


class HostHealth:
    """Consecutive failures of each host with no answer between them (any HTTP answer, an error status included,
    clears them). At `limit` the host is unresponsive: its failed requests are no longer retried. `limit` 0 turns
    this off. Nutch's fetcher.max.exceptions.per.queue is the same idea: a hanging server costs every one of its
    requests the full timeout, three times over with retries, and holds a politeness slot all along."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._silent: dict[str, int] = {}

    def answered(self, host: str) -> None:
        self._silent.pop(host, None)

    def failed(self, host: str) -> None:
        self._silent[host] = self._silent.get(host, 0) + 1

    def unresponsive(self, host: str) -> bool:
        return self.limit > 0 and self._silent.get(host, 0) >= self.limit


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, spaced by an exponential backoff (RETRY_BACKOFF_BASE * 2**n seconds, capped) so a
    struggling municipal server is not hammered. The wait happens outside the download slot. A host that stopped
    answering (HostHealth, MUNIAUDIT_HOST_FAILURES) gets no more retries; the failed request is marked
    `host_unresponsive` so the spider can stop asking that site for more (crawler.spiders.portal.on_error)."""

    def __init__(self, settings) -> None:
        super().__init__(settings)
        self.health = HostHealth(settings.getint("MUNIAUDIT_HOST_FAILURES"))

    async def process_response(self, request: Request, response: Response, spider=None):
        self.health.answered(server_of(request.url))
        return await self._delayed(super().process_response(request, response))

    async def process_exception(self, request: Request, exception: Exception, spider=None):
        host = server_of(request.url)
        # a browser render that times out says more about the page's scripts (and the browser's load) than the host
        if not request.meta.get("playwright") and failure_kind(exception) in HOST_SILENT:
            self.health.failed(host)
            if self.health.unresponsive(host):
                request.meta["host_unresponsive"] = True
                self.crawler.stats.inc_value("muniaudit/retry_skipped_unresponsive")
                return None        # the failure goes to the request's errback as it is, not retried
        return await self._delayed(super().process_exception(request, exception))

    async def _delayed(self, result):
        if isinstance(result, Request):
            settings = self.crawler.settings
            attempt = result.meta.get("retry_times", 1)
            delay = min(settings.getfloat("RETRY_BACKOFF_BASE") * 2 ** (attempt - 1),
                        settings.getfloat("RETRY_BACKOFF_MAX"))
            if delay > 0:
                await asyncio.sleep(delay)
        return result


class WarcArchiveMiddleware:
    """Archives the HTML responses the spider reads, as served (before decompression), in one WARC file per run:
    <MUNIAUDIT_WARC_DIR or crawler.archive.default_warc_dir>/run-<id>.warc.gz. On by default (MUNIAUDIT_WARC);
    bounded per record and per site (crawler.archive). Each archived response's place in the file is put in
    `request.meta["muniaudit_archive"]`, which the spider stores with the page; a browser-rendered page's
    screenshot (when the spider asked for one) is a `resource` record beside it."""

    def __init__(self, directory: Path, crawler, record_max: int, site_max: int, screenshot_max: int) -> None:
        from crawler.archive import SiteBudget

        self.directory = directory
        self.crawler = crawler
        self.record_max, self.screenshot_max = record_max, screenshot_max
        self.budget = SiteBudget(site_max)
        self._file = None
        self._writer = None
        self.records = 0

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        from crawler.archive import default_warc_dir

        settings = crawler.settings
        if not settings.getbool("MUNIAUDIT_WARC", True):
            raise NotConfigured
        directory = settings.get("MUNIAUDIT_WARC_DIR")
        directory = Path(directory) if directory else default_warc_dir(settings.get("MUNIAUDIT_DB"))
        mw = cls(directory, crawler, settings.getint("MUNIAUDIT_WARC_RECORD_MAX"),
                 settings.getint("MUNIAUDIT_WARC_SITE_MAX"), settings.getint("MUNIAUDIT_SCREENSHOT_MAX"))
        crawler.signals.connect(mw.close, signal=signals.spider_closed)
        return mw

    @property
    def path(self) -> Path:
        from crawler.archive import warc_file_name

        spider = self.crawler.spider
        return self.directory / warc_file_name(getattr(spider, "run_id", None), getattr(spider, "partition", None))

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        from crawler.archive import SKIPPED_SITE_LIMIT, cut_payload, is_archivable

        # meta travels with redirects: a pointer left by a 301 must not be taken for the final page's
        request.meta.pop("muniaudit_archive", None)
        if request.method != "GET" or not request.meta.get("page"):
            return response
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if not is_archivable(ctype, response.body, response.status):
            return response
        payload, truncated = cut_payload(response.body, self.record_max)
        site = request.meta.get("site")
        if not self.budget.admit(site, len(payload)):
            request.meta["muniaudit_archive"] = {"skipped": SKIPPED_SITE_LIMIT}
            self.crawler.stats.inc_value("muniaudit/warc_skipped_site_limit")
            return response
        pointer = self._write_response(request, response, payload, truncated)
        shot = _screenshot(request)
        if shot is not None and len(shot) <= self.screenshot_max and self.budget.admit(site, len(shot)):
            pointer["screenshot"] = self._write_screenshot(response.url, shot, pointer["record_id"])
        request.meta["muniaudit_archive"] = pointer
        return response

    def _open(self):
        from warcio.warcwriter import WARCWriter

        if self._writer is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._resolved = str(self.path.resolve())       # what page rows point at
            self._file = open(self.path, "ab")   # noqa: SIM115 - closed on spider_closed; a resumed run appends
            self._writer = WARCWriter(self._file, gzip=False)    # builds the records; _write compresses them
            self.crawler.stats.set_value("muniaudit/warc_path", self._resolved)
        return self._writer

    def _write(self, record) -> dict:
        """Write one record (its own gzip member, so it can be read from its offset) and say where it is.

        The member is compressed here, at gzip's default level (6): warcio's own gzip writer uses level 9, which
        cost 2.6 times the CPU on the corpus pages (0.67 against 0.25 ms a page, in the reactor's process) for
        output 1 % smaller."""
        from warcio.warcwriter import WARCWriter

        self._open()
        plain = BytesIO()
        WARCWriter(plain, gzip=False).write_record(record)
        packer = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS + 16)   # +16: a gzip member, not raw zlib
        offset = self._file.tell()
        self._file.write(packer.compress(plain.getvalue()) + packer.flush())
        self._file.flush()
        self.records += 1
        self.crawler.stats.set_value("muniaudit/warc_records", self.records)
        return {"file": self._resolved, "offset": offset, "length": self._file.tell() - offset,
                "record_id": record.rec_headers.get_header("WARC-Record-ID"),
                "date": record.rec_headers.get_header("WARC-Date")}

    def _write_response(self, request: Request, response: Response, payload: bytes, truncated: bool) -> dict:
        from warcio.statusandheaders import StatusAndHeaders

        writer = self._open()
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs]
        http_headers = StatusAndHeaders(f"{response.status} {_reason(response.status)}", headers,
                                        protocol="HTTP/1.1")
        warc_headers = {"WARC-Muniaudit-Render": "browser" if request.meta.get("playwright") else "http"}
        if truncated:
            warc_headers["WARC-Truncated"] = "length"
        if response.ip_address:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        record = writer.create_warc_record(response.url, "response", payload=BytesIO(payload),
                                           http_headers=http_headers, warc_headers_dict=warc_headers)
        pointer = self._write(record)
        if truncated:
            pointer["truncated"] = True
            self.crawler.stats.inc_value("muniaudit/warc_truncated")
        return pointer

    def _write_screenshot(self, url: str, png: bytes, concurrent_to: str) -> dict:
        writer = self._open()
        record = writer.create_warc_record(url, "resource", payload=BytesIO(png),
                                           warc_content_type="image/png",
                                           warc_headers_dict={"WARC-Concurrent-To": concurrent_to})
        return self._write(record)

    def close(self, spider=None) -> None:
        if self._file is not None:
            self._file.close()
            self._file = self._writer = None


def _screenshot(request: Request) -> bytes | None:
    """The PNG a rendered request's `screenshot` page method returned, if any."""
    for method in request.meta.get("playwright_page_methods") or ():
        if getattr(method, "method", None) == "screenshot" and isinstance(getattr(method, "result", None), bytes):
            return method.result
    return None


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
