import pytest

from crawler.addresses import is_forbidden_ip, private_address_reason
from crawler.faults import failure_kind


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.4", "169.254.169.254", "::1",
                                "0.0.0.0", "fd00::1"])
def test_private_loopback_linklocal_and_metadata_addresses_are_forbidden(ip):
    assert is_forbidden_ip(ip)


def test_public_address_is_allowed():
    assert not is_forbidden_ip("201.144.1.1")


def test_loopback_urls_are_refused_with_a_reason():
    assert "127.0.0.1" in private_address_reason("http://127.0.0.1:8080/")
    assert private_address_reason("http://localhost/") is not None


def test_resolver_refuses_a_name_that_answers_a_private_address_at_connection_time():
    # DNS rebinding: the middleware's own lookup saw a public address; the lookup the connection uses answers
    # loopback. The resolver (the one Scrapy connects with) checks that answer itself.
    from twisted.internet import reactor
    from twisted.internet.error import DNSLookupError

    from crawler.dns import LoopbackResolver

    refused = []
    guarded = LoopbackResolver(reactor, 0, 5.0, ["rebind.example.test"])
    guarded.getHostByName("rebind.example.test").addErrback(refused.append)
    assert refused and refused[0].check(DNSLookupError) and "127.0.0.1" in str(refused[0].value)
    assert failure_kind(refused[0].value) == "forbidden_address"

    allowed = LoopbackResolver(reactor, 0, 5.0, ["rebind.example.test"], allow_private=True)
    assert allowed.getHostByName("rebind.example.test").result == "127.0.0.1"


def test_the_guarded_resolver_is_the_crawler_default():
    from crawler import settings

    assert settings.TWISTED_DNS_RESOLVER == "crawler.dns.GuardedResolver"
