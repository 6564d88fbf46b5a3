"""URL checks for user-supplied website addresses and the crawler's address-safety policy."""
from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit, urlunsplit


class UrlError(ValueError):
    """A URL a user gave that cannot be a municipal website address."""


# Characters a browser would have to percent-encode or strip: an address holding them was mistyped or mangled
# (a NUL byte, a space, a backslash before '@', quotes), so it is refused rather than silently rewritten.
_FORBIDDEN_CHARS = re.compile(r"[\x00-\x20\x7f\\<>\"{}|^`]")


def normalise_site_url(raw: str) -> str:
    """Validate and normalise a website URL from user input ("tlajomulco.gob.mx" -> "https://tlajomulco.gob.mx/").

    The one parser for addresses users give: strict, and the result parses back to the same host, port and path
    (IPv6 literals keep their brackets, so the address guard sees them). Anything that would not round-trip is
    refused with the reason instead of being rewritten."""
    value = raw.strip()
    if not value:
        raise UrlError("URL vacía")
    bad = _FORBIDDEN_CHARS.search(value)
    if bad:
        raise UrlError(f"URL mal formada '{_shown(raw)}': carácter no permitido {bad.group()!r}")
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
        port = parts.port            # raises ValueError on a bad port
    except ValueError as exc:
        raise UrlError(f"URL mal formada '{_shown(raw)}': {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise UrlError(f"URL mal formada '{_shown(raw)}': el esquema debe ser http o https")
    if "@" in parts.netloc:
        raise UrlError(f"URL mal formada '{_shown(raw)}': no se admiten usuario ni contraseña en la dirección")
    host = (parts.hostname or "").strip(".")
    if not host or ".." in host:
        raise UrlError(f"URL mal formada '{_shown(raw)}': falta el nombre del servidor")
    ipv6 = ":" in host
    if ipv6 and not _is_ip(host):
        raise UrlError(f"URL mal formada '{_shown(raw)}': dirección IPv6 inválida")
    if not ipv6 and "." not in host and host != "localhost" and not _is_ip(host):
        raise UrlError(f"URL mal formada '{_shown(raw)}': '{host}' no es un dominio")
    try:
        host.encode("idna")
    except UnicodeError:
        raise UrlError(f"URL mal formada '{_shown(raw)}': dominio inválido") from None
    netloc = (f"[{host.lower()}]" if ipv6 else host.lower()) + (f":{port}" if port else "")
    normalised = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    again = urlsplit(normalised)
    if (again.hostname or "").strip(".") != host.lower() or again.port != port or again.path != (parts.path or "/"):
        raise UrlError(f"URL mal formada '{_shown(raw)}': no se interpreta de forma única")
    return normalised


def _shown(raw: str) -> str:
    """A user's input, printable in one line (control characters shown escaped)."""
    return raw.encode("unicode_escape").decode("ascii")[:200]


def _is_ip(host: str) -> bool:
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
    if _is_ip(host):
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
        return f"'{_shown(url)}' no es una dirección válida"
    if not host:
        return f"'{_shown(url)}' no tiene un servidor reconocible"
    for ip in resolve_host(host):
        if is_forbidden_ip(ip):
            return f"{host} resuelve a una dirección privada o local ({ip})"
    return None
