"""What the evidence archive costs: the same crawl of the simulated national web with and without the WARC
archive (interleaved, as ratios in one run), its size on disk, and the time to write the report's archived
views. Prints JSON.

    python -m benchmarks.archive_cost [--sites 100] [--pages 30] [--rounds 2]
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from statistics import median

from muniaudit.nationalweb.run import crawl_national
from muniaudit.nationalweb.server import serve_national_web


def _crawl(web, folder: Path, pages: int, warc: bool) -> dict:
    db_url = f"sqlite:///{folder / 'store.sqlite'}"
    crawl = crawl_national(web, db_url, page_budget=pages, settings={"MUNIAUDIT_WARC": warc}, timeout=1800)
    files = list((folder / "warc").glob("*.warc.gz"))
    return {"seconds": crawl.seconds, "responses": crawl.responses, "pages": crawl.pages,
            "warc_bytes": sum(f.stat().st_size for f in files), "db_url": db_url, "run_id": crawl.run_id}


def _render(db_url: str, run_id: int, out: Path) -> dict:
    """Audit once, then render the report with and without the archived views."""
    from muniaudit import service
    from reports.archive import WarcArchive
    from reports.render import render_site
    from store.db import session_scope
    from store.documents import archive_folders

    engine = service.open_store(db_url)
    rubric = service.load_rubric(None)
    service.audit_run(engine, run_id, rubric)
    document = service.export_document(engine, run_id, rubric)
    with session_scope(engine) as session:
        archive = WarcArchive(archive_folders(session, run_id))
    started = time.perf_counter()
    render_site(document, out / "without", rubric=service.rubric_for_report(rubric))
    without = time.perf_counter() - started
    started = time.perf_counter()
    render_site(document, out / "with", rubric=service.rubric_for_report(rubric), archive=archive)
    with_views = time.perf_counter() - started
    engine.dispose()
    views = list((out / "with" / "archivo").glob("*.html"))
    return {"render_seconds_without_views": round(without, 2), "render_seconds_with_views": round(with_views, 2),
            "views": len(views), "views_bytes": sum(v.stat().st_size for v in views)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sites", type=int, default=100)
    ap.add_argument("--pages", type=int, default=30, help="page budget per site")
    ap.add_argument("--rounds", type=int, default=2, help="crawls of each kind, interleaved")
    ap.add_argument("--seed", type=int, default=2016)
    args = ap.parse_args(argv)
    timings: dict[str, list[float]] = {"on": [], "off": []}
    last: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="muniaudit-archive-cost-") as tmp, \
            serve_national_web(args.sites, seed=args.seed, fault_share=0.0) as web:
        for i in range(args.rounds):
            for kind in (("on", "off") if i % 2 == 0 else ("off", "on")):
                folder = Path(tmp) / f"{kind}-{i}"
                folder.mkdir()
                result = _crawl(web, folder, args.pages, warc=kind == "on")
                timings[kind].append(result["seconds"])
                last[kind] = result
        render = _render(last["on"]["db_url"], last["on"]["run_id"], Path(tmp) / "report")
    on, off = last["on"], last["off"]
    print(json.dumps({
        "sites": args.sites, "page_budget": args.pages, "rounds": args.rounds,
        "crawl_seconds": {k: [round(t, 2) for t in v] for k, v in timings.items()},
        "crawl_seconds_median": {"archive_on": round(median(timings["on"]), 2),
                                 "archive_off": round(median(timings["off"]), 2)},
        "crawl_time_ratio_on_vs_off": round(median(timings["on"]) / median(timings["off"]), 3),
        "responses": {"archive_on": on["responses"], "archive_off": off["responses"]},
        "warc_bytes": on["warc_bytes"], "warc_bytes_per_page_row": round(on["warc_bytes"] / max(on["pages"], 1)),
        **render,
    }, indent=2))


if __name__ == "__main__":
    main()
