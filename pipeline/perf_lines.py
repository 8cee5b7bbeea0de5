"""Performance tables -> :class:`PerformanceLine` records (one per indicator
or budget line), with every value parsed and its cell provenance kept.

Steps, for any table whose columns :mod:`pipeline.columns` recognised:

1. **Levels.** Columns left of a ``program`` column belong to the sasaran
   level; when ``indikator``/``target`` columns also sit right of it (Rencana
   Aksi, Monev: *indikator kegiatan*, *target kegiatan*), those form a second,
   activity level whose lines point to the sasaran line beside them.
2. **Logical rows.** A grid row starts a new record of a level when its ``no``
   cell is filled, or when the level's anchor (indikator, else program text)
   starts with a capital or a digit and - in a borderless text table, whose
   rows are text lines - the level's measure cells hold something. Other rows
   continue the record (text that ran on, a cell split at a page break).
3. **Values** of each measure column are parsed with the number convention
   decided from the whole column, else the document (:mod:`pipeline.values`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors.records import BBox, mean_confidence

from .columns import ColumnRole
from .models import Measure, PerformanceLine, Provenance, Table, TableCell
from .values import Convention, decide_convention, parse_value

MEASURE_ROLES = {"target", "realisasi", "capaian", "anggaran"}


@dataclass
class _Level:
    name: str
    cols: list[ColumnRole]

    def col(self, role: str) -> ColumnRole | None:
        return next((c for c in self.cols if c.role == role), None)

    @property
    def measures(self) -> list[ColumnRole]:
        return [c for c in self.cols if c.role in MEASURE_ROLES]


@dataclass
class _Record:
    rows: list[int]
    cells: dict[int, list[TableCell]] = field(default_factory=dict)

    def add(self, col: int, cell: TableCell | None) -> None:
        if cell is None or not cell.text.strip():
            return
        bucket = self.cells.setdefault(col, [])
        if all(c is not cell for c in bucket):
            bucket.append(cell)

    def text(self, col: int | None) -> str | None:
        if col is None or col not in self.cells:
            return None
        t = " ".join(re.sub(r"\s+", " ", c.text).strip() for c in self.cells[col])
        return t or None


#: How Tesseract reads a lone ``%`` in a satuan cell (``Yo``, ``& Yo``, ``%o``, ``0/0``).
_PERCENT_MISREAD = re.compile(r"^(?:&\s*)?[Yy]o$|^%o$|^0/0$")


def clean_satuan(text: str | None) -> str | None:
    """The satuan as printed, with the common OCR misreadings of ``%`` put right."""
    if text and _PERCENT_MISREAD.match(text.strip()):
        return "%"
    return text


def _levels(roles: list[ColumnRole]) -> list[_Level]:
    prog = next((c.col for c in roles if c.role == "program"), None)
    right = [c for c in roles if prog is not None and c.col > prog and c.role in ("indikator", "target", "realisasi")]
    left_ind = any(c.role == "indikator" and (prog is None or c.col < prog) for c in roles)
    if prog is None or not right or not left_ind:
        return [_Level("main", [c for c in roles if c.role != "other"])]
    main = [c for c in roles if c.col < prog and c.role != "other"]
    activity = [c for c in roles if c.col >= prog and c.role != "other"]
    return [_Level("main", main), _Level("activity", activity)]


def _fresh(cell: TableCell | None, r: int) -> str:
    """The text of ``cell`` if it begins in grid row ``r`` (a cell spanning
    down from an earlier row does not start anything), else ``""``."""
    return cell.text.strip() if cell is not None and cell.row == r else ""


def _starts_record(level: _Level, row: list[TableCell | None], r: int, ruled: bool) -> bool:
    no = level.col("no")
    if no and re.match(r"^\d", _fresh(row[no.col], r)):
        return True
    anchors = [c for c in (level.col("indikator"), level.col("program")) if c]
    text = next((t for t in (_fresh(row[c.col], r) for c in anchors) if t), "")
    measured = any(_fresh(row[c.col], r) for c in level.measures)
    if not text:
        return ruled and not anchors and any(_fresh(row[c.col], r) for c in level.cols)
    if ruled:
        return text[0].isupper() or text[0].isdigit() or measured
    if not (text[0].isupper() or text[0].isdigit()):
        return False
    kpi = [c for c in level.measures if c.role != "anggaran"] or level.measures
    return any(re.match(r"^[\dA-Z\-–]", _fresh(row[c.col], r)) for c in kpi)


def _measured_again(rec: "_Record", level: _Level, row: list[TableCell | None], r: int) -> bool:
    """A row that gives a measure the record already has is not a wrapped
    line of it (a label wraps, a figure does not): an unlabelled total under
    the last activity (the Kepegum PK's ``Rp 8.334.721.988`` had been read as
    a second amount of 'Rapat-Rapat Koordinasi')."""
    return any(_fresh(row[c.col], r) and rec.cells.get(c.col) for c in level.measures)


def _is_header_repeat(row: list[TableCell | None], r: int, header: dict[int, str]) -> bool:
    """A page's repeated header row that stitching did not drop."""
    hits = total = 0
    for k, cell in enumerate(row):
        t = _fresh(cell, r)
        if not t:
            continue
        total += 1
        if header.get(k) and _key(t) == _key(header[k]):
            hits += 1
    return total > 0 and hits * 2 >= total


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _provenance(cells: list[TableCell], extractor: str) -> Provenance:
    if not cells:
        return Provenance(extractor=extractor)
    page = cells[0].page_no
    same = [c for c in cells if c.page_no == page]
    box = BBox.enclosing([BBox(*c.bbox) for c in same])
    words = [w for c in same for w in c.words]
    conf = mean_confidence(words) if words else None
    confs = [c.confidence for c in same if c.confidence is not None]
    if conf is None and confs:
        conf = sum(confs) / len(confs)
    return Provenance(page_no=page, bbox=(round(box.x0, 2), round(box.y0, 2), round(box.x1, 2), round(box.y1, 2)),
                      extractor=extractor, confidence=round(conf, 1) if conf is not None else None)


def column_conventions(table: Table, roles: list[ColumnRole], band: int) -> dict[int, Convention | None]:
    """The number convention of each measure column of ``table`` (body rows only)."""
    grid = table.grid()[band:]
    return {c.col: decide_convention(r[c.col] for r in grid) for c in roles if c.role in MEASURE_ROLES}


def lines_from_table(table: Table, roles: list[ColumnRole], band: int, doc_convention: Convention | None,
                     first_line_no: int = 1, default_level: str = "sasaran") -> list[PerformanceLine]:
    """The performance lines of ``table`` (body rows below the ``band``
    header rows), numbered from ``first_line_no``. ``default_level`` is the
    level of main-level lines (``sasaran``; ``budget`` for a budget table)."""
    rows = table.rows(body_only=False)[band:]
    conventions = column_conventions(table, roles, band)
    ruled = table.method == "ruled"
    out: list[PerformanceLine] = []
    line_no = first_line_no
    header = {c.col: c.path.split(" / ")[-1] for c in roles if c.path}
    for level in _levels(roles):
        records: list[_Record] = []
        for i, row in enumerate(rows):
            if _is_header_repeat(row, band + i, header):
                continue
            if (not records or _starts_record(level, row, band + i, ruled)
                    or _measured_again(records[-1], level, row, band + i)):
                if not records and not any(row[c.col] is not None and row[c.col].text.strip() for c in level.cols):
                    continue
                records.append(_Record(rows=[band + i]))
            else:
                records[-1].rows.append(band + i)
            for c in level.cols:
                records[-1].add(c.col, row[c.col])
        for rec in records:
            line = _line(rec, level, table, conventions, doc_convention, line_no, default_level)
            if line is None:
                continue
            if level.name == "activity":
                line.parent_line = _parent(out, rec.rows[0], table.table_no)
            out.append(line)
            line_no += 1
    return out


def _parent(lines: list[PerformanceLine], row: int, table_no: int) -> int | None:
    mains = [ln for ln in lines if ln.table_no == table_no and ln.level == "sasaran" and ln.row <= row]
    return mains[-1].line_no if mains else None


def _line(rec: _Record, level: _Level, table: Table, conventions: dict[int, Convention | None],
          doc_convention: Convention | None, line_no: int, default_level: str) -> PerformanceLine | None:
    def txt(role: str) -> str | None:
        c = level.col(role)
        return rec.text(c.col) if c else None

    measures: list[Measure] = []
    flags: list[str] = []
    for c in level.measures:
        raw = rec.text(c.col)
        if raw is None:
            continue
        if c.role == "anggaran" or c.money:
            name = "realisasi_anggaran" if c.role == "realisasi" else "anggaran"
        else:
            name = c.role
        value = parse_value(raw, conventions.get(c.col) or doc_convention)
        if c.money and value.kind == "number":
            value = value.model_copy(update={"kind": "rupiah"})
        if value.flag:
            flags.append(value.flag if value.flag in ("ambiguous_number", "comparator_from_ocr") else "unparsed_value")
        measures.append(Measure(measure=name, quarter=c.quarter, value=value,
                                provenance=_provenance(rec.cells[c.col], table.extractor)))
    indicator = txt("indikator")
    program = txt("program")
    if not indicator and not program and not measures:
        return None
    all_cells = [cell for cells in rec.cells.values() for cell in cells]
    level_name, rule = (default_level, None) if level.name == "main" else ("kegiatan", "column_layout")
    if level.name == "activity" and indicator is None and program and re.match(r"^pro?g?ram\b", program, re.I):
        level_name, rule = "program", "program_prefix"
    if indicator is None and default_level != "budget":
        flags.append("no_indicator")
    if indicator is None and program is None:
        flags.append("no_label")          # a figure without its label (an unlabelled total row)
    return PerformanceLine(
        line_no=line_no, table_no=table.table_no, row=rec.rows[0], level=level_name,
        level_rule=rule,
        sasaran=txt("sasaran"), program=program, indicator=indicator, satuan=clean_satuan(txt("satuan")),
        penanggung_jawab=txt("penanggung_jawab"), keterangan=txt("keterangan"), measures=measures,
        provenance=_provenance(all_cells, table.extractor), flags=sorted(set(flags)))
