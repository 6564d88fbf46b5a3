import pytest

from muniaudit.registry import bundled_rows, parse_import_csv
from muniaudit.urls import UrlError, normalise_site_url

KNOWN = {"14097", "14120", "14039", "01001"}


def test_bundled_registry_has_all_municipalities():
    rows = bundled_rows()
    assert len(rows) == 2478
    assert len({r["cvegeo"] for r in rows}) == 2478
    tlajo = next(r for r in rows if r["cvegeo"] == "14097")
    assert tlajo["nom_mun"] == "Tlajomulco de Zúñiga" and tlajo["nom_ent"] == "Jalisco"


def test_import_reports_each_bad_row_with_its_line_and_keeps_good_ones():
    text = (
        "cvegeo,url,extra_urls,social_accounts\n"
        "14097,tlajomulco.gob.mx,transparencia.tlajomulco.gob.mx,https://facebook.com/tlajomulco\n"
        "99999,https://x.gob.mx,,\n"              # unknown key
        "14120,ht!tp://bad url,,\n"               # malformed URL
        "14097,https://dup.gob.mx,,\n"            # duplicate
        "1001,aguascalientes.gob.mx,,\n"          # leading zero lost by a spreadsheet: repaired
        "abc,,,\n"                                # not a key
    )
    good, errors = parse_import_csv(text, KNOWN)
    assert [(e.line, e.field) for e in errors] == [(3, "cvegeo"), (4, "url"), (5, "cvegeo"), (7, "cvegeo")]
    assert "no existe" in errors[0].message and "duplicada" in errors[2].message and "línea 2" in errors[2].message
    assert [g["cvegeo"] for g in good] == ["14097", "01001"]
    assert good[0]["url"] == "https://tlajomulco.gob.mx/"
    assert good[0]["extra_urls"] == ["https://transparencia.tlajomulco.gob.mx/"]
    assert good[0]["social_accounts"] == ["https://facebook.com/tlajomulco"]


def test_import_requires_key_and_url_columns():
    good, errors = parse_import_csv("clave,sitio\n14097,x.gob.mx\n", KNOWN)
    assert good == [] and errors[0].line == 1 and "cvegeo" in errors[0].field


@pytest.mark.parametrize("raw", ["", "ftp://x.gob.mx", "http://", "https://x.gob.mx:99999/", "http://no dots/",
                                 "javascript:alert(1)"])
def test_malformed_urls_are_rejected(raw):
    with pytest.raises(UrlError):
        normalise_site_url(raw)


def test_urls_are_normalised():
    assert normalise_site_url("  WWW.Zapopan.gob.mx ") == "https://www.zapopan.gob.mx/"
    assert normalise_site_url("http://127.0.0.1:8000/index.php") == "http://127.0.0.1:8000/index.php"


@pytest.mark.parametrize("raw", ["http://a\\@evil.example/", "http://x.gob.mx/\x00", "http://x.gob.mx/a b",
                                 "http://user:pw@x.gob.mx/", "http://[::1/", "http://::1/", "http://x.gob.mx/\"x"])
def test_urls_that_would_not_round_trip_are_refused_not_rewritten(raw):
    with pytest.raises(UrlError):
        normalise_site_url(raw)


def test_ipv6_literals_keep_their_brackets_and_meet_the_address_guard():
    from crawler.addresses import private_address_reason

    url = normalise_site_url("http://[::1]:8080/inicio")
    assert url == "http://[::1]:8080/inicio"
    assert private_address_reason(url)                     # loopback: refused without --allow-private
    assert private_address_reason("http://::1/")           # a hostless address fails closed


def test_a_bad_url_in_the_import_is_reported_with_its_line():
    good, errors = parse_import_csv("cvegeo,url\n14097,https://ok.gob.mx\n14120,http://a\\@b.gob.mx\n", KNOWN)
    assert [g["cvegeo"] for g in good] == ["14097"] and [(e.line, e.field) for e in errors] == [(3, "url")]


def test_a_field_over_the_csv_limit_is_one_row_error_and_the_other_rows_import():
    text = "cvegeo,url\n14097,https://ok.gob.mx\n14120," + "x" * 200_000 + "\n14039,https://b.gob.mx\n"
    good, errors = parse_import_csv(text, KNOWN)
    assert [g["cvegeo"] for g in good] == ["14097", "14039"]
    assert [(e.line, "ilegible" in e.message) for e in errors] == [(3, True)]
