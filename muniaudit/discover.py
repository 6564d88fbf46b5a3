"""Discovery of official municipal website candidates (placeholder: completed below)."""
from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Lower-case ASCII without accents: 'Tlajomulco de Zúñiga' -> 'tlajomulco de zuniga'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def domain_slug(name: str, sep: str = "") -> str:
    """A DNS label from a name: ascii-folded, punctuation dropped, words joined by `sep`."""
    words = re.findall(r"[a-z0-9]+", fold(name).replace("ñ", "n"))
    return sep.join(words)
