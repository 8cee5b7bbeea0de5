"""PDF text layer and ruled lines read with PDFium (pypdfium2), the fast path.

pdfminer, under pdfplumber, parses a page's content stream in Python: about 7
pages a second on this machine. PDFium parses it in C, about 17 times faster
(bench/throughput.py prints both). This module reads what
:mod:`extractors.pdf_text` reads, from the same PDF, into the same records:

- characters: unicode, the loose character box's left/right and bottom (the
  baseline plus the font's descent, as pdfminer computes it) and a top one
  font size above the bottom (pdfminer's convention), so that words come out
  as pdfplumber forms them; the words themselves are formed by pdfplumber's
  word extractor (:func:`extractors.pdf_text.text_layer_from_chars`);
- ruled lines: the straight segments of stroked paths and of thin filled
  rectangles, in page space through every form XObject's matrix, visible by
  the same rule as :func:`extractors.pdf_text.read_rulings`; curved and slanted
  segments are counted, so that a page without any need not be searched
  for flowchart symbols;
- raster images: their placed boxes, for the scan test and pasted signatures;
  and whether the text is hidden (invisible, or under a page-sized image), as a
  scanner's OCR layer is.

Only unrotated pages whose crop box is the media box are read here
(:func:`supported`); the caller reads any other page with pdfplumber, whose
coordinates the rest of the pipeline was built on. Every function must be
called with :data:`extractors.render.PDFIUM_LOCK` held (PDFium is not
thread-safe).
"""
from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass
from typing import Iterator

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .pdf_text import FILLED_LINE_PT, is_white, rulings_from_edges, text_layer_from_chars
from .records import BBox, Ruling, TextLayer

#: Unicode values PDFium returns for a glyph it cannot map (shown as U+FFFD).
_UNMAPPED = {0, 0xFFFE, 0xFFFF}
#: Two coordinates closer than this (points) are the same: PDFium keeps points as 32-bit floats.
_SAME_PT = 1e-3

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_PATHS = frozenset({pdfium_c.FPDF_PAGEOBJ_PATH})
_IMAGES = frozenset({pdfium_c.FPDF_PAGEOBJ_IMAGE})


def supported(page: pdfium.PdfPage) -> bool:
    """Whether this module reads ``page`` the way pdfplumber does: no
    ``/Rotate`` and a crop box equal to the media box."""
    return page.get_rotation() == 0 and page.get_cropbox() == page.get_mediabox()


def _top(page: pdfium.PdfPage) -> float:
    """The media box's upper edge (PDF user space, y up): ``top = _top - y``."""
    return float(page.get_mediabox()[3])


def _chars(page: pdfium.PdfPage) -> list[dict]:
    """The page's characters as pdfplumber-style dicts (see the module docstring);
    the spaces and line breaks PDFium adds between text objects are left out."""
    textpage = page.get_textpage()
    try:
        raw, top_edge = textpage.raw, _top(page)
        box, mtx = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
        out = []
        n = pdfium_c.FPDFText_CountChars(raw)
        for i in range(n):
            if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
                continue
            code = pdfium_c.FPDFText_GetUnicode(raw, i)
            if pdfium_c.FPDFText_IsHyphen(raw, i) == 1:
                text = "-"
            elif 0xDC00 <= code <= 0xDFFF:      # second half of a pair, joined below
                continue
            elif 0xD800 <= code <= 0xDBFF:      # a character beyond U+FFFF comes as a UTF-16 pair
                low = pdfium_c.FPDFText_GetUnicode(raw, i + 1) if i + 1 < n else 0
                text = (chr(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)) if 0xDC00 <= low <= 0xDFFF
                        else "\ufffd")
            elif code in _UNMAPPED:
                text = "\ufffd"
            else:
                text = chr(code)
            if text in "\r\n" or not pdfium_c.FPDFText_GetLooseCharBox(raw, i, box):
                continue
            pdfium_c.FPDFText_GetMatrix(raw, i, mtx)
            size = pdfium_c.FPDFText_GetFontSize(raw, i) * math.hypot(mtx.c, mtx.d)
            angle = pdfium_c.FPDFText_GetCharAngle(raw, i)
            upright = angle < 0 or abs(math.sin(angle)) < 0.5
            bottom = top_edge - box.bottom
            top = bottom - size if upright else top_edge - box.top
            out.append({"text": text, "x0": box.left, "x1": box.right, "top": top, "bottom": bottom,
                        "doctop": top, "upright": upright})
        return out
    finally:
        textpage.close()


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix applying ``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _objects(page: pdfium.PdfPage, placed: frozenset[int]) -> Iterator[tuple[object, int, Matrix | None]]:
    """Every page object, form XObjects opened: ``(raw handle, FPDF_PAGEOBJ_*
    type, matrix)``, the matrix taking the object's own coordinates to page
    space for the types in ``placed`` and ``None`` for the others (a text-heavy
    page has thousands of text objects whose placement nobody asks for)."""
    fs = pdfium_c.FS_MATRIX()
    form = pdfium_c.FPDF_PAGEOBJ_FORM

    def walk(count, get, outer: Matrix):
        for k in range(count):
            obj = get(k)
            if not obj:
                continue
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind != form and kind not in placed:
                yield obj, kind, None
                continue
            m = _IDENTITY
            if pdfium_c.FPDFPageObj_GetMatrix(obj, fs):
                m = (fs.a, fs.b, fs.c, fs.d, fs.e, fs.f)
            m = _compose(m, outer)
            if kind == form:
                yield from walk(pdfium_c.FPDFFormObj_CountObjects(obj),
                                lambda j, o=obj: pdfium_c.FPDFFormObj_GetObject(o, j), m)
            else:
                yield obj, kind, m

    yield from walk(pdfium_c.FPDFPage_CountObjects(page.raw), lambda j: pdfium_c.FPDFPage_GetObject(page.raw, j),
                    _IDENTITY)


def _colour(getter, obj) -> tuple[float, float, float] | None:
    """An object's stroke or fill colour as RGB 0..1 (PDFium converts gray and
    CMYK); ``None`` when PDFium has none to give (pattern colours), which
    :func:`~extractors.pdf_text.is_white` counts as not white."""
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, r, g, b, a):
        return None
    return r.value / 255, g.value / 255, b.value / 255


def _subpaths(obj, m: Matrix) -> Iterator[tuple[list[tuple[float, float]], list[bool]]]:
    """The subpaths of a path object in page space (y up): points, and for each
    point after the first whether the segment reaching it is straight; a
    closed subpath ends with its first point again."""
    x, y = ctypes.c_float(), ctypes.c_float()
    pts: list[tuple[float, float]] = []
    straight: list[bool] = []
    for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
        seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
        if not seg or not pdfium_c.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        p = _apply(m, x.value, y.value)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            if len(pts) > 1:
                yield pts, straight
            pts, straight = [p], []
            continue
        if not pts:
            pts = [p]
            continue
        pts.append(p)
        straight.append(kind == pdfium_c.FPDF_SEGMENT_LINETO)
        if pdfium_c.FPDFPathSegment_GetClose(seg) and pts[0] != p:
            pts.append(pts[0])
            straight.append(True)
    if len(pts) > 1:
        yield pts, straight


def _is_rect(pts: list[tuple[float, float]], straight: list[bool]) -> bool:
    """A closed axis-aligned four-sided subpath (``re`` or m-l-l-l-h)."""
    if not all(straight) or len(pts) not in (4, 5):
        return False
    ring = pts if len(pts) == 5 else pts + [pts[0]]
    if ring[0] != ring[-1] and math.dist(ring[0], ring[-1]) > _SAME_PT:
        return False
    return all(abs(p[0] - q[0]) <= _SAME_PT or abs(p[1] - q[1]) <= _SAME_PT for p, q in zip(ring, ring[1:]))


@dataclass(frozen=True)
class Drawing:
    """The vector drawing of one page: ``rulings`` (see :func:`read_drawing`)
    and ``figure_segments``, the number of visible curved or slanted path
    segments (flowchart symbols, arrow heads, charts); a page with none has
    no drawn symbol to look for."""

    rulings: tuple[Ruling, ...]
    figure_segments: int


def read_drawing(page: pdfium.PdfPage, min_length: float = 3.0) -> Drawing:
    """Visible ruled line segments of one page, in PDF points from the
    top-left corner, as :func:`extractors.pdf_text.read_rulings` gives them:
    the straight horizontal and vertical segments of paths stroked in a
    non-white colour, and the sides of rectangles filled in a non-white
    colour that are at most :data:`~extractors.pdf_text.FILLED_LINE_PT` thick.
    Segments shorter than ``min_length`` points are dropped; slanted and
    curved ones are only counted."""
    top_edge = _top(page)
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    edges, figures = [], 0
    for obj, kind, m in _objects(page, _PATHS):
        if kind != pdfium_c.FPDF_PAGEOBJ_PATH or not pdfium_c.FPDFPath_GetDrawMode(obj, fill_mode, stroke):
            continue
        stroked = bool(stroke.value) and not is_white(_colour(pdfium_c.FPDFPageObj_GetStrokeColor, obj))
        filled = fill_mode.value != 0 and not is_white(_colour(pdfium_c.FPDFPageObj_GetFillColor, obj))
        if not (stroked or filled):
            continue
        for pts, straight in _subpaths(obj, m):
            rect = _is_rect(pts, straight)
            if not stroked and rect:
                xs, ys = [p[0] for p in pts], [p[1] for p in pts]
                if min(max(xs) - min(xs), max(ys) - min(ys)) > FILLED_LINE_PT:
                    continue
            ruled = stroked or rect     # a filled shape other than a thin bar gives no rules
            for (x0, y0), (x1, y1), line in zip(pts, pts[1:], straight):
                if line and abs(y0 - y1) <= _SAME_PT:
                    if ruled:
                        edges.append((x0, top_edge - y0, x1, top_edge - y0))
                elif line and abs(x0 - x1) <= _SAME_PT:
                    if ruled:
                        edges.append((x0, top_edge - y0, x0, top_edge - y1))
                else:
                    figures += 1
    return Drawing(tuple(rulings_from_edges(edges, min_length)), figures)


#: Text render modes nobody sees: 3 invisible, 7 clip only (PDF 32000-1:2008, 9.3.6, operator Tr).
_HIDDEN_RENDER_MODES = {pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE, pdfium_c.FPDF_TEXTRENDERMODE_CLIP}
#: An image covering at least this share of the page hides the text painted before it.
_COVERING_IMAGE = 0.5


def _images_and_hidden_text(page: pdfium.PdfPage) -> tuple[list[BBox], float | None]:
    """Where the page's raster images are placed (the unit square through each
    image's matrix, in PDF points from the top-left corner), and the share of
    its text objects nobody sees: drawn in an invisible render mode, or painted
    before (under) an image covering half the page. A scanner's or OCRmyPDF's
    text layer is hidden in one of these two ways; the text of a born-digital
    page with a background picture is drawn over it. ``None`` when the page
    has no text object."""
    top_edge = _top(page)
    width, height = page.get_size()
    boxes: list[BBox] = []
    texts = hidden = visible_so_far = 0
    for obj, kind, m in _objects(page, _IMAGES):
        if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
            texts += 1
            if pdfium_c.FPDFTextObj_GetTextRenderMode(obj) in _HIDDEN_RENDER_MODES:
                hidden += 1
            else:
                visible_so_far += 1
        elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            corners = [_apply(m, u, v) for u, v in ((0, 0), (1, 0), (0, 1), (1, 1))]
            xs, ys = [p[0] for p in corners], [top_edge - p[1] for p in corners]
            box = BBox(min(xs), min(ys), max(xs), max(ys))
            boxes.append(box)
            if box.area_within(width, height) >= _COVERING_IMAGE * width * height:
                hidden, visible_so_far = hidden + visible_so_far, 0
    return boxes, (hidden / texts if texts else None)


def image_boxes(page: pdfium.PdfPage) -> list[BBox]:
    """Where the page's raster images are placed, in PDF points from the
    top-left corner (any page: rotation and crop box are not applied)."""
    return _images_and_hidden_text(page)[0]


def read_text_layer(page: pdfium.PdfPage) -> TextLayer:
    """Words of one page (PDF points from the top-left corner) and the facts
    to judge them, as :func:`extractors.pdf_text.read_text_layer` gives them
    for a :func:`supported` page."""
    width, height = page.get_size()
    boxes, hidden = _images_and_hidden_text(page)
    return text_layer_from_chars(_chars(page), boxes, float(width), float(height), hidden_text_share=hidden)
