"""Move the dates written in the sample sites so the demo looks the same on any day it is run.

The sites are written as of ANCHOR (2026-11-01). Served with `today`, every full date in a text body — Spanish
long form ("28 de octubre de 2026"), Mexican dd/mm/yyyy and ISO yyyy-mm-dd — and the Last-Modified header move
forward by (today - ANCHOR) days, so "updated in the last month" stays true for the strong site.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

ANCHOR = date(2026, 11, 1)
MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")
LONG = re.compile(r"\b(\d{1,2}) de (" + "|".join(MONTHS) + r") de (\d{4})\b", re.I)
SLASH = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
ISO = re.compile(r"(?<![\w-])(\d{4})-(\d{2})-(\d{2})(?![\w-])")   # not inside file names like x-2026-10-28.csv


def offset_days(today: date | None) -> int:
    return max((today - ANCHOR).days, 0) if today else 0


def shift_date(day: date, days: int) -> date:
    return day + timedelta(days=days)


def shift_text(text: str, days: int) -> str:
    if days == 0:
        return text
    return ISO.sub(lambda m: _iso(m, days), SLASH.sub(lambda m: _slash(m, days), LONG.sub(lambda m: _long(m, days), text)))


def _safe(build, match: re.Match) -> str:
    try:
        return build()
    except ValueError:     # not a real date (e.g. 31/02/2026): leave it as written
        return match.group(0)


def _long(m: re.Match, days: int) -> str:
    def build():
        d = shift_date(date(int(m.group(3)), MONTHS.index(m.group(2).lower()) + 1, int(m.group(1))), days)
        return f"{d.day} de {MONTHS[d.month - 1]} de {d.year}"
    return _safe(build, m)


def _slash(m: re.Match, days: int) -> str:
    def build():
        d = shift_date(date(int(m.group(3)), int(m.group(2)), int(m.group(1))), days)
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return _safe(build, m)


def _iso(m: re.Match, days: int) -> str:
    return _safe(lambda: shift_date(date(int(m.group(1)), int(m.group(2)), int(m.group(3))), days).isoformat(), m)
