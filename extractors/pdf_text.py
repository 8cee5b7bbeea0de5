"""PDF text layer via pdfplumber: words with bboxes, ruled lines, and the page's image coverage."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pdfplumber

from .records import BBox, Ruling, TextLayer, Word


@contextmanager
def open_pdf(path: Path) -> Iterator["pdfplumber.PDF"]:
    """Open ``path`` with pdfplumber; library errors propagate unchanged
    (``pdfminer.pdfparser.PDFSyntaxError``, ``pdfminer.pdfdocument.PDFPasswordIncorrect``...)."""
    pdf = pdfplumber.open(str(path))
    try:
        yield pdf
    finally:
        pdf.close()


def _image_coverage(page: "pdfplumber.page.Page") -> float:
    """Share (0..1) of the page area covered by raster images (overlaps counted once per image)."""
    area = float(page.width * page.height) or 1.0
    covered = 0.0
    for im in page.images:
        x0, x1 = max(0.0, float(im["x0"])), min(float(page.width), float(im["x1"]))
        top, bottom = max(0.0, float(im["top"])), min(float(page.height), float(im["bottom"]))
        if x1 > x0 and bottom > top:
            covered += (x1 - x0) * (bottom - top)
    return min(1.0, covered / area)


def read_text_layer(page: "pdfplumber.page.Page") -> TextLayer:
    """Words of one pdfplumber page, bboxes in PDF points from the top-left corner.

    Words are split on spaces only where pdfplumber sees a gap (``x_tolerance=1.5``
    points); characters printed sideways (``upright=False``) are kept, so a rotated
    page shows as words with tall boxes, which :func:`upright_share` measures.
    """
    words = page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False,
                               use_text_flow=False, extra_attrs=["upright"])
    out = tuple(
        Word(text=w["text"], bbox=BBox(float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"])))
        for w in words if w["text"].strip()
    )
    upright = sum(1 for w in words if w.get("upright", True))
    area = float(page.width * page.height) or 1.0
    boxes = tuple(BBox(float(im["x0"]), float(im["top"]), float(im["x1"]), float(im["bottom"])) for im in page.images)
    boxes = tuple(b for b in boxes if 0 < b.width * b.height < 0.5 * area)
    rotation = 0 if not words or upright >= len(words) / 2 else 90
    return TextLayer(words=out, width_pt=float(page.width), height_pt=float(page.height),
                     char_count=len(page.chars), image_coverage=_image_coverage(page), rotation=rotation,
                     image_boxes=boxes)


def _is_white(colour) -> bool:
    """True for white in gray (1), RGB (1, 1, 1) or CMYK (0, 0, 0, 0); ``None`` (the PDF default) is black."""
    if colour is None:
        return False
    vals = list(colour) if isinstance(colour, (tuple, list)) else [colour]
    try:
        vals = [float(v) for v in vals]
    except (TypeError, ValueError):  # pattern colour spaces
        return False
    if len(vals) == 4:
        return all(v <= 0.05 for v in vals)
    return bool(vals) and all(v >= 0.95 for v in vals)


#: A filled rectangle at most this thick (points) is drawn as a line.
FILLED_LINE_PT = 2.0


def _visible(obj: dict) -> bool:
    """Whether a pdfplumber line/rect/curve object is drawn as a visible rule:
    stroked in a non-white colour, or a thin (at most :data:`FILLED_LINE_PT`)
    rectangle filled in a non-white colour. White background boxes and large
    shaded areas are not rules."""
    if obj.get("stroke", obj["object_type"] == "line") and not _is_white(obj.get("stroking_color")):
        return True
    if obj["object_type"] == "rect" and obj.get("fill") and not _is_white(obj.get("non_stroking_color")):
        return min(float(obj["width"]), float(obj["height"])) <= FILLED_LINE_PT
    return False


def read_rulings(page: "pdfplumber.page.Page", min_length: float = 3.0) -> list[Ruling]:
    """Visible ruled line segments of one page (see :func:`_visible`), in PDF
    points from the top-left corner. Segments shorter than ``min_length``
    points (arrow heads, glyph-like drawings) and diagonal pieces are dropped."""
    edges = []
    for obj in page.lines:
        if _visible(obj):
            edges.append(pdfplumber.utils.line_to_edge(obj))
    for obj in page.rects:
        if _visible(obj):
            edges.extend(pdfplumber.utils.rect_to_edges(obj))
    for obj in page.curves:
        if _visible(obj):
            edges.extend(pdfplumber.utils.curve_to_edges(obj))
    out = []
    for e in edges:
        if e.get("orientation") not in ("h", "v"):
            continue
        x0, x1 = sorted((float(e["x0"]), float(e["x1"])))
        top, bottom = sorted((float(e["top"]), float(e["bottom"])))
        if max(x1 - x0, bottom - top) >= min_length:
            out.append(Ruling(x0, top, x1, bottom))
    return out
