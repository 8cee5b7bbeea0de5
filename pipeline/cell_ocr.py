"""Second OCR pass on table cells of a scanned page.

Page-level OCR (Tesseract's automatic layout, psm 3) often reads a ruled
table badly: it sees the grid lines, merges neighbouring cells into one line
and guesses characters from the rules. A cell whose words came back with a
mean confidence under ``min_confidence`` is cropped out of the preprocessed
page (inset by :data:`INSET_PT` so its borders are left out), OCR-ed again as
one block of text (psm 6), and its words are replaced when the second pass is
more confident. Word bboxes stay in page coordinates (PDF points).
"""
from __future__ import annotations

import statistics

import numpy as np

from extractors.ocr import TesseractOcr
from extractors.records import POINTS_PER_INCH, BBox, Word

from .models import Table
from .tables import cell_text

#: Inset (points) from the cell borders before cropping.
INSET_PT = 2.0
#: Smallest cell (points) worth a second pass.
MIN_CELL_W, MIN_CELL_H = 12.0, 8.0
#: Tesseract page segmentation mode for a cell: one uniform block of text.
CELL_PSM = 6


def _mean(words) -> float:
    confs = [w.confidence for w in words if w.confidence is not None]
    return statistics.fmean(confs) if confs else 0.0


def reocr_weak_cells(tables: list[Table], gray: np.ndarray, dpi: int, ocr: TesseractOcr,
                     min_confidence: float) -> int:
    """Re-OCR the weak non-empty cells of ``tables`` (all on the page shown by
    ``gray`` at ``dpi``) in place; returns the number of cells improved.
    Raises :class:`extractors.ocr.OcrFailedError` when Tesseract dies."""
    k = dpi / POINTS_PER_INCH
    h, w = gray.shape[:2]
    improved = 0
    for t in tables:
        for cell in t.cells:
            if not cell.words or cell.confidence is None or cell.confidence >= min_confidence:
                continue
            x0, y0, x1, y1 = cell.bbox
            if x1 - x0 < MIN_CELL_W or y1 - y0 < MIN_CELL_H:
                continue
            px0, py0 = max(0, int((x0 + INSET_PT) * k)), max(0, int((y0 + INSET_PT) * k))
            px1, py1 = min(w, int((x1 - INSET_PT) * k)), min(h, int((y1 - INSET_PT) * k))
            if px1 - px0 < 8 or py1 - py0 < 8:
                continue
            crop = np.ascontiguousarray(gray[py0:py1, px0:px1])
            res = ocr.words(crop, dpi, psm=CELL_PSM)
            if not res.words or _mean(res.words) <= _mean(cell.words):
                continue
            ox, oy = px0 / k, py0 / k
            words = [Word(text=wd.text, bbox=BBox(wd.bbox.x0 + ox, wd.bbox.y0 + oy, wd.bbox.x1 + ox, wd.bbox.y1 + oy),
                          confidence=wd.confidence) for wd in res.words]
            cell.words = words
            cell.text = cell_text(words)
            cell.confidence = round(_mean(words), 1)
            improved += 1
    return improved
