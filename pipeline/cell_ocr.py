"""Second OCR pass on table cells of a scanned page.

Page-level OCR (Tesseract's automatic layout, psm 3) often reads a ruled
table badly: it sees the grid lines, merges neighbouring cells into one line
and guesses characters from the rules, and it sometimes drops a short word
standing alone in a narrow column. Three kinds of cell are cropped out of the
preprocessed page (inset by :data:`INSET_PT` so their borders are left out)
and OCR-ed again as a block of text (psm 6): *weak* cells, whose words came
back with a mean confidence under ``min_confidence``; *short* cells of a few
characters holding a digit that are a lone character or mix in letters
(:data:`SHORT_CELL_CHARS`); and *empty* cells whose crop holds ink
(:data:`EMPTY_CELL_INK`). The crops of each page are stacked into two images
(weak cells; the others), read as two pages of one Tesseract call. A weak
cell takes the second reading when it is more confident; a short or empty
cell when the reading reaches ``min_confidence`` (and, for a short cell,
changes a digit without gaining or losing a character or losing a digit).
Word bboxes stay in page coordinates (PDF points).

Before that, a body cell that is empty or holds one short weak word is checked
for a lone dash (:func:`extractors.grid.lone_dash`): Tesseract reads the ``-``
of "not measured this quarter" as ``5``, ``2`` or nothing, and a ``-`` is not
a number.
"""
from __future__ import annotations

import numpy as np

from extractors.grid import lone_dash
from extractors.preprocess import ink_ratio
from extractors.ocr import TesseractOcr
from extractors.records import POINTS_PER_INCH, BBox, Word, mean_confidence

from .models import Table
from .tables import cell_text, mark_header

#: Inset (points) from the cell borders before cropping.
INSET_PT = 2.0
#: Smallest cell (points) worth a second pass.
MIN_CELL_W, MIN_CELL_H = 12.0, 8.0
#: Tesseract page segmentation mode for the stacked cells: one uniform block of text.
CELL_PSM = 6
#: White space (points) between stacked cell crops.
STACK_GAP_PT = 8.0
#: Cells this short (characters) holding a digit are read again even when the
#: page pass was confident, if they hold a single character or a character no
#: printed number has (not in :data:`NUMBER_CHARS`): Tesseract's page pass
#: misreads an isolated digit (a lone ``1`` as ``4``, at 97 %) and mixes
#: letters into short figures (``25g``), and the cell's own crop reads them
#: better. Multi-character figures are left alone: the page pass reads them
#: in context, decimal points and separators included. The crop's reading
#: wins when it is at least ``min_confidence`` and it changes digits without
#: gaining or losing a character or losing a digit (the crop may hold a
#: sliver of the cell border).
SHORT_CELL_CHARS = 4
#: Characters of a printed number besides its digits (separators, sign, percent).
NUMBER_CHARS = frozenset(".,%-+()/")
#: A cell in which the page pass found no word but whose crop is inked over at
#: least this share (0..1) is read again: Tesseract's page layout sometimes
#: drops a short word standing alone in a narrow column (a header's ``NO``).
EMPTY_CELL_INK = 0.01
#: ... or holds at least this much ink in all (square points, about a ``1.``
#: in 10-point print): a short figure alone in a large cell inks less than 1 %
#: of it (the Bidang Infrastruktur PK's ``73%`` and ``1.``).
EMPTY_CELL_INK_PT2 = 6.0
#: A second reading that keeps less than this share of the characters is a
#: misreading (a crop cut wrong, noise), not a better reading.
MIN_KEPT_SHARE = 0.5
#: A page reading below this mean confidence (percent) is garbled (``Cy)`` for
#: a lone ``0``): a shorter second reading may replace it.
GARBLED_CONFIDENCE = 60.0
#: Confidence given to a dash found by its shape (percent).
DASH_CONFIDENCE = 90.0


def _mean(words) -> float:
    return mean_confidence(words) or 0.0


def reocr_weak_cells(tables: list[Table], gray: np.ndarray, dpi: int, ocr: TesseractOcr,
                     min_confidence: float) -> int:
    """Re-OCR the weak non-empty cells of ``tables`` (all on the page shown by
    ``gray`` at ``dpi``) in place; returns the number of cells improved.

    The crops are stacked into two images (:class:`_Stack`), left-aligned and
    separated by :data:`STACK_GAP_PT` of white, and OCR-ed as two pages of
    one Tesseract call (one subprocess per page instead of one per cell);
    each word goes back to the crop its centre falls in. Raises
    :class:`extractors.ocr.OcrFailedError` when Tesseract dies."""
    k = dpi / POINTS_PER_INCH
    h, w = gray.shape[:2]
    jobs = []  # (cell, px0, py0, crop, kind): kind is "weak", "short" or "empty"
    dashes = 0
    for t in tables:
        for cell in t.cells:
            weak = bool(cell.words) and cell.confidence is not None and cell.confidence < min_confidence
            short = bool(cell.words) and not cell.header and _suspect_figure(cell.text)
            if not (weak or short or not cell.words):
                continue
            x0, y0, x1, y1 = cell.bbox
            if x1 - x0 < MIN_CELL_W or y1 - y0 < MIN_CELL_H:
                continue
            px0, py0 = max(0, int((x0 + INSET_PT) * k)), max(0, int((y0 + INSET_PT) * k))
            px1, py1 = min(w, int((x1 - INSET_PT) * k)), min(h, int((y1 - INSET_PT) * k))
            if px1 - px0 < 8 or py1 - py0 < 8:
                continue
            crop = gray[py0:py1, px0:px1]
            if not cell.header and len(cell.words) <= 1 and len(cell.text) <= 2 \
                    and _set_dash(cell, crop, dpi, px0, py0):
                dashes += 1
            elif weak or short:
                jobs.append((cell, px0, py0, crop, "weak" if weak else "short"))
            elif (ratio := ink_ratio(crop)) >= EMPTY_CELL_INK or ratio * crop.size >= EMPTY_CELL_INK_PT2 * k * k:
                jobs.append((cell, px0, py0, crop, "empty"))
    # Weak cells are read in one stack, the others (short confident cells and
    # cells the page pass found nothing in) in a second: added to the weak
    # cells' stack they change how Tesseract reads those (measured on ICDAR 2013).
    groups = [g for g in ([j for j in jobs if j[4] == "weak"], [j for j in jobs if j[4] != "weak"]) if g]
    stacks = [_Stack([j[3] for j in g], [(j[1], j[2]) for j in g], dpi) for g in groups]
    results = ocr.words_many([st.sheet for st in stacks], dpi, psm=CELL_PSM) if stacks else []
    improved = sum(_apply(g, st.split(res.words), min_confidence) for g, st, res in zip(groups, stacks, results))
    if improved or dashes:
        for t in tables:        # header rows were judged on the first reading (a numbering row '1 2 3 4' read 'l 2 3 4')
            mark_header(t)
    return improved + dashes


class _Stack:
    """Cell crops (cut out of the page at pixel ``origins``) stacked into one
    image ``sheet``: left-aligned, :data:`STACK_GAP_PT` of white between them."""

    def __init__(self, crops: list[np.ndarray], origins: list[tuple[int, int]], dpi: int):
        self.crops, self.origins, self.k = crops, origins, dpi / POINTS_PER_INCH
        self.gap = gap = int(STACK_GAP_PT * self.k)
        width = max(c.shape[1] for c in crops) + 2 * gap
        height = sum(c.shape[0] for c in crops) + gap * (len(crops) + 1)
        self.sheet = np.full((height, width), 255, np.uint8)
        self.offsets, y = [], gap
        for crop in crops:
            self.sheet[y:y + crop.shape[0], gap:gap + crop.shape[1]] = crop
            self.offsets.append(y)
            y += crop.shape[0] + gap

    def split(self, words) -> list[list[Word]]:
        """The sheet's OCR ``words`` (bboxes in sheet points) back to their crops:
        per crop, its words with bboxes in page points."""
        k, gap = self.k, self.gap
        found: list[list[Word]] = [[] for _ in self.crops]
        for wd in words:
            cy = wd.bbox.cy * k
            for i, (off, crop) in enumerate(zip(self.offsets, self.crops)):
                if off - gap / 2 <= cy < off + crop.shape[0] + gap / 2:
                    px0, py0 = self.origins[i]
                    dx, dy = (px0 - gap) / k, (py0 - off) / k
                    found[i].append(Word(text=wd.text, confidence=wd.confidence,
                                         bbox=BBox(wd.bbox.x0 + dx, wd.bbox.y0 + dy, wd.bbox.x1 + dx, wd.bbox.y1 + dy)))
                    break
        return found


def _apply(jobs: list, readings: list[list[Word]], min_confidence: float) -> int:
    """Replace each job's cell words by its second reading where that reading is
    better (see the module notes); returns the number of cells replaced."""
    improved = 0
    for (cell, _px0, _py0, _crop, kind), words in zip(jobs, readings):
        text = cell_text(words)
        if not words or text == cell.text:
            continue
        if kind == "weak":
            if _mean(words) < _mean(cell.words) or (len(text) < MIN_KEPT_SHARE * len(cell.text)
                                                    and _mean(cell.words) >= GARBLED_CONFIDENCE):
                continue
        elif _mean(words) < min_confidence:
            continue
        elif kind == "short" and (_digits(text) == _digits(cell.text) or len(text) != len(cell.text)
                                  or len(_digits(text)) < len(_digits(cell.text))):
            continue  # same figure, a character gained or lost, a digit lost: the page reading saw the cell in context
        cell.words = words
        cell.text = text
        cell.confidence = round(_mean(words), 1)
        improved += 1
    return improved


def _suspect_figure(text: str) -> bool:
    """A short cell reading worth a second look (see :data:`SHORT_CELL_CHARS`)."""
    if not (0 < len(text) <= SHORT_CELL_CHARS and any(ch.isdigit() for ch in text)):
        return False
    return len(text) == 1 or any(not ch.isdigit() and ch not in NUMBER_CHARS for ch in text)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _set_dash(cell, crop: np.ndarray, dpi: int, px0: int, py0: int) -> bool:
    """Make ``cell`` a ``-`` when its crop (top-left at pixel ``px0, py0``) holds only a dash."""
    box = lone_dash(crop, dpi)
    if box is None:
        return False
    k = dpi / POINTS_PER_INCH
    x0, y0, x1, y1 = box
    cell.words = [Word(text="-", bbox=BBox((px0 + x0) / k, (py0 + y0) / k, (px0 + x1) / k, (py0 + y1) / k),
                       confidence=DASH_CONFIDENCE)]
    cell.text, cell.confidence = "-", DASH_CONFIDENCE
    return True
