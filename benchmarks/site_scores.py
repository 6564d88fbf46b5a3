"""Rubric scores of every corpus site and every demo sample-web site, from one real crawl. Prints JSON.

    python -m benchmarks.site_scores [--corpus DIR] [--rubric aidh-2016] [--out FILE]

Corpus sites (../shared/corpus, each `*.labels.yaml`) and the six demo sites (muniaudit/sampleweb, dated
relative to today) are served on 127.0.0.1 only, registered in a scratch SQLite store (corpus sites under
their real cvegeo, demo sites as muniaudit/demo.py registers them), crawled together with the Scrapy
`portal` spider in a child process, and audited with muniaudit.service. The JSON has, per site: site,
source, cvegeo, name, crawl status, pages seen, score, pending points, audit status and per criterion
id / status / points / max_points / reason (first 160 chars); plus whether /usr/bin/chromium exists,
the code version and the git commit.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.accuracy import DEFAULT_CORPUS, SPIDER_SETTINGS, load_labels, serve_site, sites_in
from crawler.runner import CrawlOptions, crawl_in_subprocess
from muniaudit import __version__, service
from muniaudit.demo import DEMO_SETTINGS, register_sample_sites
from muniaudit.sampleweb.server import serve_sample_web
from store.db import session_scope
from store.models import Municipality

CHROMIUM = Path("/usr/bin/chromium")
PAGE_BUDGET = 300
REASON_CHARS = 160
CRAWL_TIMEOUT_S = 900


def git_commit() -> str | None:
    """Short HEAD commit (with "-dirty" when the tree has changes), or None outside a git checkout."""
    root = Path(__file__).resolve().parents[1]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return head + ("-dirty" if dirty else "")


def register_corpus_sites(engine: Any, entry_urls: dict[str, str]) -> None:
    """Point each corpus site's real registry municipality (cvegeo -> loopback entry URL) at its server."""
    with session_scope(engine) as session:
        for cvegeo, url in entry_urls.items():
            muni = session.get(Municipality, cvegeo)
            if muni is None:
                raise SystemExit(f"cvegeo {cvegeo} is not in the bundled registry")
            muni.url, muni.enabled = url, True


def site_report(doc: dict[str, Any], site: str, source: str) -> dict[str, Any]:
    """One municipality of the export document, trimmed to what this benchmark compares."""
    return {
        "site": site, "source": source, "cvegeo": doc["cvegeo"], "name": doc["name"],
        "crawl_status": doc["crawl"]["status"], "crawl_error": doc["crawl"]["error"],
        "pages_seen": doc["crawl"]["pages_seen"], "pages_rendered": doc["crawl"]["pages_rendered"],
        "score": doc["score"], "pending_points": doc["pending_points"], "audit_status": doc["score_status"],
        "criteria": [{"id": c["id"], "status": c["status"], "points": c["points"], "max_points": c["max_points"],
                      "reason": (c["reason"] or "")[:REASON_CHARS]} for c in doc["criteria"]],
    }


def run(corpus: Path = DEFAULT_CORPUS, rubric_name: str | None = None) -> dict[str, Any]:
    """Serve, register, crawl (one run) and audit every site; returns the JSON-ready report."""
    rubric = service.load_rubric(rubric_name)
    labels = {site: load_labels(corpus, site) for site in sites_in(corpus)}
    corpus_cvegeo = {site: label["municipality"]["cvegeo"] for site, label in labels.items()}
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        db_url = f"sqlite:///{tmp}/site-scores.sqlite"
        engine = service.open_store(db_url)
        bases = {site: stack.enter_context(serve_site(corpus, site)) for site in corpus_cvegeo}
        register_corpus_sites(engine, {corpus_cvegeo[site]: base + labels[site]["entry"]
                                       for site, base in bases.items()})
        web = stack.enter_context(serve_sample_web(delay_s=30.0, today=date.today()))
        register_sample_sites(engine, {sid: web.entry_url(sid) for sid in web})
        demo_cvegeo = {sid: web.sites[sid].cvegeo for sid in web}
        options = CrawlOptions(allow_private=True, page_budget=PAGE_BUDGET, render="auto",
                               settings={**SPIDER_SETTINGS, **DEMO_SETTINGS})
        crawled = service.crawl(db_url, [*corpus_cvegeo.values(), *demo_cvegeo.values()], options,
                                label="site-scores", launch=partial(crawl_in_subprocess, timeout=CRAWL_TIMEOUT_S))
        run_id, returncode = crawled.run_id, crawled.returncode
        crawl_seconds = time.monotonic() - started
        summary = service.audit_run(engine, run_id, rubric)
        by_cvegeo = {m["cvegeo"]: m for m in service.export_document(engine, run_id, rubric)["municipalities"]}
        engine.dispose()
    sites = [site_report(by_cvegeo[c], site, "corpus") for site, c in corpus_cvegeo.items()]
    sites += [site_report(by_cvegeo[c], site, "demo") for site, c in demo_cvegeo.items()]
    return {
        "rubric": service.rubric_meta(rubric), "chromium": CHROMIUM.exists(), "code_version": __version__,
        "git_commit": git_commit(), "today": date.today().isoformat(), "crawl_returncode": returncode,
        "crawl_seconds": round(crawl_seconds, 1), "audit_by_status": summary.by_status, "sites": sites,
    }


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rubric", default=service.DEFAULT_RUBRIC, help="bundled rubric id or a YAML path")
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args(argv)
    if not any(args.corpus.glob("*.labels.yaml")):
        print(f"no *.labels.yaml in {args.corpus}", file=sys.stderr)
        return 2
    try:
        report = run(args.corpus, args.rubric)
    except service.UserError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(service.write_json(report, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
