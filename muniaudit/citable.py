"""Citable runs: each run's report stays at `corridas/<label>/` inside the report folder, beside the latest one.

The top of the report folder is still the latest publication (existing links keep working); every publication
also carries the earlier runs' folders, so a citation's address keeps showing what was cited. All of this
happens inside the staging folder of muniaudit.publish, so a failed render never leaves a half-written month.
Earlier runs are carried over as hard links (no copy, no extra space; published files are never rewritten in
place), with a plain copy where the filesystem has no hard links.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from reports.citation import RUNS_FOLDER, run_slug
from reports.render import render_forward, render_run_index

RUN_MANIFEST = "run.json"      # in each run's folder: which run it is (id, label, rubric, generated_at)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _manifest(folder: Path) -> dict:
    try:
        data = json.loads((folder / RUN_MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def run_folder(published: Path, label: str, run_id: int) -> str:
    """The run's folder, relative to the report folder (corridas/2026-11/). A label another run already holds
    there gets the run id appended (corridas/2026-11-run7/): a published month is never replaced by another run."""
    slug = run_slug(label, run_id)
    existing = published / RUNS_FOLDER / slug
    if existing.is_dir() and _manifest(existing).get("id") not in (None, run_id):
        slug = f"{slug}-run{run_id}"
    return f"{RUNS_FOLDER}/{slug}/"


def carry_earlier_runs(published: Path, staging: Path, this_run: str) -> list[str]:
    """Link the earlier runs' folders of the current publication into the new one (except this run's own, which
    is rendered afresh); returns their names."""
    source = published / RUNS_FOLDER
    if not source.is_dir():
        return []
    own = this_run.rstrip("/").rsplit("/", 1)[-1]
    kept = []
    for entry in sorted(source.iterdir()):
        if entry.name == own or entry.name.startswith(".") or not entry.is_dir() or entry.is_symlink():
            continue
        shutil.copytree(entry, staging / RUNS_FOLDER / entry.name, copy_function=_link_or_copy, symlinks=True)
        kept.append(entry.name)
    return kept


def snapshot_run(staging: Path, this_run: str, manifest: dict) -> Path:
    """Make the report just rendered at the top of `staging` also this run's folder (hard links)."""
    target = staging / this_run
    target.mkdir(parents=True, exist_ok=True)
    for entry in sorted(staging.iterdir()):
        if entry.name == RUNS_FOLDER:
            continue
        if entry.is_dir():
            shutil.copytree(entry, target / entry.name, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(entry), str(target / entry.name))
    (target / RUN_MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    # the run's pages are the latest report's files, so their footer link to corridas/index.html stays inside the
    # run's folder: a forwarding page there sends the reader on to the real list
    render_forward(target, f"{RUNS_FOLDER}/index.html", "../../index.html", manifest.get("lang") or "es")
    return target


def write_run_index(staging: Path, lang: str = "es") -> Path:
    """corridas/index.html: every run folder of the publication, newest first, from their run.json."""
    folder = staging / RUNS_FOLDER
    runs = [(entry.name, _manifest(entry)) for entry in (folder.iterdir() if folder.is_dir() else ())
            if entry.is_dir() and not entry.name.startswith(".")]
    runs.sort(key=lambda r: (str(r[1].get("generated_at") or ""), r[0]), reverse=True)
    return render_run_index(staging, runs, lang)
