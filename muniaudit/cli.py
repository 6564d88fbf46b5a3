"""The `muniaudit` command: a thin layer over muniaudit.service that parses options and prints.

Messages are in Spanish (the users' language); errors are one line (muniaudit.exits.UserError, a Click
exception) with the exit codes of muniaudit.exits."""
from __future__ import annotations

import csv
import shlex
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from muniaudit import __version__, service
from muniaudit.cli_i18n import use_language
from muniaudit.exits import EXIT_IO, EXIT_LOCKED, EXIT_PARTIAL, EXIT_USAGE, UserError

use_language("es")      # Click's own texts (usage, options, errors) in Spanish; before the decorators below run

console = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

def count(n: int, one: str, other: str) -> str:
    """'1 municipio' / '3 municipios': the CLI's own counts agree with their number."""
    return f"{n} {one if n == 1 else other}"


def fail(message: str, code: int = EXIT_USAGE):
    """Stop the command with one line on stderr and an exit code (Click prints the UserError)."""
    raise UserError(message, code)


class Context:
    def __init__(self, db: str | None) -> None:
        self.db = db
        self._engine = None

    @property
    def engine(self):
        if self._engine is None:
            self._engine = service.open_store(self.db)
        return self._engine

    def writing(self, command: str) -> ExitStack:
        """The database's writer lock for a command that writes (store.lock); refused with exit 4 if held."""
        from store.lock import Locked, writer_lock

        stack = ExitStack()
        try:
            stack.enter_context(writer_lock(self.engine, command))
        except Locked as exc:
            fail(str(exc), EXIT_LOCKED)
        return stack


class _Command(click.Command):
    """A command whose usage line is Spanish too ("[OPCIONES]" is a metavar, not a gettext message)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[OPCIONES]")
        super().__init__(*args, **kwargs)


class _Group(click.Group):
    command_class = _Command

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("options_metavar", "[OPCIONES]")
        kwargs.setdefault("subcommand_metavar", "COMANDO [ARGS]...")
        super().__init__(*args, **kwargs)


_Group.group_class = _Group


class _Commands(_Group):
    """The command group: expected failures of the environment become one line and a documented exit code
    (6: the store or a folder cannot be read or written; 2: unusable input); exit 1 stays for bugs."""

    def main(self, *args, **kwargs):
        use_language("es")          # each invocation starts in Spanish (`report --lang en` switches later)
        return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context):
        from sqlalchemy.exc import NoSuchModuleError, SQLAlchemyError

        try:
            return super().invoke(ctx)
        except NoSuchModuleError as exc:
            fail(f"no se reconoce el tipo de base de datos: {exc}", EXIT_USAGE)
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("psycopg"):
                fail("falta el controlador de PostgreSQL: instale `pip install 'muniaudit[postgres]'`", EXIT_IO)
            if _raised_in(exc, "sqlalchemy/dialects"):
                fail(f"falta el controlador '{exc.name}' para esa base de datos (use SQLite o PostgreSQL)", EXIT_USAGE)
            raise
        except SQLAlchemyError as exc:
            fail(store_problem(exc, (ctx.obj.db if isinstance(ctx.obj, Context) else None)), EXIT_IO)
        except csv.Error as exc:
            fail(f"CSV ilegible: {exc}", EXIT_USAGE)
        except OSError as exc:
            where = f"{exc.filename}: " if exc.filename else ""
            fail(f"{where}{exc.strerror or exc}", EXIT_IO)


def _raised_in(exc: BaseException, path_part: str) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        if path_part in tb.tb_frame.f_code.co_filename.replace("\\", "/"):
            return True
        tb = tb.tb_next
    return False


def store_problem(exc: Exception, db: str | None) -> str:
    """One line on why the store cannot be used (corrupt file, read-only folder, server unreachable)."""
    from store.db import resolve_url

    url = resolve_url(db)
    shown = url.split("@")[-1] if "@" in url else url          # never print a password
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
    lowered = detail.lower()
    if "file is not a database" in lowered or "malformed" in lowered:
        return f"la base de datos {shown} no es un archivo SQLite válido (dañado o de otro programa): {detail}"
    if "readonly" in lowered or "read-only" in lowered:
        return f"la base de datos {shown} es de sólo lectura: {detail}"
    if "unable to open" in lowered:
        return f"no se puede abrir ni crear la base de datos {shown} (¿existe la carpeta y se puede escribir?)"
    if "connection" in lowered or "could not connect" in lowered or "timeout" in lowered:
        return f"no se puede conectar a la base de datos {shown}: {detail}"
    return f"la base de datos {shown} no se puede usar: {detail}"


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="MUNIAUDIT_DB", default=None,
              help="URL SQLAlchemy de la base (por omisión ./muniaudit.sqlite; también MUNIAUDIT_DB).")
@click.version_option(__version__, prog_name="muniaudit", help="Muestra la versión y sale.")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """Auditoría de gobierno abierto de sitios web municipales de México."""
    ctx.obj = Context(db)


# -- registry ------------------------------------------------------------------------------------------------

@main.group()
def municipalities() -> None:
    """Registro de municipios (clave INEGI, sitio web, cuentas conocidas)."""


@municipalities.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.pass_obj
def municipalities_import(obj: Context, file: Path) -> None:
    """Importa sitios web desde un CSV con columnas cvegeo,url[,extra_urls,social_accounts,enabled]."""
    from muniaudit.registry import import_csv
    from store.db import session_scope

    if not file.is_file():
        fail(f"{file}: no existe el archivo")
    try:
        with obj.writing("municipalities import"), session_scope(obj.engine) as session:
            report = import_csv(session, file)
    except (UnicodeDecodeError, OSError) as exc:
        fail(f"{file}: no se pudo leer como CSV UTF-8 ({exc.__class__.__name__})")
    for error in report.errors:
        console.print(f"{file}:{error}", highlight=False, markup=False)
    out.print(f"{count(report.imported, 'municipio importado', 'municipios importados')}, "
              f"{count(len(report.errors), 'fila con errores', 'filas con errores')}")
    if report.errors:
        sys.exit(EXIT_PARTIAL if report.imported else EXIT_USAGE)


@municipalities.command("list")
@click.option("--state", help="Estado: clave (14), nombre (Jalisco) o abreviatura (Jal.).")
@click.option("--has-url/--no-url", default=None, help="Sólo con sitio web registrado / sólo sin él.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True,
              help="Tabla en pantalla o CSV en la salida estándar.")
@click.pass_obj
def municipalities_list(obj: Context, state: str | None, has_url: bool | None, fmt: str) -> None:
    """Lista municipios del registro."""
    import csv

    from muniaudit.registry import list_municipalities
    from store.db import session_scope

    service.check_state(obj.engine, state)
    with session_scope(obj.engine) as session:
        rows = list_municipalities(session, state=state, has_url=has_url)
        if fmt == "csv":
            writer = csv.writer(sys.stdout)
            writer.writerow(["cvegeo", "municipio", "estado", "poblacion", "url", "habilitado"])
            for m in rows:
                writer.writerow([m.cvegeo, m.name, m.state_name, m.population, m.url or "", int(m.enabled)])
            return
        table = Table("cvegeo", "municipio", "estado", "población", "sitio web")
        for m in rows:
            table.add_row(m.cvegeo, m.name, m.state_name, f"{m.population:,}", m.url or "—")
        out.print(table)
        out.print(count(len(rows), "municipio", "municipios"))


@municipalities.command("discover")
@click.option("--out", "out_file", type=click.Path(path_type=Path), required=True,
              help="CSV de candidatos para confirmar a mano (cvegeo,url,confidence,reasons,confirmed).")
@click.option("--cvegeo", "cvegeos", multiple=True, help="Clave INEGI (repetible). Por omisión: los que no tienen URL.")
@click.option("--allow-private", is_flag=True, help="Permite direcciones privadas o de loopback (pruebas).")
@click.pass_obj
def municipalities_discover(obj: Context, out_file: Path, cvegeos: tuple[str, ...], allow_private: bool) -> None:
    """Propone sitios oficiales para municipios sin URL, los verifica y anota una confianza.

    Una persona confirma cada fila (columna confirmed = sí) antes de importarla con
    `muniaudit municipalities confirmed CSV --out import.csv` y `muniaudit municipalities import import.csv`.
    """
    from muniaudit.discover import discover_to_csv

    service.check_keys(obj.engine, list(cvegeos))
    rows = discover_to_csv(obj.db, out_file, list(cvegeos) or None, allow_private=allow_private)
    out.print(f"{count(rows, 'candidato escrito', 'candidatos escritos')} en {out_file}; confirme a mano antes de "
              "importarlos")


@municipalities.command("confirmed")
@click.argument("candidates", type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_file", type=click.Path(path_type=Path), required=True,
              help="CSV para `municipalities import` con las filas confirmadas.")
def municipalities_confirmed(candidates: Path, out_file: Path) -> None:
    """Extrae las filas confirmadas de un CSV de candidatos como archivo para `municipalities import`."""
    from muniaudit.discover import confirmed_rows

    kept = confirmed_rows(candidates, out_file)
    out.print(f"{count(kept, 'fila confirmada escrita', 'filas confirmadas escritas')} en {out_file}")


# -- crawl / audit / report / export / run -----------------------------------------------------------------------

def _crawl_options(f):
    f = click.option("--cvegeo", "cvegeos", multiple=True, help="Clave INEGI (repetible). Por omisión: todos los habilitados con URL.")(f)
    f = click.option("--state", default=None,
                     help="Sólo los municipios habilitados con URL de este estado: clave (14), nombre o abreviatura.")(f)
    f = click.option("--allow-private", is_flag=True, help="Permite direcciones privadas o de loopback (pruebas, demo).")(f)
    f = click.option("--page-budget", type=click.IntRange(1, 100000), default=300, show_default=True, help="Páginas HTML por sitio.")(f)
    f = click.option("--render", type=click.Choice(["auto", "never", "always"]), default="auto", show_default=True,
                     help="Renderizar con Chromium las páginas que sólo funcionan con JavaScript.")(f)
    f = click.option("--resume", "resume_run", type=int, default=None, help="Reanuda una corrida interrumpida.")(f)
    f = click.option("--warc", "warc_dir", type=click.Path(path_type=Path), default=None,
                     help="Carpeta del archivo WARC de las páginas HTML leídas (DIR/run-<id>.warc.gz). "
                          "Por omisión: warc/ junto a la base SQLite.")(f)
    f = click.option("--no-warc", "no_warc", is_flag=True,
                     help="No archiva las páginas (los reportes dirán «sin copia archivada»).")(f)
    f = click.option("--scrapyd", "scrapyd_nodes", multiple=True, metavar="URL",
                     help="Nodo Scrapyd (repetible): reparte el rastreo por clave INEGI; requiere PostgreSQL.")(f)
    f = click.option("--label", default="", help="Etiqueta de la corrida (por omisión en `run`: el mes, p. ej. 2026-11).")(f)
    return f


def _run_option(help: str = "Corrida (por omisión la última).") -> Callable:
    return click.option("--run", "run_id", type=int, default=None, metavar="ID", help=help)


def _rubric_option(f):
    return click.option("--rubric", default=None, help="Rúbrica: id incluido (aidh-2016) o ruta a un YAML.")(f)


def _lang_option(f):
    return click.option("--lang", type=click.Choice(["es", "en"]), default="es", show_default=True,
                        help="Idioma de los textos (es: español, en: inglés).")(f)


def _citation_options(f):
    """Who publishes and where: used in each municipality page's "Cómo citar" block (reports/citation.py)."""
    f = click.option("--base-url", default="", envvar="MUNIAUDIT_BASE_URL", metavar="URL",
                     help="Dirección pública de la carpeta de reportes (para las citas); por omisión, rutas relativas.")(f)
    f = click.option("--org", "organization", default="", envvar="MUNIAUDIT_ORG",
                     help="Organización que publica el reporte (autor de las citas).")(f)
    return f


def _crawl_launcher(obj: Context, scrapyd_nodes) -> service.Launch:
    """How this command crawls: Scrapyd nodes, else a child process with a progress bar and a log file."""
    from muniaudit import distributed
    from muniaudit.progress import crawl_with_progress, log_path
    from store.db import session_scope
    from store.runs import finish_run

    if scrapyd_nodes and obj.engine.dialect.name == "sqlite":
        fail("--scrapyd necesita una base compartida: use --db postgresql://…")

    def on_scrapyd(run_id: int, options) -> int:
        try:
            jobs = distributed.crawl_distributed(list(scrapyd_nodes), run_id, options)
        except (distributed.ScrapydError, OSError) as exc:
            fail(f"Scrapyd: {exc}")
        console.print(f"{len(jobs)} trabajos Scrapyd terminados")
        with session_scope(obj.engine) as session:
            finish_run(session, run_id)
        return 0

    def with_progress(run_id: int, options) -> int:
        code = crawl_with_progress(run_id, options, obj.engine, log_path(obj.db, run_id), console)
        if code != 0:
            console.print(f"[bold yellow]aviso:[/] el proceso de rastreo terminó con código {code}; "
                          f"vea la bitácora {log_path(obj.db, run_id)}", highlight=False)
        return code

    return on_scrapyd if scrapyd_nodes else with_progress


def _crawl_announcer(render: str):
    """What the CLI says when a crawl starts: the run id, and a warning when no browser can render pages."""
    def announce(run_id: int, browser: dict) -> None:
        console.print(f"rastreo: corrida {run_id}")
        if not browser["available"] and render != "never":
            console.print(f"[bold yellow]aviso:[/] sin navegador ({escape(browser['reason'])}): las páginas que "
                          "sólo funcionan con JavaScript no se mostrarán y sus puntos quedarán pendientes; instale "
                          "Chromium para un resultado completo", highlight=False)
    return announce


def _options(obj: Context, allow_private, page_budget, render, warc_dir, no_warc):
    from crawler.runner import CrawlOptions

    return CrawlOptions(db_url=obj.db, allow_private=allow_private, page_budget=page_budget, render=render,
                        warc_dir=str(warc_dir) if warc_dir else None, warc=not no_warc)


def _print_crawl_summary(obj: Context, run_id: int) -> None:
    from store.db import session_scope
    from store.runs import status_counts

    with session_scope(obj.engine) as session:
        counts = status_counts(session, run_id)
    console.print("sitios: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    _print_archive(obj, run_id)


def _print_archive(obj: Context, run_id: int) -> None:
    """Where this crawl archived the pages it read (docs/crawling.md, "Evidence archive")."""
    from store.db import session_scope
    from store.models import CrawlRun

    with session_scope(obj.engine) as session:
        crawls = (session.get(CrawlRun, run_id).stats or {}).get("crawls") or [{}]
    last = crawls[-1]
    if last.get("muniaudit/warc_path"):
        console.print(f"copias archivadas: {last['muniaudit/warc_path']} "
                      f"({last.get('muniaudit/warc_records', 0)} registros WARC)")
    else:
        console.print("copias archivadas: ninguna (--no-warc o ninguna página HTML leída)")


@main.command()
@_crawl_options
@click.pass_obj
def crawl(obj: Context, cvegeos, state, allow_private, page_budget, render, resume_run, scrapyd_nodes, warc_dir,
          label, no_warc) -> None:
    """Rastrea los sitios municipales y guarda la evidencia (páginas y señales).

    La bitácora de Scrapy va a logs/run-<id>.log junto a la base de datos; en pantalla, una barra de avance y
    los avisos y errores."""
    with obj.writing("crawl"):
        keys = service.crawl_targets(obj.engine, list(cvegeos), state, allow_private, resume_run)
        launch = _crawl_launcher(obj, scrapyd_nodes)
        outcome = service.crawl(obj.db, keys, _options(obj, allow_private, page_budget, render, warc_dir, no_warc),
                                label=label, resume_run=resume_run, launch=launch, on_start=_crawl_announcer(render))
        _print_crawl_summary(obj, outcome.run_id)


@main.command()
@_run_option("Corrida a auditar (por omisión la última).")
@_rubric_option
@click.pass_obj
def audit(obj: Context, run_id: int | None, rubric: str | None) -> None:
    """Califica la evidencia guardada con una rúbrica (sin volver a rastrear)."""
    with obj.writing("audit"):
        loaded = service.load_rubric(rubric)
        run_id = service.resolve_run(obj.engine, run_id)
        summary = service.audit_run(obj.engine, run_id, loaded)
    out.print(f"corrida {run_id}: {summary.audited} municipios auditados con {loaded.id} v{loaded.version} "
              + "(" + ", ".join(f"{k}={v}" for k, v in sorted(summary.by_status.items())) + ")")


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Carpeta del sitio de reportes.")
@_run_option()
@_rubric_option
@_lang_option
@_citation_options
@click.option("--pdf", "pdf_keys", multiple=True, help="Clave INEGI: escribe también m/<clave>.pdf (repetible; requiere Chromium).")
@click.pass_obj
def report(obj: Context, out_dir: Path, run_id: int | None, rubric: str | None, lang: str, pdf_keys,
           base_url: str, organization: str) -> None:
    """Escribe el sitio de reportes (ranking, una página por municipio, metodología, datos)."""
    from reports.pdf import ChromiumNotFound, pdf_problem, render_pdf

    if lang == "en":
        use_language("en")
    say = _speaker(lang)
    if pdf_keys and (problem := pdf_problem()):      # before any work: nothing is written when PDFs cannot be
        fail(problem)
    loaded = service.load_rubric(rubric)
    run_id = service.resolve_run(obj.engine, run_id)
    missing = _not_in_run(obj, run_id, pdf_keys)
    if missing:
        fail(say(f"--pdf {', '.join(missing)}: no hay reporte de ese municipio en la corrida {run_id}",
                 f"--pdf {', '.join(missing)}: no report of that municipality in run {run_id}"))
    index = service.render_reports(obj.engine, run_id, loaded, out_dir, lang,   # a PublishError is exit 6
                                   base_url=base_url, organization=organization)
    out.print(say(f"reportes escritos: {index}", f"reports written: {index}"))
    for key in pdf_keys:
        page = out_dir / "m" / f"{key}.html"
        try:
            out.print(f"PDF: {render_pdf(page, page.with_suffix('.pdf'))}")
        except ChromiumNotFound as exc:
            fail(str(exc))


def _speaker(lang: str):
    """say(spanish, english): the CLI's own lines in the language asked for with --lang."""
    return lambda es, en: en if lang == "en" else es


def _not_in_run(obj: Context, run_id: int, cvegeos) -> list[str]:
    from sqlalchemy import select

    from store.db import session_scope
    from store.models import SiteCrawl

    if not cvegeos:
        return []
    with session_scope(obj.engine) as session:
        present = set(session.scalars(select(SiteCrawl.cvegeo).where(SiteCrawl.run_id == run_id,
                                                                     SiteCrawl.cvegeo.in_(list(cvegeos)))))
    return [k for k in cvegeos if k not in present]


@main.command()
@click.argument("cvegeos", nargs=-1, required=True)
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None,
              help="Además escribe una página HTML de comparación (p. ej. reportes/comparar.html).")
@_run_option()
@_rubric_option
@_lang_option
@click.pass_obj
def compare(obj: Context, cvegeos: tuple[str, ...], out_file: Path | None, run_id: int | None, rubric: str | None,
            lang: str) -> None:
    """Compara municipios lado a lado, criterio por criterio: muniaudit compare 14097 14120 14039."""
    from reports.render import render_comparison

    if lang == "en":
        use_language("en")
    say = _speaker(lang)
    loaded = service.load_rubric(rubric)
    run_id = service.resolve_run(obj.engine, run_id)
    document = service.export_document(obj.engine, run_id, loaded, lang)
    by_key = {m["cvegeo"]: m for m in document["municipalities"]}
    missing = [k for k in cvegeos if k not in by_key]
    if missing:
        fail(say(f"no están en la corrida {run_id}: {', '.join(missing)}",
                 f"not in run {run_id}: {', '.join(missing)}"))
    out.print(_comparison_table(document, [by_key[k] for k in cvegeos], say))
    if out_file is not None:
        path = render_comparison(document, list(cvegeos), out_file, lang,
                                 rubric=service.rubric_for_report(loaded, lang))
        out.print(say(f"comparación escrita: {path}", f"comparison written: {path}"))


def _comparison_table(document: dict, chosen: list[dict], say=lambda es, en: es) -> Table:
    table = Table(say("criterio", "criterion"), *[f"{m['name']} ({m['cvegeo']})" for m in chosen],
                  title=document["rubric"]["title"])
    table.add_row(say("[b]puntaje[/b]", "[b]score[/b]"), *[_score_cell(m, say) for m in chosen])
    criteria_ids = list(dict.fromkeys(c["id"] for m in chosen for c in m["criteria"]))
    for cid in criteria_ids:
        cells = []
        for m in chosen:
            c = next((x for x in m["criteria"] if x["id"] == cid), None)
            cells.append("—" if c is None else f"{c['status']} {c['points']:g}/{c['max_points']:g}")
        table.add_row(cid, *cells)
    return table


def _score_cell(m: dict, say=lambda es, en: es) -> str:
    if m["score"] is None:
        return m["score_status"]
    suffix = f" (+{m['pending_points']:g} {say('pend.', 'pending')})" if m.get("pending_points") else ""
    return f"{m['score']:g}{suffix}"


@main.command()
@click.option("--format", "fmt", type=click.Choice(["json"]), default="json", show_default=True,
              help="Formato de la exportación (esquema en reports/schema/export.schema.json).")
@click.option("--out", "out_file", type=click.Path(path_type=Path), default=None, help="Archivo (por omisión, salida estándar).")
@_run_option()
@_rubric_option
@click.pass_obj
def export(obj: Context, fmt: str, out_file: Path | None, run_id: int | None, rubric: str | None) -> None:
    """Exporta puntajes, criterios con evidencia y señales (JSON; esquema en reports/schema)."""
    loaded = service.load_rubric(rubric)
    run_id = service.resolve_run(obj.engine, run_id)
    text = service.write_json(service.export_document(obj.engine, run_id, loaded), out_file)
    if out_file is None:
        click.echo(text)
    else:
        console.print(f"exportado: {out_file}")


@main.command()
@_crawl_options
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("reportes"), show_default=True,
              help="Carpeta del sitio de reportes (se reemplaza entera al publicar).")
@_rubric_option
@click.option("--force", is_flag=True, help="Vuelve a rastrear aunque la corrida de esta etiqueta ya terminó.")
@_citation_options
@click.option("--partial", is_flag=True,
              help="Si el rastreo no termina, publica de todos modos lo rastreado, marcado como parcial en cada página.")
@click.pass_obj
def run(obj: Context, cvegeos, state, allow_private, page_budget, render, resume_run, scrapyd_nodes, warc_dir, label,
        out_dir, rubric, force, partial, no_warc, base_url, organization) -> None:
    """El trabajo mensual: rastreo, auditoría, reportes y exportación, una corrida por etiqueta (mes).

    Idempotente (repetir el mismo mes reanuda o reutiliza su corrida), una a la vez (candado), y con códigos de
    salida para el programador de tareas: 0 bien, 3 terminó con municipios por revisar, 4 otra corrida en curso,
    5 rastreo incompleto (vuelva a ejecutar para reanudar), 2 error de uso.
    """
    loaded = service.load_rubric(rubric)
    with obj.writing("run"):
        launch = _crawl_launcher(obj, scrapyd_nodes)
        done = service.monthly_run(obj.engine, obj.db, loaded, out_dir,
                                   _options(obj, allow_private, page_budget, render, warc_dir, no_warc),
                                   cvegeos=list(cvegeos), state=state, label=label, resume_run=resume_run, force=force,
                                   partial=partial, base_url=base_url, organization=organization, launch=launch,
                                   on_start=_crawl_announcer(render), on_reuse=_announce_reuse,
                                   rubric_file=service.rubric_path(rubric))
        if done.crawl is not None:
            _print_crawl_summary(obj, done.run_id)
    _print_run_summary(done.summary)
    if done.index is None:
        out.print(f"no se publicó nada: la publicación anterior en {out_dir} queda intacta "
                  "(--partial publica lo rastreado, marcado como parcial)")
    else:
        out.print(f"listo: abra {done.index}" + ("" if done.summary.complete else " (publicación parcial)"))
    sys.exit(done.summary.exit_code())


def _announce_reuse(label: str, run_id: int) -> None:
    console.print(f"la corrida {label} (#{run_id}) ya terminó: se reaudita y se regeneran reportes")


def _print_run_summary(summary) -> None:
    statuses = ", ".join(f"{k}={v}" for k, v in sorted(summary.statuses.items()))
    out.print(f"corrida {summary.label} (#{summary.run_id}): {statuses}; señales nuevas {summary.new_signals}, "
              f"perdidas {summary.lost_signals}; por revisar antes de publicar: {len(summary.flagged)}")
    for flag in summary.flagged[:20]:
        out.print(f"  {flag.cvegeo}: " + "; ".join(flag.reasons))
    browser = summary.browser or {}
    if browser.get("available") is False:
        n = summary.pages_needing_render
        if n:
            seen = (f"{n} página que requiere JavaScript no se mostró y sus puntos quedan pendientes" if n == 1 else
                    f"{n} páginas que requieren JavaScript no se mostraron y sus puntos quedan pendientes")
            seen += "; con Chromium el puntaje puede ser otro"
        else:
            seen = "ninguna de las páginas leídas parecía requerir JavaScript"
        out.print(f"aviso: corrida sin navegador ({browser.get('reason') or 'sin Chromium'}): {seen}",
                  highlight=False, markup=False)
    if not summary.complete:
        out.print("el rastreo no terminó: ejecute de nuevo el mismo comando para reanudarlo")


@main.command()
@click.option("--kind", type=click.Choice(["cron", "systemd"]), default="cron", show_default=True,
              help="Entrada de crontab o unidades de systemd (servicio y temporizador).")
@click.option("--write", "write_dir", type=click.Path(path_type=Path), default=None,
              help="Escribe los archivos en esta carpeta en lugar de imprimirlos.")
@click.option("--day", type=click.IntRange(1, 28), default=1, show_default=True, help="Día del mes.")
@click.option("--hour", type=click.IntRange(0, 23), default=2, show_default=True, help="Hora del día (0-23).")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("reportes"), show_default=True,
              help="Carpeta de reportes que escribirá la corrida mensual.")
@click.option("--log", "log_file", type=click.Path(path_type=Path), default=Path("muniaudit-run.log"), show_default=True,
              help="Bitácora de la corrida mensual.")
@click.pass_obj
def schedule(obj: Context, kind: str, write_dir: Path | None, day: int, hour: int, out_dir: Path, log_file: Path) -> None:
    """Genera una entrada de cron o un temporizador systemd para la corrida mensual."""
    from muniaudit import monthly
    from store.db import absolute_url

    exe = Path(sys.argv[0]).resolve()
    # Always the database this command resolved (--db, MUNIAUDIT_DB or ./muniaudit.sqlite, made absolute): cron
    # and systemd start elsewhere, where the default would be another, empty database.
    db = f" --db {shlex.quote(absolute_url(obj.db))}"
    command = f"{exe}{db} run --out {out_dir.resolve()}"
    if kind == "cron":
        files = {"muniaudit.cron": monthly.cron_entry(command, log_file.resolve(), day, hour)}
    else:
        files = monthly.systemd_units(command, Path.cwd(), day, hour)
    if write_dir is None:
        for name, content in files.items():
            out.print(f"# --- {name}\n{content}", highlight=False, markup=False)
        return
    write_dir.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (write_dir / name).write_text(content, encoding="utf-8")
        out.print(f"escrito {write_dir / name}")


# -- rubric ---------------------------------------------------------------------------------------------------

@main.group()
def rubric() -> None:
    """Rúbricas YAML."""


@rubric.command("validate")
@click.argument("file", type=click.Path(path_type=Path))
def rubric_validate(file: Path) -> None:
    """Valida una rúbrica: informa archivo, línea y campo de cada error."""
    from audit.loader import validate_rubric_file

    errors = validate_rubric_file(file)
    for error in errors:
        console.print(error, highlight=False, markup=False)
    if errors:
        sys.exit(EXIT_USAGE)
    out.print(f"{file}: rúbrica válida")


# -- human review ---------------------------------------------------------------------------------------------

@main.group()
def review() -> None:
    """Revisión humana de los criterios asistidos y manuales."""


@review.command("export")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), required=True, help="Carpeta para los CSV.")
@_run_option()
@_rubric_option
@click.option("--batch-size", type=click.IntRange(1, 100000), default=250, show_default=True,
              help="Criterios por archivo CSV.")
@click.pass_obj
def review_export(obj: Context, out_dir: Path, run_id: int | None, rubric: str | None, batch_size: int) -> None:
    """Escribe lotes CSV (se abren en una hoja de cálculo) con la sugerencia de la máquina y la evidencia."""
    from muniaudit.review import review_rows, write_batches
    from store.db import session_scope

    loaded = service.load_rubric(rubric)
    run_id = service.resolve_run(obj.engine, run_id)
    with session_scope(obj.engine) as session:
        rows = review_rows(session, run_id, loaded)
    if not rows:
        fail(f"la corrida {run_id} no tiene criterios por revisar con {loaded.id} (¿ejecutó `muniaudit audit`?)")
    paths = write_batches(rows, out_dir, batch_size)
    out.print(f"{count(len(rows), 'criterio', 'criterios')} por revisar en "
              f"{count(len(paths), 'archivo', 'archivos')}: {out_dir}")


@review.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@_rubric_option
@click.pass_obj
def review_import(obj: Context, file: Path, rubric: str | None) -> None:
    """Registra las decisiones (revisor, fecha, decisión, nota); informa cada fila inválida con su línea."""
    from muniaudit.review import import_reviews
    from store.db import session_scope

    loaded = service.load_rubric(rubric)
    if not file.is_file():
        fail(f"{file}: no existe el archivo")
    try:
        with obj.writing("review import"), session_scope(obj.engine) as session:
            result = import_reviews(session, file, loaded)
    except (UnicodeDecodeError, OSError) as exc:
        fail(f"{file}: no se pudo leer como CSV UTF-8 ({exc.__class__.__name__})")
    for error in result.errors:
        console.print(f"{file}:{error}", highlight=False, markup=False)
    out.print(f"{count(result.recorded, 'revisión registrada', 'revisiones registradas')}, "
              f"{count(result.skipped_blank, 'fila sin decisión', 'filas sin decisión')}, "
              f"{count(len(result.errors), 'fila con errores', 'filas con errores')}. "
              "Ejecute `muniaudit audit` para aplicarlas.")
    if result.errors:
        sys.exit(EXIT_PARTIAL if result.recorded else EXIT_USAGE)


# -- demo -----------------------------------------------------------------------------------------------------

@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("demo-out"), show_default=True,
              help="Carpeta de los reportes de la demo (su base de datos queda en <carpeta>-datos/).")
@click.option("--render", type=click.Choice(["auto", "never"]), default="auto", show_default=True,
              help="Renderizar con Chromium las páginas que sólo funcionan con JavaScript.")
def demo(out_dir: Path, render: str) -> None:
    """Sirve la web de ejemplo en loopback, la rastrea, audita y escribe los reportes."""
    from muniaudit.demo import demo_database, run_demo

    index = run_demo(out_dir, render=render)
    db_file = demo_database(out_dir).resolve()
    out.print(f"\nDemo lista. Abra en su navegador:\n  {index.resolve().as_uri()}\n"
              f"Exportación JSON: {(out_dir / 'export.json').resolve()}\n"
              f"Base de datos de la demo: {db_file}\n"
              f"  (para seguir con ella: muniaudit --db sqlite:///{db_file} compare …)", highlight=False, markup=False)


if __name__ == "__main__":
    main()
