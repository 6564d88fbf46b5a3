"""crawler.decider.SiteEvidence with the rubric decider: what a crawl still looks for as a site's pages come in.

Hard negatives of the stop rule: a link's words alone never decide a criterion (a proposed section counts only
once its target page confirms it), a target that turns out to be an article keeps the search going, and a
signal a verdict no longer needs is no yield.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from audit.decider import RubricDecider
from crawler.decider import SiteEvidence
from crawler.extract import extract_page
from crawler.extract.types import PageContext
from tests.unit.test_audit_engine import crit, make_rubric

HOST = "m.gob.mx"
MENU = '<nav class="menu"><ul><li><a href="/datos/">Datos abiertos</a></li><li><a href="/">Inicio</a></li></ul></nav>'


def page(path: str, body: str, title: str = "Página") -> tuple[str, str]:
    return (f"https://{HOST}{path}", f"<!doctype html><html><head><title>{title}</title></head><body>{MENU}"
                                     f"<main>{body}</main></body></html>")


def read(evidence: SiteEvidence, decider, url: str, html: str, home: bool = False) -> list:
    """What the spider does with a page: its signals and what it is go into the site's evidence."""
    found = extract_page(html, PageContext(url=url, site_hosts=frozenset({HOST}), is_home=home))
    new = evidence.add_signals(found.signals)
    facts = {"status": 200, "fault": None, "role": found.page["role"],
             **{k: v for k, v in found.page.items() if k not in ("url", "role")}}
    evidence.add_page([url], facts)
    evidence.home_read = evidence.home_read or home
    evidence.decide(decider)
    return new


@pytest.fixture
def decider(tmp_path: Path) -> RubricDecider:
    d = RubricDecider()
    d.add(make_rubric(tmp_path, [
        crit("seccion", "uno", 10, "has_signal", params={"kind": "open_data_section"}),
        crit("app", "dos", 10, "has_signal", params={"kind": "mobile_app", "on_home": True}),
    ]))
    return d


HOME = page("/", "<h1>Municipio</h1><p>Bienvenidos.</p>", "Inicio")
ARTICLE = page("/datos/", '<article class="post type-post"><h1>El municipio presenta sus datos abiertos</h1>'
                          '<time datetime="2026-01-10">10 de enero de 2026</time><div class="entry-content">'
                          + "<p>El presidente municipal habló de datos abiertos en la sesión.</p>" * 8
                          + "</div></article>", "Nota")
SECTION = page("/datos/", "<h1>Datos abiertos</h1><p>Conjuntos de datos del municipio en formatos abiertos.</p>"
                          + "".join(f'<h2>Conjunto {n}</h2><a href="/archivos/c{n}.csv">CSV</a> '
                                    f'<a href="/archivos/c{n}.xlsx">XLSX</a>' for n in range(4)), "Datos abiertos")


def test_a_link_that_names_the_section_does_not_decide_it(decider):
    evidence = SiteEvidence()
    read(evidence, decider, *HOME, home=True)
    assert evidence.wants("open_data_section") and not evidence.decided


def test_a_target_that_is_an_article_keeps_the_search_going(decider):
    evidence = SiteEvidence()
    read(evidence, decider, *HOME, home=True)
    read(evidence, decider, *ARTICLE)
    assert evidence.wants("open_data_section") and not evidence.decided


def test_a_target_that_is_the_section_decides_it(decider):
    evidence = SiteEvidence()
    read(evidence, decider, *HOME, home=True)
    read(evidence, decider, *SECTION)
    assert evidence.decided


def test_a_signal_no_verdict_needs_is_no_yield(decider):
    evidence = SiteEvidence()
    read(evidence, decider, *HOME, home=True)
    read(evidence, decider, *SECTION)
    more = read(evidence, decider, *page("/otra/", '<p>Síguenos en <a href="https://www.facebook.com/municipiom">'
                                                    "Facebook</a></p>"))
    assert more and not evidence.yielded(more)


def test_without_a_decider_every_new_signal_is_a_yield():
    evidence = SiteEvidence()
    new = read(evidence, None, *HOME, home=True)
    assert new and evidence.wanted is None and evidence.yielded(new)


class BrokenDecider:
    def wanted(self, signals, home_read, settled):
        raise RuntimeError("a check that fails on odd evidence")


def test_a_failing_decider_leaves_the_site_crawled_unsteered():
    evidence = SiteEvidence()
    read(evidence, BrokenDecider(), *HOME, home=True)
    assert evidence.failed and evidence.wanted is None and not evidence.decided


def test_a_finished_site_forgets_its_evidence_but_keeps_its_outcome(decider):
    evidence = SiteEvidence()
    read(evidence, decider, *HOME, home=True)
    wanted = evidence.wanted
    evidence.release()
    assert not evidence.merger.kept and not evidence.pages and evidence.wanted == wanted and evidence.asked == 1
