"""Tables from a page's words and ruled lines: one builder for born-digital
pages (words and vector rulings from pdfplumber) and scans (OCR words and
rulings found by OpenCV), so both give the same :class:`Table` model.

Ruled tables
    Rulings are merged into straight segments (collinear pieces closer than a
    gap tolerance join, which heals broken scan lines), grouped by crossing,
    and pruned: a segment is part of the grid only when both its ends land on
    a perpendicular segment or on the group's outer box. Connector arrows of
    a flowchart and the outlines of its symbols (``page.shapes``) are removed
    that way. Grid positions are the distinct x of the vertical and y of the
    horizontal segments (plus the outer box, so a table without side borders
    still closes). Two neighbouring grid cells are one merged cell when the
    line between them is missing over more than 40 % of their common side;
    the merged cells become row/column spans, never ``None`` holes.
Text tables
    Where there is no grid (borderless tables, or tables ruled only
    horizontally), runs of lines that split into several segments at wide
    gaps are a table; its columns are the x ranges that almost no line's
    segment crosses, and a line continues the row above when it only adds
    text to columns that row already fills and holds no number (a wrapped
    cell), unless a horizontal rule lies between them.

Words are assigned to the cell containing their centre. Header rows: the rows
covered by a row span that starts on the first row, or the first row when it
holds no number; a following row that only numbers the columns (``1 2 3`` or
``(1) (2)``) is a header row too.
"""
from __future__ import annotations

import bisect
import re
import statistics
from dataclasses import dataclass

import numpy as np

from extractors.records import BBox, Ruling, Shape, Word, mean_confidence

from .layout import Line, build_lines
from .models import PageResult, Table, TableCell
from .values import split_comparator

#: Position tolerance (points) for lines from a vector text layer / from a scan.
VECTOR_TOL, SCAN_TOL = 2.5, 5.0
#: Gap (points) along a line that is still bridged when joining collinear pieces.
VECTOR_GAP, SCAN_GAP = 2.0, 12.0
#: Share of a cell side that must be ruled for the two cells to stay separate.
BOUNDARY_COVER = 0.6
#: On a scan, a grid without any word narrower than this share of the page is
#: texture (a photo, a stamp, a hatched logo), not an empty form.
MIN_EMPTY_SCAN_GRID = 0.25
#: A table this close (points) to the page edge is flagged as cut by the edge.
EDGE_MARGIN = 6.0

#: A ruled line nearer than this (points) to a longer one covering it is not a row or column border.
SLIVER_PT = 8.0
#: The blank strip between two stacked tables is at most this high (points).
STACK_GAP_MAX = 24.0
_HEADER_WORD = re.compile(r"\b(no|nomor|uraian|program|kegiatan|sasaran|indikator|target|anggaran|satuan|keterangan|"
                          r"realisasi|capaian|jumlah)\b", re.I)
_NUMBER = re.compile(r"^[(\[]?[-+]?(rp\.?\s*)?\d[\d.,]*\s*%?[)\]]?$|^-$", re.I)


def is_number(text: str) -> bool:
    """True for a cell text that is a number as printed (``1.250``, ``12,5%``,
    ``(3)``, ``Rp 1.000``), a bound (``≤ 4``, ``maks. 4``, see
    :func:`pipeline.values.split_comparator`) or a lone dash."""
    return bool(_NUMBER.match(split_comparator(text)[1].strip()))


@dataclass
class _Seg:
    pos: float
    a: float
    b: float


def _merge(segs: list[_Seg], pos_tol: float, gap_tol: float) -> list[_Seg]:
    """Cluster segments by position, then join overlapping/near pieces in each cluster."""
    out: list[_Seg] = []
    segs = sorted(segs, key=lambda s: s.pos)
    i = 0
    while i < len(segs):
        j = i + 1
        while j < len(segs) and segs[j].pos - segs[j - 1].pos <= pos_tol and segs[j].pos - segs[i].pos <= 2 * pos_tol:
            j += 1
        cluster = sorted(segs[i:j], key=lambda s: s.a)
        pos = sum(s.pos * (s.b - s.a + 1) for s in cluster) / sum(s.b - s.a + 1 for s in cluster)
        cur = _Seg(pos, cluster[0].a, cluster[0].b)
        for s in cluster[1:]:
            if s.a <= cur.b + gap_tol:
                cur.b = max(cur.b, s.b)
            else:
                out.append(cur)
                cur = _Seg(pos, s.a, s.b)
        out.append(cur)
        i = j
    return out


def _split(rulings: list[Ruling]) -> tuple[list[_Seg], list[_Seg]]:
    hs = [_Seg(r.pos, r.x0, r.x1) for r in rulings if r.horizontal]
    vs = [_Seg(r.pos, r.y0, r.y1) for r in rulings if not r.horizontal]
    return hs, vs


def _crosses(h: _Seg, v: _Seg, tol: float) -> bool:
    return h.a - tol <= v.pos <= h.b + tol and v.a - tol <= h.pos <= v.b + tol


class _UF:
    def __init__(self, n: int) -> None:
        self.p = list(range(n))

    def find(self, i: int) -> int:
        while self.p[i] != i:
            self.p[i] = self.p[self.p[i]]
            i = self.p[i]
        return i

    def union(self, a: int, b: int) -> None:
        self.p[self.find(a)] = self.find(b)


def _groups(hs: list[_Seg], vs: list[_Seg], tol: float) -> list[tuple[list[_Seg], list[_Seg]]]:
    uf = _UF(len(hs) + len(vs))
    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if _crosses(h, v, tol):
                uf.union(i, len(hs) + j)
    comps: dict[int, tuple[list[_Seg], list[_Seg]]] = {}
    for i, h in enumerate(hs):
        comps.setdefault(uf.find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        comps.setdefault(uf.find(len(hs) + j), ([], []))[1].append(v)
    return list(comps.values())


def _prune(hs: list[_Seg], vs: list[_Seg], tol: float) -> tuple[list[_Seg], list[_Seg]]:
    """Keep segments whose both ends land on a perpendicular segment or the outer box."""
    while True:
        if not hs or not vs:
            return hs, vs
        x0, x1 = min(min(h.a for h in hs), min(v.pos for v in vs)), max(max(h.b for h in hs), max(v.pos for v in vs))
        y0, y1 = min(min(v.a for v in vs), min(h.pos for h in hs)), max(max(v.b for v in vs), max(h.pos for h in hs))

        def anchored(s: _Seg, end: float, others: list[_Seg], lo: float, hi: float) -> bool:
            if abs(end - lo) <= tol or abs(end - hi) <= tol:
                return True
            return any(abs(o.pos - end) <= tol and o.a - tol <= s.pos <= o.b + tol for o in others)

        nh = [h for h in hs if anchored(h, h.a, vs, x0, x1) and anchored(h, h.b, vs, x0, x1)]
        nv = [v for v in vs if anchored(v, v.a, hs, y0, y1) and anchored(v, v.b, hs, y0, y1)]
        if len(nh) == len(hs) and len(nv) == len(vs):
            return nh, nv
        hs, vs = nh, nv


def _drop_slivers(segs: list[_Seg], tol: float) -> list[_Seg]:
    """Segments less :data:`SLIVER_PT` away from a longer parallel segment
    that covers their whole extent are left out: a stray stroke or a doubled
    edge next to a ruled line (the Jawa Barat 2016 PK scan has a short line
    under one cell's top border), which would make a row a few points high
    and the cells beside it spanning two rows."""
    return [s for s in segs
            if not any(abs(o.pos - s.pos) < SLIVER_PT and o.b - o.a > s.b - s.a + tol and o.a - tol <= s.a
                       and s.b <= o.b + tol for o in segs)]


def _positions(values: list[float], tol: float) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [statistics.fmean(c) for c in out]


def _covered(segs: list[_Seg], pos: float, lo: float, hi: float, tol: float) -> bool:
    need = BOUNDARY_COVER * (hi - lo)
    got = sum(max(0.0, min(s.b, hi) - max(s.a, lo)) for s in segs if abs(s.pos - pos) <= tol)
    return got >= need


_RULE_GLYPHS = re.compile(r"^[|¦]+$")


def _clean_words(words: list[Word]) -> list[Word]:
    """Drop OCR tokens that are a ruled line read as ``|``."""
    return [w for w in words if w.confidence is None or not _RULE_GLYPHS.match(w.text)]


def cell_text(words: list[Word]) -> str:
    """A cell's text: its words in reading order, lines joined by newlines."""
    return "\n".join(" ".join(w.text for w in ln.words) for ln in build_lines(words))


def _make_cell(row: int, col: int, rs: int, cs: int, box: BBox, words: list[Word], page_no: int) -> TableCell:
    words = _clean_words(words)
    conf = mean_confidence(words)
    return TableCell(row=row, col=col, row_span=rs, col_span=cs, page_no=page_no,
                     bbox=(round(box.x0, 2), round(box.y0, 2), round(box.x1, 2), round(box.y1, 2)),
                     text=cell_text(words), words=words, confidence=round(conf, 1) if conf is not None else None)


@dataclass
class _Area:
    """A merged grid cell while the grid is being built: grid rows r0..r1, columns c0..c1."""

    r0: int
    r1: int
    c0: int
    c1: int
    words: list[Word]


def _grid(hs: list[_Seg], vs: list[_Seg], words: list[Word], tol: float
          ) -> tuple[list[float], list[float], list[_Area]] | None:
    xs = _positions([v.pos for v in vs] + [min(h.a for h in hs), max(h.b for h in hs)], max(tol, 3.5))
    ys = _positions([h.pos for h in hs] + [min(v.a for v in vs), max(v.b for v in vs)], max(tol, 3.5))
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < 1 or n_cols < 1 or (n_rows == 1 and n_cols == 1):
        return None
    uf = _UF(n_rows * n_cols)
    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not _covered(vs, xs[c + 1], ys[r], ys[r + 1], tol):
                uf.union(r * n_cols + c, r * n_cols + c + 1)
            if r + 1 < n_rows and not _covered(hs, ys[r + 1], xs[c], xs[c + 1], tol):
                uf.union(r * n_cols + c, (r + 1) * n_cols + c)
    areas: dict[int, _Area] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            a = areas.setdefault(uf.find(r * n_cols + c), _Area(r, r, c, c, []))
            a.r0, a.r1, a.c0, a.c1 = min(a.r0, r), max(a.r1, r), min(a.c0, c), max(a.c1, c)
    where = {(r, c): k for k, a in areas.items() for r in range(a.r0, a.r1 + 1) for c in range(a.c0, a.c1 + 1)}
    for w in words:
        cx, cy = w.bbox.cx, w.bbox.cy
        if not (xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1]):
            continue
        c = min(n_cols - 1, max(0, bisect.bisect_right(xs, cx) - 1))
        r = min(n_rows - 1, max(0, bisect.bisect_right(ys, cy) - 1))
        key = where.get((r, c))
        if key is not None:
            areas[key].words.append(w)
    return xs, ys, list(areas.values())


def _phrases(words: list[Word]) -> list[BBox]:
    """Boxes of word runs without a wide gap (a cell's separate entries)."""
    return [seg.bbox for ln in build_lines(words, gap_factor=1.0) for seg in ln.segments]


#: Lines that begin a new item of a list: a number code (``1.1.2.2``, ``3.``); a letter (``a.``) or a dash.
_NUMBERED_ITEM = re.compile(r"^(\d+(\.\d+)+\.?|\d+[.)])(\s|$)")
_BULLET_ITEM = re.compile(r"^([a-z][.)]|[-–—•·*])(\s|$)", re.I)


def _item_rank(text: str) -> int:
    """2 for a line that starts a numbered item, 1 for a bulleted one, else 0."""
    return 2 if _NUMBERED_ITEM.match(text) else 1 if _BULLET_ITEM.match(text) else 0


def _line_gaps(lines: list[Line]) -> list[tuple[float, int]]:
    """The gaps between ``lines`` (sorted by top; lines of several cells
    overlapping in height count as one band): ``(y of the gap's middle,
    item rank of the lines after it)`` (:func:`_item_rank`)."""
    bands: list[list[Line]] = []
    for ln in lines:
        if bands and ln.bbox.y0 < max(o.bbox.y1 for o in bands[-1]):
            bands[-1].append(ln)
        else:
            bands.append([ln])
    return [((max(o.bbox.y1 for o in p) + n[0].bbox.y0) / 2, max(_item_rank(o.text) for o in n))
            for p, n in zip(bands, bands[1:])]


def _stacked_rows(ys: list[float], xs: list[float], areas: list[_Area]) -> list[_Seg]:
    """Virtual row rules inside a grid row that holds stacked numbers: a cell
    whose lines (two or more) are all numbers means several data rows were
    printed between two rules (tables ruled only every few rows; the
    Bunikasih PK holds three indicators, 64 / 7 / ≤ 4, in one ruled row).

    Between two numbers the rule goes into a gap between the text lines of
    the row's other cells: the gap before a line that starts a numbered item
    (``1.1.2.2 ...``), else before a bulleted one (``- Jumlah ...``), when
    there is one such gap; when there are several (or none), the first when
    the numbers stand level with the last line of their items (the last
    number level with the row's last text line, the first not with its
    first), the last when they stand level with the first line; else
    halfway between the two numbers. The rules cross only the row's own
    cells, and not a cell left of the divided ones whose text lies on one
    side: a cell spanning several rows or a leading cell holding one entry
    (the sasaran beside its indicators) stays one cell."""
    out = []
    for a in areas:
        if a.r0 != a.r1 or not a.words:
            continue
        lines = build_lines(a.words)
        if len(lines) < 2 or not all(is_number(ln.text) for ln in lines):
            continue
        row_cells = [b for b in areas if b.r0 == b.r1 == a.r0]
        others = sorted((ln for b in row_cells if b is not a for ln in build_lines(b.words)), key=lambda ln: ln.bbox.y0)
        gaps = _line_gaps(others)
        height = statistics.median(ln.bbox.height for ln in lines)

        def level(number: Line, text: Line) -> bool:
            return abs(number.bbox.cy - text.bbox.cy) < 0.6 * height
        bottom = bool(others) and level(lines[-1], others[-1]) and not level(lines[0], others[0])
        top = bool(others) and level(lines[0], others[0]) and not level(lines[-1], others[-1])
        for prev, nxt in zip(lines, lines[1:]):
            between = [(y, rank) for y, rank in gaps if prev.bbox.cy < y < nxt.bbox.cy]
            rank = max((r for _, r in between), default=0)
            cands = [y for y, r in between if r == rank]
            if len(cands) == 1 or (cands and bottom):
                y = cands[0]
            elif cands and top:
                y = cands[-1]
            else:
                y = (prev.bbox.y1 + nxt.bbox.y0) / 2
            split = {id(b) for b in row_cells
                     if any(w.bbox.cy < y for w in b.words) and any(w.bbox.cy > y for w in b.words)}
            first = min((b.c0 for b in row_cells if id(b) in split), default=a.c0)
            out.extend(_Seg(y, xs[b.c0], xs[b.c1 + 1]) for b in row_cells
                       if id(b) in split or b.c0 > first or not b.words)
    return out


def _split_columns(xs: list[float], ys: list[float], areas: list[_Area]) -> list[_Seg]:
    """Virtual column rules: (a) an internal border of a merged cell when the
    cell's entries sit on both sides and none crosses it (a border the drawing
    left out, not a spanning cell); (b) a gap inside one grid column that no
    entry of any row crosses, at least 1.5 text heights wide, with entries on
    both sides in at least half of the rows (and two or more): columns the
    table never ruled, not the space inside ``100 000``."""
    out: list[_Seg] = []
    boxes = [(a, _phrases(a.words)) for a in areas]
    for a, ph in boxes:
        for j in range(a.c0 + 1, a.c1 + 1):
            x = xs[j]
            if any(b.x0 < x < b.x1 for b in ph):
                continue
            if any(b.x1 <= x for b in ph) and any(b.x0 >= x for b in ph):
                out.append(_Seg(x, ys[a.r0], ys[a.r1 + 1]))
    heights = [w.bbox.height for a in areas for w in a.words]
    min_gap = max(4.0, 1.5 * statistics.median(heights)) if heights else 4.0
    for k in range(len(xs) - 1):
        lo, hi = xs[k], xs[k + 1]
        rows = [ph for a, ph in boxes if a.c0 == a.c1 == k and ph]
        if len(rows) < 2:
            continue
        for x in _free_runs([(b.x0, b.x1) for ph in rows for b in ph], lo, hi, 0, min_gap):
            both = sum(1 for ph in rows if any(b.x1 <= x for b in ph) and any(b.x0 >= x for b in ph))
            if both >= max(2, len(rows) / 2):
                crossing = [a for a, ph in boxes if any(b.x0 < x < b.x1 for b in ph)]
                for r in range(len(ys) - 1):
                    if not any(a.r0 <= r <= a.r1 for a in crossing):
                        out.append(_Seg(x, ys[r], ys[r + 1]))
    return out


def _is_gap_row(r: int, ys: list[float], areas: list[_Area]) -> bool:
    """Row ``r`` is the blank strip between two stacked tables: short, no word,
    no cell reaching across it, and the row below it reads as a header."""
    if ys[r + 1] - ys[r] > STACK_GAP_MAX or not 0 < r < len(ys) - 2:
        return False
    if any(a.r0 <= r <= a.r1 and (a.words or a.r0 < r or a.r1 > r) for a in areas):
        return False
    below = " ".join(w.text for a in areas if a.r0 == r + 1 for w in a.words)
    return len(_HEADER_WORD.findall(below)) >= 2


def _part(xs: list[float], ys: list[float], areas: list[_Area], r0: int, r1: int
          ) -> tuple[list[float], list[float], list[_Area]]:
    """Rows ``r0..r1`` of a grid as a grid of its own, without the column
    boundaries that only the other part uses."""
    sub = [a for a in areas if r0 <= a.r0 and a.r1 <= r1]
    cols = sorted({a.c0 for a in sub} | {a.c1 + 1 for a in sub})
    index = {c: k for k, c in enumerate(cols)}
    return ([xs[c] for c in cols], ys[r0:r1 + 2],
            [_Area(a.r0 - r0, a.r1 - r0, index[a.c0], index[a.c1 + 1] - 1, a.words) for a in sub])


def _split_stacked(g: tuple[list[float], list[float], list[_Area]]) -> list[tuple[list[float], list[float], list[_Area]]]:
    """Split a grid at the blank strips between tables printed one under the
    other (a PK's target table, then its budget table): on a scan their
    aligned side borders are joined across the strip into one grid."""
    xs, ys, areas = g
    gaps = [r for r in range(len(ys) - 1) if _is_gap_row(r, ys, areas)]
    if not gaps:
        return [g]
    bounds = [-1, *gaps, len(ys) - 1]
    return [_part(xs, ys, areas, a + 1, b - 1) for a, b in zip(bounds, bounds[1:]) if b - 1 >= a + 1]


def _ruled_grid(hs: list[_Seg], vs: list[_Seg], words: list[Word], tol: float
                ) -> tuple[list[float], list[float], list[_Area]] | None:
    """The grid of a group of segments, refined once by rows of stacked
    numbers and once by unruled columns (see :func:`_stacked_rows`, :func:`_split_columns`)."""
    g = _grid(hs, vs, words, tol)
    if g is None:
        return None
    extra = _stacked_rows(g[1], g[0], g[2])
    if extra:
        hs = hs + extra
        g = _grid(hs, vs, words, tol)
    extra = _split_columns(*g)
    if extra:
        vs = vs + extra
        g = _grid(hs, vs, words, tol)
    return g


def _ruled_tables(hs: list[_Seg], vs: list[_Seg], words: list[Word], page: PageResult, tol: float) -> list[Table]:
    """The tables of one group of grid segments: one, or several when the
    grid holds tables stacked with a blank strip between them (see :func:`_split_stacked`)."""
    g = _ruled_grid(hs, vs, words, tol)
    return [_table_of(*part, page) for part in _split_stacked(g)] if g is not None else []


def _table_of(xs: list[float], ys: list[float], areas: list[_Area], page: PageResult) -> Table:
    cells = [_make_cell(a.r0, a.c0, a.r1 - a.r0 + 1, a.c1 - a.c0 + 1, BBox(xs[a.c0], ys[a.r0], xs[a.c1 + 1], ys[a.r1 + 1]),
                        a.words, page.page_no) for a in areas]
    return _finish(cells, len(ys) - 1, len(xs) - 1, BBox(xs[0], ys[0], xs[-1], ys[-1]), "ruled", page)


def _finish(cells: list[TableCell], n_rows: int, n_cols: int, box: BBox, method: str, page: PageResult) -> Table:
    cells.sort(key=lambda c: (c.row, c.col))
    flags = []
    if not any(c.text for c in cells):
        flags.append("empty_grid")
    if (box.x0 < EDGE_MARGIN or box.y0 < EDGE_MARGIN or box.x1 > page.width_pt - EDGE_MARGIN
            or box.y1 > page.height_pt - EDGE_MARGIN):
        flags.append("cut_at_page_edge")
    t = Table(pages=[page.page_no], bbox=(round(box.x0, 2), round(box.y0, 2), round(box.x1, 2), round(box.y1, 2)),
              method=method, extractor=page.extractor, dpi=page.dpi, n_rows=n_rows, n_cols=n_cols,
              cells=cells, flags=flags)
    mark_header(t)
    return t


def _column_numbers(cells: list[TableCell]) -> bool:
    """A row that numbers the columns: three or more cells, all small numbers
    (OCR specks ignored: ``3°``), increasing from 1 or 2, or each the 1-based
    position of its column but for one misread (``4. 2 3 4``: a lone ``1``
    read as ``4``)."""
    cells = [c for c in cells if c.text.strip()]
    nums = [re.sub(r"[^0-9A-Za-z]", "", c.text) for c in cells]
    if len(nums) < 3 or not all(n.isdigit() and len(n) <= 2 for n in nums):
        return False
    vals = [int(n) for n in nums]
    if vals == sorted(vals) and vals[0] <= 2 and len(set(vals)) == len(vals):
        return True
    return sum(v == c.col + 1 for v, c in zip(vals, cells)) >= max(3, len(vals) - 1)


def mark_header(table: Table) -> None:
    """Set ``table.header_rows`` and each header cell's ``header`` flag (rules in the module docstring)."""
    rows = table.rows(body_only=False)
    if not rows:
        return
    n = 0
    first = [c for c in table.cells if c.row == 0]
    span_end = max((c.row + c.row_span for c in first if c.row_span > 1), default=0)
    if span_end and span_end < table.n_rows:
        n = span_end
    elif table.n_rows > 1 and not any(is_number(c.text) for c in first if c.text):
        n = 1
    if n < table.n_rows:
        if _column_numbers(list({id(c): c for c in rows[n] if c is not None and c.row == n}.values())):
            n += 1
    table.header_rows = n
    for c in table.cells:
        c.header = c.row < n


# ---------------------------------------------------------------- text tables
def _free_runs(spans: list[tuple[float, float]], lo: float, hi: float, limit: int, min_width: float,
               res: float = 0.5) -> list[float]:
    """Centres of the x ranges inside (``lo``, ``hi``) covered by at most
    ``limit`` of ``spans`` and at least ``min_width`` points wide; ranges
    touching ``lo`` or ``hi`` are margins, not gaps."""
    n = int((hi - lo) / res) + 2
    cover = [0] * n
    for a, b in spans:
        for k in range(max(0, int((a - lo) / res)), min(n, int((b - lo) / res) + 1)):
            cover[k] += 1
    out, k = [], 0
    while k < n:
        if cover[k] > limit:
            k += 1
            continue
        j = k
        while j < n and cover[j] <= limit:
            j += 1
        if k > 0 and j < n - 1 and (j - k) * res >= min_width:
            out.append(lo + (k + j) / 2 * res)
        k = j
    return out


def _column_bounds(lines: list[Line]) -> list[float]:
    """Column boundaries (x, points) from the gaps that (almost) no multi-segment line crosses."""
    multi = [ln for ln in lines if len(ln.segments) >= 2]
    spans = [(s.bbox.x0, s.bbox.x1) for ln in multi for s in ln.segments]
    return _free_runs(spans, min(ln.bbox.x0 for ln in lines), max(ln.bbox.x1 for ln in lines),
                      len(multi) // 7, 2.0)


def _tabular(block: list[Line]) -> bool:
    """At least three of ``block``'s lines split into segments (a table, not prose)."""
    return sum(1 for ln in block if len(ln.segments) >= 2) >= 3


def _blocks(lines: list[Line], rule_ys: list[float]) -> list[list[Line]]:
    """Runs of lines that look tabular (see module docstring)."""
    if not lines:
        return []
    heights = statistics.median(ln.bbox.height for ln in lines)
    blocks, cur, singles = [], [], 0
    for ln in lines:
        gap_ok = not cur or ln.bbox.y0 - cur[-1].bbox.y1 <= 2.2 * heights + (
            6 if any(cur[-1].bbox.y1 <= y <= ln.bbox.y0 for y in rule_ys) else 0)
        if not gap_ok:
            blocks.append(cur[:len(cur) - singles] if singles else cur)
            cur, singles = [], 0
        if len(ln.segments) >= 2:
            cur.append(ln)
            singles = 0
        elif cur and singles < 2:
            cur.append(ln)
            singles += 1
        elif cur:
            blocks.append(cur[:len(cur) - singles])
            cur, singles = [], 0
    if cur:
        blocks.append(cur[:len(cur) - singles] if singles else cur)
    return [b for b in blocks if _tabular(b)]


def _misfit(ln: Line, bounds: list[float]) -> bool:
    """A line with a segment running across a column boundary (by more than 2 points each side)."""
    return any(s.bbox.x0 + 2 < x < s.bbox.x1 - 2 for s in ln.segments for x in bounds)


def _text_table(block: list[Line], rule_ys: list[float], page: PageResult) -> Table | None:
    bounds = _column_bounds(block)
    if not bounds:
        return None
    end = len(block)
    while end > 0 and _misfit(block[end - 1], bounds) and not any(is_number(sg.text) for sg in block[end - 1].segments):
        end -= 1        # trailing lines without figures that ignore the columns: what follows (a signature block)
    if end < len(block):
        block = block[:end]
        if not _tabular(block) or not (bounds := _column_bounds(block)):
            return None
    n_cols = len(bounds) + 1
    multi = [ln for ln in block if len(ln.segments) >= 2]
    has_numbers = sum(1 for ln in multi if any(is_number(s.text) for s in ln.segments[1:]))
    if n_cols == 2 and has_numbers < len(multi) / 3:
        return None  # two columns of prose or label/value pairs: not a table

    def place(seg_box: BBox) -> tuple[int, int]:
        c0 = bisect.bisect_right(bounds, seg_box.x0 + 1.0)
        c1 = bisect.bisect_right(bounds, seg_box.x1 - 1.0)
        return c0, max(c0, c1)

    rows: list[dict] = []  # {"cols": {col: (c0, c1, [words])}, "y1": float, "y0": float}
    for ln in block:
        entry: dict[int, list] = {}
        for s in ln.segments:
            c0, c1 = place(s.bbox)
            if c0 in entry:
                entry[c0][1] = max(entry[c0][1], c1)
                entry[c0][2].extend(s.words)
            else:
                entry[c0] = [c0, c1, list(s.words)]
        prev = rows[-1] if rows else None
        numeric = any(is_number(" ".join(w.text for w in v[2])) for v in entry.values())
        ruled = prev is not None and any(prev["y1"] - 1 <= y <= ln.bbox.y0 + 1 for y in rule_ys)
        if (prev is not None and not numeric and not ruled
                and set(entry) <= set(prev["cols"]) and len(entry) < n_cols
                and ln.bbox.y0 - prev["y1"] <= 0.8 * ln.bbox.height):
            for c, v in entry.items():
                prev["cols"][c][2].extend(v[2])
            prev["y1"] = ln.bbox.y1
            continue
        rows.append({"cols": entry, "y0": ln.bbox.y0, "y1": ln.bbox.y1})
    box = BBox.enclosing([ln.bbox for ln in block])
    edges = [box.x0] + bounds + [box.x1]
    cells = []
    for r, row in enumerate(rows):
        filled = set()
        for c0, c1, words in sorted(row["cols"].values()):
            if c0 in filled:
                continue
            cb = BBox(edges[c0], row["y0"], edges[c1 + 1], row["y1"])
            cells.append(_make_cell(r, c0, 1, c1 - c0 + 1, cb, words, page.page_no))
            filled.update(range(c0, c1 + 1))
        for c in range(n_cols):
            if c not in filled:
                cells.append(_make_cell(r, c, 1, 1, BBox(edges[c], row["y0"], edges[c + 1], row["y1"]), [],
                                        page.page_no))
    return _finish(cells, len(rows), n_cols, box, "text", page)


def _inside(w: Word, boxes: list[tuple[float, float, float, float]]) -> bool:
    return any(BBox(*b).holds_centre_of(w.bbox, margin=1) for b in boxes)


def _off_text(rulings: list[Ruling], words: list[Word]) -> list[Ruling]:
    """Drop scan rulings that run mostly through OCR word boxes: strokes of
    large print (serifs, bars of capitals) that the line filter mistook for
    rules, and stems of letters stacked line above line (``l``, ``d``, ``1``),
    which is why a vertical ruling counts word boxes stretched by half a line
    up and down."""
    if not words or not rulings:
        return list(rulings)
    b = np.array([(w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1) for w in words])
    x0, y0, x1, y1 = b.T
    pad = (y1 - y0) / 2
    out = []
    for r in rulings:
        if r.horizontal:
            across = (y0 + 1 < r.pos) & (r.pos < y1 - 1)
            along = np.minimum(x1, r.x1) - np.maximum(x0, r.x0)
        else:
            across = (x0 + 1 < r.pos) & (r.pos < x1 - 1)
            along = np.minimum(y1 + pad, r.y1) - np.maximum(y0 - pad, r.y0)
        if np.clip(along[across], 0.0, None).sum() < 0.5 * (r.length or 1.0):
            out.append(r)
    return out


def _off_shapes(hs: list[_Seg], vs: list[_Seg], shapes: list[Shape]) -> tuple[list[_Seg], list[_Seg]]:
    """Drop (merged) segments lying on a flowchart symbol's outline."""
    boxes = [(s.bbox.x0 - 3, s.bbox.y0 - 3, s.bbox.x1 + 3, s.bbox.y1 + 3) for s in shapes]
    nh = [h for h in hs if not any(b[0] <= h.a and h.b <= b[2] and b[1] <= h.pos <= b[3] for b in boxes)]
    nv = [v for v in vs if not any(b[1] <= v.a and v.b <= b[3] and b[0] <= v.pos <= b[2] for b in boxes)]
    return nh, nv


def extract_tables(page: PageResult, text_tables: bool = True) -> list[Table]:
    """Tables of one page from ``page.words``, ``page.rulings`` and
    ``page.shapes`` (all in PDF points). Ruled tables first; with
    ``text_tables`` the words outside them are searched for borderless
    tables. Returns ``[]`` for a page without tables; never raises on odd
    geometry (an empty grid gives a table flagged ``empty_grid``; on a scan
    only when it is wide enough to be a form, see :data:`MIN_EMPTY_SCAN_GRID`)."""
    scan = page.text_source == "ocr"
    tol, gap = (SCAN_TOL, SCAN_GAP) if scan else (VECTOR_TOL, VECTOR_GAP)
    rulings = page.rulings
    if scan:
        rulings = _off_text(rulings, [w for w in page.words if len(w.text) > 1])
    hs, vs = _split(rulings)
    hs, vs = _off_shapes(_merge(hs, tol, gap), _merge(vs, tol, gap), page.shapes)
    tables: list[Table] = []
    loose_h: list[_Seg] = []
    for gh, gv in _groups(hs, vs, tol):
        ph, pv = _prune(gh, gv, tol)
        ph, pv = _drop_slivers(ph, tol), _drop_slivers(pv, tol)
        if len(ph) >= 2 and len(pv) >= 2:
            found = [t for t in _ruled_tables(ph, pv, page.words, page, tol)
                     if not (scan and "empty_grid" in t.flags
                             and t.bbox[2] - t.bbox[0] < MIN_EMPTY_SCAN_GRID * page.width_pt)]
            if found:
                tables.extend(found)
                continue
        loose_h.extend(h for h in gh if h.b - h.a >= 30)
    if text_tables:
        taken = [t.bbox for t in tables]
        free = [w for w in page.words if not _inside(w, taken)]
        rule_ys = sorted(h.pos for h in loose_h)
        for block in _blocks(build_lines(free, gap_factor=1.0), rule_ys):
            t = _text_table(block, rule_ys, page)
            if t is not None:
                tables.append(t)
    tables.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    return tables


# ---------------------------------------------------------------- across pages
def _same_columns(a: Table, b: Table, tol: float = 6.0) -> bool:
    if a.n_cols != b.n_cols:
        return False

    def edges(t: Table) -> list[float]:
        xs = {}
        for c in t.cells:
            if c.col_span == 1:
                xs.setdefault(c.col, c.bbox[0])
        return [xs.get(k) for k in range(t.n_cols)]

    return all(x is None or y is None or abs(x - y) <= tol for x, y in zip(edges(a), edges(b)))


def _header_texts(t: Table) -> list[str]:
    return [re.sub(r"\s+", " ", c.text).strip().lower() for c in t.cells if c.row < max(1, t.header_rows)]


def stitch(tables: list[Table], page_heights: dict[int, float]) -> list[Table]:
    """Join a table that continues on the next page: the last table of page
    *n* reaching the bottom part of the page and the first table of page
    *n + 1* with the same number of columns and column edges (or a repeated
    header). A repeated header is dropped from the continuation. Tables are
    numbered 1.. in document order."""
    out: list[Table] = []
    for t in sorted(tables, key=lambda t: (t.pages[0], t.bbox[1])):
        prev = out[-1] if out else None
        if (prev is not None and t.pages[0] == prev.pages[-1] + 1
                and prev.bbox[3] > 0.6 * page_heights.get(prev.pages[-1], 1e9)
                and not any(o.pages[0] == t.pages[0] and o.bbox[1] < t.bbox[1] for o in out if o is not prev)
                and t.method == prev.method
                and (_same_columns(prev, t) or (_header_texts(prev) and _header_texts(prev) == _header_texts(t)))):
            _append(prev, t)
            continue
        out.append(t)
    for i, t in enumerate(out, 1):
        t.table_no = i
    return out


def _append(head: Table, tail: Table) -> None:
    drop = tail.header_rows if tail.header_rows and _header_texts(tail) == _header_texts(head) else 0
    offset = head.n_rows - drop
    for c in tail.cells:
        if c.row < drop:
            continue
        head.cells.append(c.model_copy(update={"row": c.row + offset, "header": False}))
    head.n_rows += tail.n_rows - drop
    head.pages.append(tail.pages[0])
    if "continued" not in head.flags:
        head.flags.append("continued")
    if drop and "repeated_header_dropped" not in head.flags:
        head.flags.append("repeated_header_dropped")


# ---------------------------------------------------------------- transcriptions
def table_from_rows(rows: list[list[str]], page_no: int = 1) -> Table:
    """A :class:`Table` from rows of cell texts (e.g. a tab-separated
    transcription); geometry is the grid position itself (1 point per cell)."""
    n_cols = max((len(r) for r in rows), default=0)
    cells = [TableCell(row=r, col=c, page_no=page_no, bbox=(c, r, c + 1, r + 1), text=(row[c] if c < len(row) else "").strip())
             for r, row in enumerate(rows) for c in range(n_cols)]
    t = Table(pages=[page_no], bbox=(0, 0, n_cols, len(rows)), method="transcription", extractor="transcription",
              n_rows=len(rows), n_cols=n_cols, cells=cells)
    mark_header(t)
    return t


def tables_from_transcription(text: str) -> list[Table]:
    """Tables of a plain-text transcription: runs of consecutive lines that
    contain tabs (blank lines inside a run are skipped)."""
    out, cur = [], []
    for raw in text.splitlines() + [""]:
        if "\t" in raw:
            cur.append(raw.split("\t"))
        elif raw.strip() and cur:
            out.append(table_from_rows(cur))
            cur = []
    if cur:
        out.append(table_from_rows(cur))
    for i, t in enumerate(out, 1):
        t.table_no = i
    return out
