"""Parse a Perjanjian Kinerja, Rencana Aksi, Laporan Kinerja Triwulan (simple
form or the Permendagri 86/2017 Renja evaluation form) or Monev Rencana Aksi
into one :class:`PerformanceDoc`, on the table model.

- **Form**: from the document type; a quarterly report whose table carries
  K / Rp realisation column pairs per quarter is the Renja evaluation form,
  whose rows then get their urusan > program > kegiatan > sub kegiatan level
  (:mod:`pipeline.renja`).
- **Columns** by header (:mod:`pipeline.columns`); a quarter column that
  names neither target nor realisasi holds targets in a Rencana Aksi or PK and
  realisations in a report. In a simple report, a realisasi or capaian column
  without a quarter belongs to the report's quarter; a target column without
  one stays the annual target.
- **Budget tables** of a PK (``Program | Anggaran | Keterangan``, or no header
  at all: ``1 Program ... | Rp | 921.285.000``) become ``budget`` lines.
- **Context** (agency, unit, year, quarter) by :mod:`pipeline.doc_context`;
  PK parties by :mod:`pipeline.pk_letter`.
"""
from __future__ import annotations

from dataclasses import replace

from .columns import ColumnRole, column_roles, header_band
from .doc_context import find_opd, find_quarter, find_unit, find_year, split_jabatan
from .layout import Line
from .models import DocType, PerformanceDoc, PerformanceForm, PerformanceLine, Table
from .perf_lines import MEASURE_ROLES, lines_from_table
from .dates import signing_line
from .pk_letter import parse_pk_letter
from .renja import assign_renja_levels
from .tables import is_number
from .values import decide_convention

FORMS: dict[str, PerformanceForm] = {"perjanjian_kinerja": "perjanjian_kinerja", "rencana_aksi": "rencana_aksi",
                                     "laporan_triwulan": "laporan_triwulan", "monev": "monev"}
TITLE_LINES = 8


def _headerless_budget_roles(table: Table) -> list[ColumnRole] | None:
    """Roles for a budget table printed without a header: the column of large
    numbers is the anggaran, the column with the longest text the programme."""
    grid = table.grid()
    if table.n_cols < 2 or not grid:
        return None
    def share_money(k: int) -> float:
        cells = [r[k] for r in grid if r[k].strip()]
        return sum(1 for c in cells if is_number(c) and sum(ch.isdigit() for ch in c) >= 6) / max(1, len(cells))
    money = max(range(table.n_cols), key=share_money)
    if share_money(money) < 0.6:
        return None
    text_col = max((k for k in range(table.n_cols) if k != money),
                   key=lambda k: sum(len(r[k]) for r in grid))
    return [ColumnRole(col=k, role="anggaran" if k == money else "program" if k == text_col else "other")
            for k in range(table.n_cols)]


def _report_quarter(roles: list[ColumnRole], quarter: int | None) -> list[ColumnRole]:
    """In a simple quarterly report with one quarter column per measure
    (``Target TW II``, ``Realisasi TW II``), that quarter is the report's:
    when it disagrees with the title's (OCR reads ``TW II`` as ``Twi``), the
    title wins. Tables with a measure for several quarters are left as printed."""
    named = [r for r in roles if r.quarter and r.role in MEASURE_ROLES]
    per_role = [r.role for r in named]
    if not quarter or not named or len(per_role) != len(set(per_role)):
        return roles
    return [replace(r, quarter=quarter) if r in named else r for r in roles]


def _table_lines(table: Table, form: PerformanceForm, doc_conv, first: int, quarter: int | None
                 ) -> tuple[list[PerformanceLine], bool]:
    measure = "target" if form in ("rencana_aksi", "perjanjian_kinerja") else "realisasi"
    roles = column_roles(table, measure)
    band = header_band(table)
    names = {r.role for r in roles}
    renja = any(r.money and r.quarter for r in roles)
    if form == "laporan_triwulan" and not renja:
        roles = _report_quarter(roles, quarter)
    if not (names & {"indikator", "program"}) or not (names & MEASURE_ROLES):
        if form != "perjanjian_kinerja":
            return [], False
        roles = _headerless_budget_roles(table)
        if roles is None:
            return [], False
        band = 0
    budget = "anggaran" in {r.role for r in roles} and "indikator" not in {r.role for r in roles}
    lines = lines_from_table(table, roles, band, doc_conv, first, default_level="budget" if budget else "sasaran")
    if renja:
        assign_renja_levels(lines)
    return lines, renja


def parse_performance(doc_type: DocType, tables: list[Table], page_lines: list[tuple[int, str, list[Line]]],
                      texts: list[str], file_name: str) -> PerformanceDoc | None:
    """The performance content of a document of ``doc_type``; ``None`` for
    types that carry none (SOP, LKjIP, unknown).

    ``page_lines``: per page ``(page_no, extractor, lines)``; ``texts``: page
    texts in reading order; ``file_name``: the name as submitted (fallback for
    year, quarter and unit only).
    """
    form = FORMS.get(doc_type)
    if form is None:
        return None
    # the document's own number convention: its table cells, else all its text (a PK page's "Rp 7.054.881.550")
    doc_conv = decide_convention(c.text for t in tables for c in t.cells if not c.header) or decide_convention(texts)
    title = "\n".join("\n".join(t.splitlines()[:TITLE_LINES]) for t in texts)
    q, qsrc, out_of_range = find_quarter(title, file_name) if form in ("laporan_triwulan", "monev") else (None, None, False)
    lines: list[PerformanceLine] = []
    is_renja = False
    for t in tables:
        new, renja = _table_lines(t, form, doc_conv, len(lines) + 1, q)
        lines.extend(new)
        is_renja |= renja
    if form == "laporan_triwulan" and is_renja:
        form = "renja_evaluasi"
    doc = PerformanceDoc(form=form, lines=lines)
    doc.year, ysrc = find_year(title, "\n".join(texts), file_name)
    doc.quarter = q
    for key, src in (("year", ysrc), ("quarter", qsrc if q else None)):
        if src:
            doc.sources[key] = src
    if form == "perjanjian_kinerja":
        for page_no, extractor, plines in page_lines:
            parties, place, signed = parse_pk_letter(plines, page_no, extractor)
            if parties:
                doc.parties, doc.place, doc.signed_date = parties, place, signed
                break
    if doc.signed_date is None:
        for _page_no, _extractor, plines in reversed(page_lines):
            place, signed = signing_line(ln.text for ln in plines)
            if place:
                doc.place, doc.signed_date = place, signed
                break
    doc.opd, doc.unit = _unit(doc, title)
    if doc.opd or doc.unit:
        doc.sources["unit"] = "document"
    if form == "laporan_triwulan" and doc.quarter:
        for ln in doc.lines:
            for m in ln.measures:
                if m.quarter is None and m.measure in ("realisasi", "capaian"):
                    m.quarter = doc.quarter
    doc.reported_quarters = sorted({m.quarter for ln in doc.lines for m in ln.measures
                                    if m.measure == "realisasi" and m.quarter and not m.value.is_missing})
    doc.flags = _flags(doc, out_of_range)
    return doc


def _unit(doc: PerformanceDoc, title: str) -> tuple[str | None, str | None]:
    opd = unit = None
    first = next((p for p in doc.parties if p.pihak == "pertama"), None)
    if first and first.jabatan:
        opd, unit = split_jabatan(first.jabatan.value)
    renja_opd = next((ln for ln in doc.lines if ln.level == "opd"), None)
    if renja_opd is not None:
        opd = opd or (renja_opd.program or "").upper() or None
        if not unit and renja_opd.penanggung_jawab:
            unit = renja_opd.penanggung_jawab.split()[0].upper()
    return opd or find_opd(title), unit or find_unit(title)


def _flags(doc: PerformanceDoc, out_of_range: bool) -> list[str]:
    flags = []
    if not (doc.opd or doc.unit):
        flags.append("unit_not_found")
    if doc.year is None:
        flags.append("year_not_found")
    if out_of_range:
        flags.append("quarter_out_of_range")
    elif doc.form == "laporan_triwulan" and doc.quarter is None:
        flags.append("quarter_not_found")
    if not doc.lines:
        flags.append("no_lines")
    return flags
