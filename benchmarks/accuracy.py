"""Accuracy of crawler.extract against the hand-labelled corpus (../shared/corpus). Prints JSON.

    python -m benchmarks.accuracy [--corpus DIR] [--site NAME] [--no-errata]

Each site is served on 127.0.0.1 (corpus serve.py's handler, in-process), crawled, extracted, merged with
finalize_site and scored against <site>.labels.yaml following the corpus README's scoring suggestions.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from crawler.extract import extract_page, finalize_site, urls
from crawler.extract.contact import digits_key
from crawler.extract.dom import parse
from crawler.extract.ownership import Owner
from crawler.extract.site import counted, page_key
from crawler.extract.types import Diagnostic, PageContext, Signal

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
PAGE_CAP = 400
# Files a page-crawler never needs to fetch (the extractor judges them by their link).
SKIP_EXTENSIONS = frozenset({
    "pdf", "doc", "docx", "xls", "xlsx", "csv", "zip", "rar", "7z", "ppt", "pptx", "jpg", "jpeg", "png", "gif",
    "webp", "svg", "mp4", "mp3", "avi", "css", "js", "ico", "woff", "woff2", "ttf", "eot", "json", "xml", "kml",
    "kmz", "ods", "odt", "txt", "tif", "tiff", "bmp", "wmv", "mov",
})
# Kinds scored by URL / identity against label lists.
LIST_KINDS = ("social_profile", "video_channel", "mobile_app", "open_data_section", "transparency_section",
              "participation", "citizen_report_tool", "citizen_evaluation", "search_tool", "mayor_profile")
SECTION_KINDS = frozenset({"open_data_section", "transparency_section", "participation", "citizen_report_tool",
                           "citizen_evaluation", "search_tool"})
# Entries the label files omit, verified by reading the pages; applied unless --no-errata.
LABEL_ERRATA: dict[str, dict[str, list[dict[str, Any]]]] = {
    "implan-queretaro": {
        "video_channel": [
            {"platform": "youtube", "kind": "embed", "url": " https:/www.youtube.com/embed/_kYWQwNPhc4",
             "page": "/enterate/videos.html",
             "note": "iframe src with a LEADING space on videos.html (the labels list the 6 others on that page)"},
            {"platform": "youtube", "kind": "embed", "url": " https:/www.youtube.com/embed/armBBd-8sh0",
             "page": "/enterate/videos.html", "note": "same: leading space in src, a visible player"},
        ],
    },
}
# Contact values the label notes place only on orphan pages (contact lists carry no orphan flag).
ORPHAN_CONTACTS: dict[str, dict[str, list[str]]] = {
    "sapas-nicolas-romero": {"phones": ["58233021"]},  # "Orphan cabildo/regidores pages list 58233021 EXT nnn"
}


# ---------------------------------------------------------------------------------------------- serving


def _load_serve(corpus: Path):
    """Import the corpus's serve.py as a module (standard library only)."""
    spec = importlib.util.spec_from_file_location("corpus_serve", corpus / "serve.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@contextmanager
def serve_site(corpus: Path, site: str) -> Iterator[str]:
    """Serve one corpus site on a free loopback port; yields the base URL."""
    serve = _load_serve(corpus)
    httpd = serve.Server(("127.0.0.1", 0), serve.make_handler(str(corpus / "sites" / site), False, True))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


# ---------------------------------------------------------------------------------------------- crawling


@dataclass
class CrawlResult:
    """Signals and diagnostics of one crawl, plus the pages fetched."""

    signals: list[Signal] = field(default_factory=list)
    diagnostics: list = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    page_facts: dict[str, dict] | None = None     # page_key -> what the page is (None: already confirmed)


def reference_crawl(start_url: str, max_pages: int = PAGE_CAP, owner: Owner | None = None) -> CrawlResult:
    """Breadth-first same-site crawl with httpx, extracting every HTML page (stand-in for the Scrapy spider)."""
    hosts = frozenset({urls.host_of(start_url)})
    result = CrawlResult(page_facts={})
    queue: deque[tuple[str, int]] = deque([(start_url, 0)])
    seen = {urls.without_fragment(start_url)}
    with httpx.Client(follow_redirects=True, timeout=10.0) as client:
        while queue and len(result.pages) < max_pages:
            url, depth = queue.popleft()
            try:
                response = client.get(url)
            except httpx.HTTPError:
                continue
            facts = {"status": response.status_code, "fault": None, "role": None}
            result.page_facts[page_key(url)] = result.page_facts[page_key(str(response.url))] = facts
            if response.status_code != 200 or "html" not in response.headers.get("content-type", ""):
                continue
            final = str(response.url)
            result.pages.append(final)
            ctx = PageContext(url=final, site_hosts=hosts, is_home=(depth == 0), depth=depth, owner=owner)
            extraction = extract_page(response.text, ctx, dict(response.headers))
            facts.update(extraction.page)
            result.signals += extraction.signals
            result.diagnostics += extraction.diagnostics
            for link in _crawlable_links(response.text, ctx):
                if link not in seen:
                    seen.add(link)
                    queue.append((link, depth + 1))
    return result


def _crawlable_links(html: str, ctx: PageContext) -> list[str]:
    """Same-site page links of a page (fragments dropped, files skipped)."""
    page = parse(html, ctx)
    found = []
    for link in page.links:
        if link.url is None or urls.is_placeholder(link.raw) or not page.is_own(link.url):
            continue
        if urls.href_scheme(link.url) not in ("http", "https") or urls.file_extension(link.url) in SKIP_EXTENSIONS:
            continue
        found.append(urls.without_fragment(link.url))
    return found


# Fast settings for loopback: politeness delays are for real municipal servers, not for a local file server.
SPIDER_SETTINGS = {"DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "LOG_LEVEL": "WARNING"}


def spider_crawl_many(start_urls: dict[str, str], cvegeos: dict[str, str] | None = None) -> dict[str, CrawlResult]:
    """The project's real crawl: the Scrapy `portal` spider + store pipeline, all sites in one run."""
    from benchmarks.scratch import crawl_sites
    from crawler.runner import CrawlOptions

    options = CrawlOptions(allow_private=True, page_budget=PAGE_CAP, settings=SPIDER_SETTINGS)
    out = {}
    for key, site in crawl_sites(start_urls, options, timeout=900, cvegeos=cvegeos).items():
        signals = [Signal(s["kind"], s["url"], s["found_on"], bool(s["on_home"]), dict(s["data"] or {}),
                          s["snippet"] or "") for s in site.signals]
        diagnostics = [Diagnostic(d.get("kind", ""), d.get("url", ""), d.get("found_on", ""), d.get("reason", ""))
                       for d in site.facts.get("diagnostics", [])]
        pages = [p["final_url"] for p in site.pages if p["render_mode"] in ("http", "browser") and p["status"] == 200]
        out[key] = CrawlResult(signals, diagnostics, pages)
    return out


def reference_crawl_many(start_urls: dict[str, str], cvegeos: dict[str, str] | None = None) -> dict[str, CrawlResult]:
    """The httpx stand-in, given the municipality each site belongs to (as the spider gets it from the registry)."""
    from muniaudit.registry import bundled_rows

    rows = {r["cvegeo"]: r for r in bundled_rows()}

    def owner(key: str, url: str) -> Owner:
        row = rows.get((cvegeos or {}).get(key, ""), {})
        return Owner.of(row.get("nom_mun", ""), row.get("nom_ent", ""), [url])

    return {key: reference_crawl(url, owner=owner(key, url)) for key, url in start_urls.items()}


CRAWLERS: dict[str, Callable[[dict[str, str]], dict[str, CrawlResult]]] = {
    "spider": spider_crawl_many, "reference": reference_crawl_many}


def crawl_corpus(corpus: Path, sites: list[str], crawler: str = "spider") -> dict[str, tuple[CrawlResult, dict, str]]:
    """Serve every site at once on loopback and crawl them together: {site: (result, labels, base URL)}."""
    labels = {site: load_labels(corpus, site) for site in sites}
    with ExitStack() as stack:
        bases = {site: stack.enter_context(serve_site(corpus, site)) for site in sites}
        cvegeos = {site: str(labels[site]["municipality"]["cvegeo"]) for site in sites
                   if (labels[site].get("municipality") or {}).get("cvegeo")}
        results = CRAWLERS[crawler]({site: bases[site] + labels[site]["entry"] for site in sites}, cvegeos)
    return {site: (results[site], labels[site], bases[site]) for site in sites}


# ---------------------------------------------------------------------------------------------- labels


def load_labels(corpus: Path, site: str, errata: bool = True) -> dict[str, Any]:
    """A site's label file, with LABEL_ERRATA appended when asked."""
    labels = yaml.safe_load((corpus / f"{site}.labels.yaml").read_text(encoding="utf-8"))
    for label_field, values in ORPHAN_CONTACTS.get(site, {}).items():
        labels["signals"]["contact"].setdefault("orphan_" + label_field, values)
    if errata:
        for kind, entries in LABEL_ERRATA.get(site, {}).items():
            labels["signals"].setdefault(kind, [])
            labels["signals"][kind] = list(labels["signals"][kind]) + [dict(e, erratum=True) for e in entries]
    return labels


def sites_in(corpus: Path) -> list[str]:
    """Site names that have a label file."""
    return sorted(p.name[: -len(".labels.yaml")] for p in corpus.glob("*.labels.yaml"))


def label_key(entry_url: str, base: str, page: str | None) -> str:
    """Comparison key of a label URL, resolved like a browser against the page it was written on."""
    page_url = urls.resolve(base + "/", (page or "/").lstrip("/")) or base + "/"
    resolved = urls.resolve(page_url, entry_url)
    return urls.canonical(resolved) if resolved else "malformed:" + entry_url


# ---------------------------------------------------------------------------------------------- scoring


@dataclass
class Score:
    """Counts and the items behind them."""

    tp: int = 0
    fp: list[str] = field(default_factory=list)
    fn: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        """Accumulate another score."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.excluded += other.excluded

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary; precision with no detections is 1.0, recall with no positives is 1.0."""
        detected = self.tp + len(self.fp)
        positives = self.tp + len(self.fn)
        return {
            "precision": round(self.tp / detected, 3) if detected else 1.0,
            "recall": round(self.tp / positives, 3) if positives else 1.0,
            "tp": self.tp, "fp": len(self.fp), "fn": len(self.fn),
            "false_positives": self.fp, "false_negatives": self.fn,
        }


def _matches(kind: str, detected: str, label: str) -> bool:
    """Same canonical URL; for external sections a deeper link into a labelled portal root also counts."""
    if detected == label:
        return True
    if kind in SECTION_KINDS:
        d_host, _, d_path = detected[2:].partition("/")
        l_host, _, l_path = label[2:].partition("/")
        return d_host == l_host and l_path == "" and not d_host.startswith("127.0.0.1")
    return False


def _signal_keys(signal: Signal) -> set[str]:
    """Canonical keys under which a detection may match a label."""
    keys = {urls.canonical(signal.url)}
    if signal.kind == "search_tool":
        keys.add(urls.canonical(signal.found_on))
    return keys


def score_list(kind: str, detections: list[Signal], labels: dict[str, Any], base: str) -> Score:
    """Precision/recall items for a kind labelled as a list of URLs."""
    entries = labels["signals"].get(kind) or []
    negatives = labels["signals"].get("not_social_profile") or [] if kind == "social_profile" else []
    score = Score()
    positive_keys = [(label_key(e["url"], base, e.get("page")), e) for e in entries]
    found = set()
    for signal in detections:
        keys = _signal_keys(signal)
        hit = next(((k, e) for k, e in positive_keys if any(_matches(kind, d, k) for d in keys)), None)
        if hit is None:
            negative = next((n for n in negatives if n.get("url") not in ("#", "")
                             and any(_matches(kind, d, label_key(n["url"], base, n.get("page"))) for d in keys)), None)
            reason = f" (labelled not_social_profile: {negative.get('reason', '')[:60]})" if negative else ""
            score.fp.append(f"{signal.url} [on {signal.found_on}]{reason}")
            continue
        key, entry = hit
        if entry.get("ambiguous"):
            score.excluded.append(signal.url)
            continue
        if key not in found:
            found.add(key)
            score.tp += 1
    for key, entry in positive_keys:
        if key in found or entry.get("ambiguous") or entry.get("orphan"):
            if entry.get("orphan") and key not in found:
                score.excluded.append(entry["url"] + " (orphan)")
            continue
        score.fn.append(entry["url"])
    return score


def score_contacts(detections: list[Signal], labels: dict[str, Any]) -> dict[str, Score]:
    """Emails compared lower-case, phones by their digits."""
    contact = labels["signals"].get("contact") or {}
    out = {}
    for kind, label_field, norm in (("email", "emails", str.lower), ("phone", "phones", digits_key)):
        expected = {norm(v): v for v in contact.get(label_field) or []}
        score = Score()
        seen = set()
        for signal in (s for s in detections if s.data.get("type") == kind):
            key = norm(signal.data["value"])
            if key in expected:
                if key not in seen:
                    seen.add(key)
                    score.tp += 1
            else:
                score.fp.append(f"{signal.data['value']} [on {signal.found_on}]")
        orphans = {norm(v) for v in contact.get("orphan_" + label_field) or []}
        score.fn = [v for k, v in expected.items() if k not in seen and k not in orphans]
        score.excluded = [v + " (orphan)" for k, v in expected.items() if k not in seen and k in orphans]
        out[kind] = score
    form = Score()
    forms = [s for s in detections if s.data.get("type") == "form"]
    if contact.get("contact_form"):
        form.tp, form.fn = (1, []) if forms else (0, ["contact_form"])
    else:
        form.fp = [f"{s.url} [on {s.found_on}]" for s in forms]
    out["form"] = form
    return out


def score_platform(detections: list[Signal], labels: dict[str, Any]) -> Score:
    """Platform names as sets."""
    expected = set(labels["signals"].get("platform") or [])
    names = {s.data["name"] for s in detections}
    score = Score(tp=len(names & expected))
    score.fp = sorted(names - expected)
    score.fn = sorted(expected - names)
    return score


def score_datasets(detections: list[Signal], labels: dict[str, Any], base: str) -> dict[str, Any]:
    """Unique dataset URLs found on data-section pages against count_at_least (a lower bound, so recall only)."""
    spec = labels["signals"].get("datasets") or {}
    in_section = {urls.canonical(s.url): s for s in detections if s.data.get("in_data_section")}
    expected = int(spec.get("count_at_least") or 0)
    formats: dict[str, int] = {}
    for signal in in_section.values():
        formats[signal.data["format"]] = formats.get(signal.data["format"], 0) + 1
    examples = [label_key(u, base, None) for u in spec.get("example_urls") or []]
    return {
        "found_in_data_sections": len(in_section), "count_at_least": expected,
        "recall": round(min(1.0, len(in_section) / expected), 3) if expected else 1.0,
        "formats_found": formats, "formats_labelled": spec.get("formats") or {},
        "examples_missing": [u for u, k in zip(spec.get("example_urls") or [], examples, strict=True)
                             if k not in in_section],
        "outside_data_sections": sum(1 for s in detections if not s.data.get("in_data_section")),
    }


def score_site(signals: list[Signal], labels: dict[str, Any], base: str) -> dict[str, Any]:
    """All scores of one site from its finalized signals."""
    by_kind: dict[str, list[Signal]] = {}
    review: dict[str, list[str]] = {}
    for signal in signals:
        if counted(signal):
            by_kind.setdefault(signal.kind, []).append(signal)
        elif signal.data.get("status") != "reference":
            review.setdefault(signal.kind, []).append(f"{signal.url} ({signal.data.get('status')}, "
                                                      f"{signal.data.get('confidence')})")
    scores: dict[str, Score] = {k: score_list(k, by_kind.get(k, []), labels, base) for k in LIST_KINDS}
    for name, score in score_contacts(by_kind.get("contact", []), labels).items():
        scores[f"contact_{name}"] = score
    scores["platform"] = score_platform(by_kind.get("platform", []), labels)
    return {"scores": scores, "datasets": score_datasets(by_kind.get("dataset", []), labels, base),
            "to_review": review}


def score_corpus(results: dict[str, list[Signal]], labels: dict[str, dict[str, Any]],
                 bases: dict[str, str]) -> dict[str, Any]:
    """Per-kind and per-site precision/recall for {site: finalized signals}."""
    totals: dict[str, Score] = {}
    per_site: dict[str, Any] = {}
    for site, signals in results.items():
        scored = score_site(signals, labels[site], bases[site])
        per_site[site] = {k: s.as_dict() for k, s in scored["scores"].items()}
        per_site[site]["datasets"] = scored["datasets"]
        per_site[site]["to_review"] = scored["to_review"]
        for kind, score in scored["scores"].items():
            totals.setdefault(kind, Score()).add(score)
    summary = {k: {f: v for f, v in s.as_dict().items() if f not in ("false_positives", "false_negatives")}
               for k, s in totals.items()}
    return {"summary": summary, "per_kind": {k: s.as_dict() for k, s in totals.items()}, "sites": per_site}


# ---------------------------------------------------------------------------------------------- main


def run(corpus: Path = DEFAULT_CORPUS, sites: list[str] | None = None, errata: bool = True,
        crawler: str = "spider") -> dict[str, Any]:
    """Serve, crawl, extract and score every corpus site; returns the JSON-ready report."""
    results, labels, bases, pages, rejected = {}, {}, {}, {}, {}
    for site, (crawled, _, base) in crawl_corpus(corpus, sites or sites_in(corpus), crawler).items():
        labels[site] = load_labels(corpus, site, errata)
        results[site] = finalize_site(crawled.signals, crawled.page_facts)
        bases[site] = base
        pages[site] = len(crawled.pages)
        rejected[site] = _count_reasons(crawled.diagnostics)
    report = score_corpus(results, labels, bases)
    report["crawler"] = crawler
    report["pages_crawled"] = pages
    report["diagnostics"] = rejected
    report["errata_applied"] = LABEL_ERRATA if errata else {}
    return report


def _count_reasons(diagnostics: list) -> dict[str, int]:
    """Diagnostics counted by kind:reason."""
    counts: dict[str, int] = {}
    for d in diagnostics:
        key = f"{d.kind}:{d.reason}"
        counts[key] = counts.get(key, 0) + 1
    return counts


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--site", action="append", help="only this site (repeatable)")
    parser.add_argument("--no-errata", action="store_true", help="score against the label files as they are")
    parser.add_argument("--crawler", choices=sorted(CRAWLERS), default="spider",
                        help="spider = the project's Scrapy crawl (default); reference = a plain httpx BFS, "
                             "to tell crawler misses from extraction misses")
    args = parser.parse_args(argv)
    if not (args.corpus / "README.md").exists():
        print(json.dumps({"error": f"corpus not found at {args.corpus}"}))
        return 2
    report = run(args.corpus, args.site, errata=not args.no_errata, crawler=args.crawler)
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
