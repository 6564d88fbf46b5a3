"""Navigation written in JavaScript: the page a `javascript:` href or an onclick handler opens or loads.

Old municipal sites build menus as `<a href="javascript:cargar('buzon.html')">` or `onclick="abrir('x.php')"`,
loading the target into the page or opening it. The target is still one click from the page the link is on, so
the crawler follows it and the detectors read such a link as pointing at its target.
"""
from __future__ import annotations

import re

# A loader/opener call or a location assignment with a page-like string argument.
HANDLER_TARGET = re.compile(
    r"""(?:load\w*|open\w*|go\w*|navigate\w*|window\.location(?:\.href)?\s*=|location\.href\s*=|"""
    r"""window\.open|ir\w*|cargar\w*|abrir\w*|mostrar\w*|ver\w*)\s*\(?\s*['"]"""
    r"""([^'"\s]{1,300}\.(?:html?|php|aspx?|jsp)(?:\?[^'"\s]*)?|/[^'"\s]{0,300})['"]""",
    re.I,
)


def handler_targets(code: str) -> list[str]:
    """Page targets named by one handler's code, in order, without repeats."""
    return list(dict.fromkeys(m.group(1) for m in HANDLER_TARGET.finditer(code or "")))


def link_code(href: str | None, onclick: str | None) -> str:
    """The JavaScript a click on a link runs: its `javascript:` href and its onclick handler."""
    code = onclick or ""
    href = (href or "").strip()
    if href[:11].lower() == "javascript:":
        code = href[11:] + ";" + code
    return code
