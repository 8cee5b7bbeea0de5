"""Durations as printed in an SOP's *Waktu* column (``15 menit``, ``1 jam``,
``2 Hari``, ``1 minggu``) -> number, unit and minutes.

Working time, not clock time: a day is one working day of
``working_day_minutes`` (default 450 = 7.5 hours, i.e. the 37.5 hours a week
of Perpres 21/2023 on civil-servant working hours over five days), a week is
5 working days and a month 22 working days. A range (``1-2 hari``) takes its
upper bound and says so. Letters OCR reads for digits inside a number
(``1s Menit``) are read as digits and noted. OCR slips in the unit (``Menir``, ``mnt``) are
matched with rapidfuzz; an unreadable number gives no minutes and a problem,
never a guess.
"""
from __future__ import annotations

import re

from pydantic import BaseModel
from rapidfuzz import fuzz, process

#: Default length of one working day in minutes (Perpres 21/2023: 37.5 h / 5 days).
WORKING_DAY_MINUTES = 450

_UNITS = {
    "menit": "minute", "mnt": "minute", "min": "minute", "'": "minute",
    "jam": "hour", "jm": "hour",
    "hari": "day", "hari kerja": "day", "hr": "day", "hk": "day",
    "minggu": "week", "pekan": "week", "mgg": "week",
    "bulan": "month", "bln": "month",
}
_PER_UNIT_DAYS = {"day": 1, "week": 5, "month": 22}

_NUM = r"\d+(?:[.,]\d+)?"
_PATTERN = re.compile(rf"(?P<a>{_NUM})\s*(?:(?:-|–|s\.?d\.?|sampai)\s*(?P<b>{_NUM}))?\s*(?P<unit>[a-z']+(?:\s+kerja)?)?", re.I)


#: Letters OCR puts in place of digits (``1s`` for ``15``, ``1O`` for ``10``), fixed only
#: inside a token that starts with a digit.
_OCR_DIGITS = str.maketrans({"s": "5", "S": "5", "o": "0", "O": "0", "l": "1", "I": "1"})
_OCR_DIGITS_IN_NUMBER = re.compile(r"\b(\d+)([sSoOlI]+)(?=\s|$)")


class Duration(BaseModel):
    """A parsed duration: ``value`` in ``unit`` (minute, hour, day, week,
    month), ``minutes`` of working time, the ``raw`` text, and ``problem``
    when something could not be read or was assumed."""

    raw: str
    value: float | None = None
    unit: str | None = None
    minutes: float | None = None
    problem: str | None = None


def _unit(token: str) -> str | None:
    t = token.lower().strip()
    if t in _UNITS:
        return _UNITS[t]
    t = t.replace(" kerja", "")
    if t in _UNITS:
        return _UNITS[t]
    best = process.extractOne(t, list(_UNITS), scorer=fuzz.ratio, score_cutoff=70)
    return _UNITS[best[0]] if best and len(t) >= 3 else None


def to_minutes(value: float, unit: str, working_day_minutes: int = WORKING_DAY_MINUTES) -> float:
    """Working minutes of ``value`` ``unit`` (rules in the module docstring)."""
    if unit == "minute":
        return value
    if unit == "hour":
        return value * 60
    return value * _PER_UNIT_DAYS[unit] * working_day_minutes


def parse_duration(raw: str | None, working_day_minutes: int = WORKING_DAY_MINUTES) -> Duration | None:
    """Parse a *Waktu* cell; ``None`` for an empty cell. Never raises."""
    if raw is None or not raw.strip():
        return None
    text = re.sub(r"\s+", " ", raw).strip()
    fixed = _OCR_DIGITS_IN_NUMBER.sub(lambda m: m.group(1) + m.group(2).translate(_OCR_DIGITS), text)
    ocr_fix = fixed != text
    text = fixed
    m = _PATTERN.search(text)
    if not m:
        return Duration(raw=raw, problem="no number")
    unit = _unit(m.group("unit") or "")
    if unit is None:
        return Duration(raw=raw, value=float(m.group("a").replace(",", ".")), problem="unknown unit")
    a = float(m.group("a").replace(",", "."))
    problem = "OCR letters in the number read as digits" if ocr_fix else None
    if m.group("b"):
        a = float(m.group("b").replace(",", "."))
        problem = "range: upper bound taken"
    return Duration(raw=raw, value=a, unit=unit, minutes=round(to_minutes(a, unit, working_day_minutes), 2),
                    problem=problem)
