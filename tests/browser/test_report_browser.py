"""The report site in headless Chromium: screenshots, console, phone width, sorting, filtering, links, PDF."""
from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from audit.loader import builtin_rubric_path, load_rubric
from muniaudit.service import rubric_for_report
from reports import sample
from reports.pdf import CHROMIUM, render_pdf
from reports.render import render_comparison, render_site

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"needs the system Chromium at {CHROMIUM}")]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"
PAGES = ["index.html", "m/14097.html", "m/15106.html", "m/15033.html", "estados/15.html", "metodologia.html",
         "datos/diccionario.html", "comparar.html"]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Two sites: the hand-sized document (exact assertions) and a 90-municipality synthetic one (looks)."""
    root = tmp_path_factory.mktemp("report-sites")
    doc = sample.small_document()
    render_site(doc, root / "small", rubric=sample.small_rubric(),
                history=[sample.small_document("2024-04-03T10:00:00+00:00")])
    render_comparison(doc, ["14097", "15106", "15033"], root / "small" / "comparar.html")
    base = sample.registry(90)
    runs = [sample.synthetic_run(base, month) for month in range(7)]
    render_site(runs[-1], root / "big", history=runs[:-1], rubric=sample.sample_rubric())
    render_comparison(runs[-1], [m["cvegeo"] for m in base[:4]], root / "big" / "comparar.html")
    # Every pending cause, a run without a browser, and the real AIDH rubric's methodology (issue #12).
    uncertain = sample.uncertain_document()
    render_site(uncertain, root / "uncertain", rubric=rubric_for_report(load_rubric(builtin_rubric_path("aidh-2016"))),
                history=[sample.small_document("2024-04-03T10:00:00+00:00")])
    render_comparison(uncertain, ["02004", "15106", "19039", "21114"], root / "uncertain" / "comparar.html")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"doc": doc, "big": runs[-1], "root": root, "url": f"http://127.0.0.1:{server.server_port}"}
    server.shutdown()



def open_page(browser, url: str, width: int):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.errors = []
    page.on("console", lambda msg: page.errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.on("requestfailed", lambda req: page.errors.append(f"failed: {req.url}"))
    page.goto(url, wait_until="load")
    return page


def site_pages(sites, site: str) -> list[str]:
    """Every page type of each site: index, state, municipality, comparison, methodology, dictionary."""
    if site == "small":
        return PAGES
    if site == "uncertain":
        return ["index.html", "estados/02.html", "m/02004.html", "m/19039.html", "comparar.html",
                "metodologia.html", "datos/diccionario.html"]
    first = sites["big"]["municipalities"][0]
    return ["index.html", f"estados/{first['state_code']}.html", f"m/{first['cvegeo']}.html", "comparar.html",
            "metodologia.html", "datos/diccionario.html"]


@pytest.mark.parametrize("site", ["small", "big", "uncertain"])
@pytest.mark.parametrize("width", [1280, 375])
def test_pages_load_cleanly_and_fit_a_phone(browser, sites, site, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for rel in site_pages(sites, site):
        page = open_page(browser, f"{sites['url']}/{site}/{rel}", width)
        assert page.errors == [], (rel, page.errors)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert scroll <= inner, f"{rel} overflows horizontally at {width}px: {scroll} > {inner}"
        # Wide tables scroll inside their own box, never the page.
        loose = page.evaluate("""[...document.querySelectorAll('main table')].filter(t => {
            const box = t.closest('.table-scroll');
            return !box || getComputedStyle(box).overflowX !== 'auto'; }).length""")
        assert loose == 0, f"{rel}: {loose} table(s) outside an overflow-x:auto box"
        assert page.evaluate("document.documentElement.lang") == "es"
        name = rel.replace("/", "_").replace(".html", "")
        page.screenshot(path=str(ARTIFACTS / f"{site}-{name}-{width}.png"), full_page=True)
        page.close()


def visible_rows(page) -> list[dict]:
    return page.eval_on_selector_all(
        "table.ranking tbody tr:not([hidden])",
        "rows => rows.map(r => ({state: r.dataset.state, name: r.cells[1].querySelector('a').innerText.trim(),"
        " score: parseFloat(r.querySelector('td.score').dataset.v)}))")


def test_sorting_by_score_and_name(browser, sites):
    page = open_page(browser, f"{sites['url']}/big/index.html", 1280)
    button = page.get_by_role("button", name="Puntaje")
    button.click()
    scores = [r["score"] for r in visible_rows(page)]
    assert scores == sorted(scores, reverse=True) and len(scores) == 90
    assert page.locator("th:has(button:text-is('Puntaje'))").get_attribute("aria-sort") == "descending"
    button.press("Enter")  # keyboard works too: a second activation reverses the order
    scores = [r["score"] for r in visible_rows(page)]
    assert scores == sorted(scores)
    page.get_by_role("button", name="Municipio").click()
    names = [r["name"] for r in visible_rows(page)]
    assert names[0] <= names[1] <= names[2]
    assert page.errors == []


def test_filtering_by_state_population_band_and_name(browser, sites):
    page = open_page(browser, f"{sites['url']}/big/index.html", 1280)
    page.select_option("select[data-filter=state]", "02")
    rows = visible_rows(page)
    expected = sum(m["state_code"] == "02" for m in sites["big"]["municipalities"])
    assert rows and len(rows) == expected and {r["state"] for r in rows} == {"02"}
    assert f"({expected} / 90)" in page.inner_text(".count")
    page.select_option("select[data-filter=state]", "")
    page.select_option("select[data-filter=band]", "na")
    assert all(r["score"] == -1 for r in visible_rows(page))
    page.select_option("select[data-filter=band]", "")
    page.fill("input[data-filter=q]", "jesus maria")  # accents and case do not matter
    assert [r["name"] for r in visible_rows(page)] == ["Jesús María"]
    assert page.errors == []


def test_evidence_links_match_the_document(browser, sites):
    muni = sites["doc"]["municipalities"][0]
    page = open_page(browser, f"{sites['url']}/small/m/{muni['cvegeo']}.html", 1280)
    hrefs = page.eval_on_selector_all(".evidence li > a.ext", "as => as.map(a => a.getAttribute('href'))")
    expected = [e["url"] for c in muni["criteria"] if c["status"] in ("pass", "partial") for e in c["evidence"]]
    assert sorted(hrefs) == sorted(expected) and hrefs


def test_pages_work_from_file_urls(browser, sites):
    page = open_page(browser, (sites["root"] / "small" / "index.html").as_uri(), 375)
    assert page.errors == []
    page.get_by_role("button", name="Puntaje").click()
    assert page.locator("form[data-filters]").is_visible()


def test_pdf_of_a_municipality_page(sites, tmp_path):
    pdf = render_pdf(sites["root"] / "small" / "m" / "14097.html", tmp_path / "tlajomulco.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "small-m_14097.pdf").write_bytes(data)


# ---------------------------------------------------------------- issue #12, pages: phones, uncertainty, charts

IN_VIEW = """els => els.map(e => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= window.innerWidth + 0.5; })"""


@pytest.mark.parametrize("rel", ["index.html", "estados/02.html"])
def test_phone_ranking_keeps_name_score_and_level_in_view(browser, sites, rel):
    page = open_page(browser, f"{sites['url']}/big/{rel}", 375)
    rows = "table.ranking tbody tr:nth-child(-n+8)"
    for cell in ("td.name a", "td.score", "td .badge"):
        seen = page.eval_on_selector_all(f"{rows} {cell}", IN_VIEW)
        assert seen and all(seen), (rel, cell, seen)
    if rel == "index.html":    # the state column is hidden on a phone: the state is under the name instead
        assert not page.locator("table.ranking th.col-state").is_visible()
        assert all(page.eval_on_selector_all(f"{rows} .sub-state", IN_VIEW))
    assert page.errors == []


def test_phone_comparison_shows_every_chosen_municipality(browser, sites):
    page = open_page(browser, f"{sites['url']}/big/comparar.html", 375)
    heads = page.eval_on_selector_all("table.compare thead th a", IN_VIEW)
    assert len(heads) == 4 and all(heads), heads
    totals = page.eval_on_selector_all("table.compare tr.total td", IN_VIEW)
    assert len(totals) == 4 and all(totals), totals


def test_phone_methodology_shows_what_is_checked(browser, sites):
    page = open_page(browser, f"{sites['url']}/uncertain/metodologia.html", 375)
    checked = page.eval_on_selector_all("table.methodology td.checked", IN_VIEW)
    assert len(checked) >= 23 and all(checked)
    assert page.locator("table.methodology p.rule").first.is_visible()


@pytest.mark.parametrize("width", [1280, 375])
def test_uncertainty_is_visible_without_hovering(browser, sites, width):
    page = open_page(browser, f"{sites['url']}/uncertain/index.html", width)
    assert page.locator(".no-browser").is_visible()
    row = page.locator("table.ranking tbody tr", has=page.locator("a", has_text="Tijuana"))
    assert row.locator("td.score").inner_text().replace("\n", " ").startswith("20")
    assert "hasta 100" in row.locator("td.score").inner_text()
    causes = row.locator(".pending-causes")
    assert causes.is_visible() and "sin navegador" in causes.inner_text()
    compare = open_page(browser, f"{sites['url']}/uncertain/comparar.html", width)
    flags = compare.locator("tr.total .flag")
    assert flags.count() == 4 and all(flags.nth(i).is_visible() for i in range(4))
    assert compare.locator("tr.total .pending-causes").first.is_visible()


@pytest.mark.parametrize("width", [1280, 375])
def test_charts_and_map_are_drawn(browser, sites, width):
    page = open_page(browser, f"{sites['url']}/big/index.html", width)
    sizes = page.eval_on_selector_all("svg.state-map path.state", "ps => ps.map(p => p.getBBox().width)")
    assert len(sizes) == 32 and all(w > 0 for w in sizes)
    assert page.locator("svg.state-map").is_visible()
    for chart in ("svg.histogram", "svg.trendchart", ".share-list svg.share-bar"):
        box = page.locator(chart).first.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, chart
        assert box["x"] + box["width"] <= width + 0.5, chart
    grid = page.eval_on_selector_all("svg.histogram text.axis", "ts => ts.map(t => t.textContent)")
    assert "0" in grid and all(t.rstrip("+").isdigit() or "Puntaje" in t for t in grid)
    state = open_page(browser, f"{sites['url']}/big/estados/{sites['big']['municipalities'][0]['state_code']}.html",
                      width)
    assert state.locator("svg.histogram").is_visible() and state.locator(".share-list li").count() > 0
    muni = open_page(browser, f"{sites['url']}/small/m/14097.html", width)
    assert muni.locator("svg.linechart").is_visible()
    assert page.errors == [] and state.errors == [] and muni.errors == []
