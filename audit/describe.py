"""The rule a criterion applies, in words (es, en), generated from its check and parameters so it cannot drift.

One pure describer per registered check: `(params with defaults, lang) -> sentence`. A unit test fails when a
check is registered without one. `who_decides` says when a person is asked, from what the check does (not only
from the rubric's `mode`), so the methodology page never calls "automatic" a criterion that asks a person.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from audit.checks import CHECKS
from audit.checks.registry import with_defaults
from audit.checks.signals import KIND_LABELS
from audit.messages import KIND_EN

Describer = Callable[[Mapping[str, Any], str], str]

KIND_LABELS_EN = KIND_EN    # English labels of the table of kinds (store.kinds), as in reasons

# When a person is asked, by check: never, when the crawler is unsure of a detection, the machine only proposes,
# when no probe recorded the fact, always. Keys of WHO_WORDS.
ASKS_PERSON = {
    "has_signal": "unsure", "signal_on_home": "unsure", "count_signals": "unsure", "readability": "proposes",
    "processed_data": "proposes", "social_activity": "no_probe", "human_only": "always",
}
# A person decides these every time there is no probe or review (not only when the crawler is unsure).
PERSON_DECIDES = ("manual", "assisted", "proposes", "no_probe", "always")
WHO_WORDS = {
    "never": {"es": "Automático", "en": "Automatic"},
    "unsure": {"es": "Automático; una persona decide si el rastreador no pudo confirmar lo encontrado",
               "en": "Automatic; a person decides when the crawler could not confirm what it found"},
    "proposes": {"es": "La máquina propone; una persona confirma",
                 "en": "The machine proposes; a person confirms"},
    # muniaudit ships no activity probe (CHANGELOG: audit/probes.py removed): a person decides unless an operator's
    # own probe records the accounts' activity in the evidence facts.
    "no_probe": {"es": "Lo decide una persona (muniaudit no incluye un sondeo de actividad de las cuentas; si uno "
                       "la registra, se decide automáticamente)",
                 "en": "A person decides (muniaudit ships no probe of the accounts' activity; when one records it, "
                       "it is decided automatically)"},
    "always": {"es": "Lo decide una persona", "en": "A person decides"},
    "manual": {"es": "Lo decide una persona", "en": "A person decides"},
    "assisted": {"es": "La máquina propone; una persona confirma", "en": "The machine proposes; a person confirms"},
    "informative": {"es": "Informativo: no suma puntos", "en": "Informational: no points"},
}


def _pick(lang: str, es: str, en: str) -> str:
    return en if lang == "en" else es


def _rubric_text(value: Any, lang: str) -> str:
    """A rubric text parameter (`what:`, `hint:`) may be a plain string or {es, en}."""
    if isinstance(value, Mapping):
        return str(value.get(lang) or value.get("es") or "")
    return "" if value is None else str(value)


def kind_words(kinds: Any, lang: str) -> str:
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    labels = KIND_LABELS_EN if lang == "en" else KIND_LABELS
    return _pick(lang, " o ", " or ").join(labels.get(k, str(k)) for k in kinds)


def _where_fields(where: Any, lang: str) -> str:
    if not isinstance(where, Mapping) or not where:
        return ""
    parts = []
    for key, value in where.items():
        values = value if isinstance(value, list) else [value]
        shown = _pick(lang, " o ", " or ").join(_value_words(v, lang) for v in values)
        parts.append(f"{key} = {shown}")
    return _pick(lang, " (con ", " (with ") + ", ".join(parts) + ")"


def _value_words(value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return _pick(lang, "sí" if value else "no", "yes" if value else "no")
    return str(value)


def _home(p: Mapping[str, Any], lang: str) -> str:
    text = ""
    if p.get("on_home"):
        text += _pick(lang, " con enlace en la página principal", " linked from the home page")
    if p.get("max_depth") is not None:
        text += _pick(lang, f" a no más de {p['max_depth']} clics de la portada",
                      f" at most {p['max_depth']} clicks from the home page")
    return text


def _section(p: Mapping[str, Any], lang: str) -> str:
    if p.get("in_data_section", True):
        return _pick(lang, " en el apartado de datos abiertos", " in the open-data section")
    return _pick(lang, " en cualquier parte del sitio", " anywhere on the site")


def _signals(p: Mapping[str, Any], lang: str, on_home: bool | None = None) -> str:
    n = p.get("min") or 1
    what = kind_words(p["kind"], lang) + _where_fields(p.get("where"), lang)
    place = _home({**p, "on_home": p.get("on_home") if on_home is None else on_home}, lang)
    conf = p.get("min_confidence")
    sure = _pick(lang, f"; cuenta la detección que el rastreador confirmó con confianza de al menos {conf:g}",
                 f"; a detection counts when the crawler confirmed it with a confidence of at least {conf:g}") if conf is not None else ""
    return _pick(lang, f"Cumple si se encuentra{'n' if n > 1 else ''} al menos {n} «{what}»{place}{sure}.",
                 f"Met when at least {n} “{what}” {'are' if n > 1 else 'is'} found{place}{sure}.")


def _count_datasets(p: Mapping[str, Any], lang: str) -> str:
    mr = _pick(lang, " en formato procesable", " in a machine-readable format") if p.get("machine_readable") else ""
    return _pick(lang, f"Cumple si hay al menos {p['min']} archivos de datos descargables{mr}{_section(p, lang)}.",
                 f"Met when there are at least {p['min']} downloadable data files{mr}{_section(p, lang)}.")


def _count_collections(p: Mapping[str, Any], lang: str) -> str:
    loose = _pick(lang, " (un archivo sin encabezado cuenta como una colección)",
                  " (a file without a heading counts as one collection)") if p.get("count_ungrouped") else ""
    return _pick(lang, f"Cumple si hay al menos {p['min']} colecciones de datos (rubros, conjuntos de documentos o "
                       f"bases de datos){_section(p, lang)}{loose}.",
                 f"Met when there are at least {p['min']} data collections (headings, document sets or "
                 f"databases){_section(p, lang)}{loose}.")


def _organised_by_topics(p: Mapping[str, Any], lang: str) -> str:
    sub = _pick(lang, " y al menos un tema reúne dos o más colecciones (subtemas)",
                " and at least one topic holds two or more collections (subtopics)") if p.get("require_subtopics") else ""
    return _pick(lang, f"Cumple si los datos{_section(p, lang)} están clasificados en al menos {p['min_topics']} "
                       f"temas{sub}.",
                 f"Met when the data{_section(p, lang)} are classified in at least {p['min_topics']} topics{sub}.")


def _formats(p: Mapping[str, Any], lang: str) -> str:
    if p.get("any") or p.get("share") is None:
        return _pick(lang, f"Cumple si al menos un archivo de datos{_section(p, lang)} está en un formato procesable "
                           "(CSV, XLSX, JSON, ...).",
                     f"Met when at least one data file{_section(p, lang)} is in a machine-readable format "
                     "(CSV, XLSX, JSON, ...).")
    return _pick(lang, f"Cumple si al menos el {p['share']:.0%} de los archivos{_section(p, lang)} está en un "
                       "formato procesable.",
                 f"Met when at least {p['share']:.0%} of the files{_section(p, lang)} are machine-readable.")


def _downloadable(p: Mapping[str, Any], lang: str) -> str:
    n = p["min"]
    files = _pick(lang, "archivo descargable" if n == 1 else "archivos descargables",
                  "downloadable file" if n == 1 else "downloadable files")
    return _pick(lang, f"Cumple si hay al menos {n} {files}{_section(p, lang)} (no sólo páginas web).",
                 f"Met when there {'is' if n == 1 else 'are'} at least {n} {files}{_section(p, lang)} "
                 "(not only web pages).")


def _processed(p: Mapping[str, Any], lang: str) -> str:
    return _pick(lang, f"La máquina propone «cumple» si los datos{_section(p, lang)} son archivos estructurados y "
                       f"no más del {p['max_scanned_share']:.0%} son escaneos o imágenes; una persona confirma.",
                 f"The machine proposes “met” when the data{_section(p, lang)} are structured files and at most "
                 f"{p['max_scanned_share']:.0%} are scans or images; a person confirms.")


_SCOPE_WORDS = {"data_section": ("del apartado de datos", "of the data section"),
                "dataset": ("de un archivo de datos", "of a data file"), "page": ("de una página", "of a page")}


def _scopes(p: Mapping[str, Any], lang: str) -> str:
    i = 1 if lang == "en" else 0
    return _pick(lang, " o ", " or ").join(_SCOPE_WORDS.get(s, (s, s))[i] for s in p.get("scopes") or [])


def _updated_within(p: Mapping[str, Any], lang: str) -> str:
    return _pick(lang, f"Cumple si la fecha de actualización más reciente {_scopes(p, lang)} es de los "
                       f"{p['days']} días previos al rastreo.",
                 f"Met when the newest update date {_scopes(p, lang)} falls in the {p['days']} days before "
                 "the crawl.")


def _newest_block(p: Mapping[str, Any], lang: str) -> str:
    return _pick(lang, f"Cumple si algún bloque de datos ({_scopes(p, lang)}) tiene fecha de los {p['days']} días "
                       "previos al rastreo.",
                 f"Met when some block of data ({_scopes(p, lang)}) is dated within the {p['days']} days before "
                 "the crawl.")


def _readability(p: Mapping[str, Any], lang: str) -> str:
    return _pick(lang, f"La máquina propone «cumple» si la legibilidad Fernández-Huerta es al menos {p['min_score']:g} "
                       f"y no más del {p['max_scanned_share']:.0%} de los PDF son escaneos; una persona confirma.",
                 f"The machine proposes “met” when Fernández-Huerta readability is at least {p['min_score']:g} "
                 f"and at most {p['max_scanned_share']:.0%} of PDFs are scans; a person confirms.")


def _human_only(p: Mapping[str, Any], lang: str) -> str:
    hint = f" {_rubric_text(p['hint'], lang)}" if p.get("hint") else ""
    return _pick(lang, f"Sólo una persona puede juzgarlo.{hint}", f"Only a person can judge it.{hint}")


def _social_activity(p: Mapping[str, Any], lang: str) -> str:
    what = _pick(lang, "publicó" if p["what"] == "post" else "interactuó con un ciudadano",
                 "posted" if p["what"] == "post" else "interacted with a citizen")
    return _pick(lang, f"Cumple si alguna cuenta ({kind_words(p['kinds'], lang)}) {what} en los {p['days']} días "
                       "previos al rastreo. Sólo es automático cuando un sondeo opcional registró la actividad; "
                       "si no, una persona lo revisa.",
                 f"Met when an account ({kind_words(p['kinds'], lang)}) {what} in the {p['days']} days before "
                 "the crawl. Automatic only when an optional probe recorded the activity; otherwise a person "
                 "checks it.")


def _search_tool(p: Mapping[str, Any], lang: str) -> str:
    where = {"any": ("", ""), "site": (" del sitio", " for the site"),
             "data_section": (" en el apartado de datos", " in the data section")}.get(p["scope"], ("", ""))
    dyn = _pick(lang, " de consulta dinámica", " with dynamic queries") if p.get("dynamic") else ""
    return _pick(lang, f"Cumple si hay una herramienta de búsqueda{dyn}{where[0]}.",
                 f"Met when there is a search tool{dyn}{where[1]}.")


def _contact_participation(p: Mapping[str, Any], lang: str) -> str:
    types = ", ".join(p["types"]) if p.get("types") else _pick(lang, "teléfono, correo, dirección o formulario",
                                                              "phone, e-mail, address or form")
    return _pick(lang, f"Cumple si un dato de contacto ({types}) se presenta como contacto de una estrategia de "
                       "participación ciudadana.",
                 f"Met when a contact detail ({types}) is presented as the contact of a citizen-participation "
                 "strategy.")


def _mentions(p: Mapping[str, Any], lang: str) -> str:
    what = _rubric_text(p.get("what"), lang) or " / ".join(p["patterns"][:3])
    pool = kind_words(p["kinds"], lang) if p.get("kinds") else _pick(lang, "cualquier señal", "any signal")
    return _pick(lang, f"Cumple si {pool}{_home(p, lang)} menciona {what} (sin distinguir acentos ni mayúsculas).",
                 f"Met when {pool}{_home(p, lang)} mentions {what} (ignoring accents and case).")


DESCRIBERS: dict[str, Describer] = {
    "has_signal": lambda p, lang: _signals(p, lang),
    "signal_on_home": lambda p, lang: _signals({**p, "min": 1}, lang, on_home=True),
    "count_signals": lambda p, lang: _signals(p, lang),
    "count_datasets": _count_datasets, "count_collections": _count_collections,
    "organised_by_topics": _organised_by_topics, "formats_machine_readable": _formats,
    "downloadable": _downloadable, "processed_data": _processed, "updated_within": _updated_within,
    "newest_block_within": _newest_block, "readability": _readability, "human_only": _human_only,
    "social_activity": _social_activity, "search_tool": _search_tool,
    "contact_tied_to_participation": _contact_participation, "mentions": _mentions,
}


def describe_check(name: str, params: Mapping[str, Any] | None, lang: str = "es") -> str:
    """The rule of check `name` with `params` (defaults filled in), one sentence in `lang`."""
    if name not in CHECKS:
        return _pick(lang, f"Comprobación desconocida «{name}».", f"Unknown check “{name}”.")
    return DESCRIBERS[name](with_defaults(name, params or {}), lang)


def who_decides(mode: str, check_name: str) -> str:
    """Key of WHO_WORDS: what really decides a criterion, from the rubric mode and what its check does."""
    if mode in ("manual", "assisted", "informative"):
        return mode
    return ASKS_PERSON.get(check_name, "never")


def partial_words(rule: str, steps: list[tuple[float, float]] | None, lang: str) -> str:
    """How a check's fraction becomes points: all-or-nothing, proportional or by steps."""
    if rule == "proportional":
        return _pick(lang, "Puntos proporcionales a lo cumplido.", "Points in proportion to what is met.")
    if rule == "steps" and steps:
        shown = ", ".join(f"{m:.0%} → {c:.0%}" for m, c in steps)
        return _pick(lang, f"Puntos por tramos (cumplido → puntos): {shown}.",
                     f"Points by steps (met → points): {shown}.")
    return _pick(lang, "Todo o nada.", "All or nothing.")
