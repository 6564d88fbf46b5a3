"""Re-audit benchmark: score synthetic evidence for every Mexican municipality (2,478) with a rubric.

    python -m benchmarks.reaudit [--n 2478] [--seed 2016] [--rubric aidh-2016]

Prints JSON. `reaudit(rubric, evidences)` takes any iterable of Evidence, so a store-backed run can reuse it.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from audit.engine import score
from audit.evidence import Evidence, EvidenceSignal, Review
from audit.loader import builtin_rubric_path, load_rubric
from audit.schema import Rubric

MUNICIPALITIES = 2478
TARGET_SECONDS = 30.0
CRAWLED_AT = datetime(2025, 6, 1, 6, 0)
CRAWL_STATUS_WEIGHTS = {"ok": 0.78, "partial": 0.1, "unreachable": 0.06, "blocked": 0.02, "no_url": 0.04}
FORMATS = ("csv", "xlsx", "json", "pdf", "pdf", "pdf", "docx", "jpg", "zip")


@dataclass
class ReauditStats:
    municipalities: int = 0
    seconds: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)
    scores: list[float] = field(default_factory=list)
    signals: int = 0

    def as_dict(self) -> dict[str, Any]:
        scores = self.scores or [0.0]
        return {
            "municipalities": self.municipalities, "signals": self.signals, "score_seconds": round(self.seconds, 3),
            "ms_per_municipality": round(1000 * self.seconds / max(self.municipalities, 1), 3),
            "statuses": dict(sorted(self.statuses.items())),
            "score": {"mean": round(statistics.fmean(scores), 2), "median": round(statistics.median(scores), 2),
                      "min": min(scores), "max": max(scores), "scored": len(self.scores)},
        }


def reaudit(rubric: Rubric, evidences: Iterable[Evidence], code_version: str = "bench") -> ReauditStats:
    """Score every evidence and collect timing and distribution figures (results are not kept)."""
    stats = ReauditStats()
    started = time.perf_counter()
    for evidence in evidences:
        result = score(rubric, evidence, code_version=code_version)
        stats.municipalities += 1
        stats.signals += len(evidence.signals)
        stats.statuses[result.status] += 1
        if result.score is not None:
            stats.scores.append(result.score)
    stats.seconds = time.perf_counter() - started
    return stats


def synthetic_evidence(n: int = MUNICIPALITIES, seed: int = 2016) -> Iterator[Evidence]:
    """Deterministic synthetic evidence: a random mix of open-government maturity per municipality."""
    rng = random.Random(seed)
    for i in range(n):
        yield _one(rng, f"{1 + i % 32:02d}{1 + i // 32:03d}")


def _one(rng: random.Random, cvegeo: str) -> Evidence:
    status = rng.choices(list(CRAWL_STATUS_WEIGHTS), weights=list(CRAWL_STATUS_WEIGHTS.values()))[0]
    evidence = Evidence(cvegeo=cvegeo, crawl_status=status, crawled_at=CRAWLED_AT,
                        pages_seen=rng.randint(1, 400), pages_needing_render=rng.choice((0, 0, 0, 0, 2)))
    if status in ("unreachable", "blocked", "no_url"):
        return evidence
    maturity = rng.random()
    home = f"https://www.m{cvegeo}.gob.mx/"
    add = evidence.signals.append

    def s(signal_kind: str, path: str, on_home: bool = False, /, **data: Any) -> None:
        add(EvidenceSignal(signal_kind, home + path, home, on_home, data, snippet=path[:40], captured_at=CRAWLED_AT))

    for platform in ("facebook", "x", "instagram", "youtube"):
        if rng.random() < 0.9 - 0.2 * (platform == "instagram"):
            s("social_profile", platform, True, platform=platform, handle=cvegeo, identity=f"{platform}:{cvegeo}")
    if rng.random() < 0.6:
        s("video_channel", "video", True, platform="youtube", kind="channel", identity=f"youtube:{cvegeo}")
    if rng.random() < 0.4:
        s("mayor_profile", "alcalde", False, platform="facebook", handle="alcalde" + cvegeo)
    s("transparency_section", "transparencia", rng.random() < 0.8, target="site", label="Transparencia")
    s("contact", "contacto", True, type="phone", value="000", participation_related=rng.random() < 0.2 * maturity)
    s("responsive", "", True, viewport=rng.random() < 0.8)
    for kind, chance in (("communication_tool", 0.5), ("participation", 0.4), ("citizen_report_tool", 0.3),
                         ("citizen_evaluation", 0.2), ("mobile_app", 0.1 * maturity)):
        if rng.random() < chance * (0.5 + maturity):
            s(kind, kind, rng.random() < 0.6, type="form")
    if maturity > 0.55:
        _data_section(rng, s, maturity)
    for day in rng.sample(range(1, 400), rng.randint(0, 4)):
        s("update_date", f"p{day}", False, date=(CRAWLED_AT - timedelta(days=day)).date().isoformat(),
          source="page_text", scope="page")
    if rng.random() < 0.3 * maturity:
        evidence.reviews["j_util_para_decidir"] = Review("j_util_para_decidir", rng.choice(("pass", "fail")),
                                                         "bench", CRAWLED_AT + timedelta(days=3))
    return evidence


def _data_section(rng: random.Random, s: Any, maturity: float) -> None:
    s("open_data_section", "datos", rng.random() < maturity, label="Datos abiertos", depth=rng.choice((0, 1, 2)))
    topics = ["finanzas", "obras", "seguridad", "servicios", "salud"][: rng.randint(1, 5)]
    for j in range(rng.randint(1, int(40 * maturity) + 1)):
        fmt = rng.choice(FORMATS)
        topic = rng.choice(topics)
        s("dataset", f"datos/{j}.{fmt}", False, format=fmt, machine_readable=fmt in ("csv", "xlsx", "json"),
          in_data_section=True, collection=f"{topic}-{j % 4}", topic=topic)
    for scope in ("data_section", "dataset"):
        days = rng.randint(0, int(400 * (1.1 - maturity)))
        s("update_date", f"datos/{scope}", False, date=(CRAWLED_AT - timedelta(days=days)).date().isoformat(),
          source="page_text", scope=scope)
    if rng.random() < maturity:
        s("search_tool", "datos/buscar", False, scope="data_section", dynamic=rng.random() < 0.7)
    s("clarity", "datos", False, readability=rng.uniform(30, 85), scanned_pdf_share=rng.random() * 0.5)


def store_reaudit(rubric: Rubric, evidences: list[Evidence], db_url: str) -> dict[str, float]:
    """Write the evidence into a real store as one crawl run, then time `muniaudit audit` on it
    (load evidence and reviews from the DB, score, replace the stored results)."""
    from muniaudit import service
    from muniaudit.registry import bundled_rows
    from store.db import session_scope
    from store.models import Municipality, SignalRow, SiteCrawl
    from store.runs import create_run

    engine = service.open_store(db_url)
    keys = [r["cvegeo"] for r in bundled_rows()][: len(evidences)]
    started = time.perf_counter()
    with session_scope(engine) as session:
        for key in keys:
            session.get(Municipality, key).url = f"https://www.m{key}.gob.mx/"
        run_id = create_run(session, keys, "bench")
        sites = {s.cvegeo: s for s in session.query(SiteCrawl).filter(SiteCrawl.run_id == run_id)}
        for key, ev in zip(keys, evidences, strict=True):
            site = sites[key]
            site.status, site.finished_at, site.pages_seen = ev.crawl_status, ev.crawled_at, ev.pages_seen
            session.add_all(SignalRow(site_crawl_id=site.id, kind=x.kind, url=x.url, found_on=x.found_on,
                                      on_home=x.on_home, data=x.data, snippet=x.snippet, captured_at=ev.crawled_at)
                            for x in ev.signals)
    write_seconds = time.perf_counter() - started
    timings = {"store_write_seconds": round(write_seconds, 3)}
    for attempt in ("first", "again"):     # "again" replaces stored results, as a rubric change would
        started = time.perf_counter()
        summary = service.audit_run(engine, run_id, rubric)
        timings[f"store_reaudit_{attempt}_seconds"] = round(time.perf_counter() - started, 3)
    timings["store_audited"] = summary.audited
    engine.dispose()
    return timings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=MUNICIPALITIES)
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--rubric", default="aidh-2016")
    parser.add_argument("--store", metavar="DB_URL", default=None,
                        help="also re-audit from a real store (e.g. sqlite:////tmp/bench.sqlite, a fresh file)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rubric = load_rubric(builtin_rubric_path(args.rubric))
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    evidences = list(synthetic_evidence(args.n, args.seed))
    build_seconds = time.perf_counter() - started
    stats = reaudit(rubric, evidences)
    total = load_seconds + build_seconds + stats.seconds
    store = store_reaudit(rubric, evidences, args.store) if args.store else {}
    print(json.dumps({
        "benchmark": "reaudit", "rubric": rubric.id, "rubric_version": rubric.version, "seed": args.seed,
        "rubric_load_seconds": round(load_seconds, 3), "build_seconds": round(build_seconds, 3),
        **stats.as_dict(), "total_seconds": round(total, 3), "target_seconds": TARGET_SECONDS,
        "within_target": total < TARGET_SECONDS, **store,
        **({"store_within_target": store["store_reaudit_again_seconds"] < TARGET_SECONDS} if store else {}),
    }, indent=2))


if __name__ == "__main__":
    main()
