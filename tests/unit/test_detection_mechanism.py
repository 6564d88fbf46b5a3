"""The pieces of the detection mechanism, one behaviour per test: page roles, link placement, ownership,
confirmation by target, script text and lazy players."""
from __future__ import annotations

import pytest

from crawler.extract import finalize_site
from crawler.extract.dom import parse
from crawler.extract.ownership import Owner, registrable_domain, url_ownership
from crawler.extract.site import page_key
from crawler.extract.types import PageContext, Signal
from tests.extract_helpers import ctx, page, signals_of

NAV = '<header><nav class="menu"><a href="/">Inicio</a><a href="/gobierno/">Gobierno</a></nav></header>'
HOME = "https://www.municipio.gob.mx/"


def role_of(html: str, url: str = HOME + "x/", home: bool = False) -> str:
    return parse(html, ctx(url, home=home)).role.role


# -- page roles ---------------------------------------------------------------------------------------------

def test_a_news_post_is_an_article_and_its_body_links_are_references():
    html = page(NAV + '<article class="post type-post"><h1>¿Qué son los datos abiertos?</h1><p>Por Ana Ruiz</p>'
                '<div class="entry-content"><p>' + "Los datos abiertos son... " * 40 +
                '<a href="https://datos.gob.mx/">datos.gob.mx</a></p></div></article>',
                head='<meta property="og:type" content="article">')
    parsed = parse(html, ctx(HOME + "2026/03/14/que-son/", home=False))
    assert parsed.role.role == "article"
    link = next(link for link in parsed.links if "datos.gob.mx" in (link.url or ""))
    assert parsed.placement(link.el).describe() == "content/article_body"


def test_a_wordpress_page_with_hentry_and_og_article_is_not_a_post():
    html = ('<html><head><title>Datos abiertos</title><meta property="og:type" content="article"></head>'
            '<body class="page-template-default page page-id-12">' + NAV +
            '<article class="post-12 page type-page status-publish hentry"><h1>Datos abiertos</h1>'
            '<div class="entry-content"><p>' + "Consulta los conjuntos de datos del municipio. " * 15 +
            '</p><ul>' + "".join(f'<li><a href="/d/{i}.csv">Conjunto {i}</a></li>' for i in range(5)) +
            '</ul></div></article></body></html>')
    assert role_of(html) == "dataset_listing"


def test_a_tag_archive_is_a_listing():
    teasers = "".join(f'<article class="post"><h2><a href="/n/{i}/">Nota {i}</a></h2><time>2026</time></article>'
                      for i in range(4))
    html = page(NAV + f"<h1>Etiqueta: Transparencia</h1>{teasers}"
                '<nav class="pagination"><a href="/tag/transparencia/page/2/">2</a></nav>')
    assert role_of(html, HOME + "tag/transparencia/") == "listing"


@pytest.mark.parametrize("title", ["Página no encontrada", "Error 404", "Oops! That page can’t be found."])
def test_an_error_page_is_recognised_by_its_title(title):
    assert role_of(page(NAV + "<p>Lo sentimos.</p>", title=title)) == "error"


def test_the_site_root_is_the_home_page_under_any_address_but_a_joomla_query_is_not():
    html = page(NAV + "<p>Bienvenidos</p>")
    assert role_of(html, HOME + "index.php") == "home"
    assert role_of(html, HOME + "index.php?option=com_content&id=12") != "home"


def test_a_legal_obligations_list_is_a_hub_even_with_placeholder_links():
    rows = "".join(f"<h3>{n}. Obligación {n}</h3><p>Descripción.</p><a href='#'>2024</a>"
                   for n in ("I", "II", "III", "IV", "V", "VI"))
    assert role_of(page(NAV + f"<h1>Artículo 70</h1>{rows}")) == "hub"


# -- placement ----------------------------------------------------------------------------------------------

def test_a_footer_inside_a_post_belongs_to_the_post():
    html = page('<article class="post type-post"><h1>Nota</h1><p>texto</p><footer><a href="/tag/x/">x</a></footer>'
                '</article><footer class="site-footer"><a href="https://facebook.com/municipio">fb</a></footer>')
    parsed = parse(html, ctx(HOME + "nota/", home=False))
    placements = [parsed.placement(link.el).describe() for link in parsed.links]
    assert placements == ["content/related", "navigation/footer"]


def test_the_body_of_an_ordinary_page_is_not_an_article_even_inside_article_markup():
    html = ('<html><head><title>Contacto</title></head><body class="page-template-default page">'
            '<article class="page type-page"><h1>Contacto</h1><div class="entry-content"><p>Escríbanos.</p>'
            '<a href="https://www.facebook.com/municipio.oficial">Facebook</a></div></article></body></html>')
    parsed = parse(html, ctx(HOME + "contacto/", home=False))
    assert parsed.role.role != "article"
    assert parsed.placement(parsed.links[0].el).describe() == "content/main"
    assert [s.data["handle"] for s in signals_of(html, "social_profile", ctx(HOME + "contacto/", home=False))] == [
        "municipio.oficial"]


def test_a_page_about_open_data_with_only_prose_is_not_confirmed_as_the_section():
    prose = {"status": 200, "role": "page", "says": "open_data",
             "features": {"main_text": 1800, "main_links": 1, "files": 0, "link_ratio": 0.02}}
    empty = {"status": 200, "role": "page", "says": "open_data",
             "features": {"main_text": 40, "main_links": 0, "files": 0, "link_ratio": 0.0}}
    for facts, status in ((prose, "unconfirmed"), (empty, "confirmed")):
        [kept] = [s for s in finalize_site([_candidate(HOME + "datos/", "navigation/menu")],
                                           {page_key(HOME + "datos/"): facts}) if s.kind == "open_data_section"]
        assert kept.data["status"] == status


# -- ownership ----------------------------------------------------------------------------------------------

def test_registrable_domains_come_from_the_public_suffix_list():
    assert registrable_domain("https://transparencia.tlajomulco.gob.mx/x") == "tlajomulco.gob.mx"
    assert registrable_domain("https://datos.gob.mx/") == "datos.gob.mx"
    assert registrable_domain("https://sanjuan.blogspot.com/") == "sanjuan.blogspot.com"


def test_ownership_by_domain_by_name_and_another_state_is_never_ours():
    owner = Owner.of("Tlajomulco de Zúñiga", "Jalisco", ["https://tlajomulco.gob.mx/"])
    hosts = frozenset({"tlajomulco.gob.mx"})
    assert url_ownership("https://transparencia.tlajomulco.gob.mx/", hosts, owner).reason == "same_domain"
    assert url_ownership("https://tlajomulco.transparenciajalisco.org.mx/", hosts, owner).own
    assert not url_ownership("https://datos.gob.mx/", hosts, owner).own
    assert url_ownership("https://transparencia.puebla.gob.mx/", hosts, owner).reason == "other_state"


# -- confirmation by target ---------------------------------------------------------------------------------

def _candidate(url: str, placement: str) -> Signal:
    return Signal("open_data_section", url, HOME, True, {"status": "candidate", "confidence": 0.9,
                                                         "placement": placement, "owner": "own"})


def test_a_menu_link_to_a_post_goes_to_a_person_and_a_body_link_to_a_post_is_dropped():
    pages = {page_key(HOME + "nota/"): {"status": 200, "role": "article", "says": "open_data", "features": {}}}
    rejected: list = []
    kept = finalize_site([_candidate(HOME + "nota/", "navigation/menu")], pages, rejected)
    assert [(s.data["status"], s.data["target_role"]) for s in kept if s.kind == "open_data_section"] == [
        ("unconfirmed", "article")]
    assert not [s for s in finalize_site([_candidate(HOME + "nota/", "content/main")], pages, rejected)
                if s.kind == "open_data_section"]
    assert rejected[-1].reason == "target_is_article"


def test_a_target_that_was_never_fetched_leaves_the_section_unconfirmed():
    kept = finalize_site([_candidate(HOME + "datos/", "navigation/menu")], {})
    assert kept[0].data["status"] == "unconfirmed" and "target_not_crawled" in kept[0].data["reasons"]


# -- text written by scripts, lazy players, CDN-hidden e-mails ----------------------------------------------

def test_a_pop_up_shows_an_email_but_a_comment_or_a_config_value_does_not():
    html = page("<script>// escribir a dev@agencia.com\nvar cfg = {report: 'csp@agencia.com',"
                " dsn: 'https://key@o1.ingest.sentry.io/2'};"
                "Swal.fire({html: 'Dudas: <b>atencion@municipio.gob.mx</b> o llame al (333) 123 4567'});</script>")
    values = {s.data["value"] for s in signals_of(html, "contact")}
    assert "atencion@municipio.gob.mx" in values and len([v for v in values if "@" in v]) == 1
    assert any(v.replace(" ", "").endswith("1234567") for v in values)


def _cloudflare(address: str, key: int = 0x35) -> str:
    return format(key, "02x") + "".join(format(ord(c) ^ key, "02x") for c in address)


def test_emails_hidden_by_the_cdn_are_decoded():
    html = page(f'<a href="/cdn-cgi/l/email-protection#{_cloudflare("presidencia@municipio.gob.mx")}">'
                '[email&#160;protected]</a>')
    assert [s.data["value"] for s in signals_of(html, "contact")] == ["presidencia@municipio.gob.mx"]


def test_lazy_loaded_players_are_videos():
    html = page('<lite-youtube videoid="AbCdEf12345"></lite-youtube>'
                '<iframe src="about:blank" data-lazy-src="https://www.youtube.com/embed/QwErTy12345"></iframe>'
                '<div class="rll-youtube-player" data-src="https://www.youtube.com/embed/ZxCvBn12345"></div>')
    assert {s.url.rsplit("/", 1)[1] for s in signals_of(html, "video_channel")} == {
        "AbCdEf12345", "QwErTy12345", "ZxCvBn12345"}


def test_a_loader_link_points_at_what_it_loads():
    html = page("<nav><a href=\"javascript:cargar('buzon.html')\">Buzón ciudadano</a></nav>")
    tools = signals_of(html, "communication_tool", PageContext(HOME, frozenset({"www.municipio.gob.mx"}), True))
    assert [(t.url, t.on_home) for t in tools] == [(HOME + "buzon.html", True)]


def test_the_sites_own_profile_block_is_institutional():
    html = page(NAV + '<div class="perfil-redes vcard"><p>Visita nuestro perfil oficial</p>'
                '<a href="https://www.facebook.com/GobiernoMunicipal">Facebook</a>'
                '<a href="https://x.com/GobMunicipal">X</a></div>')
    assert {s.data["handle"] for s in signals_of(html, "social_profile")} == {"gobiernomunicipal", "gobmunicipal"}


def test_home_tiles_written_as_articles_are_navigation_and_news_teasers_are_not():
    html = page('<section class="accesos"><article class="card"><a href="/transparencia/">Transparencia</a>'
                '</article></section><section><article class="post"><h2><a href="/2026/05/01/nota/">Presentan el '
                'informe de transparencia 2026</a></h2><time>1 de mayo</time><p>' + "Resumen de la nota. " * 8 +
                '</p></article></section>')
    parsed = parse(html, ctx(HOME, home=True))
    assert [parsed.placement(link.el).describe() for link in parsed.links] == ["navigation/home", "content/teaser"]


def test_the_export_schema_knows_every_page_role_and_placement_zone():
    import json
    from pathlib import Path

    from crawler.extract.roles import ROLES

    schema = json.loads((Path(__file__).resolve().parents[2] / "reports/schema/export.schema.json").read_text())
    crawl = schema["$defs"]["municipality"]["properties"]["crawl"]["properties"]
    assert set(crawl["page_roles"]["propertyNames"]["enum"]) == set(ROLES)
    assert set(schema["$defs"]["signal"]["properties"]["source_role"]["enum"]) == set(ROLES)
