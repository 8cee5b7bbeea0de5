"""The consolidated report of one year and period, read from the report views
and written as an XLSX workbook (openpyxl) and a PDF (reportlab) into the
outputs folder.

Periods: ``TW1``..``TW4`` (a quarter), ``S1``/``S2`` (semester), ``Y`` (the
year), as in ``fct_period_capaian``. The workbook has one formatted sheet per
table (Indonesian headers, numbers stored as numbers with a ``#,##0.00``
display format that Excel shows with the computer's regional separators, so
``1.234,56`` on an Indonesian system; frozen header row) and a provenance
sheet. The PDF reads like the LKjIP Bab III tables: capaian per sasaran and
indicator, a bar chart of capaian per sasaran against the category bands,
the completeness table and the values still needing review.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import duckdb
from filelock import FileLock

from pipeline.crash_points import crash_point

PERIODS = ("TW1", "TW2", "TW3", "TW4", "S1", "S2", "Y")
PERIOD_LABELS = {"TW1": "Triwulan I", "TW2": "Triwulan II", "TW3": "Triwulan III", "TW4": "Triwulan IV",
                 "S1": "Semester I", "S2": "Semester II", "Y": "Tahunan"}
#: Last quarter covered by each period (documents due up to it are listed in the completeness table).
LAST_QUARTER = {"TW1": 1, "TW2": 2, "TW3": 3, "TW4": 4, "S1": 2, "S2": 4, "Y": 4}
FIRST_QUARTER = {"TW1": 1, "TW2": 2, "TW3": 3, "TW4": 4, "S1": 1, "S2": 3, "Y": 1}


class ReportError(ValueError):
    """A report request that cannot be met (unknown period); the message is for the user."""


@dataclass
class Section:
    """One table of the report: its sheet name (at most 31 characters), a title, Indonesian column headers, rows, and
    which columns hold numbers (formatted as numbers)."""

    key: str
    sheet: str
    title: str
    headers: list[str]
    rows: list[tuple] = field(default_factory=list)
    numeric: frozenset[int] = frozenset()
    empty_note: str = "Tidak ada data untuk periode ini."


@dataclass
class ReportData:
    """Everything the workbook and the PDF show for ``year`` / ``period`` (/ ``unit``)."""

    year: int
    period: str
    unit: str | None
    sections: list[Section]
    bands: list[tuple[float, str]]
    sasaran_capaian: list[tuple[str, float]]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    @property
    def title(self) -> str:
        who = f" - {self.unit}" if self.unit else ""
        period = "" if self.period == "Y" else f"{PERIOD_LABELS[self.period]} "
        return f"Rekapitulasi Capaian Kinerja {period}Tahun {self.year}{who}"

    @property
    def stem(self) -> str:
        unit = "-" + re.sub(r"[^a-z0-9]+", "-", self.unit.lower()).strip("-") if self.unit else ""
        return f"rekap-{self.year}-{self.period.lower()}{unit}"


def _unit_filter(unit: str | None, column: str = "unit") -> tuple[str, list]:
    return (f" AND {column} ILIKE ?", [f"%{unit}%"]) if unit else ("", [])


def load_report(con: duckdb.DuckDBPyConnection, year: int, period: str, unit: str | None = None) -> ReportData:
    """Read the report of ``year`` and ``period`` (optionally one unit, matched
    case-insensitively on part of its name) from the views. Raises
    :class:`ReportError` for an unknown period."""
    period = period.upper()
    if period not in PERIODS:
        raise ReportError(f"Unknown period '{period}'. Use one of {', '.join(PERIODS)}.")
    uf, up = _unit_filter(unit)
    capaian = Section("capaian", "Capaian Sasaran", "Capaian Kinerja per Sasaran Strategis",
                      ["Unit", "No", "Sasaran Strategis", "Indikator Kinerja", "Satuan", "Target", "Realisasi",
                       "Capaian (%)", "Kategori", "Capaian Tahun Lalu (%)", "Keterangan"],
                      numeric=frozenset({1, 5, 6, 7, 9}))
    capaian.rows = con.execute(
        f"""SELECT unit, no, sasaran, indicator, satuan, target, realisasi, capaian, band, capaian_tahun_lalu, note
            FROM rpt_capaian_sasaran WHERE year = ? AND period = ?{uf}
            ORDER BY opd, unit, no, indicator""", [year, period, *up]).fetchall()
    rekap = Section("rekap", "Rekap", f"Rekap {PERIOD_LABELS[period]} per Indikator",
                    ["Unit", "Indikator Kinerja", "Agregasi", "Polaritas", "Target", "Realisasi", "Capaian (%)",
                     "Capaian 0-200 (%)", "Kategori", "Triwulan Dilaporkan", "Status", "Keterangan", "Dokumen Sumber"],
                    numeric=frozenset({4, 5, 6, 7}))
    rekap.rows = [(*r[:9], ", ".join(f"TW {q}" for q in r[9]), *r[10:12], ", ".join(r[12]))
                  for r in con.execute(
        f"""SELECT unit, indicator, aggregation, polarity, target, realisasi, round(capaian, 2),
                   round(capaian_clamped, 2), band, quarters_reported, status, note, source_documents
            FROM fct_period_capaian WHERE year = ? AND period = ?{uf}
            ORDER BY opd, unit, sasaran, indicator""", [year, period, *up]).fetchall()]
    kelengkapan = Section("kelengkapan", "Kelengkapan", "Kelengkapan Dokumen",
                          ["Unit", "Dokumen", "Batas Waktu", "Diterima", "Tanggal Dokumen", "Status",
                           "Tanda Tangan", "Berkas"])
    kelengkapan.rows = con.execute(
        f"""SELECT unit, dokumen, due_date, received_at::DATE, tanggal_dokumen, status, tanda_tangan, original_name
            FROM rpt_kelengkapan WHERE year = ? AND (quarter IS NULL OR quarter <= ?){uf}
            ORDER BY opd, unit, due_date, document""", [year, LAST_QUARTER[period], *up]).fetchall()
    kelengkapan.empty_note = "Belum ada unit yang tercatat untuk tahun ini."
    review = Section("review", "Perlu Diperiksa", "Nilai yang Masih Perlu Diperiksa",
                     ["Berkas", "Jenis", "Baris", "Triwulan", "Masalah", "Rincian"], numeric=frozenset({2, 3}))
    review.rows = con.execute(
        f"""SELECT r.original_name, r.item, r.line_no, r.quarter, r.problem, r.detail
            FROM rpt_review r JOIN stg_performance_docs p USING (document_id)
            WHERE (p.year = ? OR p.year IS NULL) AND (r.quarter IS NULL OR r.quarter BETWEEN ? AND ?){_unit_filter(unit, 'p.unit')[0]}
            ORDER BY 1, 3, 4""", [year, FIRST_QUARTER[period], LAST_QUARTER[period], *up]).fetchall()
    review.empty_note = "Tidak ada nilai yang perlu diperiksa."
    sources = Section("sumber", "Sumber Data", "Sumber Data (Provenance)",
                      ["Unit", "Indikator Kinerja", "Triwulan", "Realisasi Tertulis", "Berkas", "Halaman",
                       "x0 (pt)", "y0 (pt)", "x1 (pt)", "y1 (pt)", "Keyakinan OCR (%)", "Status"],
                      numeric=frozenset({2, 5, 6, 7, 8, 9, 10}))
    sources.rows = con.execute(
        f"""SELECT unit, indicator, quarter, realisasi_raw, source_document, page_no, round(x0, 1), round(y0, 1),
                   round(x1, 1), round(y1, 1), confidence, status
            FROM rpt_rekap_triwulan WHERE year = ? AND quarter BETWEEN ? AND ? AND document_id IS NOT NULL{uf}
            ORDER BY opd, unit, indicator, quarter""", [year, FIRST_QUARTER[period], LAST_QUARTER[period], *up]).fetchall()
    bands = [(float(b), n) for b, n in con.execute("SELECT lower_bound, band FROM raw_capaian_bands ORDER BY 1 DESC").fetchall()]
    per_sasaran = con.execute(
        f"""SELECT coalesce(sasaran, indicator), avg(capaian_clamped) FROM fct_period_capaian
            WHERE year = ? AND period = ? AND capaian IS NOT NULL{uf}
            GROUP BY 1 ORDER BY 1""", [year, period, *up]).fetchall()
    return ReportData(year=year, period=period, unit=unit,
                      sections=[capaian, rekap, kelengkapan, review, sources], bands=bands,
                      sasaran_capaian=[(s, float(v)) for s, v in per_sasaran])


def id_number(v: float | None, decimals: int = 2) -> str:
    """``1.234,56`` (Indonesian separators, trailing zeros dropped); ``-`` for none."""
    if v is None:
        return "-"
    s = f"{v:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return s.rstrip("0").rstrip(",") if "," in s else s


def write_report(con: duckdb.DuckDBPyConnection, year: int, period: str, out_dir: Path,
                 unit: str | None = None) -> tuple[Path, Path]:
    """Write ``rekap-<year>-<period>[-<unit>].xlsx`` and ``.pdf`` into ``out_dir``; returns both paths.
    Raises :class:`ReportError` for an unknown period."""
    return _write(load_report(con, year, period, unit), out_dir)


def _files(data: ReportData, out_dir: Path) -> tuple[Path, Path]:
    """Where the recap of ``data`` goes: ``(xlsx, pdf)``."""
    return out_dir / f"{data.stem}.xlsx", out_dir / f"{data.stem}.pdf"


def _write(data: ReportData, out_dir: Path) -> tuple[Path, Path]:
    from .pdf_report import write_pdf
    from .xlsx_report import write_xlsx

    xlsx, pdf = _files(data, out_dir)
    return _atomic(xlsx, lambda tmp: write_xlsx(data, tmp)), _atomic(pdf, lambda tmp: write_pdf(data, tmp))


#: The record, in the outputs folder, of what each recap was written from (see :func:`refresh_report`).
MANIFEST_NAME = ".rekap-manifest.json"
#: Held while recaps are refreshed, so that two runs (an inbox run's follow-up and the nightly
#: ``consolidate``) do not interleave their files and their manifest entries.
LOCK_NAME = ".rekap.lock"
#: The modules whose code decides a recap's content and layout: a change to them rewrites every recap.
_RENDERERS = ("exporters.py", "xlsx_report.py", "pdf_report.py")


@cache
def _renderer_digest() -> str:
    h = hashlib.sha256()
    for name in _RENDERERS:
        h.update(Path(__file__).with_name(name).read_bytes())
    return h.hexdigest()


def fingerprint(data: ReportData) -> str:
    """SHA-256 (hex) of everything a recap shows (``data``, rendered with
    ``repr``: numbers, dates and texts in full) and of the code that renders
    it (:data:`_RENDERERS`)."""
    return hashlib.sha256(f"{_renderer_digest()}\n{data!r}".encode()).hexdigest()


def _stat(p: Path) -> list[int] | None:
    try:
        st = p.stat()
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _manifest_entry(fp: str, files: tuple[Path, Path]) -> dict:
    """A recap's manifest entry: its data's fingerprint and ``[size, mtime_ns]`` of its two files (``None`` when missing)."""
    xlsx, pdf = files
    return {"fingerprint": fp, "xlsx": _stat(xlsx), "pdf": _stat(pdf)}


def refresh_report(con: duckdb.DuckDBPyConnection, year: int, period: str, out_dir: Path) -> tuple[tuple[Path, Path], bool]:
    """The recap of ``year`` / ``period`` (every unit) in ``out_dir``, written
    only when it would differ from the files already there: ``((xlsx, pdf),
    written)``. The outputs folder's manifest (:data:`MANIFEST_NAME`) records,
    per recap, the :func:`fingerprint` of its data and the size and
    modification time of both files; the recap is written again when the
    fingerprint changed (new or corrected values, or a new version of the
    renderers) or when either file was deleted or altered since. A run that
    writes nothing new for last year's periods thus costs their queries only,
    not their PDF and workbook (about 0.3 s a period). Call it with the lock
    of :func:`recap_lock` held. Raises :class:`ReportError` for an unknown period."""
    data = load_report(con, year, period)
    files = _files(data, out_dir)
    manifest_path = out_dir / MANIFEST_NAME
    try:
        manifest = json.loads(manifest_path.read_text())
    except (FileNotFoundError, ValueError):
        manifest = {}
    fp = fingerprint(data)
    if manifest.get(data.stem) == _manifest_entry(fp, files):
        return files, False
    paths = _write(data, out_dir)
    crash_point("recap-written")
    manifest[data.stem] = _manifest_entry(fp, paths)
    _atomic(manifest_path, lambda tmp: tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True)))
    return paths, True


def recap_lock(out_dir: Path) -> FileLock:
    """The lock over ``out_dir``'s recaps and manifest (an OS file lock, filelock), for :func:`refresh_report`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return FileLock(str(out_dir / LOCK_NAME))


def _atomic(dest: Path, write) -> Path:
    """Call ``write(tmp)`` on a temporary name beside ``dest``, then rename it to
    ``dest``: a reader (or a run killed half-way) never sees half a file, and two
    writers of the same report do not mix their bytes."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.stem}.{os.getpid()}.{threading.get_ident()}{dest.suffix}")
    try:
        write(tmp)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


#: The views :func:`load_report` reads.
REPORT_VIEWS = ("fct_period_capaian", "rpt_capaian_sasaran", "rpt_kelengkapan", "rpt_review", "rpt_rekap_triwulan",
                "stg_performance_docs", "raw_capaian_bands")


def snapshot_report_views(con: duckdb.DuckDBPyConnection) -> None:
    """Evaluate the views a recap reads once, into temporary tables of the same
    names: they shadow the views for this connection only (DuckDB looks in the
    temporary schema first) and nothing is written to the file, so a read-only
    connection may do it. Every recap written afterwards on ``con`` reads the
    same snapshot, instead of evaluating each view stack again per period
    (about 0.6 s a period on the sample data)."""
    for name in REPORT_VIEWS:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM main.{name}")


def periods_with_data(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str]]:
    """Every ``(year, period)`` with at least one reported realisation, in order."""
    return [(int(y), p) for y, p, _order in con.execute(
        "SELECT DISTINCT year, period, period_order FROM fct_period_capaian "
        "WHERE len(quarters_reported) > 0 ORDER BY year, period_order").fetchall()]
