"""Downloader middlewares: address safety, TLS verification as evidence, retries with backoff, WARC archive.

Every middleware here that drops a request raises IgnoreRequest (or a subclass), so the request's errback fires
and the spider's per-site bookkeeping still settles the site.
"""
from __future__ import annotations

import asyncio
import socket
import ssl
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

from muniaudit.urls import private_address_reason


class OffsiteRedirect(IgnoreRequest):
    """A redirect (HTTP or meta refresh) from a site page to another host: recorded, never followed."""


class SiteScopeMiddleware:
    """Redirects are re-scheduled requests that skip the spider's link policy; keep them on the site.
    The home page may move (www, https, a new domain): the spider adopts its final host instead."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request: Request, spider=None) -> None:
        spider = self.crawler.spider
        if request.meta.get("redirect_urls") and hasattr(spider, "in_scope") and not spider.in_scope(request):
            raise OffsiteRedirect(f"redirect to another host: {request.url}")
        return None


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


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, spaced by an exponential backoff (RETRY_BACKOFF_BASE * 2**n seconds, capped) so a
    struggling municipal server is not hammered. The wait happens outside the download slot."""

    async def process_response(self, request: Request, response: Response, spider=None):
        return await self._delayed(super().process_response(request, response))

    async def process_exception(self, request: Request, exception: Exception, spider=None):
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
    """Writes every response, as served (before decompression and redirects are handled), to one WARC file
    per run: MUNIAUDIT_WARC_DIR/run-<id>.warc.gz. Needs the optional dependency `warcio` (extra `archive`)."""

    def __init__(self, directory: str | None, crawler) -> None:
        if not directory:
            raise NotConfigured
        try:
            from warcio.warcwriter import WARCWriter  # noqa: F401
        except ImportError as exc:
            raise NotConfigured("MUNIAUDIT_WARC_DIR needs warcio: pip install 'muniaudit[archive]'") from exc
        self.directory = Path(directory)
        self.crawler = crawler
        self._file = None
        self._writer = None
        self.records = 0

    @classmethod
    def from_crawler(cls, crawler):
        from scrapy import signals

        mw = cls(crawler.settings.get("MUNIAUDIT_WARC_DIR"), crawler)
        crawler.signals.connect(mw.close, signal=signals.spider_closed)
        return mw

    @property
    def path(self) -> Path:
        run_id = getattr(self.crawler.spider, "run_id", None) or "adhoc"
        return self.directory / f"run-{run_id}.warc.gz"

    def process_response(self, request: Request, response: Response, spider=None) -> Response:
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter

        if self._writer is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "ab")   # noqa: SIM115 - closed on spider_closed
            self._writer = WARCWriter(self._file, gzip=True)
            self.crawler.stats.set_value("muniaudit/warc_path", str(self.path))
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, vs in response.headers.items() for v in vs]
        http_headers = StatusAndHeaders(f"{response.status} {_reason(response.status)}", headers,
                                        protocol="HTTP/1.1")
        warc_headers = {"WARC-Muniaudit-Render": "browser" if request.meta.get("playwright") else "http"}
        if response.ip_address:
            warc_headers["WARC-IP-Address"] = str(response.ip_address)
        record = self._writer.create_warc_record(response.url, "response", payload=BytesIO(response.body),
                                                 http_headers=http_headers, warc_headers_dict=warc_headers)
        self._writer.write_record(record)
        self.records += 1
        self.crawler.stats.set_value("muniaudit/warc_records", self.records)
        return response

    def close(self, spider=None) -> None:
        if self._file is not None:
            self._file.close()
            self._file = self._writer = None


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
