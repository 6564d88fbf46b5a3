"""Benchmark: render the whole report site for 2,478 municipalities with twelve months of history.

    python -m benchmarks.report_site [--out DIR] [--months 12] [--limit N]

Prints JSON: generation and render seconds, pages written, output size and peak memory (ru_maxrss). The
earlier runs reach the renderer one at a time, as they are read from the store, so render_seconds includes
building them.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from reports import sample
from reports.render import render_site


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="site folder (default: a temporary folder, removed afterwards)")
    parser.add_argument("--months", type=int, default=12, help="earlier runs in the history")
    parser.add_argument("--limit", type=int, default=None, help="only the first N municipalities")
    parser.add_argument("--no-validate", action="store_true", help="skip JSON Schema validation")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    base = sample.registry(args.limit)
    document = sample.synthetic_run(base, args.months)
    # earlier runs arrive one at a time, as muniaudit.service.history_documents reads them from the store
    history = (sample.synthetic_run(base, month) for month in range(args.months))
    generated = time.perf_counter() - t0
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    with tempfile.TemporaryDirectory(prefix="muniaudit-bench-") as tmp:
        out = args.out or Path(tmp) / "site"
        t1 = time.perf_counter()
        render_site(document, out, history=history, rubric=sample.sample_rubric(), validate=not args.no_validate)
        rendered = time.perf_counter() - t1
        files = [p for p in out.rglob("*") if p.is_file()]
        result = {
            "benchmark": "report_site",
            "municipalities": len(document["municipalities"]),
            "states": len({m["state_code"] for m in document["municipalities"]}),
            "criteria_per_municipality": max(len(m["criteria"]) for m in document["municipalities"]),
            "history_runs": args.months,
            "validated": not args.no_validate,
            "generate_seconds": round(generated, 2),
            "render_seconds": round(rendered, 2),
            "files": len(files),
            "html_pages": sum(p.suffix == ".html" for p in files),
            "site_megabytes": round(sum(p.stat().st_size for p in files) / 1e6, 1),
            "peak_rss_megabytes": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "peak_rss_before_render_megabytes": round(rss_before, 1),  # the current document only
            "target_seconds": 60,
        }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
