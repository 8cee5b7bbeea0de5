"""Write a :class:`warehouse.exporters.ReportData` as a PDF (reportlab),
landscape A4: the title, the capaian table per sasaran (as LKjIP Bab III),
a bar chart of the mean capaian (clamped to 0..200 %) per sasaran with the
category band limits drawn across it, the completeness table and the values
still needing review. Numbers are printed the Indonesian way (``1.234,56``)."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .exporters import ReportData, Section, id_number

BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=7.5, leading=9)
HEAD = ParagraphStyle("head", parent=BODY, fontName="Helvetica-Bold")
H1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=13, leading=16, alignment=1, spaceAfter=6)
H2 = ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=10, leading=13, spaceBefore=8, spaceAfter=4)
#: Columns of each section shown in the PDF (the workbook has them all), and their widths in points.
PDF_COLUMNS = {
    "capaian": ([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [90, 24, 120, 150, 40, 45, 45, 45, 55, 45, 101]),
    "kelengkapan": ([0, 1, 2, 3, 4, 5, 6, 7], [130, 120, 55, 55, 55, 65, 70, 210]),
    "review": ([0, 1, 2, 3, 4, 5], [150, 50, 30, 40, 200, 290]),
}
BAND_COLOURS = ["#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027"]


def _text(v, numeric: bool) -> str:
    if v is None:
        return "-"
    if isinstance(v, (datetime, date)):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, list):
        return ", ".join(str(x) for x in v)
    if numeric and isinstance(v, (int, float)):
        return id_number(float(v)) if isinstance(v, float) else str(v)
    return str(v)


#: A table cell's left plus right padding (reportlab's default), in points.
CELL_PADDING = 12


def _cell(text: str, width: float):
    """A body cell: the text as is when it fits on one line of the column
    (drawn in the table's BODY font), else a wrapping Paragraph. Most cells
    are numbers or short names, and laying out a Paragraph for each was most
    of the time of a recap (about 50,000 per run on the benchmark's reports)."""
    if "\n" not in text and stringWidth(text, BODY.fontName, BODY.fontSize) <= width - CELL_PADDING:
        return text
    return Paragraph(text.replace("&", "&amp;").replace("<", "&lt;"), BODY)


def _table(sec: Section) -> list:
    cols, widths = PDF_COLUMNS[sec.key]
    out = [Paragraph(sec.title, H2)]
    if not sec.rows:
        return out + [Paragraph(sec.empty_note, BODY)]
    head = [Paragraph(sec.headers[k], HEAD) for k in cols]
    body = [[_cell(_text(r[k], k in sec.numeric), w) for k, w in zip(cols, widths)] for r in sec.rows]
    t = Table([head, *body], colWidths=widths, repeatRows=1)
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("FONT", (0, 1), (-1, -1), BODY.fontName, BODY.fontSize, BODY.leading),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#d9d9d9"))]))
    return out + [t]


def _chart(data: ReportData) -> Drawing:
    """Horizontal bars of mean clamped capaian per sasaran, with dashed lines at the band limits."""
    items = data.sasaran_capaian
    height = max(120, 22 * len(items) + 60)
    d = Drawing(760, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 330, 30, 400, height - 50
    chart.data = [[v for _s, v in items]]
    chart.categoryAxis.categoryNames = [s if len(s) <= 70 else s[:67] + "..." for s, _v in items]
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 200, 25
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#4575b4")
    chart.barLabelFormat = lambda v: id_number(v)
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    d.add(chart)
    for k, (bound, name) in enumerate(b for b in data.bands if b[0] > 0):
        x = chart.x + chart.width * min(bound, 200) / 200
        colour = colors.HexColor(BAND_COLOURS[k % len(BAND_COLOURS)])
        d.add(Line(x, chart.y, x, chart.y + chart.height, strokeColor=colour, strokeDashArray=[3, 2]))
        d.add(String(x + 2, chart.y + chart.height + 4 + (k % 2) * 8, f"{name} \u2265 {id_number(bound)}",
                     fontSize=6.5, fillColor=colour))
    return d


def write_pdf(data: ReportData, path: Path) -> Path:
    """Write the PDF to ``path`` (parent folders created) and return it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4), leftMargin=28, rightMargin=28, topMargin=28,
                            bottomMargin=28, title=data.title, author="kinerja")
    story: list = [Paragraph(data.title, H1)]
    story += _table(data.section("capaian"))
    story += [Paragraph("Capaian per Sasaran Strategis (rata-rata indikator, 0-200 %)", H2)]
    story += [_chart(data)] if data.sasaran_capaian else [Paragraph("Belum ada capaian yang dapat dihitung.", BODY)]
    story += [PageBreak(), *_table(data.section("kelengkapan")), Spacer(1, 6), *_table(data.section("review"))]
    doc.build(story)
    return path
