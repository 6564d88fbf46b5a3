"""Hostile crawled content: the rendered site must stay inert (no injected scripts, no javascript: links)."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from reports import sample
from reports.render import SNIPPET_MAX, render_comparison, render_site

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
RTL = "بلدية مرحبا بكم"          # right-to-left text
EMOJI = "Gobierno 🇲🇽🚀👩🏽‍💻"
LONG = "A" * 10_000
BAD_URLS = ["javascript:alert(1)", " JavaScript:alert(document.cookie)", "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "jav&#x09;ascript:alert(1)"]
QUOTE_URL = 'https://evil.example/"onmouseover="alert(1)'


def hostile_document() -> dict:
    doc = sample.small_document()
    doc["rubric"]["title"] = SCRIPT
    muni = doc["municipalities"][0]
    muni["name"] = f"{SCRIPT}{IMG} {RTL}"
    muni["url"] = BAD_URLS[0]
    muni["crawl"]["error"] = SCRIPT
    crit = muni["criteria"][0]
    crit["title"] = f"{IMG} {EMOJI}"
    crit["reason"] = SCRIPT + LONG
    crit["reviewed_by"] = SCRIPT
    crit["evidence"] = [{"url": u, "found_on": u, "snippet": f"{RTL} {SCRIPT}", "captured_at": "<b>x</b>"}
                        for u in BAD_URLS]
    crit["evidence"].append({"url": QUOTE_URL, "found_on": "javascript:void(0)", "snippet": LONG + SCRIPT,
                             "captured_at": "2024-05-03T10:00:00Z"})
    muni["categories"][0]["title"] = SCRIPT
    muni["signals"].append({"kind": SCRIPT, "url": "javascript:alert(2)", "found_on": "x", "on_home": True,
                            "platform": IMG, "handle": RTL + EMOJI})
    doc["municipalities"][1]["state"] = f"{RTL} {SCRIPT}"
    return doc


class Audit(HTMLParser):
    """Collects every script, event-handler attribute, link target and text run of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.texts: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
            self.in_script = True
        self.handlers += [k for k in attrs if k.startswith("on")]
        self.urls += [v for k, v in attrs.items() if k in ("href", "src", "action", "formaction", "xlink:href") and v]
        if tag in ("img", "iframe", "object", "embed"):
            self.handlers.append(f"<{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.scripts.append({"inline": data})
        self.texts.append(data)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("hostile") / "site"
    doc = hostile_document()
    render_site(doc, out, history=[sample.small_document("2024-04-03T10:00:00+00:00")])
    render_site(doc, out.parent / "en", lang="en", validate=False)
    render_comparison(doc, ["14097", "14039"], out / "comparar.html")
    files = sorted(out.rglob("*.html")) + sorted((out.parent / "en").rglob("*.html"))
    return {str(p.relative_to(out.parent)): p.read_text(encoding="utf-8") for p in files}


def test_only_the_project_script_and_no_event_handlers(pages):
    assert len(pages) > 10
    for name, html in pages.items():
        audit = Audit()
        audit.feed(html)
        assert audit.handlers == [], name
        assert len(audit.scripts) == 1, (name, audit.scripts)
        assert audit.scripts[0].get("src", "").endswith("static/muniaudit.js"), name


def test_only_http_https_or_relative_links(pages):
    for name, html in pages.items():
        audit = Audit()
        audit.feed(html)
        for url in audit.urls:
            scheme = url.split(":", 1)[0].lower() if ":" in url.split("/", 1)[0] else ""
            assert scheme in ("", "http", "https"), (name, url)
            assert "javascript" not in url.lower().replace("\t", ""), (name, url)


def test_hostile_text_is_escaped_and_bad_urls_shown_as_text(pages):
    page = pages["site/m/14097.html"]
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    assert 'class="unsafe-url"' in page and "javascript:alert(1)" in page  # visible, not clickable
    assert 'href="https://evil.example/&#34;onmouseover=&#34;alert(1)"' in page


def test_long_snippets_are_truncated(pages):
    for name, html in pages.items():
        audit = Audit()
        audit.feed(html)
        assert max(len(t) for t in audit.texts) <= 700, name
    page = pages["site/m/14097.html"]
    assert "A" * 601 not in page  # reasons are capped at 600 characters
    quotes = [q.split("</blockquote>")[0] for q in page.split('<blockquote dir="auto">')[1:]]
    assert quotes and max(len(q) for q in quotes) <= SNIPPET_MAX


def test_rtl_and_emoji_text_is_isolated(pages):
    page = pages["site/m/14097.html"]
    assert f"<bdi>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&lt;img src=x onerror=&#34;alert(1)&#34;&gt; {RTL}</bdi>" in page
    assert f'<blockquote dir="auto">{RTL} &lt;script&gt;' in page
    assert f"<bdi>&lt;img src=x onerror=&#34;alert(1)&#34;&gt; {EMOJI}</bdi>" in page
    assert f"<bdi>{RTL}{EMOJI}</bdi>" in page


def test_every_page_is_parseable_html(pages):
    for html in pages.values():
        assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")


def test_hostile_document_paths_cannot_escape_the_site(tmp_path):
    doc = sample.small_document()
    doc["municipalities"][0]["cvegeo"] = "../../etc"
    doc["municipalities"][1]["state_code"] = "../x"
    with pytest.raises(ValueError, match="cvegeo"):
        render_site(doc, tmp_path / "s", validate=False)
    doc = sample.small_document()
    doc["municipalities"][1]["state_code"] = "../x"
    render_site(doc, tmp_path / "s2", validate=False)
    assert sorted(p.name for p in (tmp_path / "s2" / "estados").iterdir()) == ["14.html", "15.html", "31.html"]
    assert not list(Path(tmp_path).glob("x*"))
