"""Speed of crawler.extract.extract_page on every HTML page of the corpus and the sample web. Prints JSON.

    python -m benchmarks.extract_speed [--repeats N] [--profile N]

Loads every .html/.php file of ../shared/corpus/sites/* (when present) and muniaudit/sampleweb/sites/*,
extracts each with a PageContext (url http://127.0.0.1:8000/<path>, site_hosts {127.0.0.1}, is_home for the
site's root index page) and reports milliseconds per page. `digest` is the sha256 of the sorted
(page, kind, url, sorted data items, on_home) of every signal, so an optimisation can prove that results are
unchanged; `full_digest` also covers snippets and diagnostics. `--profile N` prints the top N cProfile
functions (by cumulative time) of one pass to stderr.
"""
from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

from crawler.extract import extract_page
from crawler.extract.types import Extraction, PageContext

ROOT = Path(__file__).resolve().parent.parent
SITE_DIRS = [ROOT.parent / "shared" / "corpus" / "sites", ROOT / "muniaudit" / "sampleweb" / "sites"]
HOSTS = frozenset({"127.0.0.1"})
HOME_FILES = ("index.html", "index.php")


def load_pages() -> list[tuple[str, PageContext, bytes]]:
    """(name, context, html bytes) for every page, in a stable order."""
    pages = []
    for base in SITE_DIRS:
        if not base.is_dir():
            continue
        for site in sorted(p for p in base.iterdir() if p.is_dir()):
            for path in sorted(site.rglob("*")):
                if not path.is_file() or path.suffix.lower() not in (".html", ".php"):
                    continue
                rel = path.relative_to(site).as_posix()
                ctx = PageContext(url=f"http://127.0.0.1:8000/{rel}", site_hosts=HOSTS, is_home=rel in HOME_FILES)
                pages.append((f"{base.parent.name}/{site.name}/{rel}", ctx, path.read_bytes()))
    return pages


def _items(data: dict) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in data.items()))


def digests(results: dict[str, Extraction]) -> tuple[str, str]:
    """(signal digest, full digest incl. snippets and diagnostics) of all extractions."""
    signals, full = [], []
    for name, out in results.items():
        for s in out.signals:
            signals.append((name, s.kind, s.url, _items(s.data), s.on_home))
            full.append(("s", name, s.kind, s.url, s.found_on, _items(s.data), s.on_home, s.snippet))
        for d in out.diagnostics:
            full.append(("d", name, d.kind, d.url, d.found_on, d.reason, _items(d.data)))
    return (hashlib.sha256(repr(sorted(signals)).encode()).hexdigest(),
            hashlib.sha256(repr(sorted(full)).encode()).hexdigest())


def run(pages, repeats: int = 1) -> tuple[dict[str, Extraction], list[float]]:
    """Extract every page `repeats` times; best time per page."""
    results: dict[str, Extraction] = {}
    best = [float("inf")] * len(pages)
    for _ in range(repeats):
        for i, (name, ctx, html) in enumerate(pages):
            start = time.perf_counter()
            results[name] = extract_page(html, ctx, {})
            best[i] = min(best[i], time.perf_counter() - start)
    return results, best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1, help="passes over all pages; best time per page kept")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print top N cProfile entries")
    args = parser.parse_args(argv)

    pages = load_pages()
    extract_page(pages[0][2], pages[0][1], {})  # warm-up: lazy imports (dateparser, textstat)
    results, times = run(pages, args.repeats)
    ms = sorted(t * 1000 for t in times)
    digest, full_digest = digests(results)
    print(json.dumps({
        "pages": len(pages), "signals": sum(len(r.signals) for r in results.values()),
        "total_seconds": round(sum(times), 3),
        "ms_per_page": {"mean": round(statistics.fmean(ms), 2), "p50": round(ms[len(ms) // 2], 2),
                        "p95": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 2), "max": round(ms[-1], 2)},
        "digest": digest, "full_digest": full_digest,
    }, indent=2))
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run(pages)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(args.profile)
        print(out.getvalue(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
