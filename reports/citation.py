"""How to cite a municipality page: who, what run, which rubric, when, and the page's stable address.

Each run's report is published at `corridas/<run>/` (muniaudit.service.render_reports) beside the latest one at
the top of the report folder, so the address in a citation keeps showing what was cited (docs/operations.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

RUNS_FOLDER = "corridas"
_SLUG_BAD = re.compile(r"[^A-Za-z0-9._-]+")


def run_slug(label: Any, run_id: Any) -> str:
    """A folder name for a run: its label (2026-11) made safe, else run-<id>. Never empty, never a dot path."""
    text = _SLUG_BAD.sub("-", str(label or "")).strip("-.")[:60]
    if not text:
        return f"run-{int(run_id)}" if isinstance(run_id, int) else "run"
    return text


def run_path(label: Any, run_id: Any) -> str:
    """The run's folder inside the report folder, with a trailing slash: corridas/2026-11/."""
    return f"{RUNS_FOLDER}/{run_slug(label, run_id)}/"


@dataclass(frozen=True)
class CitationSettings:
    """What the publisher knows: its organisation, the public address of the report folder, and the folder this
    run is published at (None when the report is rendered without one: the citation then gives the page's own
    address, which the next run replaces)."""

    organization: str = ""
    base_url: str = ""
    run_folder: str | None = None

    def url(self, page: str) -> str:
        path = (self.run_folder or "") + page
        if not self.base_url:
            return path
        return self.base_url.rstrip("/") + "/" + path


def _year(value: Any) -> str:
    try:
        return str(datetime.fromisoformat(str(value).replace("Z", "+00:00")).year)
    except ValueError:
        return ""


def _day(value: Any) -> str:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return ""


def _bibtex_text(value: Any) -> str:
    """Text safe inside a BibTeX braced field: braces and backslashes dropped, LaTeX specials escaped."""
    text = re.sub(r"[{}\\]", "", str(value or ""))
    text = re.sub(r"([%&#$_])", r"\\\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _bibtex_url(url: str) -> str:
    return re.sub(r"[{}\\\s]", "", url)


def citation(m: dict, doc_meta: dict, settings: CitationSettings, translate) -> dict:
    """The "Cómo citar" block of a municipality page: fields, a plain (APA-like) text and a BibTeX entry."""
    _ = translate
    run = doc_meta.get("run") or {}
    rubric = doc_meta.get("rubric") or {}
    tool = doc_meta.get("tool") or {}
    crawl = m.get("crawl") or {}
    data_date = crawl.get("finished_at") or run.get("finished_at") or doc_meta.get("generated_at")
    published = doc_meta.get("generated_at")
    label = str(run.get("label") or "")
    run_id = run.get("id") if run.get("id") is not None else crawl.get("run_id")
    tool_name = f"{tool.get('name') or 'muniaudit'} {tool.get('version') or ''}".strip()
    author = settings.organization.strip() or tool_name
    url = settings.url(f"m/{m['cvegeo']}.html")
    title = _("{name}, {state}: evaluación de gobierno abierto municipal",
              name=m.get("name", ""), state=m.get("state", ""))
    run_text = _("corrida {label} (n.º {id})", label=label or "—", id=run_id if run_id is not None else "—")
    rubric_text = _("rúbrica {id}, versión {version}", id=rubric.get("id", ""), version=rubric.get("version", ""))
    year = _year(published) or _year(data_date)
    tool_note = "" if author == tool_name else f"; {tool_name}"     # the tool is named once
    text = (f"{author}. ({year or 's. f.'}). {title} [{rubric_text}; {run_text}; "
            + _("datos del {d}", d=_day(data_date) or "—") + f"{tool_note}]. {url}")
    key = f"muniaudit-{m['cvegeo']}-{run_slug(label, run_id)}"
    bibtex = "\n".join([
        f"@misc{{{key},",
        f"  author = {{{{{_bibtex_text(author)}}}}},",
        f"  title = {{{{{_bibtex_text(title)}}}}},",
        f"  year = {{{year}}},",
        f"  howpublished = {{\\url{{{_bibtex_url(url)}}}}},",
        f"  note = {{{_bibtex_text(rubric_text)}; {_bibtex_text(run_text)}; {_bibtex_text(tool_name)}; "
        f"{_bibtex_text(_('datos del {d}', d=_day(data_date) or '—'))}}}",
        "}",
    ])
    return {"author": author, "title": title, "run": run_text, "rubric": rubric_text, "data_date": _day(data_date),
            "published": _day(published), "url": url, "stable": settings.run_folder is not None, "text": text,
            "bibtex": bibtex}
