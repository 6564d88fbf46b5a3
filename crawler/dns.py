"""Scrapy DNS resolvers: the address guard at connection time, and a loopback map for tests.

`GuardedResolver` (the default, `TWISTED_DNS_RESOLVER` in crawler.settings) is Scrapy's caching resolver that
refuses private, loopback, link-local and metadata answers unless MUNIAUDIT_ALLOW_PRIVATE is set. The address
it checks is the address the connection uses, so a name that resolved to a public address when the
AddressGuardMiddleware looked, and to 127.0.0.1 or 169.254.169.254 a moment later (DNS rebinding), is refused.

`LoopbackResolver` answers 127.0.0.1 for chosen host names, for tests and benchmarks on a loopback web with
realistic host names (www.tlajomulcodezuniga.gob.mx), so that per-site download slots and same-site checks
behave as in production. Activated by settings only:

    TWISTED_DNS_RESOLVER = "crawler.dns.LoopbackResolver"
    MUNIAUDIT_LOOPBACK_HOSTS_FILE = "/tmp/hosts.txt"      # one host name per line
    MUNIAUDIT_LOOPBACK_SUFFIXES = [".example.test"]       # and/or whole suffixes
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

from crawler.addresses import is_forbidden_ip

LOOPBACK = "127.0.0.1"
logger = logging.getLogger(__name__)
# Names the resolver refused, with the address they gave. Twisted reports every failed lookup to the download as
# "no results for hostname lookup", so the spider asks here whether a DNS failure was in fact a refusal.
_REFUSED: dict[str, str] = {}


def refused_address(name: str | None) -> str | None:
    """The forbidden address a name resolved to when this process's resolver refused it, else None."""
    return _REFUSED.get((name or "").lower().rstrip("."))


def read_hosts(path: str | Path | None) -> frozenset[str]:
    """Host names from a file, one per line (blank lines and # comments ignored), lower-cased."""
    if not path:
        return frozenset()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(h.strip().lower().rstrip(".") for h in lines if h.strip() and not h.lstrip().startswith("#"))


class ForbiddenAddressLookup(DNSLookupError):
    """A name resolved, at connection time, to an address the crawler must not reach."""


@implementer(IResolverSimple)
class GuardedResolver(CachingThreadedResolver):
    """Scrapy's CachingThreadedResolver, refusing forbidden answers unless private addresses are allowed."""

    def __init__(self, reactor, cache_size: int, timeout: float, allow_private: bool = False) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.allow_private = allow_private

    @classmethod
    def from_crawler(cls, crawler, reactor):
        # one resolver per process (it is installed on the reactor): `crawler` is the process, with its settings
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(reactor, cache_size, settings.getfloat("DNS_TIMEOUT"), **cls._options(settings),
                   allow_private=settings.getbool("MUNIAUDIT_ALLOW_PRIVATE"))

    @classmethod
    def _options(cls, settings) -> dict:
        return {}

    def getHostByName(self, name: str, timeout: Sequence[int] = ()):  # noqa: N802 (Twisted's name)
        found = self._lookup(name, timeout)
        return found if self.allow_private else found.addCallback(self.refuse_forbidden, name)

    def _lookup(self, name: str, timeout: Sequence[int]):
        return super().getHostByName(name, timeout)

    def refuse_forbidden(self, address: str, name: str) -> str:
        """The address, unless it is private, loopback, link-local or a metadata address."""
        if is_forbidden_ip(address):
            logger.warning("refused %s: it resolves to %s at connection time", name, address)
            _REFUSED[name.lower().rstrip(".")] = address
            raise ForbiddenAddressLookup(name, f"resolves to a private or local address ({address}) at connection time")
        return address


class LoopbackResolver(GuardedResolver):
    """GuardedResolver, except that listed names (and names under listed suffixes) map to 127.0.0.1."""

    def __init__(self, reactor, cache_size: int, timeout: float, hosts: Iterable[str] = (),
                 suffixes: Iterable[str] = (), allow_private: bool = False) -> None:
        super().__init__(reactor, cache_size, timeout, allow_private)
        self.hosts = frozenset(h.lower() for h in hosts)
        self.suffixes = tuple(s.lower() if s.startswith(".") else "." + s.lower() for s in suffixes)

    @classmethod
    def _options(cls, settings) -> dict:
        return {"hosts": read_hosts(settings.get("MUNIAUDIT_LOOPBACK_HOSTS_FILE")),
                "suffixes": settings.getlist("MUNIAUDIT_LOOPBACK_SUFFIXES")}

    def maps(self, name: str) -> bool:
        name = name.lower().rstrip(".")
        return name in self.hosts or bool(self.suffixes and name.endswith(self.suffixes))

    def _lookup(self, name: str, timeout: Sequence[int]):
        return defer.succeed(LOOPBACK) if self.maps(name) else super()._lookup(name, timeout)
