"""PDF text layer via pdfplumber: words with bboxes, ruled lines, and the page's image coverage.

Also the steps shared with :mod:`extractors.pdfium_text`, which reads the
same characters and drawings with PDFium: :func:`text_layer_from_chars`
forms words with pdfplumber's word extractor, :func:`rulings_from_edges`
keeps the straight rules, :func:`is_white` judges a colour.
"""
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


#: pdfplumber word extraction: characters further apart than this (points)
#: start a new word; lines are told apart by ``y_tolerance``.
WORD_X_TOLERANCE = 1.5
WORD_Y_TOLERANCE = 2.0


def text_layer_from_chars(chars: list[dict], image_boxes: list[BBox], width_pt: float,
                          height_pt: float, hidden_text_share: float | None = None) -> TextLayer:
    """A :class:`TextLayer` from pdfplumber-style character dicts (``text``,
    ``x0``, ``x1``, ``top``, ``bottom``, ``doctop``, ``upright``; PDF points
    from the top-left corner) and the boxes of the page's raster images.

    Words are formed by pdfplumber's word extractor, split where pdfplumber
    sees a gap (:data:`WORD_X_TOLERANCE` points); characters printed sideways
    (``upright=False``) are kept, so a rotated page shows as words with tall
    boxes and ``rotation`` 90 (most words sideways). ``hidden_text_share`` is
    passed through (see :class:`TextLayer`)."""
    words = pdfplumber.utils.extract_words(chars, x_tolerance=WORD_X_TOLERANCE, y_tolerance=WORD_Y_TOLERANCE,
                                           keep_blank_chars=False, use_text_flow=False,
                                           extra_attrs=["upright"]) if chars else []
    out = tuple(
        Word(text=w["text"], bbox=BBox(float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"])))
        for w in words if w["text"].strip()
    )
    upright = sum(1 for w in words if w.get("upright", True))
    area = float(width_pt * height_pt) or 1.0
    covered = sum(b.area_within(width_pt, height_pt) for b in image_boxes)
    rotation = 0 if not words or upright >= len(words) / 2 else 90
    return TextLayer(words=out, width_pt=float(width_pt), height_pt=float(height_pt), char_count=len(chars),
                     image_coverage=min(1.0, covered / area), rotation=rotation,
                     image_boxes=tuple(b for b in image_boxes if 0 < b.width * b.height < 0.5 * area),
                     hidden_text_share=hidden_text_share)


def read_text_layer(page: "pdfplumber.page.Page") -> TextLayer:
    """Words of one pdfplumber page, bboxes in PDF points from the top-left
    corner (see :func:`text_layer_from_chars`); image coverage counts
    overlapping images once per image."""
    boxes = [BBox(float(im["x0"]), float(im["top"]), float(im["x1"]), float(im["bottom"])) for im in page.images]
    return text_layer_from_chars(page.chars, boxes, float(page.width), float(page.height))


def is_white(colour) -> bool:
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
    if obj.get("stroke", obj["object_type"] == "line") and not is_white(obj.get("stroking_color")):
        return True
    if obj["object_type"] == "rect" and obj.get("fill") and not is_white(obj.get("non_stroking_color")):
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
    return rulings_from_edges(
        [(float(e["x0"]), float(e["top"]), float(e["x1"]), float(e["bottom"])) for e in edges
         if e.get("orientation") in ("h", "v")], min_length)


def rulings_from_edges(edges: "list[tuple[float, float, float, float]]", min_length: float = 3.0) -> list[Ruling]:
    """:class:`Ruling` records from straight edges ``(x0, top, x1, bottom)`` in
    PDF points from the top-left corner; edges shorter than ``min_length``
    points are dropped."""
    out = []
    for ex0, etop, ex1, ebottom in edges:
        x0, x1 = sorted((ex0, ex1))
        top, bottom = sorted((etop, ebottom))
        if max(x1 - x0, bottom - top) >= min_length:
            out.append(Ruling(x0, top, x1, bottom))
    return out
