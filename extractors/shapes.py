"""Flowchart symbols on a page image with OpenCV contours (SOP swimlane charts).

A symbol is drawn as a closed outline, so it shows up as a *hole* in the ink
mask (the paper enclosed by the outline; text inside it is an island and does
not change the hole's outline). Each hole of plausible size is classified by
its outline (PermenPAN-RB 35/2012, SOP AP symbols):

* ``decision`` (diamond): the hole fills about half of its bounding box and
  its polygon has four vertices near the middles of the box sides;
* ``process`` (rectangle): four right-angle corners, fills the box;
* ``terminator`` (capsule / rounded rectangle / ellipse): convex, fills
  0.7-0.97 of the box, all four corners of the box outside the outline;
* ``document`` (wavy bottom edge): square top corners, bottom corners cut by the wave.

Table cells are holes too. They are told apart by their corners: the ruled
lines of a grid run on past a cell's corners, while a symbol's outline stops
there (a connector arrow touches a side, not a corner).
"""
from __future__ import annotations

import cv2
import numpy as np

from .grid import ink_block, ink_mask
from .records import POINTS_PER_INCH, BBox, Shape

#: Plausible symbol size, in points (width, height).
MIN_W_PT, MIN_H_PT = 12.0, 7.0
MAX_W_PT, MAX_H_PT = 220.0, 140.0


def _ink(mask: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> bool:
    h, w = mask.shape
    x0, x1, y0, y1 = max(0, x0), min(w, x1), max(0, y0), min(h, y1)
    return x1 > x0 and y1 > y0 and bool(mask[y0:y1, x0:x1].any())


def _is_cell(mask: np.ndarray, x: int, y: int, w: int, h: int, px_per_pt: float) -> bool:
    """True when the ink runs on past at least two corners of the hole's box (a
    grid cell). At each corner, look ``d`` beyond the corner along both sides,
    in a short strip across the line."""
    d = max(4, int(4 * px_per_pt))
    t = max(3, int(2.0 * px_per_pt))
    r = max(1, int(0.5 * px_per_pt))
    x1, y1 = x + w, y + h
    # contour points of a hole lie on the ink around it, so the strips straddle that line
    corners = [
        # (strip continuing the horizontal side, strip continuing the vertical side)
        ((x - d - r, y - t, x - d + r + 1, y + t), (x - t, y - d - r, x + t, y - d + r + 1)),
        ((x1 + d - r, y - t, x1 + d + r + 1, y + t), (x1 - t, y - d - r, x1 + t, y - d + r + 1)),
        ((x - d - r, y1 - t, x - d + r + 1, y1 + t), (x - t, y1 + d - r, x + t, y1 + d + r + 1)),
        ((x1 + d - r, y1 - t, x1 + d + r + 1, y1 + t), (x1 - t, y1 + d - r, x1 + t, y1 + d + r + 1)),
    ]
    hits = sum(1 for a, b in corners if _ink(mask, *a) or _ink(mask, *b))
    return hits >= 2


def _corners_inside(contour: np.ndarray, x: int, y: int, w: int, h: int) -> tuple[bool, bool, bool, bool]:
    """Whether points inset 10 % of the box's short side from its corners (TL,
    TR, BL, BR) lie inside the outline (a capsule's round ends leave them out)."""
    dx = dy = max(1.0, 0.1 * min(w, h))
    pts = [(x + dx, y + dy), (x + w - dx, y + dy), (x + dx, y + h - dy), (x + w - dx, y + h - dy)]
    return tuple(cv2.pointPolygonTest(contour, (float(px), float(py)), False) >= 0 for px, py in pts)


def _classify(contour: np.ndarray, x: int, y: int, w: int, h: int) -> tuple[str, float] | None:
    area = cv2.contourArea(contour)
    fill = area / float(w * h)
    hull_area = cv2.contourArea(cv2.convexHull(contour)) or 1.0
    if area / hull_area < 0.9:  # clearly concave: text holes, broken outlines
        return None
    peri = cv2.arcLength(contour, True)
    poly = cv2.approxPolyDP(contour, 0.04 * peri, True).reshape(-1, 2)
    if 0.38 <= fill <= 0.65 and len(poly) == 4:
        # diamond: every vertex sits near the middle of a side of the box
        mids = [(x + w / 2, y), (x + w, y + h / 2), (x + w / 2, y + h), (x, y + h / 2)]
        ok = all(min(np.hypot(px - mx, py - my) for px, py in poly) < 0.2 * max(w, h) for mx, my in mids)
        return ("decision", round(1 - abs(fill - 0.5) * 2, 2)) if ok else None
    tl, tr, bl, br = _corners_inside(contour, x, y, w, h)
    if tl and tr and bl and br:
        return ("process", round(min(1.0, fill), 2)) if fill >= 0.93 else None
    if tl and tr and not (bl and br) and 0.72 <= fill < 0.95:
        return "document", round(min(1.0, 1 - abs(fill - 0.85) * 2), 2)
    if not (tl or tr or bl or br) and 0.7 <= fill < 0.97:
        return "terminator", round(1 - abs(fill - 0.85) * 2, 2)
    return None


#: Margin (points) kept around the ``within`` region of :func:`detect_shapes`.
WITHIN_MARGIN_PT = 12.0


def detect_shapes(gray: np.ndarray, dpi: int, within: BBox | None = None) -> list[Shape]:
    """Flowchart symbols of an upright grayscale page (H, W) uint8 at ``dpi``;
    bboxes in PDF points (top-left origin), outline thickness included.
    ``within`` (points): look only there (plus :data:`WITHIN_MARGIN_PT`), e.g.
    the extent of a page's rulings, since the symbols that matter sit in the
    SOP's table. Returns an empty list when there are none. Raises
    ``ValueError`` for an image that is not 2-D or is empty."""
    if gray.ndim != 2 or gray.size == 0:
        raise ValueError("detect_shapes expects a non-empty 2-D grayscale image")
    px_per_pt = dpi / POINTS_PER_INCH
    ox = oy = 0
    block = ink_block(gray.shape)
    if within is not None:
        m = WITHIN_MARGIN_PT
        ox, oy = max(0, int((within.x0 - m) * px_per_pt)), max(0, int((within.y0 - m) * px_per_pt))
        gray = gray[oy:int((within.y1 + m) * px_per_pt) + 1, ox:int((within.x1 + m) * px_per_pt) + 1]
        if gray.size == 0:
            return []
    mask = ink_mask(gray, block)
    k = max(2, int(1.2 * px_per_pt))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    contours, hierarchy = cv2.findContours(mask, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if hierarchy is None:
        return []
    s = 1.0 / px_per_pt
    out = []
    for i, c in enumerate(contours):
        if hierarchy[0][i][3] == -1:  # an outer boundary, not a hole
            continue
        x, y, w, h = cv2.boundingRect(c)
        if not (MIN_W_PT <= w * s <= MAX_W_PT and MIN_H_PT <= h * s <= MAX_H_PT):
            continue
        kind = _classify(c, x, y, w, h)
        if kind is None or (kind[0] == "process" and _is_cell(mask, x, y, w, h, px_per_pt)):
            continue
        t = 1.0 * px_per_pt  # add the outline's thickness back
        x, y = x + ox, y + oy
        out.append(Shape(kind[0], BBox((x - t) * s, (y - t) * s, (x + w + t) * s, (y + h + t) * s), kind[1]))
    return _outermost(out)


def _outermost(shapes: list[Shape]) -> list[Shape]:
    """Drop a symbol lying inside another (the inner edge of a thick or double outline)."""
    kept: list[Shape] = []
    for sh in sorted(shapes, key=lambda s: -(s.bbox.width * s.bbox.height)):
        b = sh.bbox
        inside = False
        for k in kept:
            ix = max(0.0, min(b.x1, k.bbox.x1) - max(b.x0, k.bbox.x0))
            iy = max(0.0, min(b.y1, k.bbox.y1) - max(b.y0, k.bbox.y0))
            if ix * iy >= 0.7 * b.width * b.height:
                inside = True
                break
        if not inside:
            kept.append(sh)
    return sorted(kept, key=lambda s: (s.bbox.y0, s.bbox.x0))
