"""Text normalisation and keyword matching shared by the detectors."""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WORD_RE = re.compile(r"[a-z0-9]+")
# Candidates for combining marks: no code point below U+0300 has a non-zero combining class.
_MAYBE_COMBINING = re.compile("[\u0300-\U0010ffff]+")


def _drop_combining(match: re.Match[str]) -> str:
    return "".join(c for c in match.group() if not unicodedata.combining(c))


def squash(text: str | None) -> str:
    """Collapse whitespace and trim."""
    # str.split() cuts at exactly the characters regex \s matches (both ask Py_UNICODE_ISSPACE), so this is
    # re.sub(r"\s+", " ", text).strip() at a quarter of the cost; squash runs for every text a detector reads.
    return " ".join(text.split()) if text else ""


def fold(text: str | None) -> str:
    """Lower-case, accent-free, whitespace-collapsed text for keyword matching."""
    text = text or ""
    if text.isascii():
        return squash(text.lower())
    plain = _MAYBE_COMBINING.sub(_drop_combining, unicodedata.normalize("NFKD", text))
    return squash(plain.lower())


def words(text: str) -> list[str]:
    """Alphanumeric words of already folded text."""
    return _WORD_RE.findall(text)


def within_one_edit(a: str, b: str) -> bool:
    """True if a and b differ by at most one insertion, deletion or substitution."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] != b[j]:
            edits += 1
            if edits > 1:
                return False
            if len(a) == len(b):
                i += 1
        else:
            i += 1
        j += 1
    return edits + (len(b) - j) <= 1


def has_fuzzy_word(folded: str, targets: Iterable[str]) -> bool:
    """True if a word of the text equals a long target word up to one typo ('transparenica')."""
    found = words(folded)
    return any(
        w == t or (len(t) >= 10 and w[:4] == t[:4] and within_one_edit(w, t))
        for w in found for t in targets
    )


def compile_terms(terms: Iterable[str]) -> re.Pattern[str]:
    """One word-bounded regex for a list of folded phrases (regex syntax allowed)."""
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(terms) + r")(?![a-z0-9])")
