"""Crawl speed and memory: the project's crawl against a plain Scrapy CrawlSpider over the same loopback web.

    python -m benchmarks.crawl_speed [--repeats 2] [--no-corpus]

Serves the four real corpus sites (../shared/corpus, when present) and the bundled sample web on 127.0.0.1,
crawls them with both spiders in child processes (politeness delays off for both, at most 16 requests in
flight for both; the project also keeps at most 4 per site), and prints JSON: pages per second, peak memory
of the crawl's process tree, and the ratios. Timings are compared as ratios within one run; absolute numbers
depend on the machine.

"Pages" are HTTP responses, as Scrapy counts them. The project also sends a HEAD or a small ranged GET for
every file a page links (the plain spider's LinkExtractor skips files by extension), so HTML pages per
second are printed too, for the full crawl and for the crawl with file probes off (the plain spider's kind of
work, with full signal extraction).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_ENTRIES = {"terrenate": "/index.html", "implan-queretaro": "/index.html", "huehuetan": "/index.php",
                  "sapas-nicolas-romero": "/index.php"}
SAMPLE_SITES = ["strong", "social_only", "legal_only", "small_town"]
# Same for both spiders: no politeness delays, the same concurrency, robots.txt obeyed, no retries.
COMMON = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS": 16,
          "CONCURRENT_REQUESTS_PER_DOMAIN": 16, "RETRY_ENABLED": False, "LOG_LEVEL": "WARNING",
          "ROBOTSTXT_OBEY": True, "COOKIES_ENABLED": False, "TELNETCONSOLE_ENABLED": False}


@contextmanager
def serve_corpus(corpus: Path = CORPUS, host: str = "127.0.0.1") -> Iterator[dict[str, str]]:
    """Serve every corpus site with the corpus's own serve.py handler; yields site -> entry URL."""
    spec = importlib.util.spec_from_file_location("corpus_serve", corpus / "serve.py")
    serve = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(serve)
    servers, urls = [], {}
    try:
        for site, entry in CORPUS_ENTRIES.items():
            root = corpus / "sites" / site
            if not root.is_dir():
                continue
            server = serve.Server((host, 0), serve.make_handler(str(root), False, True))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
            urls[site] = f"http://{host}:{server.server_address[1]}{entry}"
        yield urls
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@contextmanager
def local_web(with_corpus: bool = True) -> Iterator[dict[str, str]]:
    """The corpus sites (when available) plus the sample web: key -> start URL."""
    from muniaudit.sampleweb.server import serve_sample_web

    with ExitStack() as stack:
        urls: dict[str, str] = {}
        if with_corpus and (CORPUS / "sites").is_dir():
            urls.update(stack.enter_context(serve_corpus()))
        web = stack.enter_context(serve_sample_web(sites=SAMPLE_SITES))
        urls.update({f"sample-{sid}": web.entry_url(sid) for sid in web})
        yield urls


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                total += next(int(ln.split()[1]) * 1024 for ln in fh if ln.startswith("VmRSS:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total


def _run_measured(cmd: list[str], timeout: float = 600) -> tuple[int, int]:
    """Run a command; return (exit code, peak RSS of its process tree in bytes)."""
    proc = subprocess.Popen(cmd, cwd=ROOT)
    peak = 0
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(0.05)
    if proc.poll() is None:
        proc.kill()
    return proc.wait(), peak


class LoopbackOnlyMiddleware:
    """For the plain spider: redirects (meta refresh to webmail.<domain>, ...) must not leave loopback either."""

    def process_request(self, request, spider=None):
        from scrapy.exceptions import IgnoreRequest

        if not request.url.startswith("http://127.0.0.1:"):
            raise IgnoreRequest("off loopback")
        return None


def plain_crawl(urls: dict[str, str], out: Path) -> None:
    """Child process: a plain CrawlSpider following every in-domain link, no extraction; stats to `out`."""
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from scrapy.linkextractors import LinkExtractor
    from scrapy.spiders import CrawlSpider, Rule

    class PlainSpider(CrawlSpider):
        name = "plain"
        allowed_domains = ["127.0.0.1"]
        start_urls = list(urls.values())
        # allowed_domains cannot hold an IP, so keep to loopback here: in-domain links only, no extraction
        rules = (Rule(LinkExtractor(), follow=True,
                      process_links=lambda found: [lk for lk in found if lk.url.startswith("http://127.0.0.1:")]),)

    process = CrawlerProcess({**COMMON, "USER_AGENT": "muniaudit-benchmark (plain)",
                              "DOWNLOADER_MIDDLEWARES": {"benchmarks.crawl_speed.LoopbackOnlyMiddleware": 10},
                              "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor"})
    crawler = process.create_crawler(PlainSpider)
    last = {"html": 0}

    def on_response(response, request, spider=None) -> None:
        last["t"] = datetime.now(UTC)
        last["html"] += b"html" in (response.headers.get("Content-Type") or b"").lower()

    crawler.signals.connect(on_response, signal=signals.response_received)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats()
    # up to the last response: the engine notices it is idle only on its next heartbeat, seconds later
    elapsed = (last["t"] - stats["start_time"]).total_seconds()
    out.write_text(json.dumps({"responses": stats.get("response_received_count", 0), "html": last["html"],
                               "elapsed": elapsed}))


def measure_plain(urls: dict[str, str]) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "plain.json"
        code, peak = _run_measured([sys.executable, "-m", "benchmarks.crawl_speed", "--plain-child",
                                    json.dumps({"urls": urls, "out": str(out)})])
        result = json.loads(out.read_text())
    return {"exit_code": code, "pages": result["responses"], "html_pages": result["html"],
            "seconds": round(result["elapsed"], 2),
            "pages_per_second": round(result["responses"] / result["elapsed"], 1),
            "html_pages_per_second": round(result["html"] / result["elapsed"], 1), "peak_rss_mb": round(peak / 2**20)}


def measure_project(urls: dict[str, str], extract_workers: int, extract: bool = True, probe_files: bool = True) -> dict:
    """The project's crawl through benchmarks.scratch.crawl_sites (real spider, real store), measured from outside."""
    from benchmarks.scratch import crawl_sites
    from crawler.runner import CrawlOptions

    peak = [0]
    done = threading.Event()

    def sample() -> None:   # the crawl runs in a child of this process: watch our own descendants
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(os.getpid()) - _own_rss())
            time.sleep(0.05)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    settings = {**COMMON, "CONCURRENT_REQUESTS_PER_DOMAIN": 4, "MUNIAUDIT_EXTRACT_WORKERS": extract_workers,
                **({} if probe_files else {"MUNIAUDIT_FILE_BUDGET": 0}),
                "MUNIAUDIT_EXTRACT": extract, "MUNIAUDIT_SITE_WINDOW": 8}
    try:
        results = crawl_sites(urls, CrawlOptions(allow_private=True, render="never", settings=settings), timeout=900)
    finally:
        done.set()
        watcher.join()
    stats = results.run_stats["crawls"][-1]
    html_pages = sum(1 for r in results.values() for p in r.pages
                     if p["render_mode"] == "http" and "html" in (p["content_type"] or ""))
    elapsed = stats.get("active_seconds") or stats["elapsed_seconds"]
    return {"exit_code": results.returncode, "extract": extract, "probe_files": probe_files,
            "extract_workers": extract_workers,
            "pages": stats.get("response_received_count", 0), "html_pages": html_pages,
            "seconds": round(elapsed, 2), "pages_per_second": round(stats.get("response_received_count", 0) / elapsed, 1),
            "html_pages_per_second": round(html_pages / elapsed, 1),
            "signals": sum(len(r.signals) for r in results.values()),
            "site_status": {k: r.status for k, r in results.items()}, "peak_rss_mb": round(peak[0] / 2**20)}


def _own_rss() -> int:
    with open("/proc/self/status") as fh:
        return next(int(ln.split()[1]) * 1024 for ln in fh if ln.startswith("VmRSS:"))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=2, help="alternate the two crawls this many times; keep the best")
    ap.add_argument("--no-corpus", action="store_true", help="sample web only")
    ap.add_argument("--extract-workers", type=int, default=-1, help="MUNIAUDIT_EXTRACT_WORKERS for the project crawl")
    ap.add_argument("--plain-child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.plain_child:
        payload = json.loads(args.plain_child)
        return plain_crawl(payload["urls"], Path(payload["out"]))
    with local_web(with_corpus=not args.no_corpus) as urls:
        runs: dict[str, list[dict]] = {"plain": [], "project": [], "project_no_extraction": [],
                                       "project_no_file_probes": []}
        for _ in range(args.repeats):
            runs["plain"].append(measure_plain(urls))
            runs["project"].append(measure_project(urls, args.extract_workers))
            runs["project_no_extraction"].append(measure_project(urls, args.extract_workers, extract=False))
            runs["project_no_file_probes"].append(measure_project(urls, args.extract_workers, probe_files=False))
    best = {name: max(found, key=lambda r: r["pages_per_second"]) for name, found in runs.items()}
    plain_pps = best["plain"]["pages_per_second"]
    print(json.dumps({
        "sites": sorted(urls), "cpus": os.cpu_count(), "repeats": args.repeats,
        "extraction_ms_per_html_page": extraction_cost(),
        "plain_crawlspider": best["plain"], "project_crawl": best["project"],
        "project_crawl_without_extraction": best["project_no_extraction"],
        "project_crawl_without_file_probes": best["project_no_file_probes"],
        "ratio_pages_per_second": round(best["project"]["pages_per_second"] / plain_pps, 2),
        "ratio_pages_per_second_without_extraction": round(
            best["project_no_extraction"]["pages_per_second"] / plain_pps, 2),
        # HTML pages only: the project also HEADs or samples every linked file, which the plain spider skips
        "ratio_html_pages_per_second": round(
            best["project"]["html_pages_per_second"] / best["plain"]["html_pages_per_second"], 2),
        # the same kind of work as the plain spider (pages, no file probes), full extraction
        "ratio_html_pages_per_second_without_file_probes": round(
            best["project_no_file_probes"]["html_pages_per_second"] / best["plain"]["html_pages_per_second"], 2),
        "all_runs_pages_per_second": {name: [r["pages_per_second"] for r in found] for name, found in runs.items()},
    }, indent=2))


def extraction_cost(limit: int = 60) -> float | None:
    """Mean time of crawler.extract.extract_page on corpus pages, in this process (for context)."""
    from crawler.extract import extract_page
    from crawler.extract.types import PageContext

    pages = sorted(p for p in (CORPUS / "sites").rglob("*") if p.suffix in (".html", ".php"))[:limit]
    if not pages:
        return None
    ctx = PageContext(url="http://127.0.0.1/", site_hosts=frozenset({"127.0.0.1"}))
    extract_page(pages[0].read_bytes().decode("utf-8", "replace"), ctx)   # imports and caches, not counted
    started = time.perf_counter()
    for page in pages:
        extract_page(page.read_bytes().decode("utf-8", "replace"), ctx)
    return round((time.perf_counter() - started) / len(pages) * 1000, 1)


if __name__ == "__main__":
    main()
