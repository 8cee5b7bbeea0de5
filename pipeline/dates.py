"""Indonesian dates: ``24 Januari 2024``, ``4 JULI 2022``, ``08 januari 2025``,
``3 Agt 2023``, ``Selong, 10 April 2024``, ``24-01-2024``, ``24/01/2024``."""
from __future__ import annotations

import re
from datetime import date
from typing import Iterable

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "agustus": 8, "agt": 8, "agu": 8, "ags": 8, "agus": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12,
}
_NAMED = re.compile(r"(?<!\d)(\d{1,2})?\s*[-./]?\s*([A-Za-z]{3,9})\.?\s*[-./]?\s*((?:19|20)\d\d)(?!\d)")
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*((?:19|20)\d\d)(?!\d)")


class DateParse:
    """Outcome of :func:`parse_date`: ``value`` (a date or ``None``), the matched
    ``raw`` text, and ``problem`` in words when a date-like text could not be
    turned into a date (blank day left for the pen, impossible day)."""

    __slots__ = ("value", "raw", "problem")

    def __init__(self, value: date | None, raw: str | None, problem: str | None = None):
        self.value, self.raw, self.problem = value, raw, problem

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"DateParse({self.value!r}, {self.raw!r}, {self.problem!r})"


def parse_date(text: str | None) -> DateParse:
    """First date found in ``text``. Month names in Indonesian (full or
    abbreviated, any case); numeric dates are day-month-year, as written in
    Indonesia. Returns ``DateParse(None, None)`` when no date-like text is there."""
    if not text:
        return DateParse(None, None)
    for m in _NAMED.finditer(text):
        month = MONTHS.get(m.group(2).lower())
        if month is None:
            continue
        raw = m.group(0).strip()
        if not m.group(1):
            return DateParse(None, raw, "the day is blank (left for the pen?)")
        try:
            return DateParse(date(int(m.group(3)), month, int(m.group(1))), raw)
        except ValueError:
            return DateParse(None, raw, f"'{raw}' is not a real date")
    m = _NUMERIC.search(text)
    if m:
        try:
            return DateParse(date(int(m.group(3)), int(m.group(2)), int(m.group(1))), m.group(0))
        except ValueError:
            return DateParse(None, m.group(0), f"'{m.group(0)}' is not a real date")
    return DateParse(None, None)


_PLACE_DATE = re.compile(r"^\s*([A-Z][A-Za-z .'-]{2,30}),\s*((?:\d{1,2}\s+)?[A-Za-z]{3,9}\.?\s+(?:19|20)\d\d|(?:19|20)\d\d)\s*$")


def signing_line(lines: Iterable[str]) -> tuple[str | None, str | None]:
    """``(place, ISO date or None)`` of the last signing line among ``lines``,
    such as ``Sukamaju, 5 Juli 2024`` (the date is ``None`` when its day is
    left blank for the pen); ``(None, None)`` when there is none."""
    found = None
    for line in lines:
        m = _PLACE_DATE.match(line)
        if m:
            d = parse_date(m.group(2))
            found = m.group(1).strip(), d.value.isoformat() if d.value else None
    return found or (None, None)
