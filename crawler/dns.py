"""A Scrapy DNS resolver that answers 127.0.0.1 for chosen host names and delegates the rest.

For tests and benchmarks on a loopback web with realistic host names (www.tlajomulcodezuniga.gob.mx), so that
per-site download slots and same-site checks behave as in production. Activated by settings only:

    TWISTED_DNS_RESOLVER = "crawler.dns.LoopbackResolver"
    MUNIAUDIT_LOOPBACK_HOSTS_FILE = "/tmp/hosts.txt"      # one host name per line
    MUNIAUDIT_LOOPBACK_SUFFIXES = [".example.test"]       # and/or whole suffixes
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from scrapy.resolver import CachingThreadedResolver
from twisted.internet import defer
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

LOOPBACK = "127.0.0.1"


def read_hosts(path: str | Path | None) -> frozenset[str]:
    """Host names from a file, one per line (blank lines and # comments ignored), lower-cased."""
    if not path:
        return frozenset()
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return frozenset(h.strip().lower().rstrip(".") for h in lines if h.strip() and not h.lstrip().startswith("#"))


@implementer(IResolverSimple)
class LoopbackResolver(CachingThreadedResolver):
    """CachingThreadedResolver, except that listed names (and names under listed suffixes) map to 127.0.0.1."""

    def __init__(self, reactor, cache_size: int, timeout: float, hosts: Iterable[str] = (),
                 suffixes: Iterable[str] = ()) -> None:
        super().__init__(reactor, cache_size, timeout)
        self.hosts = frozenset(h.lower() for h in hosts)
        self.suffixes = tuple(s.lower() if s.startswith(".") else "." + s.lower() for s in suffixes)

    @classmethod
    def from_crawler(cls, crawler, reactor):
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        return cls(reactor, cache_size, settings.getfloat("DNS_TIMEOUT"),
                   read_hosts(settings.get("MUNIAUDIT_LOOPBACK_HOSTS_FILE")),
                   settings.getlist("MUNIAUDIT_LOOPBACK_SUFFIXES"))

    def maps(self, name: str) -> bool:
        name = name.lower().rstrip(".")
        return name in self.hosts or bool(self.suffixes and name.endswith(self.suffixes))

    def getHostByName(self, name: str, timeout: Sequence[int] = ()):  # noqa: N802 (Twisted's name)
        if self.maps(name):
            return defer.succeed(LOOPBACK)
        return super().getHostByName(name, timeout)
