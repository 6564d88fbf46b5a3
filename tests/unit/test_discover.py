"""URL discovery: candidate patterns, links from known sites, verification with an injected fetch."""
from __future__ import annotations

import csv

import pytest

from muniaudit.discover import (
    Candidate,
    Fetched,
    confirmed_rows,
    discover_candidates,
    domain_slug,
    links_matching,
    municipal_links,
    name_variants,
    verify_candidate,
    write_candidates_csv,
)
from muniaudit.registry import parse_import_csv


def page(title: str, h1: str = "", footer: str = "", body: str = "") -> str:
    return (f"<!doctype html><html><head><title>{title}</title></head><body><h1>{h1}</h1><p>{body}</p>"
            f"<footer>{footer}</footer></body></html>")


def fetch_from(pages: dict[str, Fetched]):
    def fetch(url: str) -> Fetched:
        if url not in pages:
            raise ConnectionError(f"no DNS for {url}")
        return pages[url]
    return fetch


def test_domain_slug_folds_accents_and_drops_punctuation():
    assert domain_slug("Tlajomulco de Zúñiga") == "tlajomulcodezuniga"
    assert domain_slug("Dr. Arroyo", "-") == "dr-arroyo"
    assert domain_slug("San Pedro Tlaquepaque") == "sanpedrotlaquepaque"


def test_name_variants_cover_joined_hyphenated_short_and_abbreviated_forms():
    assert name_variants("Tlajomulco de Zúñiga") == [
        "tlajomulcodezuniga", "tlajomulco-de-zuniga", "tlajomulcozuniga", "tlajomulco"]
    assert "tlaquepaque" in name_variants("San Pedro Tlaquepaque")
    assert "snpedrotlaquepaque" in name_variants("San Pedro Tlaquepaque")
    assert "san" not in name_variants("San Blas")          # a generic first word is never a domain by itself


def test_candidates_follow_common_municipal_domain_patterns():
    urls = discover_candidates("Tlajomulco de Zúñiga", "Jalisco", "Jal.")
    for expected in ("https://tlajomulcodezuniga.gob.mx/", "https://www.tlajomulcodezuniga.gob.mx/",
                     "https://tlajomulcodezuniga.jal.gob.mx/", "https://municipiotlajomulcodezuniga.gob.mx/",
                     "https://tlajomulcodezuniga-jalisco.gob.mx/", "https://ayuntamientotlajomulcodezuniga.gob.mx/",
                     "https://htlajomulcodezuniga.gob.mx/", "https://tlajomulco-de-zuniga.gob.mx/",
                     "https://tlajomulco.gob.mx/"):
        assert expected in urls
    assert len(urls) == len(set(urls))
    assert urls[0] == "https://tlajomulcodezuniga.gob.mx/"
    assert all(u.isascii() for u in urls)


def test_state_of_mexico_gets_edomex_and_long_state_names_their_short_form():
    assert "https://naucalpandejuarez.edomex.gob.mx/" in discover_candidates("Naucalpan de Juárez", "México", "Mex.")
    assert "https://xalapa.veracruz.gob.mx/" in discover_candidates("Xalapa", "Veracruz de Ignacio de la Llave", "Ver.")


def test_municipal_links_from_urls_and_emails_skip_own_state_and_federal_hosts():
    texts = ["https://www.zapopan.gob.mx/transparencia/", "mailto:contacto@tlaquepaque.gob.mx",
             "Visite https://transparencia.jalisco.gob.mx/ y https://www.gob.mx/", "https://www.tlajomulco.gob.mx/x",
             "https://www.facebook.com/zapopan", "contacto@tonala.gob.mx."]
    assert municipal_links(texts, own_hosts=["tlajomulco.gob.mx"]) == {
        "www.zapopan.gob.mx", "tlaquepaque.gob.mx", "tonala.gob.mx"}


def test_links_matching_keeps_hosts_named_after_the_municipality():
    hosts = {"www.zapopan.gob.mx", "gobiernotlaquepaque.gob.mx", "tonala.gob.mx"}
    assert links_matching(hosts, "San Pedro Tlaquepaque") == [
        "https://gobiernotlaquepaque.gob.mx/", "https://www.gobiernotlaquepaque.gob.mx/"]


GOOD = page("Inicio | Gobierno Municipal de Tlajomulco de Zúñiga", "H. Ayuntamiento de Tlajomulco de Zúñiga",
            "Tlajomulco de Zúñiga, Jalisco, México")


def test_verify_accepts_the_official_site():
    url = "https://tlajomulco.gob.mx/"
    v = verify_candidate(url, "Tlajomulco de Zúñiga", "Jalisco", fetch_from({url: Fetched(200, url, GOOD)}))
    assert v.ok and v.confidence >= 0.75
    assert "menciona el estado" in v.reasons and "dominio .gob.mx" in v.reasons


def test_verify_matches_names_accent_insensitively():
    url = "https://tlajomulco.gob.mx/"
    html = page("GOBIERNO MUNICIPAL DE TLAJOMULCO DE ZUNIGA", footer="Jalisco")
    assert verify_candidate(url, "Tlajomulco de Zúñiga", "Jalisco", fetch_from({url: Fetched(200, url, html)})).ok


def test_verify_rejects_a_parked_domain_even_if_it_names_the_town():
    url = "https://municipiotlajomulcodezuniga.gob.mx/"
    html = page("tlajomulcodezuniga.gob.mx", "Tlajomulco de Zúñiga", body="This domain is for sale! Buy this domain.")
    v = verify_candidate(url, "Tlajomulco de Zúñiga", "Jalisco", fetch_from({url: Fetched(200, url, html)}))
    assert not v.ok and v.confidence <= 0.1 and "estacionado" in v.reasons[0]


def test_verify_rejects_a_namesake_municipality_in_another_state():
    url = "https://benitojuarez.gob.mx/"
    html = page("H. Ayuntamiento de Benito Juárez, Veracruz", "Benito Juárez", "Benito Juárez, Veracruz")
    v = verify_candidate(url, "Benito Juárez", "Quintana Roo", fetch_from({url: Fetched(200, url, html)}))
    assert not v.ok and v.confidence < 0.6
    assert any("otro estado" in r for r in v.reasons)
    same = verify_candidate(url, "Benito Juárez", "Veracruz de Ignacio de la Llave",
                            fetch_from({url: Fetched(200, url, html)}))
    assert same.ok


def test_verify_rejects_pages_without_the_name_errors_and_silence():
    url = "https://h-x.gob.mx/"
    other = page("Gobierno Municipal de Zapopan", "Zapopan", "Jalisco")
    assert not verify_candidate(url, "Tlajomulco de Zúñiga", "Jalisco", fetch_from({url: Fetched(200, url, other)})).ok
    gone = verify_candidate(url, "Tlajomulco de Zúñiga", "Jalisco", fetch_from({url: Fetched(404, url, GOOD)}))
    assert (gone.ok, gone.confidence, gone.reasons) == (False, 0.0, ["responde HTTP 404"])
    silent = verify_candidate(url, "Tlajomulco de Zúñiga", "Jalisco", fetch_from({}))
    assert not silent.ok and silent.confidence == 0.0 and "no responde" in silent.reasons[0]


def test_verify_notes_redirects_to_another_host():
    url, final = "https://tlajomulcodezuniga.gob.mx/", "https://www.tlajomulco.gob.mx/inicio"
    v = verify_candidate(url, "Tlajomulco de Zúñiga", "Jalisco", fetch_from({url: Fetched(200, final, GOOD)}))
    assert v.ok and "redirige a www.tlajomulco.gob.mx" in v.reasons


def test_default_fetch_refuses_loopback_unless_allowed():
    v = verify_candidate("http://127.0.0.1:9/", "Tlajomulco de Zúñiga", "Jalisco")
    assert not v.ok and "privada" in v.reasons[0]


def test_csv_for_confirmation_round_trips_into_the_registry_import(tmp_path):
    out = tmp_path / "candidatos.csv"
    rows = [Candidate("14097", "https://tlajomulco.gob.mx/", 0.9, ["a", "b"]),
            Candidate("14097", "https://tlajomulcodezuniga.gob.mx/", 0.3, ["c"]),
            Candidate("14120", "https://www.zapopan.gob.mx/", 0.85, ["d"])]
    assert write_candidates_csv(rows, out) == 3
    with open(out, newline="", encoding="utf-8") as fh:
        read = list(csv.DictReader(fh))
    assert list(read[0]) == ["cvegeo", "url", "confidence", "reasons", "confirmed"]
    assert read[0]["confirmed"] == "" and read[0]["reasons"] == "a; b"
    read[0]["confirmed"], read[2]["confirmed"] = "sí", "x"      # what the person does
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(read[0]))
        writer.writeheader()
        writer.writerows(read)
    confirmed = tmp_path / "importar.csv"
    assert confirmed_rows(out, confirmed) == 2
    good, errors = parse_import_csv(confirmed.read_text(encoding="utf-8"), {"14097", "14120"})
    assert errors == [] and [(r["cvegeo"], r["url"]) for r in good] == [
        ("14097", "https://tlajomulco.gob.mx/"), ("14120", "https://www.zapopan.gob.mx/")]


@pytest.mark.parametrize("name,state,abbr", [("Ciudad de México", "Ciudad de México", "CDMX"),
                                             ("Ñuu Savi del Río", "Oaxaca", "Oax.")])
def test_candidates_are_valid_host_names(name, state, abbr):
    for url in discover_candidates(name, state, abbr):
        host = url.split("/")[2]
        assert all(0 < len(label) <= 63 for label in host.split("."))
        assert host.replace("-", "").replace(".", "").isalnum()
