"""PDF text layer via pdfplumber: words with bboxes and the page's image coverage."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pdfplumber

from .records import BBox, TextLayer, Word


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
    rotation = 0 if not words or upright >= len(words) / 2 else 90
    return TextLayer(words=out, width_pt=float(page.width), height_pt=float(page.height),
                     char_count=len(page.chars), image_coverage=_image_coverage(page), rotation=rotation)
