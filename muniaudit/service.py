"""Application services the CLI, the demo, the national web and the benchmarks share: choose what to crawl,
crawl, audit, export, report, and the monthly run that chains them. Orchestration is written here once; callers
only say how to launch the crawl (child process with a progress bar, in this process, Scrapyd) and print.

Each step opens its own transactions, so a failure leaves earlier runs and results untouched. Input problems are
`UserError`s (muniaudit.exits), which Click prints as one Spanish line with exit code 2.
"""
from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select

from audit.describe import PERSON_DECIDES, WHO_WORDS, describe_check, partial_words, who_decides
from audit.loader import RUBRICS_DIR, builtin_rubric_ids, builtin_rubric_path
from audit.storage import load_run_evidence, save_audits
from muniaudit import __version__
from muniaudit.exits import UserError
from store.db import make_engine, session_scope
from store.documents import build_document
from store.evidence import latest_run_id, site_crawls
from store.migrate import upgrade
from store.models import CrawlRun, Municipality
from store.status import UNSETTLED, RunStatus

if TYPE_CHECKING:
    from crawler.runner import CrawlOptions

DEFAULT_RUBRIC = "aidh-2016"
AUDIT_BATCH = 500          # sites loaded, scored and written per round trip




def open_store(db_url: str | None) -> Engine:
    """An engine on an up-to-date schema, with the INEGI registry loaded."""
    from muniaudit.registry import seed_registry

    engine = make_engine(db_url)
    upgrade(engine)
    with session_scope(engine) as session:
        if session.scalar(select(Municipality.cvegeo).limit(1)) is None:
            seed_registry(session)
    return engine


def rubric_path(name_or_path: str | None) -> Path:
    """A rubric file given by path or by the id of a bundled rubric."""
    value = name_or_path or DEFAULT_RUBRIC
    path = Path(value)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise UserError(f"{value}: no existe el archivo de rúbrica")
        return path
    bundled = builtin_rubric_path(value)
    if not bundled.exists():
        known = ", ".join(builtin_rubric_ids())
        raise UserError(f"rúbrica desconocida '{value}' (disponibles: {known})")
    return bundled


def load_rubric(name_or_path: str | None):
    from audit.loader import RubricError
    from audit.loader import load_rubric as load

    try:
        return load(rubric_path(name_or_path))
    except RubricError as exc:
        raise UserError(str(exc)) from None


def rubric_meta(rubric, lang: str = "es") -> dict:
    return {"id": rubric.id, "version": rubric.version, "title": rubric.title.get(lang), "hash": rubric.content_hash}


def resolve_run(engine: Engine, run_id: int | None) -> int:
    with session_scope(engine) as session:
        if run_id is not None:
            if session.get(CrawlRun, run_id) is None:
                raise UserError(f"no existe la corrida {run_id}")
            return run_id
        latest = latest_run_id(session)
    if latest is None:
        raise UserError("no hay corridas de rastreo en la base de datos: ejecute primero `muniaudit crawl`")
    return latest


# -- what to crawl -------------------------------------------------------------------------------------------

def check_state(engine: Engine, state: str | None) -> None:
    """An unknown --state is an input error (exit 2), never an empty answer."""
    from muniaudit.registry import known_states

    with session_scope(engine) as session:
        if state is not None and not known_states(session, state):
            raise UserError(f"--state {state}: estado desconocido (use la clave de 2 dígitos, el nombre o la "
                            "abreviatura, p. ej. 14, Jalisco o Jal.)")


def enabled_with_url(engine: Engine, state: str | None = None) -> list[str]:
    """INEGI keys of the enabled municipalities that have a website (of one state, if given)."""
    from muniaudit.registry import list_municipalities

    with session_scope(engine) as session:
        keys = [m.cvegeo for m in list_municipalities(session, state=state, has_url=True, enabled=True)]
    if not keys:
        where = f" en el estado {state}" if state else ""
        raise UserError(f"ningún municipio habilitado{where} tiene sitio web: importe un CSV con "
                        "`muniaudit municipalities import`")
    return keys


def check_keys(engine: Engine, cvegeos: list[str]) -> None:
    """Unknown INEGI keys are input errors (exit 2), before anything is written."""
    with session_scope(engine) as session:
        for key in cvegeos:
            if session.get(Municipality, key) is None:
                raise UserError(f"--cvegeo {key}: clave INEGI desconocida")


def crawl_targets(engine: Engine, cvegeos: list[str], state: str | None = None, allow_private: bool = False,
                  resume_run: int | None = None) -> list[str]:
    """The checks before a crawl writes anything, and the keys to crawl: those given, else the enabled ones with
    a website (of `state`). Unknown states, runs to resume and keys are input errors; private addresses are
    refused unless allowed."""
    from crawler.addresses import private_address_reason

    check_state(engine, state)
    keys = list(cvegeos) or (enabled_with_url(engine, state) if state is not None else [])
    if resume_run is not None:
        try:
            resolve_run(engine, resume_run)
        except UserError as exc:
            raise UserError(f"--resume {resume_run}: {exc}") from None
    check_keys(engine, keys)
    keys = keys or enabled_with_url(engine)
    if not allow_private:
        with session_scope(engine) as session:
            for key in keys:
                muni = session.get(Municipality, key)
                reason = muni.url and private_address_reason(muni.url)
                if reason:
                    raise UserError(f"{key} ({muni.url}): {reason}; use --allow-private sólo para sitios de "
                                    "prueba locales")
    return keys


# -- crawl ----------------------------------------------------------------------------------------------------

Launch = Callable[[int, "CrawlOptions"], int]    # (run id, options) -> exit code of the crawl


@dataclass
class CrawlOutcome:
    run_id: int
    returncode: int           # of the crawl process (0 when crawled in this process or by Scrapyd)
    browser: dict             # crawler.runner.browser_status: could JavaScript-only pages be rendered?
    seconds: float            # wall time of the crawl itself


SITE_DECIDER = "audit.decider.RubricDecider"


def steering_settings(rubric_files: Sequence[Path] = ()) -> dict[str, Any]:
    """Crawl settings that let the rubrics steer the crawl (crawler.decider): every bundled rubric by id, so that
    a re-audit with any of them reads a crawl that looked for its evidence, plus the run's own rubric file when
    it is not a bundled one (a Scrapyd worker must see it at the same path)."""
    own = [str(Path(p).resolve()) for p in rubric_files if Path(p).resolve().parent != RUBRICS_DIR]
    return {"MUNIAUDIT_SITE_DECIDER": SITE_DECIDER, "MUNIAUDIT_DECIDER_RUBRICS": builtin_rubric_ids() + own}


def crawl(db_url: str | None, cvegeos: list[str], options: CrawlOptions, *, label: str = "",
          resume_run: int | None = None, launch: Launch | None = None,
          on_start: Callable[[int, dict], None] | None = None, steer_by: Sequence[Path] = ()) -> CrawlOutcome:
    """Create a run over `cvegeos` (or resume `resume_run`), record whether a browser is available, and crawl it.

    `launch` runs the crawl (default: a child process, crawler.runner.crawl_in_subprocess); `on_start` hears the
    run id and the browser status before the crawl starts (the CLI prints them). `options.db_url` is set to
    `db_url`, so the crawl writes into the store the run was created in. The bundled rubrics and `steer_by`
    decide when a site has been seen enough (steering_settings); settings given in `options` win."""
    from crawler.runner import browser_status, crawl_in_subprocess, new_run, record_run_settings

    options.db_url = db_url
    options.settings = {**steering_settings(steer_by), **(options.settings or {})}
    run_id = resume_run if resume_run is not None else new_run(db_url, cvegeos, label)
    browser = browser_status(options)
    record_run_settings(db_url, run_id, browser=browser)
    if on_start is not None:
        on_start(run_id, browser)
    started = time.perf_counter()
    returncode = (launch or crawl_in_subprocess)(run_id, options)
    return CrawlOutcome(run_id, returncode, browser, time.perf_counter() - started)


def crawl_here(run_id: int, options: CrawlOptions) -> int:
    """A `launch` that crawls in this process (once per process: Twisted's reactor cannot restart)."""
    from crawler.runner import crawl_in_process

    crawl_in_process(run_id, options)
    return 0


@dataclass
class AuditSummary:
    run_id: int
    audited: int
    by_status: dict[str, int]


def audit_run(engine: Engine, run_id: int, rubric) -> AuditSummary:
    """Score every settled site crawl of a run with a rubric and store the results (re-audit without
    re-crawling). Sites the crawl has not finished are left unaudited: shown as not checked, never as 0."""
    from audit.checks.registry import criterion_reads
    from audit.engine import score

    by_status: dict[str, int] = {}
    reads = criterion_reads(rubric)     # a review goes stale only when what its criterion reads changed
    with session_scope(engine) as session:
        sites = [s for s in site_crawls(session, run_id) if s.status not in UNSETTLED]  # never scored: never a 0
        for i in range(0, len(sites), AUDIT_BATCH):
            batch = sites[i:i + AUDIT_BATCH]
            results = [score(rubric, ev, code_version=__version__)
                       for ev in load_run_evidence(session, batch, rubric.id, reads)]
            save_audits(session, list(zip(batch, results, strict=True)))
            for result in results:
                by_status[result.status] = by_status.get(result.status, 0) + 1
    return AuditSummary(run_id, len(sites), by_status)


def export_document(engine: Engine, run_id: int, rubric, lang: str = "es", *, page_facts: bool = True) -> dict:
    """The export document of a run, with rubric texts and reasons in `lang` (`page_facts`: see build_document)."""
    from muniaudit.localize import localize_document

    with session_scope(engine) as session:
        document = build_document(session, run_id, rubric.id, rubric_meta(rubric, lang), page_facts=page_facts)
    return localize_document(document, rubric, lang)


def history_documents(engine: Engine, run_id: int, rubric, lang: str = "es", limit: int = 12) -> Iterator[dict]:
    """Export documents of the earlier runs audited with the same rubric, oldest first, one at a time (the
    report keeps only what it needs of each, so a year of national history is never all in memory)."""
    from store.models import Audit, SiteCrawl

    with session_scope(engine) as session:
        ids = list(session.scalars(
            select(CrawlRun.id).where(CrawlRun.id < run_id).order_by(CrawlRun.id.desc()).limit(limit)))
        audited = [i for i in ids if session.scalar(
            select(Audit.id).join(SiteCrawl, Audit.site_crawl_id == SiteCrawl.id)
            .where(SiteCrawl.run_id == i, Audit.rubric_id == rubric.id).limit(1)) is not None]
    for i in reversed(audited):
        yield export_document(engine, i, rubric, lang, page_facts=False)


def write_json(document: dict, out: Path | None) -> str:
    text = json.dumps(document, ensure_ascii=False, indent=2, default=str)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(out.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(out)          # never leave a half-written export behind
    return text


def render_reports(engine: Engine, run_id: int, rubric, out_dir: Path, lang: str = "es",
                   partial: bool = False, *, base_url: str = "", organization: str = "") -> Path:
    """Write the report site and export.json into out_dir as one publication (muniaudit.publish): the folder is
    replaced whole or, if anything fails, left as it was. `partial` labels every page as a partial
    publication (the operator asked for one before the crawl finished).

    The same report is also this run's citable folder, out_dir/corridas/<label>/, and the earlier runs' folders
    are carried over (muniaudit.citable). Evidence pages get archived views read from the run's WARC files."""
    from muniaudit import citable
    from muniaudit.publish import publish
    from reports.archive import WarcArchive
    from reports.citation import CitationSettings
    from reports.render import render_site
    from store.documents import archive_folders

    document = export_document(engine, run_id, rubric, lang)
    if partial:
        document["publication"] = {"partial": True, "not_checked": sum(
            1 for m in document["municipalities"] if m["score_status"] == "not_audited")}
    history = history_documents(engine, run_id, rubric, lang)
    with session_scope(engine) as session:
        folders = archive_folders(session, run_id)
    archive = WarcArchive(folders) if folders else None
    published = Path(os.path.realpath(out_dir))
    this_run = citable.run_folder(published, document["run"]["label"], run_id)
    cite = CitationSettings(organization=organization, base_url=base_url, run_folder=this_run)

    def build(folder: Path) -> None:
        render_site(document, folder, lang=lang, history=history, rubric=rubric_for_report(rubric, lang),
                    archive=archive, cite=cite)
        write_json(document, folder / "export.json")
        citable.carry_earlier_runs(published, folder, this_run)
        citable.snapshot_run(folder, this_run, {"id": run_id, "label": document["run"]["label"],
                                                "rubric": document["rubric"], "lang": lang,
                                                "generated_at": document["generated_at"]})
        citable.write_run_index(folder, lang)

    publish(out_dir, build)
    return out_dir / "index.html"


# -- the monthly run --------------------------------------------------------------------------------------------

@dataclass
class MonthlyOutcome:
    run_id: int
    summary: object                    # muniaudit.monthly.RunSummary
    index: Path | None                 # the published index.html; None when nothing was published
    reused: bool = False               # the label's run had finished: re-audited and re-published, not crawled
    crawl: CrawlOutcome | None = None


def monthly_run(engine: Engine, db_url: str | None, rubric, out_dir: Path, options: CrawlOptions, *,
                cvegeos: Sequence[str] = (), state: str | None = None, label: str = "",
                resume_run: int | None = None, force: bool = False, partial: bool = False,
                base_url: str = "", organization: str = "", launch: Launch | None = None,
                on_start: Callable[[int, dict], None] | None = None,
                on_reuse: Callable[[str, int], None] | None = None,
                rubric_file: Path | None = None) -> MonthlyOutcome:
    """The monthly job: one run per label, resumed or reused when the label already has one; crawl, audit,
    health summary, and a publication when the crawl finished (or `partial` was asked for). The caller holds the
    writer lock (store.lock) around it. `rubric_file` (the rubric's YAML) steers the crawl with the bundled ones."""
    from muniaudit import monthly

    label = label or monthly.default_label()
    with session_scope(engine) as session:
        existing = monthly.find_run(session, label) if resume_run is None else None
        existing_id, finished = (existing.id, existing.status == RunStatus.FINISHED) if existing else (None, False)
    outcome = None
    if existing_id is not None and finished and not force:
        run_id = existing_id
        if on_reuse is not None:
            on_reuse(label, run_id)
    else:
        resume = resume_run if resume_run is not None else (existing_id if not force else None)
        keys = crawl_targets(engine, list(cvegeos), state, options.allow_private, resume)
        outcome = crawl(db_url, keys, options, label=label, resume_run=resume, launch=launch, on_start=on_start,
                        steer_by=[rubric_file] if rubric_file else ())
        run_id = outcome.run_id
    audit_run(engine, run_id, rubric)
    summary = monthly.summarise(engine, run_id)
    index = None
    if summary.complete or partial:
        index = render_reports(engine, run_id, rubric, out_dir, partial=not summary.complete, base_url=base_url,
                               organization=organization)
    return MonthlyOutcome(run_id, summary, index, reused=outcome is None, crawl=outcome)


def _rule_fields(criterion, lang: str) -> dict:
    """Methodology fields generated from the check (issue #12, pages): the rule, who decides, partial credit."""
    steps = [(s.min, s.credit) for s in criterion.partial.steps]
    return {"rule": describe_check(criterion.check.name, criterion.check.params, lang),
            "who": WHO_WORDS[who_decides(criterion.mode, criterion.check.name)][lang],
            "needs_person": who_decides(criterion.mode, criterion.check.name) in PERSON_DECIDES,
            "partial": partial_words(criterion.partial.rule, steps, lang), "requires": list(criterion.requires)}


CALIBRATION_ANCHORS = {   # AIDH 2016 findings (docs/calibration.md): (profile, finding es, finding en, bound)
    "aidh-2016": [
        ("tlajomulco_2016", "Tlajomulco de Zúñiga obtuvo 91 en la AIDH 2016", "Tlajomulco de Zúñiga scored 91 in AIDH 2016",
         "= 91"),
        ("social_only", "Un sitio con obligaciones de transparencia, redes sociales y video pero sin apartado de datos "
                        "obtuvo 27 o menos", "A site with transparency obligations, social media and video but no "
                        "data section scored 27 or less", "≤ 27"),
        ("everything_but_data_section", "Lo mejor que logra un sitio sin apartado de datos abiertos",
         "The best a site without an open-data section can do", "≤ 27"),
    ],
}


def calibration_anchors(rubric, lang: str = "es") -> list[dict]:
    """The rubric scored on the reference profiles of audit.calibration, now (so the page cannot drift)."""
    from audit import calibration  # imported when used, like audit.engine above
    from audit.engine import score
    out = []
    for profile, es, en, bound in CALIBRATION_ANCHORS.get(rubric.id, []):
        result = score(rubric, getattr(calibration, profile)())
        out.append({"profile": profile, "finding": en if lang == "en" else es, "expected": bound,
                    "score": result.score})
    return out


def rubric_for_report(rubric, lang: str = "es") -> dict:
    """The rubric as a plain dict in one language, for the methodology page."""
    def text(t):
        return t.get(lang) if t is not None else ""
    return {
        "id": rubric.id, "version": rubric.version, "title": text(rubric.title), "source": text(rubric.source),
        "citation": rubric.citation, "description": text(rubric.description), "hash": rubric.content_hash,
        "categories": [{"id": c.id, "title": text(c.title), "weight": c.weight} for c in rubric.categories],
        "criteria": [{"id": c.id, "ref": c.ref, "category": c.category, "title": text(c.title), "why": text(c.why),
                      "how_to_fix": text(c.how_to_fix), "basis": text(c.basis.text), "basis_type": c.basis.type,
                      "points": c.points, "mode": c.mode, "check": c.check.name, **_rule_fields(c, lang)}
                     for c in rubric.criteria],
        "caps": [{"id": k.id, "criterion": k.criterion, "max": k.max, "scope": k.scope, "reason": text(k.reason)}
                 for k in rubric.caps],
        "calibration": calibration_anchors(rubric, lang),
    }

