"""What each column of a performance table holds, read from its header.

A column's *header path* is the text of every header cell above it, top to
bottom (spanning cells included): in the Permendagri 86/2017 Renja form the
third column's path is ``Realisasi Kinerja Pada Triwulan I - IV Tahun 2023 /
I / 7 / K``. Ordered rules on that path give one :class:`ColumnRole`:

``no``, ``sasaran`` (sasaran strategis), ``program`` (urusan / program /
kegiatan names), ``indikator``, ``satuan``, ``target``, ``realisasi``,
``capaian`` (printed achievement, percent), ``anggaran`` (budget, Rupiah),
``keterangan``, ``penanggung_jawab`` (responsible unit/agency), ``rencana_aksi``,
``other``. ``quarter`` is 1..4 when the path names a quarter (``TW I``, ``Trw
II``, ``Triwulan 3``, or a lone Roman numeral under a quarter heading);
``money`` marks the Rp half of a K/Rp pair.

The header band is the table's header rows plus directly following short,
non-numeric rows such as the ``K | Rp`` row of the Renja form.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .models import Table
from .tables import is_number

QUARTER_WORDS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
#: A quarter numeral as printed or as OCR reads it: Roman numerals whose ``I``
#: came back as ``l``, ``1``, ``|`` or ``!`` (``TWil`` = TW II, ``Twill`` = TW III).
QUARTER_TOKEN = r"(?:[il1|!]?v|[il1|!]{1,3}|[2-4])(?![a-z0-9])"
_Q_RE = re.compile(rf"\b(?:triwulan|tw|trw|triw)\.?\s*-?\s*({QUARTER_TOKEN})", re.I)
_LONE_ROMAN = re.compile(r"^(iv|i{1,3})$", re.I)
_HEADER_WORDS = re.compile(r"^(k|rp\.?|%|\(rp\.?\))$|\b(no|target|realisasi|capaian|satuan|sasaran|indikator|anggaran|"
                           r"program|kegiatan|penanggung|jawab|keterangan|trw|tw|triwulan)\b", re.I)

#: (role, pattern on the lower-cased header path); first match wins.
ROLE_RULES: list[tuple[str, str]] = [
    ("no", r"^(no|nomor|no\.)$"),
    ("capaian", r"capaian|% ?capaian|persentase capaian"),
    ("penanggung_jawab", r"penanggung\s*jawab|perangkat daerah|pj\b|pelaksana"),
    ("keterangan", r"keterangan|\bket\b|ket\.|catatan|rencana tindak lanjut|permasalahan"),
    ("rencana_aksi", r"rencana aksi"),
    ("anggaran", r"anggaran|pagu|\(rp\.?\)|dana"),
    ("satuan", r"satuan"),
    ("realisasi", r"realisasi"),
    ("target", r"target"),
    ("indikator", r"indikator"),
    ("sasaran", r"sasaran"),
    ("program", r"program|kegiatan|urusan"),
]


@dataclass(frozen=True)
class ColumnRole:
    """Role of one grid column: ``role`` (see module docstring), ``quarter``
    (1..4 or ``None`` for the year), ``money`` (the Rp half of K/Rp), and the
    header ``path`` it was read from."""

    col: int
    role: str
    quarter: int | None = None
    money: bool = False
    path: str = ""


def header_band(table: Table) -> int:
    """Number of leading rows that are header: ``table.header_rows`` plus
    following rows whose filled cells are all short and non-numeric."""
    n = table.header_rows
    grid = table.grid()
    while n < table.n_rows:
        texts = [t.strip() for t in grid[n] if t.strip()]
        if not texts:
            if n == table.header_rows:
                n += 1
                continue
            break
        if not any(is_number(t) for t in texts) and len(texts) >= 2 and sum(
                1 for t in texts if _HEADER_WORDS.search(t)) * 2 >= len(texts):
            n += 1
            continue
        break
    return n


def _paths(table: Table, band: int) -> list[list[str]]:
    paths: list[list[str]] = [[] for _ in range(table.n_cols)]
    rows = table.rows(body_only=False)[:band]
    for row in rows:
        for k, cell in enumerate(row):
            if cell is None or not cell.text.strip():
                continue
            text = re.sub(r"\s+", " ", cell.text.strip())
            if not paths[k] or paths[k][-1] != text:   # a cell spanning down is named once
                paths[k].append(text)
    return paths


def quarter_number(token: str) -> int | None:
    """1..4 for a quarter numeral matched by :data:`QUARTER_TOKEN` (``II``,
    ``Il``, ``11``, ``2``, ``lV``); ``None`` for anything else."""
    t = token.lower()
    if t in QUARTER_WORDS:
        return QUARTER_WORDS[t]
    return QUARTER_WORDS.get(re.sub(r"[l1|!]", "i", t))


def _quarter(parts: list[str], default_heading: bool) -> int | None:
    for p in reversed(parts):
        q = quarter_number(m.group(1)) if (m := _Q_RE.search(p)) else None
        if q:
            return q
        if _LONE_ROMAN.match(p.strip()) and default_heading:
            return QUARTER_WORDS[p.strip().lower()]
    return None


def column_roles(table: Table, quarter_measure: str = "realisasi") -> list[ColumnRole]:
    """One :class:`ColumnRole` per grid column of ``table``.

    ``quarter_measure``: what a quarter column that says neither *target* nor
    *realisasi* holds (``target`` in a Rencana Aksi, ``realisasi`` in a
    report). Column-number rows (``1 2 3``) are ignored.
    """
    band = header_band(table)
    out: list[ColumnRole] = []
    for k, parts in enumerate(_paths(table, band)):
        parts = [p for p in parts if not re.fullmatch(r"\(?\d{1,2}\)?(\s*=\s*.*)?", p)]
        path = " / ".join(parts)
        low = " ".join(parts).lower()
        heading = bool(re.search(r"triwulan|\btw\b|\btrw\b|kuartal", low))
        quarter = _quarter(parts, heading)
        money = bool(parts) and parts[-1].strip().lower().rstrip(".") == "rp"
        role = "other"
        if money:
            role = "anggaran" if "realisasi" not in low else "realisasi"
        elif parts and parts[-1].strip().lower() == "k" and quarter:
            role = "realisasi" if "realisasi" in low or quarter_measure == "realisasi" else "target"
        else:
            for name, pat in ROLE_RULES:
                if re.search(pat, low):
                    role = name
                    break
        if quarter and role in ("other", "program", "sasaran", "indikator"):
            role = quarter_measure
        out.append(ColumnRole(col=k, role=role, quarter=quarter, money=money, path=path))
    return out
