"""Whose is a URL, an account or an app? The municipality's own, or somebody else's (a reference).

Ownership is decided from two independent kinds of evidence, never from the words of the link that points there:

- **Domains.** The registrable domain from the public-suffix list (tldextract with its bundled snapshot, so the
  network is never used): ``transparencia.<municipio>.gob.mx`` shares ``<municipio>.gob.mx`` with the site and is
  the municipality's; ``datos.gob.mx`` or ``transparencia.<estado>.gob.mx`` is another body's, because ``gob.mx``
  itself is a public suffix. The registry's extra URLs widen the set of own domains.
- **Names.** A host, handle, app id or app name that names the municipality (``<municipio>.transparencia<estado>.
  org.mx``, ``facebook.com/gobierno<municipio>``, ``mx.gob.<municipio>.app``). A host that names *another* state is
  never the municipality's.

Why tldextract: hand-written suffix rules get ``gob.mx``/``org.mx``/``blogspot.com`` wrong; the public-suffix
list is the kept source of truth and tldextract ships a snapshot of it (docs/decisions/0001-choices.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import tldextract

from crawler.extract import urls
from crawler.extract.text import fold

# The bundled public-suffix snapshot only (no download, no cache directory); private suffixes included so that
# sanjuan.blogspot.com and sanpedro.wixsite.com are separate owners.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)

# Words too common in Mexican place names to identify one municipality on their own.
_GENERIC_WORDS = frozenset({
    "san", "santa", "santo", "santiago", "santos", "villa", "ciudad", "heroica", "general", "valle",
    "nuevo", "nueva", "el", "la", "los", "las", "de", "del", "y", "municipio", "juan", "jose", "maria", "pedro",
    "pablo", "miguel", "francisco", "antonio", "luis", "martin", "andres", "bartolome", "lorenzo", "mateo",
    "nicolas", "felipe", "juarez", "guerrero", "hidalgo", "morelos", "zaragoza", "allende", "benito", "emiliano",
    "zapata", "cruz", "grande", "chico", "alto", "bajo", "tierra", "blanca", "colorado", "rio", "progreso",
    "independencia", "libertad", "reforma", "union", "ocampo", "madero", "victoria", "bravo", "aldama", "mina",
    "galeana", "tepec", "monte", "sur", "norte", "oriente", "poniente", "centro", "real", "viejo", "vieja",
})
_CONNECTORS = frozenset({"de", "del", "la", "las", "los", "el", "y"})

# Mexican states: folded names and the short forms their bodies use in host names.
STATE_NAMES: dict[str, tuple[str, ...]] = {
    "aguascalientes": ("aguascalientes", "ags"), "baja california": ("bajacalifornia", "bc"),
    "baja california sur": ("bajacaliforniasur", "bcs"), "campeche": ("campeche", "camp"),
    "coahuila de zaragoza": ("coahuila", "coah"), "colima": ("colima", "col"), "chiapas": ("chiapas", "chis"),
    "chihuahua": ("chihuahua", "chih"), "ciudad de mexico": ("cdmx", "ciudaddemexico"),
    "durango": ("durango", "dgo"), "guanajuato": ("guanajuato", "gto"), "guerrero": ("guerrero", "gro"),
    "hidalgo": ("hidalgo", "hgo"), "jalisco": ("jalisco", "jal"), "mexico": ("edomex", "estadodemexico"),
    "michoacan de ocampo": ("michoacan", "mich"), "morelos": ("morelos", "mor"), "nayarit": ("nayarit", "nay"),
    "nuevo leon": ("nuevoleon", "nl"), "oaxaca": ("oaxaca", "oax"), "puebla": ("puebla", "pue"),
    "queretaro": ("queretaro", "qro"), "quintana roo": ("quintanaroo", "qroo"), "san luis potosi": ("slp",
    "sanluispotosi"), "sinaloa": ("sinaloa", "sin"), "sonora": ("sonora", "son"), "tabasco": ("tabasco", "tab"),
    "tamaulipas": ("tamaulipas", "tamps"), "tlaxcala": ("tlaxcala", "tlax"),
    "veracruz de ignacio de la llave": ("veracruz", "ver"), "yucatan": ("yucatan", "yuc"),
    "zacatecas": ("zacatecas", "zac"),
}
# State-name forms long enough to be recognised inside a host label ("transparenciachiapas", "itaipue" is not).
_STATE_IN_HOST = {state: tuple(f for f in forms if len(f) >= 5) for state, forms in STATE_NAMES.items()}

OWN, REFERENCE = "own", "reference"


@dataclass(frozen=True)
class Owner:
    """Who the crawled site belongs to, as the registry knows it (all optional: unknown means 'decide by domain')."""

    name: str = ""                                  # municipality name, e.g. "San Juan del Río"
    state: str = ""                                 # state name, e.g. "Querétaro"
    domains: frozenset[str] = field(default_factory=frozenset)   # registrable domains of registry URLs
    accounts: frozenset[str] = field(default_factory=frozenset)  # declared accounts, canonical URLs

    @classmethod
    def of(cls, name: str = "", state: str = "", site_urls: tuple[str, ...] | list[str] = (),
           accounts: tuple[str, ...] | list[str] = ()) -> Owner:
        """An Owner from registry fields (URLs of the site and its extra portals, declared accounts)."""
        return cls(name, state, frozenset(d for d in (registrable_domain(u) for u in site_urls) if d),
                   frozenset(urls.canonical(a) for a in accounts if a))

    @property
    def name_keys(self) -> tuple[str, ...]:
        """Compact forms of the name that identify the municipality inside hosts, handles and app ids; the
        official domains' own labels count too ('tlajomulco' of tlajomulco.gob.mx)."""
        labels = tuple(d.split(".")[0] for d in sorted(self.domains) if "." in d)
        return tuple(dict.fromkeys(name_keys(self.name) + tuple(
            k for k in labels if len(k) >= 5 and k not in _GENERIC_WORDS and not k.isdigit())))


@dataclass(frozen=True)
class Ownership:
    """The verdict on one URL: own or reference, and the evidence that decided it."""

    owner: str            # OWN | REFERENCE
    reason: str           # same_site, same_domain, registry_domain, host_names_municipality, ...

    @property
    def own(self) -> bool:
        return self.owner == OWN


@lru_cache(maxsize=8192)
def registrable_domain(url_or_host: str) -> str:
    """The registrable domain (eTLD+1) of a URL or host; for IPs and localhost the host itself."""
    host = urls.host_of(url_or_host) if "/" in url_or_host else url_or_host.lower().split(":")[0]
    if not host:
        return ""
    parts = _EXTRACT(host)
    if not parts.suffix:                     # an IP address, localhost, an intranet name
        return host
    return f"{parts.domain}.{parts.suffix}" if parts.domain else host


@lru_cache(maxsize=4096)
def name_keys(name: str) -> tuple[str, ...]:
    """'San Juan del Río' -> ('sanjuandelrio', 'sanjuanrio'); 'Tlajomulco de Zúñiga' -> (..., 'tlajomulco')."""
    words = [w for w in re.findall(r"[a-z0-9]+", fold(name))]
    if not words:
        return ()
    keys = ["".join(words), "".join(w for w in words if w not in _CONNECTORS)]
    keys += [w for w in words if len(w) >= 5 and w not in _GENERIC_WORDS]
    return tuple(dict.fromkeys(k for k in keys if len(k) >= 4))


def compact(text: str) -> str:
    """Folded text with everything but letters and digits removed ('Gob. San Juan' -> 'gobsanjuan')."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


def names_municipality(text: str, owner: Owner | None) -> bool:
    """True when a host, handle, app id or label names the municipality."""
    if owner is None or not owner.name_keys:
        return False
    flat = compact(text)
    return any(key in flat for key in owner.name_keys)


def names_other_state(host: str, owner: Owner | None) -> bool:
    """True when a host names a Mexican state that is not the municipality's ('transparencia.jalisco.gob.mx')."""
    if owner is None or not owner.state:
        return False
    labels = compact(host)
    mine = fold(owner.state)
    for state, forms in _STATE_IN_HOST.items():
        if any(f in labels for f in forms) and not _same_state(state, mine):
            return not names_municipality(host, owner)
    return False


def _same_state(state: str, mine: str) -> bool:
    return state == mine or state.startswith(mine) or mine.startswith(state)


def url_ownership(url: str, site_hosts: frozenset[str], owner: Owner | None) -> Ownership:
    """Own when the URL is on the site, on an official domain of the municipality, or on a host that names it."""
    if urls.is_same_site(url, site_hosts):
        return Ownership(OWN, "same_site")
    domain = registrable_domain(url)
    if domain and domain in {registrable_domain(h) for h in site_hosts if "." in h}:
        return Ownership(OWN, "same_domain")
    if owner is not None and domain in owner.domains:
        return Ownership(OWN, "registry_domain")
    host = urls.host_of(url)
    if names_other_state(host, owner):
        return Ownership(REFERENCE, "other_state")
    if names_municipality(_host_labels(host), owner):
        return Ownership(OWN, "host_names_municipality")
    if names_municipality(" ".join(urls.path_segments(url)[:3]), owner) and _is_catalogue_path(url):
        return Ownership(OWN, "path_names_municipality")
    return Ownership(REFERENCE, "other_domain")


@lru_cache(maxsize=4096)
def _host_labels(host: str) -> str:
    """The labels of a host below its public suffix (the part an organisation chose)."""
    parts = _EXTRACT(host)
    return ".".join(p for p in (parts.subdomain, parts.domain) if p)


def _is_catalogue_path(url: str) -> bool:
    """Paths where a shared portal files a publisher: /organization/<x>, /busca/organization/<x>, /<x>/."""
    segments = [s.lower() for s in urls.path_segments(url)]
    return bool(segments) and (len(segments) <= 2 or any(s in ("organization", "organizacion", "publisher",
                                                                 "dependencia", "municipio") for s in segments))
