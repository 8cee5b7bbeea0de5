"""Second OCR pass on table cells of a scanned page.

Page-level OCR (Tesseract's automatic layout, psm 3) often reads a ruled
table badly: it sees the grid lines, merges neighbouring cells into one line
and guesses characters from the rules. A cell whose words came back with a
mean confidence under ``min_confidence`` is cropped out of the preprocessed
page (inset by :data:`INSET_PT` so its borders are left out) and OCR-ed again
as a block of text (psm 6), all weak cells of a page in one Tesseract call;
a cell's words are replaced when the second pass is more confident. Word bboxes stay in page coordinates (PDF points).
"""
from __future__ import annotations

import numpy as np

from extractors.ocr import TesseractOcr
from extractors.records import POINTS_PER_INCH, BBox, Word, mean_confidence

from .models import Table
from .tables import cell_text

#: Inset (points) from the cell borders before cropping.
INSET_PT = 2.0
#: Smallest cell (points) worth a second pass.
MIN_CELL_W, MIN_CELL_H = 12.0, 8.0
#: Tesseract page segmentation mode for the stacked cells: one uniform block of text.
CELL_PSM = 6
#: White space (points) between stacked cell crops.
STACK_GAP_PT = 8.0


def _mean(words) -> float:
    return mean_confidence(words) or 0.0


def reocr_weak_cells(tables: list[Table], gray: np.ndarray, dpi: int, ocr: TesseractOcr,
                     min_confidence: float) -> int:
    """Re-OCR the weak non-empty cells of ``tables`` (all on the page shown by
    ``gray`` at ``dpi``) in place; returns the number of cells improved.

    The weak cells' crops are stacked into one image, left-aligned and
    separated by :data:`STACK_GAP_PT` of white, and OCR-ed in one Tesseract
    call (one subprocess per page instead of one per cell); each word goes
    back to the crop its centre falls in. Raises
    :class:`extractors.ocr.OcrFailedError` when Tesseract dies."""
    k = dpi / POINTS_PER_INCH
    h, w = gray.shape[:2]
    jobs = []  # (cell, px0, py0, crop)
    for t in tables:
        for cell in t.cells:
            if not cell.words or cell.confidence is None or cell.confidence >= min_confidence:
                continue
            x0, y0, x1, y1 = cell.bbox
            if x1 - x0 < MIN_CELL_W or y1 - y0 < MIN_CELL_H:
                continue
            px0, py0 = max(0, int((x0 + INSET_PT) * k)), max(0, int((y0 + INSET_PT) * k))
            px1, py1 = min(w, int((x1 - INSET_PT) * k)), min(h, int((y1 - INSET_PT) * k))
            if px1 - px0 >= 8 and py1 - py0 >= 8:
                jobs.append((cell, px0, py0, gray[py0:py1, px0:px1]))
    if not jobs:
        return 0
    gap = int(STACK_GAP_PT * k)
    width = max(c.shape[1] for *_, c in jobs) + 2 * gap
    height = sum(c.shape[0] for *_, c in jobs) + gap * (len(jobs) + 1)
    sheet = np.full((height, width), 255, np.uint8)
    offsets, y = [], gap
    for *_, crop in jobs:
        sheet[y:y + crop.shape[0], gap:gap + crop.shape[1]] = crop
        offsets.append(y)
        y += crop.shape[0] + gap
    res = ocr.words(sheet, dpi, psm=CELL_PSM)
    found: list[list[Word]] = [[] for _ in jobs]
    for wd in res.words:
        cy = wd.bbox.cy * k
        for i, (off, (*_, crop)) in enumerate(zip(offsets, jobs)):
            if off - gap / 2 <= cy < off + crop.shape[0] + gap / 2:
                found[i].append(wd)
                break
    improved = 0
    for (cell, px0, py0, _), off, words in zip(jobs, offsets, found):
        if not words or _mean(words) <= _mean(cell.words):
            continue
        dx, dy = px0 / k - gap / k, py0 / k - off / k
        words = [Word(text=wd.text, bbox=BBox(wd.bbox.x0 + dx, wd.bbox.y0 + dy, wd.bbox.x1 + dx, wd.bbox.y1 + dy),
                      confidence=wd.confidence) for wd in words]
        cell.words = words
        cell.text = cell_text(words)
        cell.confidence = round(_mean(words), 1)
        improved += 1
    return improved
