"""The crawler's address-safety policy: which hosts must not be fetched without --allow-private.

It lives in the crawler (the room that fetches); the app's URL checks (muniaudit.urls) import it from here.
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


def printable(raw: str) -> str:
    """A user's input, printable in one line (control characters shown escaped)."""
    return raw.encode("unicode_escape").decode("ascii")[:200]


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False


def is_forbidden_ip(ip: str) -> bool:
    """Private, loopback, link-local (incl. cloud metadata 169.254.169.254), reserved or multicast."""
    addr = ipaddress.ip_address(ip)
    return (addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_reserved
            or addr.is_multicast or addr.is_unspecified)


def resolve_host(host: str) -> list[str]:
    """All addresses a host name resolves to (empty when it does not resolve)."""
    if is_ip_literal(host):
        return [host]
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})
    except (socket.gaierror, UnicodeError):
        return []


def private_address_reason(url: str) -> str | None:
    """Why a URL must not be fetched without --allow-private (None when it is a public address). An address
    with no host a parser agrees on is refused too: the guard fails closed."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return f"'{printable(url)}' no es una dirección válida"
    if not host:
        return f"'{printable(url)}' no tiene un servidor reconocible"
    for ip in resolve_host(host):
        if is_forbidden_ip(ip):
            return f"{host} resuelve a una dirección privada o local ({ip})"
    return None
