"""Handwriting and stamps on a page image with OpenCV: signatures, parafs and
round or oval official stamps.

Works at :data:`MARK_DPI` (the page is resampled to it). Steps:

1. **Ink**: adaptive + Otsu threshold of the gray page, OR-ed with coloured
   pixels (HSV saturation), since blue pen and purple stamps are light.
2. **Stamps**: ring candidates from Hough circles on the page and from large
   coloured blobs; a candidate is kept when ink runs round most of its
   circumference while the band just outside is mostly paper (a ring, not a
   paragraph of text) and the band just inside carries ink all round (the
   stamp's ring of text, not the empty loop of a signature). The stamp's own
   colour is then removed, so a signature in another colour on top of it stays.
3. **Print removed**: ruled lines (long straight runs), the boxes of the
   printed words (OCR or text layer, when given), and components no taller
   than printed letters (1.6 x the median letter height on the page).
4. **Handwriting**: what is left is grouped by a small dilation into
   clusters; a cluster whose tallest stroke is well above letter height, with
   thin strokes (not a filled logo) and a low ink density, is a ``signature``
   (at least :data:`SIGNATURE_MIN_W_IN` wide) or a ``paraf`` (smaller). A
   short straight stroke removed with the ruled lines is put back when it
   touches handwriting (a signature's underline or flourish).
5. **Page context**: handwriting in the letterhead band or in a stack of
   handwritten lines is marked (:attr:`InkMark.context`) so that the
   whole-page detector (:func:`page_signatures`) does not count it.
6. **Signature model**: each handwriting mark gets
   :attr:`InkMark.signature_score` from :mod:`extractors.signature_model`
   (measurements of the mark and of the page, fitted on labelled pages); the
   whole-page detector counts signature marks from
   :data:`PAGE_SIGNATURE_MIN_SCORE`.

Rules of thumb behind the numbers: a signature on an A4 form is 0.5-3 inches
wide and 0.2-1.2 inches tall, written with a 0.5-1 mm pen (1.4-2.8 pt); a
paraf is 0.15-0.5 inch; an Indonesian official stamp (cap dinas) is a ring of
3-4.5 cm (0.6-1.8 inch) across (Permendagri 54/2009 on official stamps).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations
from typing import Iterable

import cv2
import numpy as np

from .grid import ink_mask
from .records import POINTS_PER_INCH, BBox, InkMark, Word
from .signature_model import MarkShape, scored

#: Working resolution (pixels per inch) of the mark detector.
MARK_DPI = 150
#: HSV saturation / value (0-255) of coloured ink.
COLOUR_SAT, COLOUR_VAL = 70, 60
#: Smallest stroke component kept, in square inches (specks, dust, JPEG noise).
MIN_COMPONENT_IN2 = 0.0004
#: A component this many times the median printed-letter height is handwriting (or a logo).
TALL_FACTOR = 1.6
#: Letter height assumed when a page has too few letters to measure, in inches.
DEFAULT_LETTER_IN = 0.11
#: Gap joined between strokes of one signature, in inches (twice that sideways).
JOIN_IN = 0.07
#: Size limits, inches.
SIGNATURE_MIN_W_IN, SIGNATURE_MIN_H_IN = 0.42, 0.16
PARAF_MIN_W_IN, PARAF_MIN_H_IN = 0.12, 0.1
MAX_HANDWRITING_IN = 4.5
#: Ink density (ink pixels / box area) above which a blob is filled print, a logo or a photo.
MAX_DENSITY = 0.3
#: Mean stroke width above which a blob is a logo or shading (points).
MAX_STROKE_PT = 4.0
#: Stamp ring radius, inches.
STAMP_MIN_R_IN, STAMP_MAX_R_IN = 0.28, 1.0
#: Share of the circumference that must carry ink, and how much emptier the band outside must be.
RING_MIN_HIT, RING_MIN_CONTRAST = 0.62, 0.3
#: Share of directions with ink just inside the rim: an official stamp carries the agency's name in a ring of
#: text there (Permendagri 54/2009, cap dinas); the round loop of a signature has paper inside. Real stamps of
#: ../shared/corpus score 0.98-1.0, the looped signatures of two scanned PKs 0.18-0.64.
RING_MIN_TEXT = 0.75
#: A printed word's confidence (percent) from which its box is erased as print.
WORD_MIN_CONFIDENCE = 55.0


def _resample(image: np.ndarray, dpi: int) -> np.ndarray:
    if dpi == MARK_DPI:
        return image
    f = MARK_DPI / dpi
    interp = cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC
    # by factor, not by target size: 300 -> 150 dpi then takes OpenCV's fast
    # path for whole-number area factors (4 instead of 33 ms for an A4 page
    # in colour; a target size of an odd-sized page is not exactly half)
    return cv2.resize(image, None, fx=f, fy=f, interpolation=interp)


#: OpenCV hue ranges (0-179, half-open) of the ink colour names; 10-35 (yellow,
#: orange) is no pen or stamp colour.
HUE_RANGES = (("red", 0, 10), ("other", 10, 35), ("green", 35, 85), ("blue", 85, 128), ("purple", 128, 165),
              ("red", 165, 180))


def _hue_is(hues: np.ndarray, name: str) -> np.ndarray:
    """Boolean mask of the hues that fall in colour ``name``'s ranges."""
    mask = np.zeros(hues.shape, bool)
    for n, lo, hi in HUE_RANGES:
        if n == name:
            mask |= (hues >= lo) & (hues < hi)
    return mask


def colour_name(hues: np.ndarray) -> str:
    """Name of the dominant colour of coloured-ink pixels given their OpenCV hues
    (0-179); ``black`` for an empty array."""
    if hues.size == 0:
        return "black"
    h = float(np.median(hues))
    return next((n for n, lo, hi in HUE_RANGES if lo <= h < hi), "other")


def _many_hues(hues: np.ndarray) -> bool:
    """True when coloured pixels split over two or more colour names with at
    least a fifth each (a coloured coat of arms), or are mostly green/yellow
    (regional emblems; official stamps are purple, blue, red or black).
    Blue and purple count as one: a stamp's ink straddles them."""
    n = max(1, hues.size)
    shares = {name: np.count_nonzero(_hue_is(hues, name)) / n for name in ("red", "other", "green")}
    shares["blue"] = np.count_nonzero(_hue_is(hues, "blue") | _hue_is(hues, "purple")) / n
    return sum(v >= 0.2 for v in shares.values()) >= 2 or shares["other"] + shares["green"] > 0.5


def _ring_score(ink: np.ndarray, cx: float, cy: float, rx: float, ry: float) -> tuple[float, float, float]:
    """(share of 96 directions with ink on the ellipse (cx, cy, rx, ry) band,
    share with ink on a band 15-28 % further out, share with ink on the band
    15-45 % further in, where a stamp's ring of text runs)."""
    h, w = ink.shape
    angles = np.linspace(0, 2 * np.pi, 96, endpoint=False)
    cos, sin = np.cos(angles), np.sin(angles)

    def hits(f0: float, f1: float, steps: int = 6) -> float:
        found = np.zeros(angles.size, bool)
        for f in np.linspace(f0, f1, steps):
            xs = np.clip((cx + f * rx * cos).astype(int), 0, w - 1)
            ys = np.clip((cy + f * ry * sin).astype(int), 0, h - 1)
            found |= ink[ys, xs] > 0
        return float(found.mean())

    # the text band is searched every pixel and a half along each ray: letters are thin
    return hits(0.9, 1.04), hits(1.15, 1.28), hits(0.55, 0.85, max(6, int(0.3 * max(rx, ry) / 1.5)))


def _stamp_candidates(gray: np.ndarray, colour: np.ndarray) -> list[tuple[float, float, float, float]]:
    """Ellipses (cx, cy, rx, ry) in pixels that may be stamps: Hough circles of
    the gray page and the bounding ellipses of large coloured blobs."""
    f = 3  # Hough on a third of the resolution: same circles, a tenth of the time
    small = cv2.resize(gray, None, fx=1 / f, fy=1 / f, interpolation=cv2.INTER_AREA)  # fast path: a whole factor
    rmin, rmax = int(STAMP_MIN_R_IN * MARK_DPI), int(STAMP_MAX_R_IN * MARK_DPI)
    out: list[tuple[float, float, float, float]] = []
    circles = cv2.HoughCircles(cv2.GaussianBlur(small, (5, 5), 1.5), cv2.HOUGH_GRADIENT_ALT, dp=1.5,
                               minDist=rmin * 2 / f, param1=150, param2=0.75, minRadius=rmin // f, maxRadius=rmax // f)
    if circles is not None:
        out += [(float(x) * f, float(y) * f, float(r) * f, float(r) * f) for x, y, r in circles[0][:40]]
    if colour.any():
        joined = cv2.dilate(colour, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9)))
        n, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
        for i in range(1, n):
            x, y, w, h, _ = stats[i]
            if 2 * rmin <= min(w, h) and max(w, h) <= 2.4 * rmax and 0.6 <= w / h <= 1.65:
                out.append((x + w / 2, y + h / 2, w / 2, h / 2))
    return out


def find_stamps(gray: np.ndarray, ink: np.ndarray, colour: np.ndarray, hue: np.ndarray) -> list[tuple[BBox, float, str]]:
    """Stamps on a page at :data:`MARK_DPI`: (bbox in pixels, confidence 0..1,
    colour). ``ink``/``colour`` are 255-masks, ``hue`` the OpenCV hue plane."""
    found: list[tuple[BBox, float, str]] = []
    for cx, cy, rx, ry in _stamp_candidates(gray, colour):
        on, off, text = _ring_score(ink, cx, cy, rx, ry)
        if on < RING_MIN_HIT or on - off < RING_MIN_CONTRAST:
            continue
        if text < RING_MIN_TEXT:
            continue  # paper inside the rim: a pen loop (a round signature), not a stamp
        box = BBox(cx - rx * 1.06, cy - ry * 1.06, cx + rx * 1.06, cy + ry * 1.06)
        if any(iou(box, b) > 0.3 or b.contains(box) for b, _, _ in found):
            continue
        x0, y0, x1, y1 = (max(0, int(v)) for v in (box.x0, box.y0, box.x1, box.y1))
        if np.count_nonzero(ink[y0:y1, x0:x1]) > 0.45 * max(1, (x1 - x0) * (y1 - y0)):
            continue  # a filled emblem or photo, not a ring of print
        sel = colour[y0:y1, x0:x1] > 0
        if sel.mean() > 0.01 and _many_hues(hue[y0:y1, x0:x1][sel]):
            continue  # a coloured logo: a stamp is printed in one colour
        name = colour_name(hue[y0:y1, x0:x1][sel]) if sel.mean() > 0.01 else "black"
        conf = min(1.0, 0.5 + (on - off))
        found.append((box, round(conf, 2), name))
    return found


def iou(a: BBox, b: BBox) -> float:
    """Intersection over union of two boxes (any unit)."""
    ix = max(0.0, min(a.x1, b.x1) - max(a.x0, b.x0))
    iy = max(0.0, min(a.y1, b.y1) - max(a.y0, b.y0))
    inter = ix * iy
    union = a.width * a.height + b.width * b.height - inter
    return inter / union if union > 0 else 0.0


def _erase_rulings(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ink with straight horizontal and vertical runs longer than 0.6 inch
    removed, the ink pixels removed as lines)."""
    length = int(0.6 * MARK_DPI)
    h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    v = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    lines = cv2.bitwise_and(ink, cv2.dilate(cv2.bitwise_or(h, v), cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))))
    return cv2.bitwise_xor(ink, lines), lines


def _erase_words(ink: np.ndarray, words: Iterable[Word]) -> None:
    """Blank the boxes of confidently read printed words (in place). A word
    box much taller than the page's median word is left alone: Tesseract
    sometimes reads a signature as a word."""
    s = MARK_DPI / POINTS_PER_INCH
    kept = [w for w in words if (w.confidence is None or w.confidence >= WORD_MIN_CONFIDENCE)
            and any(c.isalnum() for c in w.text)]
    if not kept:
        return
    med = float(np.median([w.bbox.height for w in kept]))
    for w in kept:
        if w.bbox.height > 2.0 * med:
            continue
        b = w.bbox
        ink[max(0, int(b.y0 * s) - 1):int(b.y1 * s) + 2, max(0, int(b.x0 * s) - 1):int(b.x1 * s) + 2] = 0


def _letter_height(stats: np.ndarray) -> float:
    """Median height (pixels) of letter-sized components; the default when the
    page has too few."""
    hs = stats[1:, cv2.CC_STAT_HEIGHT]
    ws = stats[1:, cv2.CC_STAT_WIDTH]
    sel = hs[(hs >= 0.04 * MARK_DPI) & (hs <= 0.3 * MARK_DPI) & (ws <= 0.6 * MARK_DPI)]
    return float(np.median(sel)) if sel.size >= 20 else DEFAULT_LETTER_IN * MARK_DPI


def _stroke_width(mask: np.ndarray) -> float:
    """Mean stroke width (pixels) of a binary mask: twice the area over the perimeter."""
    contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    perim = sum(cv2.arcLength(c, True) for c in contours)
    return 2.0 * float(np.count_nonzero(mask)) / perim if perim else 0.0


def find_marks(image: np.ndarray, dpi: int, words: Iterable[Word] | None = None,
               pasted_regions: list[BBox] | None = None) -> list[InkMark]:
    """Signatures, parafs and stamps on one upright page image.

    ``image``: (H, W, 3) RGB or (H, W) gray uint8 at ``dpi`` pixels per inch.
    ``words``: printed words already read on the page (bboxes in PDF points),
    erased before looking for handwriting; ``None`` (layout unknown) relies on
    the letter-height rule alone. ``pasted_regions``: boxes (points) of images
    pasted into a born-digital page; when given, only marks inside them are
    returned and they are marked ``pasted``. Returns marks with bboxes in PDF
    points, stamps first; handwriting carries the whole-page model's
    :attr:`InkMark.signature_score`. Blank pages and all-ink pages (photos)
    return no handwriting: an all-ink page has no paper for strokes to stand on.
    """
    found = page_marks(image, dpi, words, pasted_regions)
    return found.stamps + scored(found.handwriting, found.shapes, found.page_w_pt, found.page_h_pt)


@dataclass(frozen=True)
class PageMarks:
    """What :func:`page_marks` found on a page, before the signature model:
    ``stamps``; ``handwriting`` (signature and paraf marks, context set) with
    the parallel ``shapes``; the page size in PDF points."""

    stamps: list[InkMark]
    handwriting: list[InkMark]
    shapes: list[MarkShape]
    page_w_pt: float
    page_h_pt: float


def page_marks(image: np.ndarray, dpi: int, words: Iterable[Word] | None = None,
               pasted_regions: list[BBox] | None = None) -> PageMarks:
    """Steps 1-5 of the module docstring (everything :func:`find_marks` does
    but the scoring); arguments as there. The signature model is fitted on
    what this returns (bench/train_signatures.py)."""
    img = _resample(image, dpi)
    if img.ndim == 3:
        gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
        hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
        colour = (((hsv[..., 1] > COLOUR_SAT) & (hsv[..., 2] > COLOUR_VAL)) * 255).astype(np.uint8)
        hue = hsv[..., 0]
    else:
        gray = img
        colour = np.zeros_like(gray)
        hue = np.zeros_like(gray)
    ink = cv2.bitwise_or(ink_mask(gray), colour)
    to_pt = POINTS_PER_INCH / MARK_DPI
    page_w, page_h = ink.shape[1] * to_pt, ink.shape[0] * to_pt
    if np.count_nonzero(ink) > 0.5 * ink.size or np.count_nonzero(ink) < 0.0005 * ink.size:
        return PageMarks([], [], [], page_w, page_h)
    stamps: list[InkMark] = []
    for box, conf, name in find_stamps(gray, ink, colour, hue):
        stamps.append(InkMark("stamp", box.scaled(to_pt), conf, name))
        x0, y0, x1, y1 = (max(0, int(v)) for v in (box.x0, box.y0, box.x1, box.y1))
        region = ink[y0:y1, x0:x1]
        if name != "black":  # remove the stamp's colour; other inks on it stay
            same = _same_colour(hue[y0:y1, x0:x1], colour[y0:y1, x0:x1], name)
            region[same] = 0
    hand, lines = _erase_rulings(ink)
    if words is not None:
        _erase_words(hand, words)
    written, shapes = _handwriting(hand, hue, colour, lines)
    if pasted_regions is not None:
        def inside(m: InkMark) -> bool:
            return any(r.holds_centre_of(m.bbox) for r in pasted_regions)
        keep = [k for k, m in enumerate(written) if inside(m)]
        written, shapes = [replace(written[k], pasted=True) for k in keep], [shapes[k] for k in keep]
        stamps = [replace(m, pasted=True) for m in stamps if inside(m)]
    return PageMarks(stamps, _with_context(written, page_h), shapes, page_w, page_h)


def _same_colour(hue: np.ndarray, colour: np.ndarray, name: str) -> np.ndarray:
    """Coloured pixels of colour ``name`` (all coloured pixels for ``other``)."""
    sel = colour > 0
    return sel if name == "other" else sel & _hue_is(hue, name)


def _select(labels: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """Mask (uint8, 255 = selected) of the pixels whose component label is
    ``chosen`` (a bool per label): one table lookup per pixel, where
    ``np.isin`` compared every pixel with every chosen label."""
    return (chosen.astype(np.uint8) * 255)[labels]


def _handwriting(ink: np.ndarray, hue: np.ndarray, colour: np.ndarray,
                 lines: np.ndarray) -> tuple[list[InkMark], list[MarkShape]]:
    """Signature and paraf clusters of a print-free ink mask (pixels at
    :data:`MARK_DPI`), with the shape of each (parallel lists); ``lines``
    holds the ink removed as ruled lines. A removed line no longer than
    :data:`FLOURISH_MAX_IN` that touches handwriting is a pen stroke (the
    underline or flourish of a signature) and is put back."""
    px = MARK_DPI
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return [], []
    letter = _letter_height(stats)
    min_area = MIN_COMPONENT_IN2 * px * px
    hs, ws, areas = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_AREA]
    tall = (hs > TALL_FACTOR * letter) | (ws > 3 * TALL_FACTOR * letter) & (hs > letter)
    keep = (areas >= min_area) & tall
    keep[0] = False
    seeds = _select(labels, keep)
    if not seeds.any():
        return [], []
    # strokes of one signature sit side by side: join wide, barely in height
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (max(3, int(JOIN_IN * 2 * px) | 1), max(3, int(JOIN_IN * px) | 1)))
    joined = cv2.dilate(seeds, kernel)
    # the short strokes of the same hand (dots, small letters) whose middle falls in a joined region
    cx = np.clip(stats[:, cv2.CC_STAT_LEFT] + ws // 2, 0, ink.shape[1] - 1)
    cy = np.clip(stats[:, cv2.CC_STAT_TOP] + hs // 2, 0, ink.shape[0] - 1)
    grow = (areas >= min_area) & (joined[cy, cx] > 0)
    grow[0] = False
    strokes = _select(labels, keep | grow)
    strokes |= _flourishes(lines, joined)
    m, clabels, cstats, _ = cv2.connectedComponentsWithStats(cv2.dilate(strokes, kernel), connectivity=8)
    to_pt = POINTS_PER_INCH / px
    out: list[InkMark] = []
    for j in range(1, m):
        x, y, w, h, _ = cstats[j]
        sub = strokes[y:y + h, x:x + w].copy()
        sub[clabels[y:y + h, x:x + w] != j] = 0
        ys, xs = np.nonzero(sub)
        if xs.size == 0:
            continue
        x0, x1, y0, y1 = x + xs.min(), x + xs.max() + 1, y + ys.min(), y + ys.max() + 1
        w_in, h_in = (x1 - x0) / px, (y1 - y0) / px
        density = xs.size / float((x1 - x0) * (y1 - y0))
        stroke = _stroke_width(sub) * to_pt
        if max(w_in, h_in) > MAX_HANDWRITING_IN or density > MAX_DENSITY or stroke > MAX_STROKE_PT:
            continue
        if w_in >= SIGNATURE_MIN_W_IN and h_in >= SIGNATURE_MIN_H_IN:
            kind = "signature"
        elif w_in >= PARAF_MIN_W_IN and h_in >= PARAF_MIN_H_IN and max(w_in, h_in) < SIGNATURE_MIN_W_IN * 1.5:
            kind = "paraf"
        else:
            continue
        if _in_corner(x0, y0, x1, y1, ink.shape) and lines[max(0, y0 - 3):y1 + 3, max(0, x0 - 3):x1 + 3].any():
            continue  # the round corner of a page frame
        ids = np.unique(labels[y:y + h, x:x + w][sub > 0])
        tallest = float(hs[ids[ids > 0]].max()) / (y1 - y0)
        sel = (colour[y:y + h, x:x + w] > 0) & (sub > 0)
        if sel.sum() > 0.3 * xs.size and _many_hues(hue[y:y + h, x:x + w][sel]):
            continue  # part of a coloured logo
        name = colour_name(hue[y:y + h, x:x + w][sel]) if sel.sum() > 0.3 * xs.size else "black"
        conf = handwriting_score(w_in, h_in, density, tallest, kind)
        box = BBox(float(x0), float(y0), float(x1), float(y1)).scaled(to_pt)
        out.append(InkMark(kind, box, conf, name, False, round(stroke, 2)))
    marks = _merge_side_by_side(out)
    return marks, [_mark_shape(ink, m.bbox.scaled(1 / to_pt), letter) for m in marks]


def _mark_shape(ink: np.ndarray, box: BBox, letter: float) -> MarkShape:
    """Shape of the ink of a print-free mask (pixels at :data:`MARK_DPI`)
    inside ``box`` (pixels); ``letter`` the page's printed-letter height, pixels."""
    x0, y0 = max(0, int(box.x0)), max(0, int(box.y0))
    crop = ink[y0:int(np.ceil(box.y1)), x0:int(np.ceil(box.x1))]
    n, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
    hs = stats[1:, cv2.CC_STAT_HEIGHT] if n > 1 else np.ones(1)
    return MarkShape(density=np.count_nonzero(crop) / max(1, crop.size), tallest=float(hs.max()) / max(1, crop.shape[0]),
                     height_spread=float(np.std(hs)) / letter, letter_in=letter / MARK_DPI)


#: Longest straight pen stroke (inches) put back from the removed ruled lines
#: when it touches handwriting; a printed signature line is longer.
FLOURISH_MAX_IN = 2.0


def _flourishes(lines: np.ndarray, near: np.ndarray) -> np.ndarray:
    """The pieces of the removed-lines mask ``lines`` that touch ``near`` (the
    joined handwriting) and are at most :data:`FLOURISH_MAX_IN` long, as a 255-mask."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(lines, connectivity=8)
    if n <= 1:
        return np.zeros_like(lines)
    touched = np.zeros(n, bool)
    touched[np.unique(labels[(near > 0) & (lines > 0)])] = True
    touched[0] = False
    short = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) <= FLOURISH_MAX_IN * MARK_DPI
    return _select(labels, touched & short)


#: Two handwriting clusters on one baseline closer than this (inches) are one signature.
MERGE_GAP_IN = 0.3


def _merge_side_by_side(marks: list[InkMark]) -> list[InkMark]:
    """Join handwriting clusters that sit side by side on one baseline (a first
    name and a surname written apart) into one signature."""
    gap = MERGE_GAP_IN * POINTS_PER_INCH
    marks = sorted(marks, key=lambda m: m.bbox.x0)
    merged = True
    while merged:
        merged = False
        for i, a in enumerate(marks):
            for j in range(i + 1, len(marks)):
                b = marks[j]
                if a.bbox.v_overlap(b.bbox) >= 0.5 and b.bbox.x0 - a.bbox.x1 <= gap and a.bbox.x1 - b.bbox.x0 <= gap + b.bbox.width:
                    box = a.bbox.union(b.bbox)
                    kind = "signature" if box.width >= SIGNATURE_MIN_W_IN * POINTS_PER_INCH else a.kind
                    conf = max(a.confidence, b.confidence) if kind == "signature" else min(a.confidence, b.confidence)
                    marks[i] = InkMark(kind, box, conf, a.colour if a.kind == "signature" else b.colour, False,
                                       max(a.stroke_pt, b.stroke_pt))
                    del marks[j]
                    merged = True
                    break
            if merged:
                break
    return marks


#: Distance from two page edges (inches) within which a curve touching a ruled line is a frame's round corner.
CORNER_IN = 2.0


def _in_corner(x0: int, y0: int, x1: int, y1: int, shape: tuple[int, ...]) -> bool:
    """True for a mark whose centre lies within :data:`CORNER_IN` of both a
    side and the top or bottom edge."""
    h, w = shape[:2]
    c = CORNER_IN * MARK_DPI
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    return (cx < c or cx > w - c) and (cy < c or cy > h - c)


def _ramp(v: float, lo: float, hi: float) -> float:
    """0 at ``lo``, 1 at ``hi``, linear between (either direction)."""
    return float(min(1.0, max(0.0, (v - lo) / (hi - lo))))


def handwriting_score(w_in: float, h_in: float, density: float, tallest: float, kind: str) -> float:
    """Confidence (0..1) that an ink cluster is handwriting rather than print
    the OCR missed: the mean of four ramps - height (print lines are about
    0.2 inch, signatures 0.35-1.1), ink density (pen strokes fill 10-24 % of
    their box, print 20-40 %), the share of the height spanned by the tallest
    single stroke (one connected pen movement), and width (signatures only;
    a paraf is small by definition). Ranges measured on the labelled
    Tobacco800 pages in ../shared/corpus/signatures (bench/signatures.py)."""
    parts = [_ramp(density, 0.3, 0.16), _ramp(tallest, 0.45, 0.8)]
    if kind == "signature":
        parts += [_ramp(h_in, 0.2, 0.45), _ramp(w_in, 0.35, 0.9)]
    else:
        parts += [_ramp(h_in, 0.08, 0.18)]
    return round(sum(parts) / len(parts), 2)


#: Share of the page height, from the top, where the letterhead (kop surat) is
#: printed: logo, agency name and address above the title (Permendagri 54/2009,
#: tata naskah dinas). Signatures sit below the text they sign, never here.
LETTERHEAD_SHARE = 0.15
#: Handwriting lines this close (inches) above or below a mark, overlapping it
#: sideways, make it part of a handwritten block.
NOTE_GAP_IN = 0.25


def _with_context(marks: list[InkMark], page_h_pt: float) -> list[InkMark]:
    """``marks`` with :attr:`InkMark.context` set for handwriting that the
    whole-page detector should not count as a signature: in the letterhead
    band (:data:`LETTERHEAD_SHARE`), or one of a stack of three or more
    handwriting lines, each within :data:`NOTE_GAP_IN` of the next and
    overlapping it sideways (a note or a handwritten letter; a signature has
    at most a second signature or a date stacked with it). Measured on the
    Tobacco800 pages of ../shared/corpus/signatures (bench/signatures.py):
    the letterhead band held 32 of 216 detections, none of them a signature."""
    gap = NOTE_GAP_IN * POINTS_PER_INCH
    hand = [k for k, m in enumerate(marks) if m.kind in ("signature", "paraf")]
    stack = {k: {k} for k in hand}  # union of stacked lines
    for i, j in combinations(hand, 2):
        a, b = marks[i].bbox, marks[j].bbox
        if a.h_overlap(b) > 0.3 and a.v_overlap(b) < 0.5 and max(b.y0 - a.y1, a.y0 - b.y1) < gap:
            merged = stack[i] | stack[j]
            for k in merged:
                stack[k] = merged
    out = []
    for k, m in enumerate(marks):
        context = ""
        if k in stack:
            b = m.bbox
            context = "letterhead" if (b.y0 + b.y1) / 2 < LETTERHEAD_SHARE * page_h_pt else "note" if len(stack[k]) >= 3 else ""
        out.append(replace(m, context=context) if context else m)
    return out


#: Whole-page mode: a signature-sized mark counts from this :attr:`InkMark.signature_score`
#: (chosen on the cross-validated figures of ``python -m bench.train_signatures``; also in
#: warehouse/sql/views/45_signatures.sql).
PAGE_SIGNATURE_MIN_SCORE = 0.15


def whole_page_candidate(m: InkMark) -> bool:
    """Whether the whole-page detector may count ``m``: a signature-sized
    handwriting mark that the page context does not rule out (empty
    :attr:`InkMark.context`)."""
    return m.kind == "signature" and not m.context


def page_signatures(marks: Iterable[InkMark], min_score: float = PAGE_SIGNATURE_MIN_SCORE) -> list[InkMark]:
    """The whole-page detector's answer: the :func:`whole_page_candidate` marks
    whose :attr:`InkMark.signature_score` is at least ``min_score``."""
    return [m for m in marks if whole_page_candidate(m)
            and m.signature_score is not None and m.signature_score >= min_score]
