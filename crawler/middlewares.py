"""Downloader middlewares: refuse private/loopback/metadata addresses unless the run allows them."""
from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from muniaudit.urls import private_address_reason


class ForbiddenAddress(IgnoreRequest):
    """The request's host resolves to a private, loopback, link-local or metadata address."""


class AddressGuardMiddleware:
    """Checked on every request, so also after every redirect (redirects are re-scheduled requests).

    Limitation: the check resolves the name itself; a DNS answer that changes between this check and the
    download (DNS rebinding) is not caught. See docs/crawling.md.
    """

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._verdicts: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("MUNIAUDIT_ALLOW_PRIVATE"))

    def process_request(self, request, spider=None):
        if self.allow_private:
            return None
        host = urlsplit(request.url).hostname or ""
        if host not in self._verdicts:
            self._verdicts[host] = private_address_reason(request.url)
        reason = self._verdicts[host]
        if reason:
            raise ForbiddenAddress(reason)
        return None
