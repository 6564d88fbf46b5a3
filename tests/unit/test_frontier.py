"""crawler.frontier in-process: no Scrapy engine, no network. One decision per test."""
from __future__ import annotations

import pytest

from crawler.frontier import (
    FileProbe,
    Frontier,
    Limits,
    PageFetch,
    SiteState,
    invalid_site_item,
    note_external,
    note_failure,
    note_home,
    note_tls,
    schedule,
    site_facts,
    site_status,
    stop_reason,
    take_render,
    take_sitemap,
)
from crawler.scope import SiteScope
from store.runs import SiteSpec

HOME = "http://municipio.gob.mx/"


def site(start_url: str = HOME, extra: tuple[str, ...] = ()) -> SiteState:
    return SiteState.of(SiteSpec(1, "14097", start_url, extra, "Municipio", "Jalisco"))


def frontier(**limits) -> Frontier:
    return Frontier(Limits(**limits))


def link(path: str, text: str = "", region: str = "main") -> tuple[str, str, str]:
    return (HOME.rstrip("/") + path, text, region)


def pages(decisions) -> list[str]:
    return [d.url.removeprefix(HOME.rstrip("/")) for d in decisions if isinstance(d, PageFetch)]


# -- follow: what a link becomes ------------------------------------------------------------------------------

def test_a_site_link_is_queued():
    state, f = site(), frontier()
    f.follow(state, [link("/transparencia", "Transparencia")], depth=0)
    assert [c.url for c in state.frontier] == [HOME + "transparencia"]


def test_a_link_is_queued_one_level_deeper_than_its_page():
    state, f = site(), frontier()
    f.follow(state, [link("/a")], depth=2)
    assert state.frontier[0].depth == 3


def test_a_link_seen_before_is_not_queued_twice():
    state, f = site(), frontier()
    f.follow(state, [link("/a"), link("/a#arriba"), link("/a?utm_source=x")], depth=0)
    assert len(state.frontier) == 1


def test_an_off_site_link_is_recorded_as_external_not_queued():
    state, f = site(), frontier()
    f.follow(state, [("https://www.facebook.com/municipio", "Facebook", "footer")], depth=0)
    assert state.frontier == [] and state.external == {"social": ["https://www.facebook.com/municipio"]}


def test_a_subdomain_is_part_of_the_site():
    state, f = site(), frontier()
    f.follow(state, [("http://transparencia.municipio.gob.mx/", "Transparencia", "menu")], depth=0)
    assert len(state.frontier) == 1


def test_assets_are_skipped_silently():
    state, f = site(), frontier()
    f.follow(state, [link("/app.js"), link("/estilo.css")], depth=0)
    assert state.frontier == [] and not state.skipped


def test_an_impossible_port_is_counted_as_invalid_url_and_the_rest_of_the_page_goes_on():
    state, f = site(), frontier()
    f.follow(state, [("http://municipio.gob.mx:99999/", "", ""), link("/b")], depth=0)
    assert state.skipped["invalid_url"] == 1 and len(state.frontier) == 1


def test_a_session_id_in_a_url_is_a_fault_and_is_stripped():
    state, f = site(), frontier()
    f.follow(state, [link("/a?PHPSESSID=abc123")], depth=0)
    assert state.faults["session_id_url"] == 1 and state.frontier[0].url == HOME + "a"


def test_depth_beyond_the_limit_is_skipped():
    state, f = site(), frontier(max_depth=2)
    f.follow(state, [link("/hondo")], depth=2)
    assert state.frontier == [] and state.skipped["depth"] == 1


# -- files ----------------------------------------------------------------------------------------------------

def test_a_data_file_is_probed_with_a_small_ranged_get():
    state, f = site(), frontier()
    f.follow(state, [link("/datos/obras.csv")], depth=0)
    assert state.pending_files == [FileProbe(HOME + "datos/obras.csv", 1, sample=True)]


def test_a_spreadsheet_is_probed_with_head():
    state, f = site(), frontier()
    f.follow(state, [link("/datos/obras.xlsx")], depth=0)
    assert state.pending_files[0].sample is False


def test_a_document_is_judged_by_its_extension_not_probed():
    state, f = site(), frontier()
    f.follow(state, [link("/informe.pdf")], depth=0)
    assert state.pending_files == [] and state.skipped["file_not_probed"] == 1


def test_documents_are_probed_when_asked():
    state, f = site(), frontier(probe_documents=True)
    f.follow(state, [link("/informe.pdf")], depth=0)
    assert len(state.pending_files) == 1


def test_a_file_probe_is_outstanding_once_released():
    state, f = site(), frontier()
    f.follow(state, [link("/datos/obras.csv")], depth=0)
    assert state.outstanding == 0
    assert [d for d in f.pump(state) if isinstance(d, FileProbe)] == [FileProbe(HOME + "datos/obras.csv", 1, True)]
    assert state.outstanding == 1 and state.requests["files"] == 1


def test_the_file_budget_caps_probes():
    state, f = site(), frontier(file_budget=2)
    f.follow(state, [link(f"/datos/{n}.csv") for n in range(5)], depth=0)
    released = [d for d in f.pump(state) if isinstance(d, FileProbe)]
    assert len(released) == 2 and state.skipped["file_budget"] == 3


def test_data_files_are_not_probed_once_no_criterion_wants_their_dates():
    state, f = site(), frontier()
    state.evidence.wanted = frozenset({"participation"})     # the dates' criteria are decided
    f.follow(state, [link("/datos/obras.csv"), link("/datos/obras.xlsx")], depth=0)
    assert [d for d in f.pump(state) if isinstance(d, FileProbe)] == []
    assert state.skipped["file_not_needed"] == 2 and state.outstanding == 0


def test_data_files_are_probed_while_their_dates_are_wanted():
    state, f = site(), frontier()
    state.evidence.wanted = frozenset({"update_date"})
    f.follow(state, [link("/datos/obras.csv")], depth=0)
    assert len([d for d in f.pump(state) if isinstance(d, FileProbe)]) == 1


def test_the_reference_crawl_probes_whatever_is_wanted():
    state, f = site(), frontier(evidence_directed=False)
    state.evidence.wanted = frozenset()
    f.follow(state, [link("/datos/obras.csv")], depth=0)
    assert len([d for d in f.pump(state) if isinstance(d, FileProbe)]) == 1


def test_a_sample_asked_after_a_refused_head_is_outside_the_file_budget():
    state, f = site(), frontier(file_budget=0)
    assert f.file_probe(state, HOME + "datos/obras.xlsx", 1, sample=True) == FileProbe(
        HOME + "datos/obras.xlsx", 1, sample=True)


# -- traps ----------------------------------------------------------------------------------------------------

def test_a_path_that_repeats_itself_is_a_trap():
    state, f = site(), frontier()
    f.follow(state, [link("/a/b/a/b/a/b/")], depth=0)
    assert state.frontier == [] and state.faults["crawl_trap"] == 1


def test_query_variants_of_one_path_beyond_the_limit_are_a_trap():
    state, f = site(), frontier(query_variants=3)
    f.follow(state, [link(f"/buscar?q={n}") for n in range(5)], depth=0)
    assert len(state.frontier) == 3 and state.faults["crawl_trap"] == 2


def test_calendar_months_count_as_variants_of_one_page():
    state, f = site(), frontier(query_variants=2)
    f.follow(state, [link(f"/agenda/2026-{m:02d}") for m in range(1, 6)], depth=0)
    assert len(state.frontier) == 2


def test_plain_paths_are_not_counted_as_variants():
    state, f = site(), frontier(query_variants=1)
    f.follow(state, [link(f"/seccion-{n}") for n in range(4)], depth=0)
    assert len(state.frontier) == 4


# -- priorities -----------------------------------------------------------------------------------------------

def test_the_transparency_link_is_released_before_a_plain_one():
    state, f = site(), frontier(window=1)
    f.follow(state, [link("/galeria-de-fotos", "Fotos"), link("/transparencia", "Transparencia")], depth=0)
    assert pages(f.pump(state)) == ["/transparencia"]


def test_a_menu_link_goes_before_the_same_words_in_an_article_body():
    state, f = site(), frontier(window=1, evidence_directed=False)
    f.follow(state, [link("/cuerpo", "Ver", "article_body"), link("/menu", "Ver", "menu")], depth=0)
    assert pages(f.pump(state)) == ["/menu"]


def test_a_shallower_link_goes_first_at_equal_words():
    state, f = site(), frontier(window=1)
    f.follow(state, [link("/hondo", "Gobierno")], depth=3)
    f.follow(state, [link("/cerca", "Gobierno")], depth=0)
    assert pages(f.pump(state)) == ["/cerca"]


def test_equal_priorities_go_first_come_first_served():
    state, f = site(), frontier(window=3)
    f.follow(state, [link("/uno"), link("/dos"), link("/tres")], depth=0)
    assert pages(f.pump(state)) == ["/uno", "/dos", "/tres"]


def test_the_released_request_carries_its_priority():
    state, f = site(), frontier(window=1)
    f.follow(state, [link("/datos-abiertos", "Datos abiertos", "menu")], depth=0)
    (decision,) = f.pump(state)
    assert decision.priority > 0


def test_an_archive_link_waits_apart_from_the_frontier():
    state, f = site(), frontier()
    f.follow(state, [link("/2026/01/15/nota/", "Nota", "teaser")], depth=0)
    assert state.frontier == [] and len(state.later) == 1


def test_links_in_the_body_of_a_news_listing_wait_apart():
    state, f = site(), frontier()
    f.follow(state, [link("/un-post", "Post", "main")], depth=1, role="listing")
    assert state.frontier == [] and len(state.later) == 1


def test_menu_links_of_a_news_listing_are_still_worth_following():
    state, f = site(), frontier()
    f.follow(state, [link("/gobierno", "Gobierno", "menu")], depth=1, role="listing")
    assert len(state.frontier) == 1


# -- pump: the window and the budget -------------------------------------------------------------------------

def test_pump_releases_no_more_pages_than_the_window():
    state, f = site(), frontier(window=2)
    f.follow(state, [link(f"/p{n}") for n in range(5)], depth=0)
    assert len(f.pump(state)) == 2 and state.outstanding == 2


def test_the_window_counts_requests_already_outstanding():
    state, f = site(), frontier(window=2)
    schedule(state, "html")
    f.follow(state, [link(f"/p{n}") for n in range(5)], depth=0)
    assert len(f.pump(state)) == 1


def test_the_page_budget_caps_released_pages():
    state, f = site(), frontier(window=10, page_budget=3)
    f.follow(state, [link(f"/{name}") for name in ("agua", "obras", "cultura", "deporte", "salud")], depth=0)
    assert len(f.pump(state)) == 3 and state.pages == 3


def test_file_probes_bypass_the_window():
    state, f = site(), frontier(window=1)
    f.follow(state, [link(f"/datos/{n}.csv") for n in range(3)] + [link("/p")], depth=0)
    released = f.pump(state)
    assert sum(isinstance(d, FileProbe) for d in released) == 3


def test_evidence_directed_never_releases_posts_and_archives():
    state, f = site(), frontier(evidence_directed=True)
    f.follow(state, [link("/2026/01/15/nota/", "Nota", "teaser")], depth=0)
    assert f.pump(state) == []


def test_without_evidence_direction_posts_are_released_after_everything_else():
    state, f = site(), frontier(evidence_directed=False, window=2)
    f.follow(state, [link("/2026/01/15/nota/", "Nota", "teaser"), link("/gobierno", "Gobierno", "menu")], depth=0)
    assert pages(f.pump(state)) == ["/gobierno", "/2026/01/15/nota/"]


def test_a_released_page_is_counted_as_an_html_request():
    state, f = site(), frontier()
    f.follow(state, [link("/p")], depth=0)
    f.pump(state)
    assert state.requests["html"] == 1


# -- seeds ------------------------------------------------------------------------------------------------------

def test_seeds_join_the_frontier_like_home_page_links():
    state, f = site(), frontier()
    f.add_seeds(state, [HOME + "wp-json/pagina-oculta"], "wordpress_pages")
    assert state.frontier[0].depth == 1


def test_seeds_are_counted_by_reason():
    state, f = site(), frontier()
    f.add_seeds(state, [HOME + "a", HOME + "b", HOME + "a"], "ckan_datasets")
    assert state.seeds == {"ckan_datasets": 2}


def test_off_site_seeds_are_not_crawled():
    state, f = site(), frontier()
    f.add_seeds(state, ["http://otro.gob.mx/"], "platform")
    assert state.frontier == []


# -- scope ------------------------------------------------------------------------------------------------------

def test_a_scope_subclass_decides_what_is_the_site_s():
    class DataPortalToo(SiteScope):
        def should_follow(self, url, state):
            return super().should_follow(url, state) or url.startswith("http://datos.estado.gob.mx/")

    state, f = site(), Frontier(Limits(), DataPortalToo())
    f.follow(state, [("http://datos.estado.gob.mx/municipio", "Datos", "menu")], depth=0)
    assert len(state.frontier) == 1


def test_the_home_page_s_final_host_joins_the_site():
    state, f = site("http://municipio.gob.mx/"), frontier()
    note_home(state, "https://www.nuevo-municipio.gob.mx/", ["http://municipio.gob.mx/"])
    f.follow(state, [("https://www.nuevo-municipio.gob.mx/transparencia", "Transparencia", "menu")], depth=0)
    assert len(state.frontier) == 1


def test_the_home_page_redirects_are_kept_bounded():
    state = site()
    note_home(state, HOME, [f"http://r{n}.mx/" for n in range(20)])
    assert len(state.home_redirects) == 10


def test_external_links_are_kept_once_and_bounded():
    state = site()
    for n in range(60):
        note_external(state, f"https://www.facebook.com/p{n}")
    note_external(state, "https://www.facebook.com/p0")
    assert len(state.external["social"]) == 50 and state.skipped["external_social"] == 61


def test_other_external_links_are_only_counted():
    state = site()
    note_external(state, "https://ejemplo.com/")
    assert state.external == {} and state.skipped["external_other"] == 1


# -- settle and outcome -----------------------------------------------------------------------------------------

def test_settle_finishes_a_site_when_nothing_is_outstanding():
    state, f = site(), frontier()
    schedule(state, "html")
    assert f.settle(state) == ([], True)


def test_settle_finishes_a_site_only_once():
    state, f = site(), frontier()
    schedule(state, "html")
    f.settle(state)
    schedule(state, "html")
    assert f.settle(state)[1] is False


def test_settle_releases_the_next_page_before_the_site_can_finish():
    state, f = site(), frontier(window=1)
    schedule(state, "html")
    f.follow(state, [link("/siguiente")], depth=0)
    released, finished = f.settle(state)
    assert pages(released) == ["/siguiente"] and finished is False


def test_a_site_is_not_finished_while_a_request_is_outstanding():
    state, f = site(), frontier()
    schedule(state, "html")
    schedule(state, "robots")
    assert f.settle(state)[1] is False


def test_links_left_in_the_frontier_at_the_end_count_as_budget_skips():
    state, f = site(), frontier(page_budget=0)
    f.follow(state, [link("/a"), link("/b")], depth=0)
    schedule(state, "html")
    f.settle(state)
    assert state.skipped["budget"] == 2


def test_posts_left_at_the_end_count_as_no_candidates():
    state, f = site(), frontier()
    f.follow(state, [link("/2026/01/15/nota/", "Nota", "teaser")], depth=0)
    schedule(state, "html")
    f.settle(state)
    assert state.skipped["no_candidates"] == 1


def test_stop_reason_is_budget_when_good_links_remain():
    state, f = site(), frontier(page_budget=0)
    f.follow(state, [link("/a")], depth=0)
    assert stop_reason(state) == "budget"


def test_stop_reason_is_no_candidates_when_the_frontier_is_spent():
    assert stop_reason(site()) == "no_candidates"


@pytest.mark.parametrize(("home", "expected"), [("ok", "ok"), ("blocked", "blocked"), ("robots", "blocked"),
                                                 ("unreachable", "unreachable"), ("forbidden", "unreachable"),
                                                 (None, "unreachable")])
def test_the_home_page_decides_whether_the_site_was_seen(home, expected):
    state = site()
    state.home_outcome = home
    assert site_status(state) == expected


@pytest.mark.parametrize("fault", ["timeout", "http_503", "connection_refused", "blocked"])
def test_a_seen_site_with_unseen_pages_is_partial(fault):
    state = site()
    state.home_outcome = "ok"
    state.fault(fault)
    assert site_status(state) == "partial"


def test_a_seen_site_with_pages_needing_render_is_partial():
    state = site()
    state.home_outcome = "ok"
    state.needing_render.append(HOME + "mapa")
    assert site_status(state) == "partial"


def test_a_php_error_does_not_make_a_site_partial():
    state = site()
    state.home_outcome = "ok"
    state.fault("php_error")
    assert site_status(state) == "ok"


def test_facts_count_the_home_page_as_scheduled():
    state, f = site(), frontier()
    f.follow(state, [link("/a")], depth=0)
    f.pump(state)
    assert site_facts(state)["pages_scheduled"] == 2


def test_facts_say_why_the_crawl_stopped():
    assert site_facts(site())["stop_reason"] == "no_candidates"


def test_the_done_item_carries_status_and_facts():
    state = site()
    state.home_outcome = "ok"
    item = state.done_item()
    assert (item.status, item.facts["soft_404_site"]) == ("ok", False)


def test_an_invalid_registered_address_is_unreachable_with_its_reason():
    item = invalid_site_item(site().spec, ValueError("Invalid IPv6 URL"))
    assert (item.status, item.error) == ("unreachable", "invalid_url: Invalid IPv6 URL")


# -- failures, TLS, budgets for renders and sitemaps --------------------------------------------------------------

def test_a_failed_home_page_makes_the_site_unreachable():
    state = site()
    note_failure(state, HOME, "dns_error", "DNS lookup failed", home=True, rendered=False)
    assert (state.home_outcome, state.home_error) == ("unreachable", "dns_error: DNS lookup failed")


def test_a_home_page_on_a_private_address_is_forbidden():
    state = site()
    note_failure(state, HOME, "forbidden_address", "loopback", home=True, rendered=False)
    assert state.home_outcome == "forbidden"


def test_a_home_page_shut_out_by_robots_is_robots():
    state = site()
    note_failure(state, HOME, "robots_disallowed", "Forbidden by robots.txt", home=True, rendered=False)
    assert (state.home_outcome, state.robots_disallowed) == ("robots", [HOME])


def test_a_failure_after_the_home_page_answered_does_not_change_its_outcome():
    state = site()
    note_home(state, HOME, [])
    state.home_outcome = "ok"
    note_failure(state, HOME, "timeout", "took longer than 20 seconds", home=True, rendered=False)
    assert state.home_outcome == "ok"


def test_a_failed_render_leaves_the_page_needing_render():
    state = site()
    note_failure(state, HOME + "mapa", "timeout", "", home=False, rendered=True)
    assert (state.needing_render, dict(state.faults)) == ([HOME + "mapa"], {"render_timeout": 1})


def test_an_invalid_certificate_is_recorded_once_per_host():
    state = site()
    note_tls(state, "municipio.gob.mx", "self-signed certificate")
    note_tls(state, "municipio.gob.mx", "self-signed certificate")
    assert state.faults["tls_invalid"] == 1


def test_renders_stop_at_the_page_budget_and_the_page_is_listed():
    state = site()
    assert [take_render(state, HOME + str(n), True, 2, 60.0) for n in range(3)] == [True, True, False]
    assert state.needing_render == [HOME + "2"]


def test_renders_stop_when_the_browser_time_is_spent():
    state = site()
    state.render_seconds = 61.0
    assert take_render(state, HOME, True, 20, 60.0) is False


def test_no_render_when_rendering_is_off():
    state = site()
    assert take_render(state, HOME, False, 20, 60.0) is False and state.rendered == 0


def test_sitemap_documents_are_capped_per_site():
    state = site()
    assert [take_sitemap(state, 2) for _ in range(3)] == [True, True, False]


def test_limits_are_read_from_scrapy_settings():
    from scrapy.settings import Settings

    settings = Settings({"MUNIAUDIT_PAGE_BUDGET": 7, "MUNIAUDIT_FILE_BUDGET": 3, "MUNIAUDIT_SITE_WINDOW": 2,
                         "MUNIAUDIT_MAX_DEPTH": 4, "MUNIAUDIT_QUERY_VARIANTS": 1, "MUNIAUDIT_PROBE_DOCUMENTS": True,
                         "MUNIAUDIT_EVIDENCE_DIRECTED": False, "MUNIAUDIT_TEMPLATE_SAMPLE": 5})
    assert Limits.from_settings(settings) == Limits(7, 3, 2, 4, 1, True, False, 5)


# -- content templates: sampled, the rest read only when a sample added evidence --------------------------------

def tramites(n: int = 6, region: str = "main", text: str = "Trámite") -> list[tuple[str, str, str]]:
    return [link(f"/tramites/tramite-{i}.html", f"{text} {i}", region) for i in range(n)]


def test_pages_of_one_content_template_are_sampled():
    state, f = site(), frontier(window=10)
    f.follow(state, tramites(), depth=1)
    assert pages(f.pump(state)) == ["/tramites/tramite-0.html", "/tramites/tramite-1.html"]


def test_the_unread_pages_of_a_sampled_template_are_counted_when_the_site_ends():
    state, f = site(), frontier(window=10)
    f.follow(state, tramites(), depth=1)
    for _ in f.pump(state):
        pass
    for _ in range(2):
        _, finished = f.settle(state)
    assert finished and state.skipped["template_sampled"] == 4 and stop_reason(state) == "no_candidates"


def test_a_sample_that_added_evidence_releases_the_rest_of_its_template():
    state, f = site(), frontier(window=10)
    f.follow(state, tramites(), depth=1)
    first = f.pump(state)
    f.pump(state)     # the others wait
    f.note_yield(state, first[0].template, yielded=True)
    assert len(pages(f.pump(state))) == 4


def test_a_sample_that_added_nothing_keeps_the_rest_held():
    state, f = site(), frontier(window=10)
    f.follow(state, tramites(), depth=1)
    first = f.pump(state)
    f.note_yield(state, first[0].template, yielded=False)
    assert pages(f.pump(state)) == []


def test_links_whose_words_name_evidence_are_never_held():
    # one template for every page (a CMS's index.php?id=N), but the words say what each page is
    state, f = site(), frontier(window=10)
    names = ("Transparencia", "Datos abiertos", "Participación ciudadana", "Encuesta", "Presidente")
    f.follow(state, [link(f"/index.php?id={i}", name) for i, name in enumerate(names)], depth=1)
    assert len(pages(f.pump(state))) == 5


def test_a_menu_of_different_sections_is_never_sampled():
    state, f = site(), frontier(window=10)
    sections = ("gobierno", "cultura", "turismo", "obras", "seguridad")
    f.follow(state, [link(f"/{s}/", s.title(), "menu") for s in sections], depth=0)
    assert len(pages(f.pump(state))) == 5


def test_a_menu_region_listing_one_template_many_times_is_a_collection():
    # a hub's list of items that the markup puts in a menu (or the home page's list of notices)
    state, f = site(), frontier(window=10)
    f.follow(state, tramites(region="menu"), depth=1)
    assert len(pages(f.pump(state))) == 2


def test_two_links_of_one_template_in_a_menu_are_not_a_collection():
    state, f = site(), frontier(window=10)
    f.follow(state, tramites(n=2, region="menu") + [link("/tramites/tramite-9.html", "Trámite 9")], depth=1)
    assert len(pages(f.pump(state))) == 3   # the two menu links are sections; one content link is a sample


def test_the_reference_crawl_samples_nothing():
    state, f = site(), frontier(window=10, evidence_directed=False)
    f.follow(state, tramites(), depth=1)
    assert len(pages(f.pump(state))) == 6


# -- a decided site ------------------------------------------------------------------------------------------

def test_a_closed_site_releases_nothing_more():
    state, f = site(), frontier(window=10)
    f.follow(state, [link("/a", "A"), link("/datos/x.csv")], depth=0)
    f.close(state, "decided")
    assert f.pump(state) == [] and state.skipped["decided"] == 2


def test_a_closed_site_takes_no_new_links():
    state, f = site(), frontier()
    f.close(state, "decided")
    f.follow(state, [link("/b", "B")], depth=1)
    assert state.frontier == [] and state.skipped["decided"] == 1


def test_a_closed_site_says_it_was_decided():
    state, f = site(), frontier()
    f.follow(state, [link("/a", "A")], depth=0)
    f.close(state, "decided")
    assert stop_reason(state) == "decided" and site_facts(state)["stop_reason"] == "decided"


def test_the_home_page_menu_is_the_site_map_even_with_one_url_template():
    # a CMS whose every menu entry is index.php?id=N: on the home page these are the site's sections
    state, f = site(), frontier(window=10)
    names = ("Gobierno", "Turismo", "Cultura", "Obras")
    f.follow(state, [link(f"/index.php?id={i}", name, "menu") for i, name in enumerate(names)], depth=0, role="home")
    assert len(pages(f.pump(state))) == 4


def test_a_list_of_one_template_in_the_home_page_body_is_a_collection():
    state, f = site(), frontier(window=10)
    f.follow(state, [link(f"/noticias/nota-{i}.html", f"Aviso {i}", "home") for i in range(5)], depth=0, role="home")
    assert len(pages(f.pump(state))) == 2


# -- learn: what a page tells the frontier ------------------------------------------------------------------------

class FakeDecider:
    """Answers what it is told to, and counts how often it was asked."""

    def __init__(self, *answers):
        self.answers, self.asked = list(answers), 0

    def wanted(self, signals, home_read, settled):
        self.asked += 1
        return self.answers.pop(0) if self.answers else frozenset()


def a_signal(kind: str = "participation", url: str = HOME + "participacion/"):
    from crawler.extract.types import Signal

    return Signal(kind, url, HOME, True, {})


def test_a_site_the_decider_calls_decided_is_closed():
    state, f = site(), frontier()
    f.follow(state, [link("/a", "A")], depth=0)
    f.learn(state, (HOME,), {"status": 200, "role": "home"}, [a_signal()], None, True, FakeDecider(frozenset()))
    assert state.stop == "decided" and f.pump(state) == []


def test_the_reference_crawl_is_never_closed():
    state, f = site(), frontier(evidence_directed=False)
    f.learn(state, (HOME,), {"status": 200, "role": "home"}, [a_signal()], None, True, FakeDecider(frozenset()))
    assert state.stop is None


def test_the_decider_is_not_asked_when_a_page_adds_nothing_wanted():
    state, f = site(), frontier()
    decider = FakeDecider(frozenset({"dataset"}))
    f.learn(state, (HOME,), {"status": 200, "role": "home"}, [], None, True, decider)     # the home page: asked
    f.learn(state, (HOME + "x",), {"status": 200, "role": "page"}, [a_signal("social_profile", "https://fb.com/m")],
            None, False, decider)                                                         # not wanted: not asked
    assert decider.asked == 1 and state.stop is None


def test_a_page_that_added_a_wanted_signal_releases_its_template():
    state, f = site(), frontier(window=10)
    f.follow(state, tramites(), depth=1)
    first = f.pump(state)
    f.learn(state, (first[0].url,), {"status": 200, "role": "page"}, [a_signal("dataset", HOME + "d.csv")],
            first[0].template, False, FakeDecider(frozenset({"dataset"})))
    assert len(pages(f.pump(state))) == 4


def test_a_failing_decider_is_a_fault_and_the_site_goes_on_unsteered():
    class Broken:
        def wanted(self, signals, home_read, settled):
            raise RuntimeError("boom")

    state, f = site(), frontier()
    f.follow(state, [link("/a", "A")], depth=0)
    f.learn(state, (HOME,), {"status": 200, "role": "home"}, [a_signal()], None, True, Broken())
    assert state.faults["decider_error"] == 1 and state.stop is None and len(pages(f.pump(state))) == 1
