"""Score the hard-negative fixture sites (tests/fixtures/detection) with whatever code is checked out. Prints JSON.

    python -m benchmarks.detection_fixtures

Each case is read in-process (no network; tests/unit/test_detection_fixtures.py reads the cases the same
way), and every detection the audit would count is compared with the case's labels: false positives, false
negatives, sections not reachable from the home page, contact e-mails, collections. The script only uses interfaces that older versions of the code
also had, so the same file shows how an earlier commit did on the same fixtures:

    git worktree add /tmp/antes 8be11c6
    cp -r tests/fixtures/detection /tmp/antes/tests/fixtures/ && cp benchmarks/detection_fixtures.py /tmp/antes/benchmarks/
    (cd /tmp/antes && python -m benchmarks.detection_fixtures)
"""
from __future__ import annotations

import inspect
import json
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from benchmarks.accuracy import _matches, label_key
from crawler import faults
from crawler.extract import extract_page, finalize_site, urls
from crawler.extract.dom import parse
from crawler.extract.types import PageContext

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "detection"
KINDS = ("social_profile", "mobile_app", "open_data_section", "transparency_section", "citizen_report_tool",
         "communication_tool", "participation")
FILES = ("pdf", "xlsx", "xls", "csv", "zip", "jpg", "png", "css", "js", "doc", "docx")


def _counted(signal) -> bool:
    """Would the audit count it? (Code without grading counts every signal.)"""
    try:
        from crawler.extract.site import counted
    except ImportError:
        return True
    return counted(signal)


CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "labels.yaml").exists())


@dataclass
class FixtureSite:
    """What reading one case gave: its labels, its base URL and the finalized signals."""

    labels: dict
    base: str
    signals: list


def load_labels(case: str) -> dict:
    return yaml.safe_load((FIXTURES / case / "labels.yaml").read_text(encoding="utf-8"))


def file_for(case: str, url: str) -> Path | None:
    """The file that answers a URL of the case's site (directory URLs map to their index), else None."""
    root = FIXTURES / case / "site"
    path = unquote(urlsplit(url).path.lstrip("/"))
    candidate = root / path
    if candidate.is_file():
        return candidate
    if candidate.is_dir() or path == "":
        return next((candidate / n for n in ("index.html", "index.htm", "index.php") if (candidate / n).is_file()),
                    None)
    return None


def _context(url: str, hosts: frozenset[str], depth: int, labels: dict) -> PageContext:
    fields = {"url": url, "site_hosts": hosts, "is_home": depth == 0, "depth": depth}
    if "owner" in PageContext.__dataclass_fields__:
        from crawler.extract.ownership import Owner

        muni = labels.get("municipality") or {}
        fields["owner"] = Owner.of(muni.get("name", ""), muni.get("state", ""), [f"https://{labels['host']}/"])
    return PageContext(**fields)


def crawl(case: str) -> FixtureSite:
    """Read one case breadth-first from its entry (links and JS-loader targets, files skipped), extract every page
    and finalize the site's signals (with the pages' facts, where the code takes them)."""
    labels = load_labels(case)
    base = f"https://{labels['host']}"
    hosts = frozenset({labels["host"]})
    statuses = labels.get("status") or {}
    entry = base + labels.get("entry", "/")
    queue, seen, raw, pages = deque([(entry, 0)]), {entry}, [], {}
    while queue:
        url, depth = queue.popleft()
        if urlsplit(url).path in statuses:
            pages[urls.canonical(url)] = {"status": statuses[urlsplit(url).path], "role": None}
            continue
        found = file_for(case, url)
        if found is None:
            continue
        html = found.read_bytes()
        ctx = _context(url, hosts, depth, labels)
        extraction = extract_page(html, ctx)
        raw += extraction.signals
        pages[urls.canonical(url)] = {"status": 200, **getattr(extraction, "page", {})}
        page = parse(html, ctx)
        targets = [link.url for link in page.links if link.url and not urls.is_placeholder(link.raw)]
        targets += [urls.resolve(url, t) for t in faults.js_targets(html.decode("utf-8", "replace"))]
        for target in targets:
            if not target or not page.is_own(target) or urls.file_extension(target) in FILES:
                continue
            target = urls.without_fragment(target)
            if target not in seen:
                seen.add(target)
                queue.append((target, depth + 1))
    if "pages" in inspect.signature(finalize_site).parameters:
        return FixtureSite(labels, base, finalize_site(raw, pages))
    return FixtureSite(labels, base, finalize_site(raw))


def problems(case: str) -> list[str]:
    """What the code gets wrong on one case."""
    site = crawl(case)
    labels, base, signals = site.labels, site.base, site.signals
    out = []
    for kind in KINDS:
        if kind not in labels["signals"]:
            continue
        entries = labels["signals"][kind] or []
        mine = [s for s in signals if s.kind == kind and _counted(s)]
        for signal in mine:
            keys = {urls.canonical(signal.url), urls.canonical(signal.found_on)}
            if not any(_matches(kind, k, label_key(e.get(f) or e["url"], base, e.get("page")))
                       for e in entries for f in ("url", "action") for k in keys if e.get(f)):
                out.append(f"FP {kind}: {signal.url}")
        for entry in (e for e in entries if not e.get("ambiguous")):
            keys = {label_key(entry[f], base, entry.get("page")) for f in ("url", "action") if entry.get(f)}
            hits = [s for s in mine if any(_matches(kind, urls.canonical(x), k)
                                           for x in (s.url, s.found_on) for k in keys)]
            if not hits and file_for(case, urls.resolve(base + "/", entry["url"].lstrip("/")) or "") is not None:
                out.append(f"FN {kind}: {entry['url']}")
            elif hits and entry.get("on_home") and not any(h.on_home for h in hits):
                out.append(f"NOT-ON-HOME {kind}: {entry['url']}")
    expected = {e.lower() for e in (labels["signals"].get("contact") or {}).get("emails") or []}
    emails = {s.data["value"].lower() for s in signals if s.kind == "contact" and s.data.get("type") == "email"}
    if expected != emails:
        out.append(f"EMAILS expected {sorted(expected)} found {sorted(emails)}")
    wanted = (labels["signals"].get("datasets") or {}).get("collections_at_least")
    if wanted:
        names = {str(s.data.get("collection") or s.url) for s in signals
                 if s.kind == "dataset" and s.data.get("in_data_section")}
        if len(names) < wanted:
            out.append(f"COLLECTIONS {len(names)} < {wanted}")
    return out


def main() -> int:
    report: dict[str, Any] = {case: problems(case) for case in CASES}
    json.dump({"cases": len(CASES), "failing": sum(1 for v in report.values() if v), "problems": report},
              sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
