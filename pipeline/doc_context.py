"""Which agency (OPD), unit (bidang / seksi / subbagian / UPT), year and
quarter a performance document is about.

Read from the document first - its title lines, the Renja form's agency row,
the PK's PIHAK PERTAMA jabatan (``KEPALA BIDANG X PADA DINAS Y``) - and only
then from the file name (``tw2``, ``triwulan-3``, ``2024``); each value's source
is recorded. What cannot be found is flagged for review, never guessed.
"""
from __future__ import annotations

import re

from .columns import QUARTER_TOKEN, QUARTER_WORDS, quarter_number

_YEAR_TITLE = re.compile(r"\b(?:tahun|ta\.?|t\.a\.?|tahun anggaran)\s*((?:19|20)\d\d)\b", re.I)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_QUARTER_TEXT = re.compile(rf"\b(?:triwulan|tw|trw|triw)\.?\s*-?\s*({QUARTER_TOKEN}|[5-9](?![0-9]))(?:\s*(?:-|s\.?d\.?|s/d|"
                           rf"sampai)\s*(?:triwulan|tw|trw)?\.?\s*({QUARTER_TOKEN}))?", re.I)
_QUARTER_FILE = re.compile(r"(?:^|[^a-z])(?:tw|trw|triwulan|q)[-_ ]?(iv|i{1,3}|[1-9])(?:[^a-z0-9]|$)", re.I)
_UNIT = re.compile(r"\b((?:sub\s*bag(?:ian)?|subbag(?:ian)?|bidang|seksi|balai|uptd?|sekretariat|bagian)\b"
                   r"[A-Za-z ,/&.-]*?)(?=\s+pada\b|\s+dinas\b|\s+badan\b|$)", re.I)
_OPD = re.compile(r"\b((?:dinas|badan|inspektorat|kantor|sekretariat daerah|satuan polisi|kecamatan|rsud)\b"
                  r"[A-Za-z ,/&.-]*)", re.I)
ROMAN_OR_ARABIC = {**QUARTER_WORDS, "v": 5, **{str(k): k for k in range(5, 10)}}


def _clean(s: str | None) -> str | None:
    if not s:
        return None
    s = re.sub(r"\s+", " ", s).strip(" ,.:;-|")
    return s.upper() or None


def find_year(title: str, text: str, file_name: str) -> tuple[int | None, str | None]:
    """``(year, source)``: ``Tahun 2023`` in the title, else the commonest year
    in the text, else a year in the file name."""
    m = _YEAR_TITLE.search(title)
    if m:
        return int(m.group(1)), "document"
    years = [int(y) for y in _YEAR.findall(text) if 2000 <= int(y) <= 2100]
    if years:
        return max(set(years), key=years.count), "document"
    m = _YEAR.search(file_name)
    return (int(m.group(1)), "file_name") if m else (None, None)


def find_quarter(title: str, file_name: str) -> tuple[int | None, str | None, bool]:
    """``(quarter, source, out_of_range)``. A title naming a span of quarters
    (``Triwulan I - IV``) names no single quarter (``None``); a quarter
    number above 4 is reported as out of range."""
    m = _QUARTER_TEXT.search(title)
    source = "document"
    if not m:
        m = _QUARTER_FILE.search(file_name.lower())
        source = "file_name"
    if not m:
        return None, None, False
    if m.lastindex and m.lastindex >= 2 and m.group(2):
        return None, source, False
    q = quarter_number(m.group(1)) or ROMAN_OR_ARABIC.get(m.group(1).lower())
    if q is None or q > 4:
        return None, source, True
    return q, source, False


def split_jabatan(jabatan: str | None) -> tuple[str | None, str | None]:
    """``(opd, unit)`` from a jabatan such as ``KEPALA BIDANG PEMBUDAYAAN
    OLAHRAGA PADA DINAS PEMUDA DAN OLAHRAGA PROVINSI JAWA BARAT``."""
    if not jabatan:
        return None, None
    unit = _UNIT.search(jabatan)
    opd = _OPD.search(jabatan[unit.end():] if unit else jabatan)
    return (_clean(opd.group(1)) if opd else None), (_clean(unit.group(1)) if unit else None)


def find_opd(title: str) -> str | None:
    """The first agency name in the title lines (``DINAS ... PROVINSI ...``)."""
    for line in title.splitlines():
        m = _OPD.search(line)
        if m and len(m.group(1)) > 8:
            return _clean(m.group(1))
    return None


def find_unit(title: str) -> str | None:
    """A bidang / seksi / subbagian / UPT named on a title line of its own."""
    for line in title.splitlines():
        m = re.match(r"^\s*(sub\s*bag(?:ian)?|subbag(?:ian)?|bidang|seksi|balai|uptd?|bagian)\b.*$", line.strip(), re.I)
        if m:
            return _clean(line)
    return None
