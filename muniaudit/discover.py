"""Discover official municipal websites: propose candidate URLs, verify them, and write them for a human to confirm.

    discover_candidates("Tlajomulco de Zúñiga", "Jalisco", "Jal.")   # pattern candidates (no network)
    municipal_links(texts, own_hosts)                                  # *.gob.mx hosts seen on known sites
    verify_candidate(url, name, state, fetch)                          # fetch + name/state/government evidence
    discover_to_csv(db_url, "candidatos.csv")                          # cvegeo,url,confidence,reasons,confirmed

A candidate is never used until a person confirms it (docs/national-scale.md, "URL discovery").
"""
from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

from crawler.extract.text import fold

STOPWORDS = {"de", "del", "la", "las", "los", "el", "y"}
ABBREVIATIONS = {"san": "sn", "santa": "sta", "santo": "sto", "santiago": "stgo", "general": "gral",
                 "doctor": "dr", "ciudad": "cd", "villa": "v"}
GENERIC_FIRST = {"san", "santa", "santo", "santiago", "villa", "ciudad", "general", "heroica", "el", "la",
                 "los", "las", "nuevo", "nueva", "valle", "tierra", "mineral", "doctor", "magdalena"}
GOVERNMENT_WORDS = re.compile(r"\b(h\.? ?)?ayuntamiento\b|\bmunicipio\b|gobierno municipal|presidencia municipal"
                              r"|\bmunicipal\b")
PARKED = re.compile(r"(domain|dominio)( name)? (is |esta )?(for sale|en venta|a la venta)|buy this domain"
                    r"|compra (este|el) dominio|parked (free|domain)|domain parking|sedoparking|hugedomains"
                    r"|dan\.com|this domain (may be|is) for sale|godaddy\.com/domainsearch|afternic")
GOB_MX_HOST = re.compile(r"(?<![a-z0-9.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+gob\.mx)\b", re.I)
NOT_MUNICIPAL = re.compile(r"^(www\.)?(transparencia|infomex|itei|itai|iaip|ivai|icai|cotai|itaip|idaip|dof|sat|"
                           r"inegi|imss|issste|gob|datos|congreso|sep|salud|finanzas|sefin|seplan|periodicooficial)\.")
USER_AGENT = "muniaudit-discover/1.0 (+https://github.com/muniaudit/muniaudit)"
OK_THRESHOLD = 0.6
CSV_COLUMNS = ("cvegeo", "url", "confidence", "reasons", "confirmed")


def domain_slug(name: str, sep: str = "") -> str:
    """A DNS label from a name: ascii-folded, punctuation dropped, words joined by `sep`."""
    return sep.join(re.findall(r"[a-z0-9]+", fold(name)))


def name_variants(name: str) -> list[str]:
    """DNS labels a municipality plausibly uses: joined, hyphenated, without articles, abbreviated, first word."""
    words = re.findall(r"[a-z0-9]+", fold(name))
    content = [w for w in words if w not in STOPWORDS]
    abbreviated = [ABBREVIATIONS.get(w, w) for w in content]
    variants = ["".join(words), "-".join(words), "".join(content), "".join(abbreviated)]
    if len(words) > 1 and words[0] not in GENERIC_FIRST and len(words[0]) >= 5:
        variants.append(words[0])                       # tlajomulco de zuniga -> tlajomulco
    if len(content) >= 3 and content[0] in ("san", "santa", "santo", "santiago"):
        variants.append("".join(content[2:]))            # san pedro tlaquepaque -> tlaquepaque
    return list(dict.fromkeys(v for v in variants if v))


def state_labels(state_name: str, state_abbr: str) -> list[str]:
    """DNS labels for a state: its INEGI abbreviation ('Jal.' -> 'jal') and its short name ('jalisco')."""
    labels = [domain_slug(state_abbr), domain_slug(short_state(state_name))]
    if labels[0] == "mex":
        labels.append("edomex")
    return list(dict.fromkeys(label for label in labels if label))


def short_state(state_name: str) -> str:
    """'Veracruz de Ignacio de la Llave' -> 'Veracruz'; 'Ciudad de México' stays whole."""
    return state_name if fold(state_name).startswith("ciudad de") else state_name.split(" de ")[0]


def discover_candidates(municipality_name: str, state_name: str, state_abbr: str) -> list[str]:
    """Candidate home-page URLs from the common patterns of Mexican municipal domains, likeliest first."""
    states = state_labels(state_name, state_abbr)
    variants = name_variants(municipality_name)
    hosts = [h for v in variants for h in (f"{v}.gob.mx", f"www.{v}.gob.mx", *(f"{v}.{s}.gob.mx" for s in states))]
    for v in (v for v in variants if "-" not in v):
        hosts += [f"{prefix}{v}.gob.mx" for prefix in ("municipio", "municipiode", "ayuntamiento", "h")]
        hosts += [f"{v}-{s}.gob.mx" for s in states] + [f"{v}{s}.gob.mx" for s in states]
    return [f"https://{h}/" for h in dict.fromkeys(hosts) if all(0 < len(p) <= 63 for p in h.split("."))]


def municipal_links(texts: Iterable[str], own_hosts: Iterable[str] = ()) -> set[str]:
    """*.gob.mx host names mentioned in URLs, e-mail addresses or text of known sites, minus their own hosts and
    state or federal agencies."""
    own = {_bare(h) for h in own_hosts}
    found = set()
    for text in texts:
        for host in GOB_MX_HOST.findall(text or ""):
            host = host.lower()
            if _bare(host) not in own and not NOT_MUNICIPAL.match(host) and host.count(".") >= 2:
                found.add(host)
    return found


def _bare(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def links_matching(hosts: Iterable[str], municipality_name: str) -> list[str]:
    """Home URLs of the hosts whose labels contain one of the municipality's name variants."""
    variants = [v for v in name_variants(municipality_name) if len(v) >= 4]
    out = []
    for host in sorted(hosts):
        labels = _bare(host).removesuffix(".gob.mx").split(".")
        if any(v in label for v in variants for label in labels):
            out.append(f"https://{host}/")
            if not host.startswith("www."):      # e-mail domains omit the www. the site may need
                out.append(f"https://www.{host}/")
    return out


# -- verification ------------------------------------------------------------------------------------------

@dataclass
class Fetched:
    status: int
    url: str          # final URL after redirects
    text: str


Fetch = Callable[[str], Fetched]


@dataclass
class Verification:
    url: str
    ok: bool
    confidence: float
    reasons: list[str] = field(default_factory=list)


class PrivateAddress(Exception):
    """The candidate resolves to a private or loopback address and that was not allowed."""


def http_fetch(url: str, allow_private: bool = False, timeout: float = 8.0, max_bytes: int = 1_000_000) -> Fetched:
    """GET with a short timeout, redirects followed (each one checked against private addresses), body capped."""
    import httpx

    from crawler.addresses import private_address_reason

    def guard(request: httpx.Request) -> None:
        reason = None if allow_private else private_address_reason(str(request.url))
        if reason:
            raise PrivateAddress(reason)

    with httpx.Client(timeout=timeout, follow_redirects=True, max_redirects=5, verify=False,
                      headers={"User-Agent": USER_AGENT}, event_hooks={"request": [guard]}) as client:
        with client.stream("GET", url) as response:
            body = b""
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) >= max_bytes:
                    break
            return Fetched(response.status_code, str(response.url), body.decode(response.encoding or "utf-8",
                                                                                 errors="replace"))


def _page_parts(html: str) -> dict[str, str]:
    """Folded title, h1 and footer text, and all visible-ish text (regex-based: tolerant of broken markup)."""
    def grab(tag: str) -> str:
        return " ".join(re.findall(rf"<{tag}\b[^>]*>(.*?)</{tag}>", html, re.S | re.I))

    def clean(fragment: str) -> str:
        return fold(" ".join(unescape(re.sub(r"<[^>]+>", " ", fragment)).split()))

    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return {"title": clean(grab("title")), "h1": clean(grab("h1")), "footer": clean(grab("footer")),
            "text": clean(body)}


def _has(phrase: str, text: str) -> bool:
    return bool(re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text))


def _state_phrases(state: str) -> list[str]:
    short = fold(short_state(state))
    phrases = [fold(state), short]
    if short == "mexico":               # the country's name is everywhere: ask for the state's own forms
        phrases = ["estado de mexico", "edomex", "edo. de mexico", "edo. mex"]
    if short == "ciudad de mexico":
        phrases.append("cdmx")
    return list(dict.fromkeys(phrases))


@lru_cache(maxsize=1)
def _state_short_names() -> frozenset[str]:
    from muniaudit.registry import bundled_rows

    return frozenset(fold(short_state(r["nom_ent"])) for r in bundled_rows())


def _other_states(state: str, name: str) -> list[str]:
    """Other states' names that would betray a namesake municipality (not those inside this one's own names)."""
    mine, folded_name = fold(short_state(state)), fold(name)
    return sorted(s for s in _state_short_names()
                  if s != mine and s not in folded_name and s != "mexico" and mine not in s)


def verify_candidate(url: str, name: str, state: str, fetch: Fetch | None = None,
                     allow_private: bool = False) -> Verification:
    """Fetch a candidate and weigh the evidence that it is the official site of municipality `name` in `state`."""
    try:
        fetched = (fetch or (lambda u: http_fetch(u, allow_private)))(url)
    except PrivateAddress as exc:
        return Verification(url, False, 0.0, [f"dirección privada rechazada: {exc}"])
    except Exception as exc:  # noqa: BLE001 - DNS failures, timeouts, TLS: the candidate simply does not answer
        return Verification(url, False, 0.0, [f"no responde ({exc.__class__.__name__})"])
    if fetched.status >= 400:
        return Verification(url, False, 0.0, [f"responde HTTP {fetched.status}"])
    parts = _page_parts(fetched.text)
    head = " ".join((parts["title"], parts["h1"], parts["footer"]))
    reasons: list[str] = []
    score = 0.0
    if PARKED.search(parts["text"]):
        return Verification(url, False, 0.05, ["página de dominio estacionado o en venta"])
    folded_name = fold(name)
    if _has(folded_name, parts["title"]) or _has(folded_name, parts["h1"]):
        score += 0.35
        reasons.append("nombre del municipio en el título o encabezado")
    elif _has(folded_name, head) or _has(folded_name, parts["text"]):
        score += 0.2
        reasons.append("nombre del municipio en el texto")
    else:
        reasons.append("no menciona el nombre del municipio")
    if any(_has(p, head) or _has(p, parts["text"]) for p in _state_phrases(state)):
        score += 0.2
        reasons.append("menciona el estado")
    others = [s for s in _other_states(state, name) if _has(s, head)]
    if others and not any(_has(p, head) for p in _state_phrases(state)):
        score -= 0.4
        reasons.append(f"menciona otro estado ({', '.join(others[:3])})")
    if GOVERNMENT_WORDS.search(head) or GOVERNMENT_WORDS.search(parts["text"][:5000]):
        score += 0.15
        reasons.append("se presenta como gobierno municipal")
    final_host = (urlsplit(fetched.url).hostname or "").lower()
    if final_host.endswith(".gob.mx"):
        score += 0.1
        reasons.append("dominio .gob.mx")
    if final_host and final_host != (urlsplit(url).hostname or "").lower():
        reasons.append(f"redirige a {final_host}")
    confidence = round(min(max(score, 0.0), 1.0), 2)
    named = "no menciona el nombre del municipio" not in reasons
    return Verification(url, named and not others and confidence >= OK_THRESHOLD, confidence, reasons)


# -- discovery over the registry ---------------------------------------------------------------------------

@dataclass
class Candidate:
    cvegeo: str
    url: str
    confidence: float
    reasons: list[str]
    source: str = "pattern"        # pattern | link (seen on a known municipal site)


def known_site_texts(session) -> list[str]:
    """URLs and values stored for known sites (signals, pages, site facts) that may name other .gob.mx hosts."""
    from sqlalchemy import select

    from store.models import Municipality, Page, SignalRow, SiteCrawl

    texts: list[str] = []
    for url, data, snippet in session.execute(select(SignalRow.url, SignalRow.data, SignalRow.snippet)):
        texts += [url or "", snippet or "", str((data or {}).get("value") or "")]
    texts += [u or "" for u in session.scalars(select(Page.final_url).where(Page.final_url.is_not(None)))]
    for facts in session.scalars(select(SiteCrawl.facts)):
        for urls in ((facts or {}).get("external_links") or {}).values():
            texts += list(urls)
    texts += [u for u in session.scalars(select(Municipality.url).where(Municipality.url.is_not(None)))]
    return texts


def discover(session, cvegeos: list[str] | None = None, fetch: Fetch | None = None, allow_private: bool = False,
             per_municipality: int = 3, workers: int = 16) -> list[Candidate]:
    """Verified candidates (best first, at most `per_municipality` each) for the given municipalities, or for
    every enabled municipality without a URL."""
    from sqlalchemy import select

    from store.models import Municipality

    query = select(Municipality).order_by(Municipality.cvegeo)
    query = query.where(Municipality.cvegeo.in_(cvegeos)) if cvegeos else query.where(
        Municipality.url.is_(None), Municipality.enabled.is_(True))
    munis = list(session.scalars(query))
    own = [urlsplit(u).hostname or "" for u in session.scalars(
        select(Municipality.url).where(Municipality.url.is_not(None)))]
    linked = municipal_links(known_site_texts(session), own)
    jobs: list[tuple[str, str, str, str, str]] = []
    for m in munis:
        from_links = links_matching(linked, m.name)
        jobs += [(m.cvegeo, u, m.name, m.state_name, "link") for u in from_links]
        jobs += [(m.cvegeo, u, m.name, m.state_name, "pattern")
                 for u in discover_candidates(m.name, m.state_name, m.state_abbr) if u not in from_links]

    def run(job: tuple[str, str, str, str, str]) -> Candidate:
        cvegeo, url, name, state, source = job
        v = verify_candidate(url, name, state, fetch, allow_private)
        reasons = (["enlazado desde un sitio municipal conocido"] if source == "link" else []) + v.reasons
        return Candidate(cvegeo, v.url, v.confidence, reasons, source)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = [c for c in pool.map(run, jobs) if c.confidence > 0]
    best: dict[str, list[Candidate]] = {}
    for c in sorted(results, key=lambda c: (c.cvegeo, -c.confidence, c.source != "link", c.url)):
        kept = best.setdefault(c.cvegeo, [])
        if len(kept) < per_municipality and not any(_same_site(k.url, c.url) for k in kept):
            kept.append(c)
    return [c for kept in best.values() for c in kept]


def _same_site(a: str, b: str) -> bool:
    return _bare(urlsplit(a).hostname or "") == _bare(urlsplit(b).hostname or "")


def write_candidates_csv(candidates: Iterable[Candidate], out_path: str | Path) -> int:
    """cvegeo,url,confidence,reasons,confirmed (blank: a person fills it). Returns the rows written."""
    rows = 0
    with open(out_path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        for c in candidates:
            writer.writerow([c.cvegeo, c.url, f"{c.confidence:.2f}", "; ".join(c.reasons), ""])
            rows += 1
    return rows


def discover_to_csv(db_url: str | None, out_path: str | Path, cvegeos: list[str] | None = None,
                    allow_private: bool = False, fetch: Fetch | None = None) -> int:
    """Discover candidates for the registry in `db_url` and write them for human confirmation; returns rows."""
    from muniaudit.service import open_store
    from store.db import session_scope

    engine = open_store(db_url)
    with session_scope(engine) as session:
        candidates = discover(session, cvegeos, fetch, allow_private)
    engine.dispose()
    return write_candidates_csv(candidates, out_path)


def confirmed_rows(in_path: str | Path, out_path: str | Path) -> int:
    """Keep the rows a person marked confirmed (sí/si/x/1/yes): an import file for `muniaudit municipalities
    import`. Returns the rows kept; two confirmed rows for one municipality are left for the importer to reject."""
    with open(in_path, newline="", encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if fold((r.get("confirmed") or "").strip()) in ("si", "x", "1", "yes")]
    with open(out_path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
