"""One catalogue of audit messages in Spanish and English: a reason is stored as a key plus parameters and
rendered in the report's language (docs/decisions/0002-messages.md).

A message is plain JSON: {"key": "data.files_found", "params": {"n": 3, "min": 5, "where": {...}}}.
Templates use str.format-like fields with two additions:

- `{n|archivo|archivos}`: the singular or plural word for the number in `n` (CLDR categories "one"/"other",
  which are the only two Spanish and English need for counts);
- `{d:date}`: an ISO date as 29/11/2026 (es) or 2026-11-29 (en); any other spec is a format spec (`{s:.0%}`).

A parameter is a number or text, a nested message, a term from a rubric `{"text": {"es": ..., "en": ...}}`, or a
list `{"items": [...], "sep": "or"}` (separators are words too: " o " / " or ").
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from audit.wording import PLACEMENT_ES, REASON_ES, ROLE_ES
from store.kinds import KINDS

LANGUAGES = ("es", "en")
Message = dict[str, Any]


def msg(key: str, **params: Any) -> Message:
    """A message for `key` (which must be in CATALOGUE) with its parameters."""
    return {"key": key, "params": params}


def localized(value: Any) -> Any:
    """A rubric text ({es, en} mapping or plain str) as a parameter rendered in the reader's language."""
    if isinstance(value, Mapping) and isinstance(value.get("es"), str):
        return {"text": {"es": value["es"], "en": value.get("en") or value["es"]}}
    return value


def joined(items: list[Any], sep: str = ",") -> dict[str, Any]:
    """A list parameter; `sep` is one of SEPARATORS."""
    return {"items": list(items), "sep": sep}


SEPARATORS = {"": {"es": "", "en": ""}, "or": {"es": " o ", "en": " or "}, "and": {"es": " y ", "en": " and "},
              ",": {"es": ", ", "en": ", "}, ";": {"es": "; ", "en": "; "}}


def plural_category(n: Any, lang: str) -> str:
    """CLDR plural category of a count: Spanish and English both say 'one' only for exactly 1."""
    try:
        return "one" if float(n) == 1 else "other"
    except (TypeError, ValueError):
        return "other"


_FIELD = re.compile(r"\{(\w+)(?:\|([^|{}]*)\|([^|{}]*))?(?::([^{}]*))?\}")


def render(message: Any, lang: str = "es") -> str:
    """The message in `lang` (falls back to Spanish, then to the key itself so nothing is lost)."""
    if message is None:
        return ""
    if isinstance(message, str):
        return message
    if isinstance(message, Mapping) and "text" in message:
        texts = message["text"] if isinstance(message["text"], Mapping) else {"es": str(message["text"])}
        return str(texts.get(lang) or texts.get("es") or "")
    if isinstance(message, Mapping) and "items" in message:
        sep = SEPARATORS.get(str(message.get("sep", ",")), SEPARATORS[","])
        items = message["items"] if isinstance(message["items"], list) else [message["items"]]
        return sep.get(lang, sep["es"]).join(render(item, lang) for item in items)
    if not isinstance(message, Mapping) or "key" not in message:
        return _scalar(message, "", lang)
    entry = CATALOGUE.get(str(message["key"]))
    if entry is None:
        return str(message["key"])
    template = entry.get(lang) or entry["es"]
    params = message.get("params")
    params = params if isinstance(params, Mapping) else {}
    return _FIELD.sub(lambda m: _field(m, params, lang), template)


def _field(match: re.Match[str], params: Mapping[str, Any], lang: str) -> str:
    name, one, other, spec = match.groups()
    value = params.get(name, "")
    if one is not None:
        return one if plural_category(value, lang) == "one" else other
    if isinstance(value, Mapping | list):
        return render(value if isinstance(value, Mapping) else joined(value), lang)
    return _scalar(value, spec or "", lang)


def _scalar(value: Any, spec: str, lang: str) -> str:
    if spec == "date":
        return format_date(value, lang)
    if spec:
        try:
            return format(value, spec)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def format_date(value: Any, lang: str) -> str:
    """29/11/2026 in Spanish, 2026-11-29 in English (unambiguous for every English reader)."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return str(value)
    return value.isoformat() if lang == "en" else value.strftime("%d/%m/%Y")


def key_of(code_table: str, code: Any) -> str:
    return f"{code_table}.{code}"


# -- the catalogue -------------------------------------------------------------------------------------------

PLACEMENT_EN = {
    "menu": "link in the main menu", "header": "link in the header", "footer": "link in the footer",
    "sidebar": "link in the sidebar", "site_block": "link in one of the site's own blocks",
    "home": "link on the home page", "main": "link in the page body", "article_body": "link inside an article",
    "teaser": "link in a news teaser", "byline": "link in an author's byline", "comments": "link in comments",
    "related": "link in related posts", "share": "share button", "person": "link in a person's card",
}
ROLE_EN = {
    "home": "home page", "hub": "section hub page", "dataset_listing": "dataset listing page",
    "document_list": "document list page", "article": "article page", "listing": "post or tag listing page",
    "form": "form or tool page", "person": "person page", "error": "error page", "page": "content page",
}
REASON_EN = {
    "target_not_crawled": "the linked page was not crawled (budget spent, blocked or failed)",
    "target_not_read": "the linked page is not a readable HTML page",
    "target_empty": "the linked page is named like the section but shows no content",
    "target_unclear": "the linked page offers links or files but does not present itself as the section",
    "target_unrelated": "the linked page neither presents itself as the section nor offers content",
    "target_under_construction": "the linked page says it is under construction",
    "target_prose_only": "the linked page talks about the topic but offers no files, data or sections",
    "target_is_article": "the site's menu leads to a news post or article, not to a section",
    "target_is_listing": "the site's menu leads to a list of posts or tags, not to a section",
    "named_in_context": "the text next to the badge names the municipality, but neither the app nor its link does",
    "official_portal": "official transparency portal linked from the site's navigation",
}
# Labels of signal kinds come from the one table of kinds (store.kinds).
KIND_ES = {kind.name: kind.label_es for kind in KINDS}
KIND_EN = {kind.name: kind.label_en for kind in KINDS}
STATUS_WORDS = {
    "pass": ("cumple", "passed"), "partial": ("cumple en parte", "partly passed"), "fail": ("no cumple", "failed"),
    "not_applicable": ("no aplica", "not applicable"), "needs_review": ("requiere revisión", "needs review"),
    "error": ("error", "error"),
}

_MESSAGES: dict[str, tuple[str, str]] = {
    # shared pieces
    "more": (" (y {n} más)", " (and {n} more)"),
    "quoted": ("«{text}»", "“{text}”"),
    "none": ("ninguno", "none"),
    "review.check_by_hand": ("Verificar a mano: {url}", "Check by hand: {url}"),
    # presence of signals (audit/checks/signals.py)
    "signal.found": ("Se encontró {what}: {first}{more}", "Found {what}: {first}{more}"),
    "signal.confirmed_of": ("Se confirmaron {found} de {needed}. ", "{found} of {needed} confirmed. "),
    "signal.for_review": ("{have}Se propuso {what}, sin confirmación automática: {listed}. Una persona debe "
                          "verificarlo.",
                          "{have}The crawler proposed {what} but could not confirm it: {listed}. A person must "
                          "check it."),
    "signal.some_of": ("Se encontraron {found} de {min} ({what}).", "Found {found} of {min} ({what})."),
    "signal.not_on_home": ("Hay {what} en {url}, pero sin enlace en la página principal.",
                           "There is {what} at {url}, but it is not linked from the home page."),
    "signal.not_found": ("No se encontró {what}.", "Not found: {what}."),
    "signal.none_of_needed": ("No se encontró ningún {what}{place} (se requieren {min}).",
                              "No {what}{place} found ({min} needed)."),
    "signal.count": ("Se encontraron {n} ({what}); se requieren {min}.", "Found {n} ({what}); {min} needed."),
    "signal.place.on_home": (" con enlace en la página principal", " linked from the home page"),
    "signal.described": ("{url} ({detail})", "{url} ({detail})"),
    "signal.target_is": ("destino: {role}", "target: {role}"),
    "signal.confidence": ("confianza {c:.2f}", "confidence {c:.2f}"),
    "signal.target_problem": ("la página enlazada tuvo un problema ({code})", "the linked page had a problem ({code})"),
    "search.found": ("Hay una herramienta de búsqueda{where}: {url}", "There is a search tool{where}: {url}"),
    "search.other": ("Hay un buscador ({url}), pero no es una herramienta de consulta{where} como se pide.",
                     "There is a search box ({url}), but it is not the query tool{where} required."),
    "search.not_found": ("No se encontró una herramienta de búsqueda{where}.", "No search tool found{where}."),
    "search.where.site": (" del sitio", " for the site"),
    "search.where.data_section": (" en el apartado de datos", " in the data section"),
    "contact.tied": ("Hay un contacto ligado a la participación ciudadana: {value}",
                     "There is a contact tied to citizen participation: {value}"),
    "contact.untied": ("Hay {n} {n|dato|datos} de contacto, pero ninguno ligado a una estrategia de participación "
                       "ciudadana.",
                       "There {n|is|are} {n} contact {n|detail|details}, but none tied to a citizen-participation "
                       "strategy."),
    "contact.none": ("No se encontró ningún dato de contacto ligado a la participación ciudadana.",
                     "No contact detail tied to citizen participation was found."),
    "mentions.found": ("Se encontró {what}: {url}{more}", "Found {what}: {url}{more}"),
    "mentions.not_found": ("No se encontró {what}.", "Not found: {what}."),
    "mentions.default_what": ("una mención de {patterns}", "a mention of {patterns}"),
    # data section (audit/checks/data.py)
    "data.where.section": (" en el apartado de datos abiertos", " in the open-data section"),
    "data.where.site": (" en el sitio", " on the site"),
    "data.no_files": ("No se encontraron archivos de datos{where}.", "No data files found{where}."),
    "data.files_found": ("Se encontraron {n} {n|archivo|archivos} de datos{where}; se requieren {min}.",
                         "Found {n} data {n|file|files}{where}; {min} needed."),
    "data.no_collections": ("No se encontraron colecciones de datos{where}.", "No data collections found{where}."),
    "data.collections": ("Se encontraron {n} {n|colección|colecciones} ({names}); se requieren {min}.",
                         "Found {n} {n|collection|collections} ({names}); {min} needed."),
    "data.not_by_topic": ("Los datos no están clasificados por temas.", "The data are not classified by topic."),
    "data.no_topics": ("No se encontraron datos clasificados por temas{where}.",
                       "No data classified by topic found{where}."),
    "data.by_topics": ("Los datos están organizados en {n} {n|tema|temas} ({listed}).",
                       "The data are organised in {n} {n|topic|topics} ({listed})."),
    "data.topics_incomplete": ("Clasificación incompleta ({listed}): {missing}.",
                               "Incomplete classification ({listed}): {missing}."),
    "data.topics_of": ("{n} de {min} temas", "{n} of {min} topics"),
    "data.no_subtopics": ("ningún tema tiene subtemas", "no topic has subtopics"),
    "data.readable_detail": ("{r} de {n} {n|archivo|archivos} en formato procesable ({formats})",
                             "{r} of {n} {n|file|files} in a machine-readable format ({formats})"),
    "data.readable_some": ("Hay {detail}.", "There are {detail}."),
    "data.readable_none": ("Ningún archivo está en formato procesable ({detail}).",
                           "No file is in a machine-readable format ({detail})."),
    "data.readable_share": ("{detail}; se requiere al menos {share:.0%}.", "{detail}; at least {share:.0%} needed."),
    "data.no_downloads": ("No se encontraron archivos descargables{where}.", "No downloadable files found{where}."),
    "data.downloads": ("Se {n|puede|pueden} descargar {n} {n|archivo|archivos}, p. ej. {url}",
                       "{n} {n|file|files} can be downloaded, e.g. {url}"),
    "data.processed": ("Los datos parecen procesados para su uso (proporción de escaneos o imágenes: {share:.0%}).",
                       "The data look processed for use (share of scans or images: {share:.0%})."),
    "data.scanned": ("Muchos datos son escaneos o imágenes (proporción de escaneos o imágenes: {share:.0%}).",
                     "Many data are scans or images (share of scans or images: {share:.0%})."),
    # freshness (audit/checks/freshness.py)
    "fresh.what.information": ("la información", "the information"),
    "fresh.what.block": ("algún bloque de datos", "any block of data"),
    "fresh.no_date": ("No se encontró ninguna fecha de actualización de {what}.", "No update date found for {what}."),
    "fresh.detail": ("la más reciente es del {newest:date} ({age} {age|día|días} antes del rastreo del "
                     "{crawled:date})",
                     "the newest is from {newest:date} ({age} {age|day|days} before the crawl of {crawled:date})"),
    "fresh.within": ("Actualización de {what} dentro de los últimos {days} {days|día|días}: {detail}.",
                     "Update of {what} within the last {days} {days|day|days}: {detail}."),
    "fresh.stale": ("Sin actualización de {what} en los últimos {days} {days|día|días}: {detail}.",
                    "No update of {what} in the last {days} {days|day|days}: {detail}."),
    # what needs a person (audit/checks/human.py)
    "readability.none": ("No hay medición de legibilidad: una persona debe leer el apartado de datos.",
                         "There is no readability measurement: a person must read the data section."),
    "readability.detail": ("legibilidad Fernández-Huerta {value:.0f}/100 (mínimo {min})",
                           "Fernández-Huerta readability {value:.0f}/100 (minimum {min})"),
    "readability.scans": (", PDF escaneados {share:.0%}", ", scanned PDFs {share:.0%}"),
    "readability.proposal": ("Propuesta: {verdict} ({detail}{scans}).", "Proposal: {verdict} ({detail}{scans})."),
    "readability.suggestion": ("{verdict} ({detail}{scans}).", "{verdict} ({detail}{scans})."),
    "human.hint": ("{hint}", "{hint}"),
    "human.default_hint": ("Este criterio requiere el juicio de una persona.", "This criterion needs a person's judgement."),
    "social.no_accounts": ("No se encontraron cuentas institucionales en redes sociales o canales de video.",
                           "No institutional social media accounts or video channels were found."),
    "social.what.post": ("publicación", "a post"),
    "social.what.interaction": ("interacción con un ciudadano", "an interaction with a citizen"),
    "social.unprobed": ("Sin sondeo automático de {what}: revise si alguna cuenta tuvo {what} en los {days} "
                        "{days|día|días} previos al {crawled:date}: {urls}.",
                        "No automatic probe for {what}: check whether any account had {what} in the {days} "
                        "{days|day|days} before {crawled:date}: {urls}."),
    "social.detail": ("la más reciente el {newest:date} en {where}", "the newest on {newest:date} at {where}"),
    "social.active": ("Hubo {what} en los últimos {days} {days|día|días}: {detail}.",
                      "There was {what} in the last {days} {days|day|days}: {detail}."),
    "social.inactive": ("Sin {what} en los {days} {days|día|días} previos al rastreo: {detail}.",
                        "No {what} in the {days} {days|day|days} before the crawl: {detail}."),
    # what the crawl could not see (audit/checks/base.py, registry.py)
    "incomplete.partial": ("el rastreo fue parcial", "the crawl was partial"),
    "incomplete.render": ("{n} {n|página requiere|páginas requieren} JavaScript y no se {n|pudo|pudieron} mostrar",
                          "{n} {n|page needs|pages need} JavaScript and could not be shown"),
    "incomplete.blocked": ("{n} {n|página bloqueada|páginas bloqueadas}", "{n} blocked {n|page|pages}"),
    "absence.unconfirmed": ("{reason} No se puede confirmar la ausencia: {why}.",
                            "{reason} The absence cannot be confirmed: {why}."),
    "absence.suggestion": ("revisar el sitio a mano; la máquina propone «no cumple».",
                           "check the site by hand; the machine proposes “failed”."),
    "site.unreachable": ("El sitio no respondió durante el rastreo: no se pudo comprobar.",
                         "The site did not respond during the crawl: it could not be checked."),
    "site.blocked": ("El sitio bloqueó el rastreo (CAPTCHA, desafío o robots.txt): no se pudo comprobar.",
                     "The site blocked the crawl (CAPTCHA, challenge or robots.txt): it could not be checked."),
    "site.no_url": ("El municipio no tiene sitio web registrado: no se pudo comprobar.",
                    "The municipality has no website on record: it could not be checked."),
    "check.unknown": ("Comprobación desconocida '{name}'.", "Unknown check '{name}'."),
    "check.internal_error": ("Error interno en la comprobación '{name}': {error}",
                             "Internal error in the check '{name}': {error}"),
    # the engine (audit/engine.py)
    "engine.unmet": ("No se cumple un requisito previo: {names}.", "A prerequisite is not met: {names}."),
    "engine.stale_review": ("La revisión de {reviewer} del {date:date} ya no es válida: la evidencia cambió o "
                            "caducó.",
                            "The review by {reviewer} of {date:date} is no longer valid: the evidence changed or "
                            "expired."),
    "engine.invalid_decision": ("Decisión de revisión no válida: '{decision}'.", "Invalid review decision: '{decision}'."),
    "engine.human_review": ("Revisión humana ({reviewer}, {date:date}) — {status}.",
                            "Human review ({reviewer}, {date:date}) — {status}."),
    "engine.human_review_note": ("Revisión humana ({reviewer}, {date:date}) — {status}: {note}",
                                 "Human review ({reviewer}, {date:date}) — {status}: {note}"),
    "engine.needs_confirmation": ("Requiere confirmación humana. {reason}", "Needs a person's confirmation. {reason}"),
    "engine.proposal": ("{status}. {reason}", "{status}. {reason}"),
}


def _build() -> dict[str, dict[str, str]]:
    catalogue = {key: {"es": es, "en": en} for key, (es, en) in _MESSAGES.items()}
    for table, es_words, en_words in (("placement", PLACEMENT_ES, PLACEMENT_EN), ("role", ROLE_ES, ROLE_EN),
                                      ("target", REASON_ES, REASON_EN), ("kind", KIND_ES, KIND_EN)):
        for code, es in es_words.items():
            catalogue[key_of(table, code)] = {"es": es, "en": en_words[code]}
    for code, (es, en) in STATUS_WORDS.items():
        catalogue[key_of("status", code)] = {"es": es, "en": en}
    return catalogue


CATALOGUE: dict[str, dict[str, str]] = _build()


def status_word(status: str) -> Message:
    return msg(key_of("status", status))
