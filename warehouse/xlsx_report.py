"""Write a :class:`warehouse.exporters.ReportData` as an XLSX workbook (openpyxl):
one sheet per table, bold Indonesian headers on a grey fill, the header row
frozen, autofilter on, numbers stored as numbers (``#,##0.00``, shown with the
computer's regional separators), dates as dates, and column widths fitted to
the text (capped)."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .exporters import ReportData

NUMBER_FORMAT = "#,##0.00"
MAX_WIDTH = 60
HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")


def write_xlsx(data: ReportData, path: Path) -> Path:
    """Write the workbook to ``path`` (parent folders created) and return it."""
    wb = Workbook()
    wb.remove(wb.active)
    for sec in data.sections:
        ws = wb.create_sheet(sec.sheet)
        ws.append([data.title])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append([sec.title])
        ws.append(sec.headers)
        for c in ws[3]:
            c.font, c.fill = Font(bold=True), HEADER_FILL
            c.alignment = Alignment(wrap_text=True, vertical="center")
        for row in sec.rows:
            ws.append([_cell(v) for v in row])
        if not sec.rows:
            ws.append([sec.empty_note])
        for k in sec.numeric:
            for (cell,) in ws.iter_rows(min_row=4, min_col=k + 1, max_col=k + 1):
                if isinstance(cell.value, (int, float)):
                    cell.number_format = "0" if sec.headers[k] in ("No", "Baris", "Triwulan", "Halaman") \
                        else NUMBER_FORMAT
        for (cell,) in ((c,) for r in ws.iter_rows(min_row=4) for c in r if isinstance(c.value, (date, datetime))):
            cell.number_format = "dd/mm/yyyy"
        ws.freeze_panes = "A4"
        if sec.rows:
            ws.auto_filter.ref = f"A3:{get_column_letter(len(sec.headers))}{3 + len(sec.rows)}"
        for k, h in enumerate(sec.headers, 1):
            longest = max([len(str(h))] + [len(str(r[k - 1])) for r in sec.rows if r[k - 1] is not None])
            ws.column_dimensions[get_column_letter(k)].width = min(MAX_WIDTH, longest + 2)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _cell(v):
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    return v
