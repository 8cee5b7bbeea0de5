"""Ruled lines of a page image with OpenCV morphology (table grids on scans).

The image is binarised with a local (adaptive) threshold OR-ed with Otsu, so
faint grey print and dark lines both survive. Short gaps along a line (broken
print, dropped toner) are closed first, then a long, one-pixel-thick opening
keeps only straight runs: horizontal runs for rows, vertical runs for columns.
Each remaining connected component is one ruling. Residual skew of up to about
1.5 degrees is tolerated: a tilted line survives the opening as overlapping
pieces, which a small dilation across the line joins again.
"""
from __future__ import annotations

import cv2
import numpy as np

from .records import POINTS_PER_INCH, Ruling

#: Shortest ruling kept, in points (shorter runs are letters, dashes, underscores).
MIN_RULING_PT = 18.0
#: Gap along a line closed before the opening, in points (broken or dotted print).
GAP_CLOSE_PT = 2.5
#: Least share of a ruling's length along which ink runs through its centre, and
#: the thickest stroke across it (points, besides the mask's 3-pixel dilation),
#: see :func:`_stroke`.
MIN_SOLIDITY = 0.9
MAX_STROKE_PT = 3.0
#: Thickest line accepted as a ruling, in points (thicker bars are shading or photos).
MAX_THICKNESS_PT = 6.0


def ink_block(shape: tuple[int, ...]) -> int:
    """Adaptive-threshold block (pixels, odd) of :func:`ink_mask` for a page of ``shape``."""
    return max(15, (min(shape[:2]) // 40) | 1)


def ink_mask(gray: np.ndarray, block: int | None = None) -> np.ndarray:
    """Binary ink mask (255 = ink) of an 8-bit grayscale page: adaptive mean
    threshold OR-ed with Otsu. ``block``: the adaptive block in pixels (odd),
    by default :func:`ink_block` of the image (about 1/40 of its short side);
    give the whole page's when masking a crop of it."""
    block = block or ink_block(gray.shape)
    adaptive = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 12)
    _, otsu = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return cv2.bitwise_or(adaptive, otsu)


def _directional(mask: np.ndarray, px_per_pt: float, horizontal: bool) -> np.ndarray:
    length = max(10, int(MIN_RULING_PT * px_per_pt))
    gap = max(2, int(GAP_CLOSE_PT * px_per_pt))
    if horizontal:
        closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1)))
        opened = cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
        return cv2.dilate(opened, cv2.getStructuringElement(cv2.MORPH_RECT, (1, 3)))
    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, gap)))
    opened = cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    return cv2.dilate(opened, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1)))


def _stroke(comp: np.ndarray, ink: np.ndarray) -> tuple[float, float]:
    """(thickness in pixels, solidity 0..1) of a horizontal component (bool
    (h, w)) over the page's ink mask under it. Thickness: the median height of
    the component across its columns. Solidity: the share of its columns where
    ink runs through the component's centre row (+-1 pixel). A ruling, even
    tilted or broken, is thin and solid along its centre; the long runs that
    bold text leaves once the gaps between letters are closed are as thick as
    the letters, and their centre crosses the holes between strokes."""
    h, w = comp.shape
    counts = comp.sum(axis=0)
    cols = np.nonzero(counts)[0]
    if not len(cols):
        return 0.0, 0.0
    rows = np.arange(h)[:, None]
    centre = ((comp * rows).sum(axis=0)[cols] / counts[cols]).round().astype(int)
    hit = np.zeros(len(cols), bool)
    for d in (-1, 0, 1):
        hit |= ink[np.clip(centre + d, 0, h - 1), cols] > 0
    return float(np.median(counts[cols])), float(hit.mean())


def _components(mask: np.ndarray, horizontal: bool, px_per_pt: float, ink: np.ndarray) -> list[Ruling]:
    """Rulings from the connected components of a line mask (``ink``: the
    page's ink mask, for the stroke test). The mask is sparse: components are
    found by their outer contours (about 1 ms a page where labelling the whole
    page took 35 to 60 ms), and only those long enough to be a ruling are
    labelled, within their own bbox, for the stroke test. Returned in raster
    order of each component's first pixel, as a labelling would number them."""
    s = 1.0 / px_per_pt
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    found = []
    max_thick = MAX_THICKNESS_PT * px_per_pt + 3
    max_stroke = MAX_STROKE_PT * px_per_pt + 3
    min_len = MIN_RULING_PT * px_per_pt
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        length, thick = (w, h) if horizontal else (h, w)
        if length < min_len:
            continue
        # a tilted line is thick in its bbox; accept up to ~1.5 degrees of tilt
        if thick > max_thick + 0.027 * length:
            continue
        _n, labels = cv2.connectedComponents(mask[y:y + h, x:x + w], connectivity=8)
        fx, fy = contour[0][0]           # a pixel of the component (its contour lies on it)
        comp, under = labels == labels[fy - y, fx - x], ink[y:y + h, x:x + w]
        first = divmod(int(np.argmax(comp)), w)     # its first pixel in raster order (row, column)
        stroke, solid = _stroke(comp if horizontal else comp.T, under if horizontal else under.T)
        if stroke > max_stroke or solid < MIN_SOLIDITY:
            continue
        if horizontal:
            yc = (y + h / 2) * s
            ruling = Ruling(x * s, yc, (x + w) * s, yc)
        else:
            xc = (x + w / 2) * s
            ruling = Ruling(xc, y * s, xc, (y + h) * s)
        found.append(((y + first[0], x + first[1]), ruling))
    return [r for _first, r in sorted(found, key=lambda t: t[0])]


def detect_rulings(gray: np.ndarray, dpi: int) -> list[Ruling]:
    """Horizontal and vertical rulings of an upright, deskewed grayscale page
    (H, W) uint8 at ``dpi``; coordinates in PDF points (``pixels * 72 / dpi``),
    top-left origin. Returns an empty list for a page without lines."""
    if gray.ndim != 2 or gray.size == 0:
        raise ValueError("detect_rulings expects a non-empty 2-D grayscale image")
    ink = ink_mask(gray)
    px_per_pt = dpi / POINTS_PER_INCH
    h_mask, v_mask = _directional(ink, px_per_pt, True), _directional(ink, px_per_pt, False)
    return _components(h_mask, True, px_per_pt, ink) + _components(v_mask, False, px_per_pt, ink)


#: A dash cell mark (``-``: not measured / no value) is a flat stroke this wide
#: and at most this thick, in points.
DASH_WIDTH_PT = (1.5, 14.0)
DASH_MAX_THICKNESS_PT = 2.2
#: Ink is darker than the crop's paper level by at least this much (0-255).
INK_CONTRAST = 70


def lone_dash(gray: np.ndarray, dpi: int) -> tuple[int, int, int, int] | None:
    """The pixel bbox ``(x0, y0, x1, y1)`` of the only mark in a cell crop
    (8-bit grayscale at ``dpi``, borders already cut off) when that mark is a
    dash: one flat horizontal stroke (width at least twice its thickness,
    see :data:`DASH_WIDTH_PT`); ``None`` when the crop holds anything else or
    nothing. Tesseract reads a lone dash as ``5``, ``2`` or nothing at all."""
    if gray.size == 0:
        return None
    k = dpi / POINTS_PER_INCH
    paper = float(np.percentile(gray, 90))
    ink = (gray < paper - INK_CONTRAST).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    marks = [stats[i] for i in range(1, n) if stats[i][cv2.CC_STAT_AREA] >= max(3, int(0.3 * k * k))]
    if len(marks) != 1:
        return None
    x, y, w, h = (int(v) for v in marks[0][:4])
    if not (DASH_WIDTH_PT[0] * k <= w <= DASH_WIDTH_PT[1] * k) or h > DASH_MAX_THICKNESS_PT * k or w < 2 * h:
        return None
    return x, y, x + w, y + h
