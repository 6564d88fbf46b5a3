"""Click's own texts ("Usage:", "Options", "Error: No such option ...") in the CLI's language.

Click translates its messages with the standard library's `gettext` (`from gettext import gettext as _` in each
of its modules), so the supported hook is a translation catalogue. A GNU .mo file would be found through the
LANGUAGE/LC_* environment of whoever runs the command, but this CLI is Spanish whatever the machine's locale,
so the catalogue is a `gettext.NullTranslations` subclass holding a dict, and its gettext/ngettext are given to
Click's modules (docs/decisions/0002-messages.md). A test renders Click's help and errors and checks they are
Spanish, so a Click release that renames a message is caught.
"""
from __future__ import annotations

import gettext
import importlib

# Click msgid -> Spanish. Keys are Click's English source texts, exactly.
CLICK_ES = {
    "Usage:": "Uso:",
    "Options": "Opciones",
    "Commands": "Comandos",
    "Positional arguments": "Argumentos",
    "Show this message and exit.": "Muestra esta ayuda y sale.",
    "Show the version and exit.": "Muestra la versión y sale.",
    "%(prog)s, version %(version)s": "%(prog)s, versión %(version)s",
    "Error: {message}": "Error: {message}",
    "Try '{command} {option}' for help.": "Pruebe '{command} {option}' para ver la ayuda.",
    "Invalid value for {param_hint}: {message}": "Valor no válido para {param_hint}: {message}",
    "Invalid value: {message}": "Valor no válido: {message}",
    "Missing argument": "Falta el argumento",
    "Missing option": "Falta la opción",
    "Missing parameter": "Falta el parámetro",
    "Missing {param_type}": "Falta {param_type}",
    "Missing parameter: {param_name}": "Falta el parámetro: {param_name}",
    "Missing command.": "Falta el comando.",
    "No such option {name!r}.": "No existe la opción {name!r}.",
    "No such command {name!r}.": "No existe el comando {name!r}.",
    "Option {name!r} does not take a value.": "La opción {name!r} no admite un valor.",
    "Argument {name!r} takes {nargs} values.": "El argumento {name!r} recibe {nargs} valores.",
    "Invalid start character for option ({option})": "Carácter inicial no válido para una opción ({option})",
    "Could not open file {filename!r}: {message}": "No se pudo abrir el archivo {filename!r}: {message}",
    "unknown error": "error desconocido",
    "Aborted!": "¡Interrumpido!",
    "deprecated": "obsoleto",
    "default: {default}": "por omisión: {default}",
    "env var: {var}": "variable de entorno: {var}",
    "required": "obligatorio",
    "(dynamic)": "(dinámico)",
    "Value must be an iterable.": "El valor debe ser una lista.",
    "Choose from:\n\t{choices}": "Elija entre:\n\t{choices}",
    "{value} is not in the range {range}.": "{value} no está en el intervalo {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} no es un valor lógico válido. Valores reconocidos: {states}",
    "{value!r} is not a valid {number_type}.": "{value!r} no es un {number_type} válido.",
    "{value!r} is not a valid UUID.": "{value!r} no es un UUID válido.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} no existe.",
    "{name} {filename!r} is a file.": "{name} {filename!r} es un archivo.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} es una carpeta.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} no se puede leer.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} no se puede escribir.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} no es ejecutable.",
    "file": "archivo",
    "directory": "carpeta",
    "path": "ruta",
    "Do you want to continue?": "¿Desea continuar?",
    "Confirm the action without prompting.": "Confirma la acción sin preguntar.",
}
# (singular, plural) msgid pairs of Click's ngettext calls -> Spanish (singular, plural).
CLICK_ES_PLURAL = {
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("¿Quiso decir {possibility}?", "(¿Quiso decir una de: {possibilities}?)"),
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Argumento adicional inesperado ({args})", "Argumentos adicionales inesperados ({args})"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("La opción {name!r} requiere un valor.", "La opción {name!r} requiere {nargs} valores."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("{value!r} no es {choice}.", "{value!r} no es uno de {choices}."),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("Recibe {nargs} valores pero se dio 1.", "Recibe {nargs} valores pero se dieron {len}."),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("Se requieren {len_type} valores, pero se dio {len_value}.",
         "Se requieren {len_type} valores, pero se dieron {len_value}."),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        ("{value!r} no tiene el formato {format}.", "{value!r} no tiene ninguno de los formatos {formats}."),
}
# Type names shown as metavars (TEXT, INTEGER) and in "'x' is not a valid integer": class attributes, not gettext
# messages, so they are set on the classes (English values are Click's own).
TYPE_NAMES = {
    "StringParamType": ("texto", "text"), "UnprocessedParamType": ("texto", "text"),
    "IntParamType": ("entero", "integer"), "IntRange": ("entero", "integer range"),
    "FloatParamType": ("número", "float"), "FloatRange": ("número", "float range"),
    "BoolParamType": ("sí/no", "boolean"), "DateTime": ("fecha", "datetime"), "File": ("archivo", "filename"),
}
CLICK_MODULES = ("click.core", "click.decorators", "click.exceptions", "click.formatting", "click.parser",
                 "click.types", "click.termui", "click.shell_completion")


class DictTranslations(gettext.NullTranslations):
    """A gettext catalogue held in dicts (English source text -> translation); unknown texts pass through."""

    def __init__(self, singular: dict[str, str], plural: dict[tuple[str, str], tuple[str, str]]) -> None:
        super().__init__()
        self._singular, self._plural = singular, plural

    def gettext(self, message: str) -> str:
        return self._singular.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        forms = self._plural.get((msgid1, msgid2), (msgid1, msgid2))
        return forms[0] if n == 1 else forms[1]


CATALOGUES = {"es": DictTranslations(CLICK_ES, CLICK_ES_PLURAL), "en": DictTranslations({}, {})}


def use_language(lang: str) -> None:
    """Make Click print its help and errors in `lang` ("es" or "en") from now on."""
    catalogue = CATALOGUES[lang]
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = catalogue.gettext
        if hasattr(module, "ngettext"):
            module.ngettext = catalogue.ngettext
    types = importlib.import_module("click.types")
    for cls, (es, en) in TYPE_NAMES.items():
        getattr(types, cls).name = es if lang == "es" else en
