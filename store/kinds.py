"""The one table of signal kinds: name, data fields, how copies merge, labels in both languages, description.

Every room reads it: extraction (crawler.extract), the site-level merge (crawler.extract.site), the audit's kind
lists (audit.checks.signals), reason and report labels (audit.messages, reports.i18n, audit.describe), the export
schema's list of kinds and docs/architecture.md's table (both generated: `python -m store.kinds --write`; tests
fail when either is out of date).
It lives in `store`, the bottom layer every room may import, because crawler, audit and reports must not import
each other. A new kind is one row here plus one extractor module (docs/extending.md).
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# How a second copy of the same signal (same Signal.key()) folds into the kept one, besides the rules every kind
# follows (on_home if any copy was on home; the best-graded copy's status, confidence and snippet; reasons united).
SHORTEST_URL = "shortest_url"          # keep the shortest URL seen (a portal root rather than a deep link)
MIN_DEPTH = "min_depth"                # keep the smallest data.depth seen (nearest to the home page)
ANY_IN_DATA_SECTION = "any_in_data_section"   # data.in_data_section is true if any copy was in a data section
MERGE_RULES = (SHORTEST_URL, MIN_DEPTH, ANY_IN_DATA_SECTION)


@dataclass(frozen=True)
class SignalKind:
    """One row of the table."""

    name: str
    fields: str                        # the kind's `data` fields, as documented (markdown)
    label_es: str                      # long label used inside reasons and methodology sentences
    label_en: str
    title_es: str                      # short label used as a column or list heading in reports
    title_en: str
    description: str                   # one line: what the signal records
    merge: tuple[str, ...] = field(default=())   # extra merge rules (MERGE_RULES)


KINDS: tuple[SignalKind, ...] = (
    SignalKind(
        "social_profile",
        "`platform` (facebook, x, instagram, youtube, tiktok, threads, linkedin, whatsapp, telegram, flickr, "
        "pinterest, ...), `handle` (normalised), `identity` (\"platform:handle\"), `via` (link, plugin, widget)",
        "perfil institucional en redes sociales", "institutional social media profile",
        "Perfil en redes sociales", "Social media profile",
        "An account of the municipality on a social network, linked from its site."),
    SignalKind(
        "video_channel",
        "`platform` (youtube, vimeo, dailymotion, facebook), `kind` (channel, embed, live), `identity`",
        "canal de video", "video channel", "Canal de video", "Video channel",
        "A video channel, embedded video or live stream of the municipality."),
    SignalKind(
        "mobile_app", "`store` (google_play, app_store), `app_id`, `identity`",
        "aplicación móvil", "mobile app", "Aplicación móvil", "Mobile app",
        "A mobile app of the municipality in an app store."),
    SignalKind(
        "open_data_section",
        "`label` (link text), `external` (bool), `portal` (ckan, socrata, arcgis_hub, dkan, datos_gob_mx or null), "
        "`depth` (link depth of the page where it was linked; 0 = home)",
        "apartado de datos abiertos o transparencia focalizada", "open-data or focused-transparency section",
        "Sección de datos abiertos", "Open data section",
        "A section or portal of open data or focused transparency.", (SHORTEST_URL, MIN_DEPTH)),
    SignalKind(
        "transparency_section", "`label`, `external`, `target` (site, pnt, sipot, state_portal)",
        "apartado de transparencia", "transparency section", "Sección de transparencia", "Transparency section",
        "A transparency section of the site or the official portal it links to.", (SHORTEST_URL,)),
    SignalKind(
        "dataset",
        "`format` (csv, xlsx, xls, ods, json, xml, geojson, kml, shp, zip, pdf, doc, docx, jpg, ...), "
        "`machine_readable` (bool), `in_data_section` (bool), `collection` (heading it is listed under, or \"\"), "
        "`topic`",
        "archivo de datos descargable", "downloadable data file", "Conjunto de datos", "Dataset",
        "A downloadable file of data.", (ANY_IN_DATA_SECTION,)),
    SignalKind(
        "update_date",
        "`date` (ISO yyyy-mm-dd), `source` (page_text, last_modified, sitemap, portal), `scope` (data_section, "
        "dataset, page); for scope `dataset`, `dataset` (the file URL): from a date in the dataset's own block on a "
        "data-section page, or from the file's Last-Modified when the crawler probes it",
        "fecha de actualización", "update date", "Fecha de actualización", "Update date",
        "A date on which published information was updated."),
    SignalKind(
        "search_tool", "`scope` (site, data_section), `dynamic` (bool), `action`",
        "herramienta de búsqueda", "search tool", "Buscador", "Search tool",
        "A search box of the site or of its data section."),
    SignalKind(
        "participation",
        "`type` (consulta, presupuesto_participativo, cabildo_abierto, consejo, iniciativa, general), `platform` "
        "(decidim, consul or null)",
        "mecanismo de participación ciudadana", "citizen participation mechanism",
        "Participación ciudadana", "Citizen participation",
        "A mechanism through which citizens take part in decisions."),
    SignalKind(
        "citizen_report_tool", "`type` (form, mailbox, upload, app)",
        "herramienta para que la ciudadanía envíe información", "tool for citizens to send information",
        "Reporte ciudadano", "Citizen reporting",
        "A tool through which citizens send information or reports."),
    SignalKind(
        "citizen_evaluation", "`type` (survey, evaluation)",
        "instrumento de evaluación ciudadana", "citizen evaluation tool",
        "Evaluación ciudadana", "Citizen evaluation",
        "A survey or instrument through which citizens evaluate the government."),
    SignalKind(
        "contact", "`type` (email, phone, address, form), `value`, `participation_related` (bool)",
        "dato de contacto", "contact detail", "Contacto", "Contact",
        "A way to reach the government: e-mail, phone, address or form."),
    SignalKind(
        "communication_tool", "`type` (form, chat, whatsapp, mailbox, email)",
        "herramienta de comunicación con la autoridad", "tool to communicate with the authorities",
        "Herramienta de comunicación", "Communication tool",
        "A channel for talking to the authorities (form, chat, WhatsApp, mailbox)."),
    SignalKind(
        "mayor_profile", "same as social_profile, plus `person` when named",
        "perfil del presidente o presidenta municipal en redes sociales", "social media profile of the mayor",
        "Perfil de la presidencia municipal", "Mayor's profile",
        "A social media account of the mayor."),
    SignalKind(
        "platform", "`name` (wordpress, joomla, drupal, ckan, decidim, consul, ...)",
        "plataforma del sitio", "site platform", "Plataforma", "Platform",
        "The CMS or application the site runs on (crawler.platforms)."),
    SignalKind(
        "clarity",
        "`readability` (Fernández-Huerta 0-100), `scanned_pdf_share` (0-1, when known), `needs_human` true",
        "medición de claridad", "clarity measurement", "Claridad", "Clarity",
        "A measurement of how plainly a data section is written."),
    SignalKind(
        "responsive", "`viewport` (bool)",
        "diseño adaptable a dispositivos móviles", "design adapted to mobile devices",
        "Diseño adaptable", "Responsive design",
        "Whether the pages declare a layout adapted to mobile devices."),
)


_BY_NAME: dict[str, SignalKind] = {k.name: k for k in KINDS}


def by_name() -> dict[str, SignalKind]:
    """The table keyed by kind name (read at call time, so a kind registered later is seen; do not mutate)."""
    return _BY_NAME


def kind_names() -> tuple[str, ...]:
    return tuple(_BY_NAME)


def merge_rules(name: str) -> tuple[str, ...]:
    """Extra merge rules of a kind; () for an unknown kind (called once per merged copy: a dict look-up)."""
    kind = _BY_NAME.get(name)
    return kind.merge if kind else ()


def register_kind(kind: SignalKind) -> SignalKind:
    """Add a row at run time (plug-ins and tests); a second row of the same name is an error."""
    global KINDS
    if kind.name in by_name():
        raise ValueError(f"signal kind '{kind.name}' already exists")
    unknown = set(kind.merge) - set(MERGE_RULES)
    if unknown:
        raise ValueError(f"signal kind '{kind.name}': unknown merge rule(s) {sorted(unknown)}")
    KINDS = (*KINDS, kind)
    _BY_NAME[kind.name] = kind
    return kind


def unregister_kind(name: str) -> None:
    """Remove a row added with register_kind (tests clean up after themselves)."""
    global KINDS
    KINDS = tuple(k for k in KINDS if k.name != name)
    _BY_NAME.pop(name, None)


# docs/architecture.md holds the table between these markers; `python -m store.kinds --write` rewrites it, and the
# export schema's list of kinds.
DOC_BEGIN = "<!-- signal-kinds:begin (generated by python -m store.kinds --write; edit store/kinds.py) -->"
DOC_END = "<!-- signal-kinds:end -->"
ROOT = Path(__file__).resolve().parents[1]
DOC_PATH = ROOT / "docs" / "architecture.md"
SCHEMA_PATH = ROOT / "reports" / "schema" / "export.schema.json"
_SCHEMA_KINDS = re.compile(r'("kind": \{"type": "string", "examples": )\[[^\]]*\]')


def markdown_table() -> str:
    """The docs table of kinds and their data fields."""
    lines = ["| kind | data fields | merge of copies |", "|---|---|---|"]
    for kind in _BY_NAME.values():
        merge = ", ".join(kind.merge) or "default"
        lines.append(f"| {kind.name} | {kind.fields} | {merge} |")
    return "\n".join(lines)


def with_table(doc: str) -> str:
    """`doc` with the text between the markers replaced by the current table."""
    pattern = re.compile(re.escape(DOC_BEGIN) + r".*?" + re.escape(DOC_END), re.S)
    if not pattern.search(doc):
        raise ValueError(f"markers {DOC_BEGIN!r} ... {DOC_END!r} not found")
    return pattern.sub(lambda _: f"{DOC_BEGIN}\n{markdown_table()}\n{DOC_END}", doc)


def with_schema_kinds(schema: str) -> str:
    """The export schema's text with the signal kind's list (`examples`: an annotation, not a restriction, so a
    document with a kind from another version still validates) set to the table's kinds; the rest untouched."""
    if len(_SCHEMA_KINDS.findall(schema)) != 1:
        raise ValueError('the schema needs exactly one \'"kind": {"type": "string", "examples": [...]\'')
    return _SCHEMA_KINDS.sub(lambda m: m.group(1) + json.dumps(list(_BY_NAME)), schema)


if __name__ == "__main__":   # pragma: no cover - a developer tool
    if sys.argv[1:] == ["--write"]:
        for path, update in ((DOC_PATH, with_table), (SCHEMA_PATH, with_schema_kinds)):
            path.write_text(update(path.read_text(encoding="utf-8")), encoding="utf-8")
            print(f"wrote {path}")
    else:
        print(markdown_table())
