"""URL checks for user-supplied website addresses. The address-safety policy is the crawler's
(crawler/addresses.py); it is re-exported here for the app's callers."""
from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from crawler.addresses import is_ip_literal, printable


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
        raise UrlError(f"URL mal formada '{printable(raw)}': carácter no permitido {bad.group()!r}")
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
        port = parts.port            # raises ValueError on a bad port
    except ValueError as exc:
        raise UrlError(f"URL mal formada '{printable(raw)}': {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise UrlError(f"URL mal formada '{printable(raw)}': el esquema debe ser http o https")
    if "@" in parts.netloc:
        raise UrlError(f"URL mal formada '{printable(raw)}': no se admiten usuario ni contraseña en la dirección")
    host = (parts.hostname or "").strip(".")
    if not host or ".." in host:
        raise UrlError(f"URL mal formada '{printable(raw)}': falta el nombre del servidor")
    ipv6 = ":" in host
    if ipv6 and not is_ip_literal(host):
        raise UrlError(f"URL mal formada '{printable(raw)}': dirección IPv6 inválida")
    if not ipv6 and "." not in host and host != "localhost" and not is_ip_literal(host):
        raise UrlError(f"URL mal formada '{printable(raw)}': '{host}' no es un dominio")
    try:
        host.encode("idna")
    except UnicodeError:
        raise UrlError(f"URL mal formada '{printable(raw)}': dominio inválido") from None
    netloc = (f"[{host.lower()}]" if ipv6 else host.lower()) + (f":{port}" if port else "")
    normalised = urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))
    again = urlsplit(normalised)
    if (again.hostname or "").strip(".") != host.lower() or again.port != port or again.path != (parts.path or "/"):
        raise UrlError(f"URL mal formada '{printable(raw)}': no se interpreta de forma única")
    return normalised
