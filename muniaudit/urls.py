"""URL checks for user-supplied website addresses and the crawler's address-safety policy."""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit, urlunsplit


class UrlError(ValueError):
    """A URL a user gave that cannot be a municipal website address."""


def normalise_site_url(raw: str) -> str:
    """Validate and normalise a website URL from user input ("tlajomulco.gob.mx" -> "https://tlajomulco.gob.mx/")."""
    value = raw.strip()
    if not value:
        raise UrlError("URL vacía")
    if "://" not in value:
        value = "https://" + value
    try:
        parts = urlsplit(value)
        port = parts.port            # raises ValueError on a bad port
    except ValueError as exc:
        raise UrlError(f"URL mal formada '{raw}': {exc}") from None
    if parts.scheme not in ("http", "https"):
        raise UrlError(f"URL mal formada '{raw}': el esquema debe ser http o https")
    host = (parts.hostname or "").strip(".")
    if not host or " " in host or ".." in host:
        raise UrlError(f"URL mal formada '{raw}': falta el nombre del servidor")
    if "." not in host and host != "localhost" and not _is_ip(host):
        raise UrlError(f"URL mal formada '{raw}': '{host}' no es un dominio")
    try:
        host.encode("idna")
    except UnicodeError:
        raise UrlError(f"URL mal formada '{raw}': dominio inválido") from None
    netloc = host.lower() + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, ""))


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
    """Why a URL must not be fetched without --allow-private (None when it is a public address)."""
    host = urlsplit(url).hostname or ""
    for ip in resolve_host(host):
        if is_forbidden_ip(ip):
            return f"{host} resuelve a una dirección privada o local ({ip})"
    return None
