"""National-scale run on the simulated national web: the project's real crawl + audit against ground truth,
and a plain Scrapy CrawlSpider over the same web for a throughput baseline. Prints JSON.

    python -m benchmarks.national_run [--sites 2478] [--pages 50] [--seed 2016] [--pg] [--latency 0]

Targets (docs/national-scale.md): the run completes, peak child memory < 1.5 GB, detection accuracy >= 0.95,
project pages/s >= 70% of the plain spider's.
"""
from __future__ import annotations

import argparse
import json
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from muniaudit.nationalweb.run import FAST_SETTINGS, audit_against_truth, crawl_national
from muniaudit.nationalweb.server import NationalWeb, serve_national_web

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NATIONAL_SITES = 2478
# The crawler's own politeness (crawler/settings.py), which --production restores over the benchmark's fast
# settings: a delay and AutoThrottle per site, two requests in flight per site; CONCURRENT_REQUESTS / 2 sites at
# once.
PRODUCTION_SETTINGS = {
    "DOWNLOAD_DELAY": 0.25, "AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_START_DELAY": 0.5,
    "AUTOTHROTTLE_MAX_DELAY": 10, "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.5, "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "CONCURRENT_REQUESTS": 64, "DOWNLOAD_TIMEOUT": 30,
}
TARGETS = {"max_peak_memory_mb": 1536, "min_accuracy": 0.95, "min_speed_ratio": 0.70}


def plain_settings(web: NationalWeb) -> dict:
    """The plain spider's settings: the same speed settings and resolver, Scrapy defaults otherwise."""
    return {**FAST_SETTINGS, **web.crawl_settings(), "ROBOTSTXT_OBEY": True, "COOKIES_ENABLED": False,
            "TELNETCONSOLE_ENABLED": False, "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
            "USER_AGENT": "muniaudit-benchmark-plain/1.0"}


def plain_child(args: dict) -> None:
    """In a child process: a CrawlSpider that follows every in-domain link and extracts nothing."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.linkextractors import LinkExtractor
    from scrapy.spiders import CrawlSpider, Rule

    class PlainSpider(CrawlSpider):
        name = "plain"
        start_urls = args["start_urls"]
        allowed_domains = args["domains"]
        rules = (Rule(LinkExtractor(), follow=True),)

    process = CrawlerProcess(args["settings"])
    crawler = process.create_crawler(PlainSpider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    elapsed = (stats["finish_time"] - stats["start_time"]).total_seconds()
    Path(args["out"]).write_text(json.dumps({
        "responses": stats.get("response_received_count", 0), "seconds": elapsed,
        "items": stats.get("item_scraped_count", 0)}), encoding="utf-8")


def run_plain(web: NationalWeb, tmp: Path, timeout: float | None, extra: dict | None = None) -> dict:
    out = tmp / "plain.json"
    payload = {"start_urls": list(web.start_urls().values()), "domains": [p.host for p in web.plans.values()],
               "settings": {**plain_settings(web), **(extra or {})}, "out": str(out)}
    args_file = tmp / "plain-args.json"          # 2,478 URLs do not fit in one command-line argument
    args_file.write_text(json.dumps(payload), encoding="utf-8")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "benchmarks.national_run", "--plain-child", str(args_file)],
                   timeout=timeout, check=True)
    result = json.loads(out.read_text(encoding="utf-8"))
    result["wall_seconds"] = time.perf_counter() - started
    return result


@contextmanager
def scratch_db(use_pg: bool, tmp: Path):
    if not use_pg:
        yield f"sqlite:///{tmp / 'national.sqlite'}"
        return
    from sqlalchemy import create_engine, text

    admin = create_engine(PG_URL)
    schema = f"national_{secrets.token_hex(4)}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def child_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def child_peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def national_run(sites: int | None, pages: int, seed: int, use_pg: bool, latency: float, fault_share: float,
                 timeout: float | None = None, skip_plain: bool = False, extra: dict | None = None,
                 plain_extra: dict | None = None) -> dict:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="muniaudit-national-") as tmpdir, \
            serve_national_web(sites, seed=seed, fault_share=fault_share, latency_s=latency, hang_s=30) as web:
        tmp = Path(tmpdir)
        with scratch_db(use_pg, tmp) as db_url:
            cpu_before = child_cpu_seconds()
            crawl = crawl_national(web, db_url, page_budget=pages, settings=extra, timeout=timeout)
            project_cpu = child_cpu_seconds() - cpu_before
            project_peak = child_peak_mb()
            audit_started = time.perf_counter()
            accuracy = audit_against_truth(web, db_url, crawl.run_id)
            audit_seconds = time.perf_counter() - audit_started
        print("national_run project phase:", json.dumps({**crawl.__dict__, "peak_mb": project_peak,
              "cpu_seconds": round(project_cpu, 1), "accuracy": accuracy.as_dict(0)}), file=sys.stderr, flush=True)
        cpu_before = child_cpu_seconds()
        plain = None if skip_plain else run_plain(web, tmp, timeout, plain_extra)
        plain_cpu = child_cpu_seconds() - cpu_before
    project_rate = crawl.responses / crawl.seconds if crawl.seconds else 0.0
    result = {
        "sites": len(web.plans), "faulty_sites": sum(p.fault is not None for p in web.plans.values()),
        "page_budget": pages, "seed": seed, "extra_settings": extra or {}, "plain_extra_settings": plain_extra or {},
        "store": "postgresql" if use_pg else "sqlite", "latency_s": latency,
        "project": {"wall_seconds": round(crawl.seconds, 1), "responses": crawl.responses, "pages_stored": crawl.pages,
                    "pages_per_second": round(project_rate, 1), "returncode": crawl.returncode,
                    "cpu_seconds": round(project_cpu, 1),
                    "site_statuses": crawl.site_statuses, "audit_seconds": round(audit_seconds, 1),
                    "peak_memory_mb": project_peak},
        "detection": accuracy.as_dict(),
        "total_wall_seconds": round(time.perf_counter() - started, 1),
        "benchmark_process_peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    if plain is not None:
        plain_rate = plain["responses"] / plain["wall_seconds"]     # child-process wall time, as for the project
        result["plain_scrapy"] = {"wall_seconds": round(plain["wall_seconds"], 1), "responses": plain["responses"],
                                  "pages_per_second": round(plain_rate, 1), "cpu_seconds": round(plain_cpu, 1)}
        result["speed_ratio"] = round(project_rate / plain_rate, 3) if plain_rate else None
    result["peak_child_memory_mb"] = child_peak_mb()
    result["targets"] = {
        "completed": crawl.returncode == 0 and set(crawl.site_statuses) <= {"ok", "partial", "unreachable", "blocked"},
        "memory_ok": result["peak_child_memory_mb"] < TARGETS["max_peak_memory_mb"],
        "accuracy_ok": accuracy.value >= TARGETS["min_accuracy"],
        "speed_ok": None if plain is None else (result["speed_ratio"] or 0) >= TARGETS["min_speed_ratio"],
    }
    return result


def _setting(text: str) -> tuple[str, object]:
    key, _, raw = text.partition("=")
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=None, help="number of sites (default: all 2,478)")
    ap.add_argument("--pages", type=int, default=50, help="page budget per site")
    ap.add_argument("--seed", type=int, default=2016)
    ap.add_argument("--pg", action="store_true", help=f"store in a fresh schema of {PG_URL}")
    ap.add_argument("--latency", type=float, default=0.0, help="seconds the server sleeps before each answer")
    ap.add_argument("--fault-share", type=float, default=0.06, help="share of sites that 500, hang or reset")
    ap.add_argument("--skip-plain", action="store_true", help="do not run the plain Scrapy baseline")
    ap.add_argument("--plain-only", action="store_true", help="only the plain Scrapy baseline")
    ap.add_argument("--timeout", type=float, default=None, help="seconds allowed for each crawl")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="extra Scrapy setting for the project crawl (VALUE read as JSON when it parses)")
    ap.add_argument("--plain-set", action="append", default=[], metavar="KEY=VALUE",
                    help="extra Scrapy setting for the plain baseline (e.g. CONCURRENT_ITEMS=4, as the project uses)")
    ap.add_argument("--production", action="store_true",
                    help="the crawler's own politeness (delay, AutoThrottle, 2 per site, 32 sites at once) and "
                         "its 300-page budget, with a projection of the national run's time")
    ap.add_argument("--plain-child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.plain_child:
        return plain_child(json.loads(Path(args.plain_child).read_text(encoding="utf-8")))
    if args.plain_only:
        with tempfile.TemporaryDirectory(prefix="muniaudit-national-") as tmp, serve_national_web(
                args.sites, seed=args.seed, fault_share=args.fault_share, latency_s=args.latency, hang_s=30) as web:
            plain = run_plain(web, Path(tmp), args.timeout, dict(_setting(s) for s in args.plain_set))
        plain["pages_per_second"] = round(plain["responses"] / plain["wall_seconds"], 1)
        print(json.dumps({"sites": len(web.plans), "plain_scrapy": plain, "peak_child_memory_mb": child_peak_mb(),
                          "cpu_seconds": round(child_cpu_seconds(), 1)}, indent=2))
        return None
    extra = dict(_setting(s) for s in args.set)
    pages = args.pages
    if args.production:
        extra = {**PRODUCTION_SETTINGS, **extra}
        pages = 300 if pages == 50 else pages
    result = national_run(args.sites, pages, args.seed, args.pg, args.latency, args.fault_share,
                          args.timeout, args.skip_plain or args.production, extra,
                          dict(_setting(s) for s in args.plain_set))
    if args.production:
        result["projection"] = projection(result)
    print(json.dumps(result, indent=2, ensure_ascii=False))


def projection(result: dict) -> dict:
    """The national run's time from a sample's: sites are crawled CONCURRENT_REQUESTS / 2 at a time, so the
    time scales with the number of sites (measured, not computed from assumed per-request times)."""
    seconds = result["project"]["wall_seconds"] * NATIONAL_SITES / max(result["sites"], 1)
    return {"national_sites": NATIONAL_SITES, "sample_sites": result["sites"], "latency_s": result["latency_s"],
            "projected_seconds": round(seconds), "projected_hours": round(seconds / 3600, 2)}


if __name__ == "__main__":
    main()
