"""Values printed in performance tables: numbers in either convention, percent,
Rupiah, ranges (``7-8``), predicates (``WTP``, ``BB``) and "no value".

Rules (../shared/DOMAIN.md, "Numbers"): ``.`` groups thousands and ``,`` marks
decimals (``8.866.374.688``, ``23,16%``), but the same agency may write
``452,750,000.00``. The convention is decided per column from all its cells
(:func:`decide_convention`); a lone ``1.250`` is never guessed: when neither the
column nor the document decides, the cell is flagged ``ambiguous_number`` and
gets no value. ``-``, ``NA``, ``N/A`` and an empty cell are "no value"
(``kind == "none"``), which is different from ``0``.

A target may be a bound rather than a point: ``≤ 4`` (a death rate no higher
than 4), ``< 5``, ``≥ 80 %``, ``maks. 4``, ``min 90``. The number is the
value and ``comparator`` keeps the direction (``le``, ``lt``, ``ge``, ``gt``),
which also tells lower-is-better from higher-is-better
(:func:`pipeline.indicator_rules.polarity`). Tesseract reads ``≤`` before a
digit as ``s`` or ``<`` (the Bunikasih PK's ``≤ 4`` came out ``s4``); a lone
``s`` directly before a number is read as ``≤`` and flagged
``comparator_from_ocr`` for review.
"""
from __future__ import annotations

import re
from typing import Iterable, Literal

from pydantic import BaseModel

Convention = Literal["id", "en"]
ValueKind = Literal["number", "percent", "rupiah", "range", "predicate", "none", "text"]

#: Opinion and SAKIP/grade predicates (BPK opinions, SAKIP categories, IKM grades).
PREDICATES = {"WTP", "WDP", "TW", "TMP", "AA", "A", "BB", "B", "CC", "C", "D", "E",
              "BAIK", "SANGAT BAIK", "CUKUP", "KURANG", "MEMADAI", "TERPENUHI"}
NO_VALUE = {"", "-", "--", "–", "—", "NA", "N/A", "N.A", "N.A.", "TIDAK ADA", "NIHIL", "TDK ADA"}

_NUM = r"\d[\d.,]*\d|\d"
_NUMBER_RE = re.compile(rf"^(?P<sign>[-+]?)\s*(?P<num>{_NUM})$")
_RANGE_RE = re.compile(rf"^(?P<a>{_NUM})\s*(?:-|–|s\.?d\.?|s/d|sampai)\s*(?P<b>{_NUM})$", re.I)
_RP_RE = re.compile(r"^rp\.?\s*", re.I)
_PCT_RE = re.compile(r"\s*(%|persen|prosen)\s*$", re.I)
#: A level printed by its ordinal (APIP capability ``Level III``, maturity levels 1-5).
#: Bare, only III and IV: a lone I, II or V is as likely a ruled line or a tick read by OCR.
_LEVEL_RE = re.compile(r"^level\s*(?:(?P<roman>I{1,3}|IV|V)|(?P<num>[1-5]))$|^(?P<bare>III|IV)$", re.I)
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
#: A note in brackets after a value (``100 % (Hijau)``).
_NOTE_RE = re.compile(r"^(?P<value>.*\d.*?)\s*\((?P<note>[^()]*[A-Za-z][^()]*)\)$")
Comparator = Literal["le", "lt", "ge", "gt"]
#: A leading bound: symbol or word, then the number (``≤ 4``, ``<=4``, ``maks. 4``, ``minimal 90``).
COMPARATOR_RE = re.compile(r"^(?P<op>≤|≦|=<|<=|<|≥|≧|=>|>=|>|maks(?:imal|imum)?\.?|max\.?|min(?:imal|imum)?\.?|"
                           r"paling\s+(?:sedikit|banyak)|(?-i:s)(?=\s*\d))\s*(?=[\d(])", re.I)
_COMPARATOR_OF = {"≤": "le", "≦": "le", "=<": "le", "<=": "le", "<": "lt", "≥": "ge", "≧": "ge", "=>": "ge",
                  ">=": "ge", ">": "gt", "maks": "le", "maksimal": "le", "maksimum": "le", "max": "le",
                  "min": "ge", "minimal": "ge", "minimum": "ge", "paling sedikit": "ge", "paling banyak": "le",
                  "s": "le"}


def split_comparator(text: str) -> tuple[Comparator | None, str, bool]:
    """``(comparator, rest, from_ocr)`` of a value with a leading bound
    (``"≤ 4"`` -> ``("le", "4", False)``; ``"s4"`` -> ``("le", "4", True)``:
    Tesseract's reading of ``≤``); ``(None, text, False)`` without one."""
    m = COMPARATOR_RE.match(text.strip())
    if not m:
        return None, text, False
    op = re.sub(r"\s+", " ", m["op"].lower().rstrip("."))
    return _COMPARATOR_OF[op], text.strip()[m.end():], op == "s"


class ParsedValue(BaseModel):
    """One parsed cell value. ``value`` is the number (percent points for a
    percent, Rupiah for money); for a range ``low``/``high`` hold the bounds and
    ``value`` the upper one; ``predicate`` holds a grade such as ``WTP``;
    ``unit`` keeps trailing words (``35 orang`` -> ``orang``), a bracketed
    note (``100 % (Hijau)`` -> ``Hijau``) or ``level`` for a level printed by
    its ordinal (``Level III``, ``III``, ``Level 3`` -> 3); ``comparator``
    marks a bound (``≤ 4``: ``le`` with ``value`` 4). ``flag``:
    ``ambiguous_number`` (convention undecided), ``unparsed``,
    ``comparator_from_ocr`` (an ``s`` read as ``≤``)."""

    raw: str
    kind: ValueKind
    value: float | None = None
    low: float | None = None
    high: float | None = None
    predicate: str | None = None
    unit: str | None = None
    comparator: Comparator | None = None
    flag: str | None = None

    @property
    def is_missing(self) -> bool:
        return self.kind == "none"


def _votes(token: str) -> Convention | None:
    """Which convention one number token proves, if any."""
    t = token.strip()
    if "." in t and "," in t:
        return "id" if t.rfind(",") > t.rfind(".") else "en"
    if "," in t:
        parts = t.split(",")
        if len(parts) > 2:
            return "en"                               # 452,750,000
        return "id" if len(parts[1]) != 3 else None   # 13,19 -> id; 1,250 undecided
    if "." in t:
        parts = t.split(".")
        if len(parts) > 2:
            return "id"                               # 8.866.374.688
        return "en" if len(parts[1]) != 3 else None   # 3.5 -> en; 1.250 undecided
    return None


def _tokens(text: str) -> list[str]:
    return re.findall(_NUM, text or "")


def decide_convention(cells: Iterable[str]) -> Convention | None:
    """The number convention proven by the cells of one column (or a whole
    document): majority of the tokens that prove one; ``None`` when no token
    does (e.g. only integers and lone ``1.250``)."""
    votes = {"id": 0, "en": 0}
    for text in cells:
        for tok in _tokens(text):
            v = _votes(tok)
            if v:
                votes[v] += 1
    if not votes["id"] and not votes["en"]:
        return None
    return "id" if votes["id"] >= votes["en"] else "en"


def to_number(token: str, convention: Convention | None) -> float | None:
    """A number token read in ``convention``; ``None`` when the token is
    ambiguous without a convention (``1.250``, ``1,250``). A token that proves
    its own convention (``195.000.000,00`` in a column written ``452,750,000.00``)
    is read in its own."""
    t = token.strip()
    conv = _votes(t) or convention     # a token that proves its own convention keeps it
    if "." not in t and "," not in t:
        return float(t)
    if conv is None:
        return None
    if conv == "id":
        t = t.replace(".", "").replace(",", ".")
    else:
        t = t.replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None


def parse_value(raw: str | None, convention: Convention | None = None) -> ParsedValue:
    """Parse one cell's text. Never raises: what cannot be read is
    ``kind="text"`` with ``flag="unparsed"`` (the raw text is kept)."""
    text = re.sub(r"\s+", " ", (raw or "").strip())
    up = text.upper().rstrip(".")
    if up in NO_VALUE or text.strip(" -–—") == "":
        return ParsedValue(raw=raw or "", kind="none")
    if up in PREDICATES:
        return ParsedValue(raw=raw or "", kind="predicate", predicate=up)
    level = _LEVEL_RE.match(text)
    roman = level and (level["roman"] or level["bare"])
    if level and (level["num"] or roman.isupper()):
        return ParsedValue(raw=raw or "", kind="number", value=float(level["num"] or _ROMAN[roman]), unit="level")
    note = _NOTE_RE.match(text)
    if note:
        v = parse_value(note["value"], convention)
        if v.value is not None and not v.unit:
            return v.model_copy(update={"raw": raw or "", "unit": note["note"].strip()})
    kind: ValueKind = "number"
    comparator, body, from_ocr = split_comparator(text)
    if comparator:
        v = parse_value(body, convention)
        if v.kind in ("number", "percent", "rupiah") and v.value is not None:
            return v.model_copy(update={"raw": raw or "", "comparator": comparator,
                                        "flag": v.flag or ("comparator_from_ocr" if from_ocr else None)})
        if from_ocr:       # not a bound after all ("s" begins a word): read the text as it is
            body = text
        else:
            return ParsedValue(raw=raw or "", kind="text", comparator=comparator, flag="unparsed")
    if _RP_RE.match(body):
        kind, body = "rupiah", _RP_RE.sub("", body)
        body = re.sub(r"[.,]-$", "", body)
    if _PCT_RE.search(body):
        kind, body = "percent", _PCT_RE.sub("", body)
    body = body.strip()
    m = _RANGE_RE.match(body)
    if m:
        a, b = to_number(m["a"], convention), to_number(m["b"], convention)
        if a is None or b is None:
            return ParsedValue(raw=raw or "", kind="range", flag="ambiguous_number")
        lo, hi = min(a, b), max(a, b)
        return ParsedValue(raw=raw or "", kind="range", value=hi, low=lo, high=hi)
    m = _NUMBER_RE.match(body)
    unit = None
    if not m:
        lead = re.match(rf"^(?P<sign>[-+]?)\s*(?P<num>{_NUM})\s*(?P<unit>%|[A-Za-z/(][\w/().\s-]*)$", body)
        if not lead:
            return ParsedValue(raw=raw or "", kind="text", flag="unparsed")
        m, unit = lead, lead["unit"].strip()
        if unit == "%":
            kind, unit = "percent", None
    number = to_number(m["num"], convention)
    if number is None:
        return ParsedValue(raw=raw or "", kind=kind, unit=unit, flag="ambiguous_number")
    if m["sign"] == "-":
        number = -number
    return ParsedValue(raw=raw or "", kind=kind, value=number, unit=unit)


def parse_column(cells: list[str], fallback: Convention | None = None) -> list[ParsedValue]:
    """Parse the cells of one column with the convention decided from all of
    them (``fallback``, e.g. the document's convention, when they prove none)."""
    conv = decide_convention(cells) or fallback
    return [parse_value(c, conv) for c in cells]
