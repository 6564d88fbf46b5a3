import pytest

from muniaudit.urls import is_forbidden_ip, private_address_reason


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.1.2.3", "192.168.0.10", "172.16.5.4", "169.254.169.254", "::1",
                                "0.0.0.0", "fd00::1"])
def test_private_loopback_linklocal_and_metadata_addresses_are_forbidden(ip):
    assert is_forbidden_ip(ip)


def test_public_address_is_allowed():
    assert not is_forbidden_ip("201.144.1.1")


def test_loopback_urls_are_refused_with_a_reason():
    assert "127.0.0.1" in private_address_reason("http://127.0.0.1:8080/")
    assert private_address_reason("http://localhost/") is not None
