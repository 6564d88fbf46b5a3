"""Does the default crawl reach the same verdicts as an unlimited one, and with how many requests? Prints JSON.

    python -m benchmarks.verdicts [--national 20] [--reference-budget 3000] [--out FILE]

Serves the corpus sites (../shared/corpus), the six sample sites and a sample of the simulated national web on
127.0.0.1, registers them in two scratch stores and crawls them twice with the real spider: once with an
unlimited reference budget (pages, files, depth) and once with the default crawl. Both crawls are audited with
the AIDH-2016 rubric. Per site and in total it prints:

- requests by kind, as the spider scheduled them: html pages, rendered pages, file probes, robots.txt and
  sitemaps, the soft-404 probe (retries and redirects, which Scrapy re-schedules itself, are not counted);
- the pages that hold evidence a criterion used (the distinct pages its evidence was found on), and
  efficiency = evidence pages / requests;
- whether every automatic AIDH verdict (status and points) is identical to the reference's, with the
  criteria that differ;
- why the default crawl stopped (decided, no_candidates, budget), the kinds a verdict still wanted then, and
  each site's time from the start of the crawl (all sites start together) to its outcome, in both crawls.

The default crawl is steered by the rubrics (crawler.decider, audit.decider); the reference is not. Politeness
delays are off for both crawls (the web is local); the time of each whole crawl is printed.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from contextlib import ExitStack
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.accuracy import DEFAULT_CORPUS, SPIDER_SETTINGS, load_labels, serve_site, sites_in
from benchmarks.site_scores import git_commit, register_corpus_sites
from crawler.runner import CrawlOptions, crawl_in_subprocess
from muniaudit import service
from muniaudit.demo import DEMO_SETTINGS, register_sample_sites
from muniaudit.nationalweb.server import serve_national_web
from muniaudit.sampleweb.server import serve_sample_web
from store.db import session_scope
from store.models import Municipality, SiteCrawl

DEFAULT_BUDGET = CrawlOptions().page_budget
REFERENCE_SETTINGS = {"MUNIAUDIT_FILE_BUDGET": 100_000, "MUNIAUDIT_MAX_DEPTH": 50, "MUNIAUDIT_SITEMAP_URLS": 100_000,
                      "MUNIAUDIT_EVIDENCE_DIRECTED": False, "MUNIAUDIT_PROBE_DOCUMENTS": True,
                      "MUNIAUDIT_SITE_DECIDER": None}     # not steered by the rubrics: every page it can reach
CRAWL_TIMEOUT_S = 3600


def _crawl(db_url: str, sites: dict[str, str], budget: int, extra: dict, settings: dict) -> tuple[int, float]:
    """Register the sites (cvegeo -> URL), crawl them in one run; (run id, seconds)."""
    engine = service.open_store(db_url)
    with session_scope(engine) as session:
        for cvegeo, url in sites.items():
            muni = session.get(Municipality, cvegeo)
            muni.url, muni.enabled = url, True
    engine.dispose()
    options = CrawlOptions(allow_private=True, page_budget=budget, render="auto", settings={**settings, **extra})
    crawled = service.crawl(db_url, list(sites), options, label=f"verdicts-{budget}",
                            launch=partial(crawl_in_subprocess, timeout=CRAWL_TIMEOUT_S))
    return crawled.run_id, crawled.seconds


def _audited(db_url: str, run_id: int, rubric) -> dict[str, dict[str, Any]]:
    """cvegeo -> (export municipality, crawl facts) after auditing the run."""
    engine = service.open_store(db_url)
    service.audit_run(engine, run_id, rubric)
    document = service.export_document(engine, run_id, rubric)
    with session_scope(engine) as session:
        facts = {s.cvegeo: dict(s.facts or {}) for s in session.query(SiteCrawl).filter_by(run_id=run_id)}
        seconds = {s.cvegeo: round((s.finished_at - s.started_at).total_seconds(), 1)
                   if s.finished_at and s.started_at else None
                   for s in session.query(SiteCrawl).filter_by(run_id=run_id)}
    engine.dispose()
    return {m["cvegeo"]: {"doc": m, "facts": facts.get(m["cvegeo"], {}), "seconds": seconds.get(m["cvegeo"])}
            for m in document["municipalities"]}


def _verdicts(doc: dict, modes: dict[str, str]) -> dict[str, tuple[str, float]]:
    return {c["id"]: (c["status"], c["points"]) for c in doc["criteria"] if modes.get(c["id"]) == "auto"}


def _evidence_pages(doc: dict) -> int:
    return len({e.get("found_on") or e.get("url") for c in doc["criteria"] for e in c.get("evidence") or []})


def _requests(facts: dict) -> dict[str, int]:
    counted = Counter({k: int(v) for k, v in (facts.get("requests") or {}).items()})
    return {"html": counted["html"], "rendered": counted["rendered"], "files": counted["files"],
            "robots_sitemaps": counted["robots"] + counted["sitemaps"], "probe": counted["probe"],
            "platform_api": counted["api"], "total": sum(counted.values())}


def compare(reference: dict, default: dict, modes: dict[str, str], names: dict[str, tuple[str, str]]) -> dict:
    """Per-site and total comparison of the two crawls."""
    sites, totals = [], {"default": Counter(), "reference": Counter(), "evidence_pages": 0, "identical": 0}
    for cvegeo, (site, source) in names.items():
        ref, cur = reference[cvegeo], default[cvegeo]
        ref_v, cur_v = _verdicts(ref["doc"], modes), _verdicts(cur["doc"], modes)
        differing = sorted(k for k in ref_v if ref_v[k] != cur_v.get(k))
        req_ref, req_cur = _requests(ref["facts"]), _requests(cur["facts"])
        evidence = _evidence_pages(cur["doc"])
        sites.append({
            "site": site, "source": source, "cvegeo": cvegeo, "crawl_status": cur["doc"]["crawl"]["status"],
            "stopped": cur["facts"].get("stop_reason"), "requests": req_cur, "reference_requests": req_ref,
            "seconds": cur.get("seconds"), "reference_seconds": ref.get("seconds"),
            "wanted_at_end": cur["facts"].get("wanted_at_end"),
            "evidence_pages": evidence, "efficiency": round(evidence / req_cur["total"], 3) if req_cur["total"] else None,
            "reference_efficiency": round(_evidence_pages(ref["doc"]) / req_ref["total"], 3) if req_ref["total"] else None,
            "verdicts_identical": not differing, "differing": [
                {"criterion": k, "reference": ref_v[k], "default": cur_v.get(k)} for k in differing]})
        totals["default"].update(req_cur)
        totals["reference"].update(req_ref)
        totals["evidence_pages"] += evidence
        totals["identical"] += not differing
    total_requests = totals["default"]["total"]
    return {"sites": sites, "totals": {
        "sites": len(sites), "verdicts_identical": totals["identical"],
        "requests": dict(totals["default"]), "reference_requests": dict(totals["reference"]),
        "evidence_pages": totals["evidence_pages"],
        "efficiency": round(totals["evidence_pages"] / total_requests, 3) if total_requests else None}}


def run(corpus: Path, national: int, reference_budget: int) -> dict[str, Any]:
    rubric = service.load_rubric("aidh-2016")
    modes = {c.id: c.mode for c in rubric.criteria}
    labels = {site: load_labels(corpus, site) for site in sites_in(corpus)} if corpus.is_dir() else {}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        urls: dict[str, str] = {}
        names: dict[str, tuple[str, str]] = {}
        for site, label in labels.items():
            cvegeo = str(label["municipality"]["cvegeo"])
            urls[cvegeo] = stack.enter_context(serve_site(corpus, site)) + label["entry"]
            names[cvegeo] = (site, "corpus")
        sample = stack.enter_context(serve_sample_web(delay_s=30.0, today=date.today()))
        for sid in sample:
            urls[sample.sites[sid].cvegeo] = sample.entry_url(sid)
            names[sample.sites[sid].cvegeo] = (sid, "sample")
        settings = {**SPIDER_SETTINGS, **DEMO_SETTINGS}
        if national:
            web = stack.enter_context(serve_national_web(sites=national * 2, fault_share=0.0))
            picked = [c for c in web.plans if c not in urls][:national]
            for cvegeo in picked:
                urls[cvegeo] = web.url(cvegeo)
                names[cvegeo] = (web.plans[cvegeo].host, "national")
            settings.update(web.crawl_settings())
        results, seconds = {}, {}
        for name, budget, extra in (("reference", reference_budget, REFERENCE_SETTINGS),
                                    ("default", DEFAULT_BUDGET, {})):
            db_url = f"sqlite:///{tmp}/{name}.sqlite"
            engine = service.open_store(db_url)
            register_sample_sites(engine, {sid: sample.entry_url(sid) for sid in sample})
            register_corpus_sites(engine, {c: u for c, u in urls.items() if names[c][1] == "corpus"})
            engine.dispose()
            run_id, seconds[name] = _crawl(db_url, urls, budget, extra, settings)
            results[name] = _audited(db_url, run_id, rubric)
    report = compare(results["reference"], results["default"], modes, names)
    report["totals"]["seconds"] = {k: round(v, 1) for k, v in seconds.items()}
    ref_total = report["totals"]["reference_requests"].get("total") or 0
    report["totals"]["requests_vs_reference"] = round(report["totals"]["requests"].get("total", 0) / ref_total, 3) \
        if ref_total else None
    report["git_commit"] = git_commit()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--national", type=int, default=20, help="sites of the simulated national web (0: none)")
    parser.add_argument("--reference-budget", type=int, default=3000, help="page budget of the reference crawl")
    parser.add_argument("--out", type=Path, help="also write the JSON to this file")
    args = parser.parse_args(argv)
    print(service.write_json(run(args.corpus, args.national, args.reference_budget), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
