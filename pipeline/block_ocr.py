"""Second OCR pass on signature blocks whose NIP could not be read.

The pen often crosses the printed name and NIP (the signature is put down
over the print). The page-level reading then loses them under the stroke:
Tesseract's automatic layout (psm 3) cuts the lines at the stroke, and a
scanner's own text layer does worse (on a Jabar PK it read
``Drh. INDRIANTARI`` / ``NIP.19670903 199303 2 006`` as ``P`` and
``NIP.196709``). The block cropped alone, from its heading down to its NIP
line, and read as one block of text (psm 6) reads most of it back.

Used on pages whose words came from pixels (OCR, or a scanner's text layer),
never on a born-digital text layer, where no stroke hides the print. Only
blocks whose NIP is missing or fails :func:`pipeline.nip.check_nip` are read
again, so a clean page costs one pass of :func:`pipeline.signatures.find_blocks`
over its words (a few milliseconds) and no OCR.

A re-reading replaces the page words fully inside the block's region only
when it reads the NIP better (:func:`_nip_score`) and keeps the block's role;
lines read off the pen strokes themselves (mean confidence under
:data:`MIN_LINE_CONFIDENCE`) and words cut by the crop's edge are left out.
The NIP's own OCR confidence is judged later (:data:`pipeline.signatures.NIP_MIN_CONFIDENCE`):
a digit hidden under the stroke can come back as another digit.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

import numpy as np

from extractors.ocr import TesseractOcr
from extractors.records import POINTS_PER_INCH, BBox, Word, mean_confidence

from .layout import build_lines
from .nip import check_nip
from .signatures import find_blocks

#: Resolution of the block crops read again (dpi).
BLOCK_DPI = 300
#: Tesseract page segmentation mode for a block: one uniform block of text.
BLOCK_PSM = 6
#: White margin kept around a block's printed text and pen zone, points.
MARGIN_PT = 10.0
#: Half the narrowest region read again, points, around the centre of what
#: was read of the block: the part of a line hidden under the stroke was not
#: read, so the printed block is wider than its words (a NIP line in 10-point
#: type is about 140 points long).
MIN_HALF_WIDTH_PT = 110.0
#: Room below the name for the pangkat and NIP lines when no NIP was read, in name heights.
MISSING_LINES_BELOW = 3.5
#: A line of the re-reading whose mean confidence (percent) is below this was read off the strokes.
MIN_LINE_CONFIDENCE = 50.0
#: A new word this close to the crop's edge (points) was cut by it.
EDGE_PT = 1.5

_RANK = {None: 0, "invalid": 1, "flag": 2, "valid": 3}


@dataclass(frozen=True)
class BlockCrop:
    """One signature block cut out of a page: ``region`` in page points,
    ``gray`` the 8-bit crop of that region at ``dpi``."""

    region: BBox
    gray: np.ndarray
    dpi: int


def weak_block_regions(words: list[Word], width_pt: float, height_pt: float) -> list[BBox]:
    """Regions (page points, inside ``(0, 0, width_pt, height_pt)``) of the
    signature blocks on a page whose NIP is missing (where one is expected,
    ``_Block.expects_nip``) or not valid: the pen
    zone and the printed block, at least :data:`MIN_HALF_WIDTH_PT` either
    side of the block's centre, with :data:`MARGIN_PT` around, reaching
    :data:`MISSING_LINES_BELOW` name heights under the name when no NIP line
    was read."""
    out = []
    for b in find_blocks(build_lines(words), 0):
        weak = check_nip(b.nip_raw).status != "valid" if b.nip_raw else b.expects_nip
        if not weak:
            continue
        box = b.zone().union(b.printed)
        half = max(box.width / 2, MIN_HALF_WIDTH_PT)
        box = BBox(b.printed.cx - half, box.y0, b.printed.cx + half, box.y1)
        if b.nip_seg is None and b.name is not None:
            box = box.union(BBox(box.x0, box.y1, box.x1, b.name.bbox.y1 + MISSING_LINES_BELOW * b.name.bbox.height))
        box = BBox(max(0.0, box.x0 - MARGIN_PT), max(0.0, box.y0 - MARGIN_PT),
                   min(width_pt, box.x1 + MARGIN_PT), min(height_pt, box.y1 + MARGIN_PT))
        if box.width > 0 and box.height > 0 and not any(box.holds_centre_of(o) for o in out):
            out.append(box)
    return out


def crop_regions(gray: np.ndarray, dpi: int, regions: list[BBox]) -> list[BlockCrop]:
    """The ``regions`` (points) cut out of a page image ``gray`` (8-bit, at ``dpi``)."""
    k = dpi / POINTS_PER_INCH
    h, w = gray.shape[:2]
    crops = []
    for r in regions:
        x0, y0 = max(0, int(r.x0 * k)), max(0, int(r.y0 * k))
        x1, y1 = min(w, int(r.x1 * k)), min(h, int(r.y1 * k))
        if x1 - x0 >= 8 and y1 - y0 >= 8:
            crops.append(BlockCrop(BBox(x0 / k, y0 / k, x1 / k, y1 / k), gray[y0:y1, x0:x1].copy(), dpi))
    return crops


def weak_block_crops(words: list[Word], width_pt: float, height_pt: float,
                     page_image: Callable[[], tuple[np.ndarray, int]]) -> list[BlockCrop]:
    """The weak blocks of a page (:func:`weak_block_regions`) cut out of the
    8-bit page image that ``page_image()`` returns with its dpi, called only
    when there is a weak block (a text-layer page is then rendered)."""
    regions = weak_block_regions(words, width_pt, height_pt)
    if not regions:
        return []
    gray, dpi = page_image()
    return crop_regions(gray, dpi, regions)


def _nip_score(words: list[Word], region: BBox) -> tuple[int, int, frozenset[str]]:
    """How well the blocks in ``region`` read: best NIP status rank, then how
    near the NIP comes to 18 digits; and the roles found there."""
    best = (0, -18)
    roles = set()
    for b in find_blocks(build_lines(words), 0):
        anchor = b.nip_seg or b.name
        if anchor is None or not region.holds_centre_of(anchor.bbox):
            continue
        if b.role:
            roles.add(b.role)
        if b.nip_raw:
            check = check_nip(b.nip_raw)
            best = max(best, (_RANK[check.status], -abs(18 - len(check.digits))))
    return best[0], best[1], frozenset(roles)


def _kept(words: list[Word], crop: BlockCrop) -> list[Word]:
    """The crop's words (bboxes in crop points) in page points, less lines
    read off the strokes and words cut by the crop's edge."""
    r = crop.region
    lines: dict[tuple[int, int, int], list[Word]] = defaultdict(list)
    for w in words:
        lines[(w.block, w.par, w.line)].append(w)
    out = []
    for line in lines.values():
        if (mean_confidence(line) or 0) < MIN_LINE_CONFIDENCE:
            continue
        for w in line:
            b = w.bbox
            if b.x0 < EDGE_PT or b.y0 < EDGE_PT or b.x1 > r.width - EDGE_PT or b.y1 > r.height - EDGE_PT:
                continue
            out.append(Word(text=w.text, confidence=w.confidence, block=w.block, par=w.par, line=w.line,
                            bbox=BBox(b.x0 + r.x0, b.y0 + r.y0, b.x1 + r.x0, b.y1 + r.y0)))
    return out


def reread_blocks(words: list[Word], crops: list[BlockCrop], ocr: TesseractOcr) -> tuple[list[Word], list[str]]:
    """The page ``words`` with each block of ``crops`` replaced by its
    second reading where that reads the NIP better (see the module notes),
    and a note per block replaced. All crops go to one Tesseract call.
    Raises :class:`extractors.ocr.OcrFailedError` when Tesseract dies."""
    if not crops:
        return words, []
    notes = []
    results = ocr.words_many([c.gray for c in crops], crops[0].dpi, psm=BLOCK_PSM)
    for crop, res in zip(crops, results):
        r = crop.region
        new = _kept(list(res.words), crop)
        candidate = [w for w in words if not r.contains(w.bbox)] + new
        old_rank, old_len, old_roles = _nip_score(words, r)
        new_rank, new_len, new_roles = _nip_score(candidate, r)
        if (new_rank, new_len) > (old_rank, old_len) and old_roles <= new_roles:
            words = candidate
            nip = " ".join(w.text for w in new if re.search(r"\d{3}", w.text))
            notes.append(f"signature block at ({r.x0:.0f}, {r.y0:.0f}) pt read again by OCR: {nip or 'no NIP'}")
    return words, notes
