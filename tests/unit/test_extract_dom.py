"""The parsed page the detectors share: text rules, decoding and hostile markup."""
from crawler.extract import extract_page
from crawler.extract.dom import parse
from tests.extract_helpers import ctx, page, signals_of


def test_text_of_skips_comments_scripts_and_templates_but_visible_text_also_skips_head():
    html = page("<p id='x'>Uno <!-- oculto --> dos<script>var tres = 3;</script>"
                "<template><b>cuatro</b></template> cinco</p><noscript>seis</noscript>", title="Título")
    parsed = parse(html, ctx())
    p = parsed.find("p")
    assert parsed.text_of(p) == "Uno dos cinco"
    assert parsed.title == "Título"
    assert "Título" not in parsed.visible_text and "seis" not in parsed.visible_text
    assert "oculto" not in parsed.visible_text and "tres" not in parsed.visible_text
    assert parsed.raw_text(parsed.find("script")) == "var tres = 3;"   # a script's own text is its code


def test_text_after_a_comment_is_read():
    # lxml keeps that text as the comment's tail: it must not be lost with the comment
    found = signals_of(page("<p><!-- conmutador -->Tel. 55 1234 5678</p>"), "contact")
    assert [s.data["value"] for s in found] == ["55 1234 5678"]


def test_whitespace_only_runs_collapse_outside_pre():
    parsed = parse(page("<div>\n   <span>a</span>\t <span>b</span></div><pre>\n   </pre>"), ctx())
    runs = [t.value for t in parsed.index.strings_in(parsed.find("div"))]
    assert runs == ["\n", "a", " ", "b"]
    assert [t.value for t in parsed.index.strings_in(parsed.find("pre"))] == ["\n   "]


def test_bytes_are_decoded_by_their_declared_charset():
    html = page("<a href='/transparencia'>Información pública de oficio</a>",
                head='<meta charset="iso-8859-1">').encode("latin-1")
    parsed = parse(html, ctx())
    assert parsed.links[0].text == "Información pública de oficio"


def test_empty_and_markupless_documents_give_an_empty_page():
    for html in ("", b"", "   ", "<!-- nada -->"):
        parsed = parse(html, ctx())
        assert parsed.links == [] and parsed.visible_text == "" and parsed.title == ""
        assert extract_page(html, ctx()).signals[0].kind == "responsive"   # only the site-level viewport fact


def nested(depth: int) -> str:
    return "<div>" * depth + "<a href='https://www.facebook.com/MunicipioEjemplo'>Facebook</a>" + "</div>" * depth


def test_deep_nesting_is_read_and_absurd_nesting_does_not_exhaust_the_stack():
    assert signals_of(nested(240), "social_profile")          # far deeper than any real page
    # libxml2 (recover mode) drops content nested deeper than about 255 elements; the page still parses
    out = extract_page(nested(50_000), ctx())
    assert not [s for s in out.signals if s.kind == "social_profile"]
    assert [s.kind for s in out.signals] == ["responsive"]


HOSTILE = [
    "\x00\x00<html>\x00<a href='\x00https://www.facebook.com/x'>\x00</a>",
    "<a href='https://www.facebook.com/MunicipioEjemplo'" + " x" * 20_000,          # a tag that never closes
    "<p title='" + "\ud800" + "'>surrogate</p>",                                        # lone surrogate
    "<?xml version='1.0' encoding='utf-8'?><html><body><a href='//[::1'>x</a></body></html>",
    "<table><tr><td><form><table><form><input name=q></table></form>" * 500,
    "<a href='" + "a" * 200_000 + "'>largo</a>",
    "<svg><script>alert(1)</script><a xlink:href='https://x.com/Municipio'>x</a></svg>",
    "<!-- <a href='https://www.facebook.com/comentado'> --><a href='mailto:,,,@'>",
]


def test_hostile_markup_never_raises():
    for html in HOSTILE + [h.encode("utf-8", "surrogatepass") for h in HOSTILE]:
        extract_page(html, ctx())   # what is found is checked elsewhere; here: no exception, str or bytes


def test_links_in_comments_are_never_read():
    out = extract_page(HOSTILE[-1], ctx())
    assert not [s for s in out.signals if "comentado" in s.url]


def test_bytes_that_libxml2_cannot_push_under_the_guessed_encoding_fall_through_to_the_next_guess():
    # found by fuzzing: a sample page with a UTF-8-encoded lone surrogate inside "charset"; the detector's
    # CP932 guess makes libxml2 refuse the input, so the next candidate encoding must be tried
    from pathlib import Path

    html = (Path(__file__).parent.parent / "fixtures" / "hostile" / "fuzz-cp932-guess.html").read_bytes()
    parsed = parse(html, ctx())
    assert "Santa Clara del Ejemplo" in parsed.title


def test_a_declared_charset_libxml2_refuses_as_a_name_falls_through_to_utf8():
    parsed = parse(b'<meta charset="utf\x01-8"><title>Municipio</title><p>Informaci\xc3\xb3n</p>', ctx())
    assert parsed.title == "Municipio" and "Información" in parsed.visible_text
