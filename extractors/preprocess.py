"""Page-image preprocessing with OpenCV: quarter turns, deskew, photo rectification,
illumination normalisation, binarisation, ink measures.

All images are (H, W) uint8 grayscale numpy arrays, dark ink on light paper.
"""
from __future__ import annotations

from typing import Callable

import cv2
import numpy as np

from .records import Preprocessed

#: The short side of an A4 / F4 (folio) sheet in inches; used to estimate the dpi
#: of a photo or a scan that records none.
SHEET_SHORT_SIDE_IN = 8.27


#: HSV saturation (0-255) above which a pixel is coloured ink (stamp, pen, logo).
COLOUR_SATURATION = 60
#: HSV value (0-255) at or below which a coloured pixel is kept as print: pen or
#: stamp ink laid over black print darkens it further (inks multiply), so a very
#: dark pixel inside a stroke is the print beneath it.
PRINT_UNDER_INK_VALUE = 80
#: Faded stamp ink: saturation above this, near strong coloured ink, not dark.
FADED_SATURATION = 30
#: Gray level (0-255) above which a pixel is too light to be black print.
LIGHT_GRAY = 120
#: Least chroma over darkness (both against the paper, of the mean colour around
#: a pixel, about 3 x 3 mm at 300 dpi) of coloured ink. Pen and stamp ink:
#: 0.4-1.0; black print photocopied with a colour cast, whose single pixels are
#: often saturated (the Jawa Barat 2016 PK scan prints grey with a magenta cast,
#: 32 % of its rule pixels over :data:`COLOUR_SATURATION`): 0.05-0.2.
INK_CHROMA_RATIO = 0.3
#: ... and at least this chroma (0-255): a window that is nearly all paper
#: (the edge of a grey stroke) has a ratio of noise.
INK_MIN_CHROMA = 15.0
#: Reach (pixels; 200-400 dpi scans) of the clean-up around coloured ink: the
#: anti-aliased rim of a stroke (any light pixel) and the faded parts of a stamp
#: ring (light pixels that are still a little coloured).
RIM_PX, FADED_REACH_PX = 3, 30
#: Longest run (pixels, about 1 mm at 300 dpi) of removed ink that is bridged
#: when black print continues on both sides of it, vertically or horizontally:
#: a pen stroke crossing a letter's stem.
BRIDGE_PX = 11
#: Gray level given to a bridged pixel (typical black print on a scan).
BRIDGE_GRAY = 70


def is_gray(rgb: np.ndarray) -> bool:
    """True when an (H, W, 3) image has three equal channels: a grayscale scan
    rendered or stored as RGB, which holds no colour to drop or to read."""
    return bool(np.array_equal(rgb[..., 0], rgb[..., 1]) and np.array_equal(rgb[..., 1], rgb[..., 2]))


def drop_colour_ink(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """Grayscale (H, W) uint8 from an (H, W, 3) RGB page with coloured ink
    (blue/purple stamps, blue/green pen signatures, coloured logos) turned to
    paper white, so that OCR reads the black print under a stamp. Returns the
    image and the share (0..1) of pixels dropped.

    Three parts are whitened: saturated ink (except pixels dark enough to be
    print seen through the ink, :data:`PRINT_UNDER_INK_VALUE`, which keeps the
    letters a signature crosses whole); the light rim of every stroke; and the
    faded, weakly coloured remains of a stamp near its saturated parts. Black
    and grey print is never touched, and paper far from coloured ink is left
    as it is (a photo's colour cast stays). Ink is told by its surroundings
    (:func:`_coloured_ink`): a saturated pixel goes only as part of a mark
    that is coloured as a whole, and, where grey print is all around it,
    only when it is light; grey print photocopied with a colour cast stays
    whole (the Jawa Barat 2016 PK scan). Where a removed stroke cut a
    printed stem or bar (print on both sides within :data:`BRIDGE_PX`), the
    cut is filled again. Coloured *print* would vanish too;
    SAKIP forms print in black, and born-digital pages use their text layer.
    Checked on the Landak SOP's identity sheet, where "BUPATI LANDAK," and
    "KAROLIN" lie under a purple stamp and a green signature."""
    if rgb.ndim == 2:
        return rgb, 0.0
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    sat, val = hsv[..., 1], hsv[..., 2]
    mask = (sat > COLOUR_SATURATION) & (val > PRINT_UNDER_INK_VALUE)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    if not mask.any():
        return gray, 0.0
    light = gray > LIGHT_GRAY
    mask, tinted = _coloured_ink(rgb, mask)
    mask &= tinted | light      # where grey print is all around, only light ink goes
    if not mask.any():
        return gray, 0.0
    ink = mask.view(np.uint8)
    rim = cv2.dilate(ink, np.ones((2 * RIM_PX + 1,) * 2, np.uint8)).view(bool)
    reach = cv2.dilate(ink, np.ones((2 * FADED_REACH_PX + 1,) * 2, np.uint8)).view(bool)
    drop = mask | (light & (rim | (reach & (sat > FADED_SATURATION) & tinted)))
    gray[drop] = 255
    printed = (gray < LIGHT_GRAY).view(np.uint8)
    bridged = (cv2.morphologyEx(printed, cv2.MORPH_CLOSE, np.ones((BRIDGE_PX, 1), np.uint8))
               | cv2.morphologyEx(printed, cv2.MORPH_CLOSE, np.ones((1, BRIDGE_PX), np.uint8))).view(bool)
    gray[mask & bridged] = BRIDGE_GRAY
    return gray, float(np.count_nonzero(mask)) / mask.size


def rotate_quarter(gray: np.ndarray, rotate_cw: int) -> np.ndarray:
    """Rotate by a multiple of 90 degrees clockwise (0, 90, 180, 270)."""
    k = (rotate_cw // 90) % 4
    if k == 0:
        return gray
    codes = {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return cv2.rotate(gray, codes[k])


def rotate_small(gray: np.ndarray, angle_deg: float) -> np.ndarray:
    """Rotate counter-clockwise by ``angle_deg`` about the centre, keeping the size
    and filling uncovered corners with white."""
    if abs(angle_deg) < 1e-3:
        return gray
    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                          borderValue=(255, 255, 255))


def binarise(gray: np.ndarray) -> np.ndarray:
    """Otsu binarisation; returns 255 for paper and 0 for ink."""
    _, out = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return out


def ink_ratio(gray: np.ndarray) -> float:
    """Share (0..1) of pixels darker than the Otsu threshold (and darker than 160,
    so a blank page's paper noise does not count as ink)."""
    if gray.size == 0:
        return 0.0
    t, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return float(np.count_nonzero(gray < min(t, 160))) / gray.size


def _downscale(gray: np.ndarray, max_side: int, whole: bool = False) -> tuple[np.ndarray, float]:
    """A copy whose long side is at most ``max_side`` pixels (area
    resampling), and its scale (copy pixels per original pixel). ``whole``:
    each pixel of the copy is the mean of a k x k block (k a whole number, so
    the long side may come out shorter): OpenCV takes its fast path only for
    a whole-number factor, 3-4 times faster (6 vs 20 ms for an A4 page at
    300 dpi). The measures that steer the page image (skew, illumination,
    sheet outline) keep the exact size: their results are what the OCR
    cache and the tests on real pages were made with."""
    h, w = gray.shape[:2]
    if max(h, w) <= max_side:
        return gray, 1.0
    if whole:
        k = -(-max(h, w) // max_side)                   # ceiling division
        small = cv2.resize(gray, None, fx=1 / k, fy=1 / k, interpolation=cv2.INTER_AREA)
        return small, small.shape[0] / h
    f = max_side / max(h, w)
    return cv2.resize(gray, (max(1, int(w * f)), max(1, int(h * f))), interpolation=cv2.INTER_AREA), f


def _ink_points(small: np.ndarray) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Otsu ink pixels of a (downscaled) page: their x and y relative to the
    centre (float32), the image height and its pixel count."""
    h, w = small.shape
    ys, xs = np.nonzero(binarise(small) == 0)
    return xs.astype(np.float32) - w / 2, ys.astype(np.float32) - h / 2, h, small.size


def _profile_sharpness(points: tuple[np.ndarray, np.ndarray, int, int], angle: float) -> float:
    """Sum of squared differences of the horizontal projection profile of the
    ink ``points`` turned counter-clockwise by ``angle`` degrees about the
    centre: largest when text lines lie flat (each line one sharp peak)."""
    xc, yc, h, _ = points
    a = np.deg2rad(angle)
    rows = (np.cos(a) * yc - np.sin(a) * xc + h / 2 + 0.5).astype(np.int64)
    prof = np.bincount(rows[(rows >= 0) & (rows < h)], minlength=h).astype(np.float64)
    return float(np.sum(np.diff(prof) ** 2))


def estimate_skew(gray: np.ndarray, max_angle: float = 8.0) -> float:
    """Skew angle in degrees (counter-clockwise rotation that straightens the text
    lines), by maximising the sharpness of the horizontal projection profile.

    Searches ``[-max_angle, max_angle]`` in 0.5 degree steps on a copy
    downscaled to 600 pixels on the long side, then refines to 0.1 degree on
    one of 1200 pixels (the 600 one is made from it). The ink pixels' rows
    are turned arithmetically (no image is rotated), so it costs about 20 ms
    a page. Returns 0.0 for pages with too little ink to judge.
    """
    small, _ = _downscale(gray, 1200)
    fine = _ink_points(small)
    if fine[0].size < 0.002 * fine[3]:
        return 0.0
    coarse = _ink_points(_downscale(small, 600)[0])     # from the 1200 copy: same angles on 29 corpus pages, 40% faster
    best = max(np.arange(-max_angle, max_angle + 1e-6, 0.5), key=lambda a: _profile_sharpness(coarse, a))
    best = max(np.arange(best - 0.5, best + 0.5 + 1e-6, 0.1), key=lambda a: _profile_sharpness(fine, a))
    return float(round(best, 2))


#: Size range (points, both sides) of a connected component counted as a printed
#: letter by :func:`line_direction`: 3-22 pt tall covers 8-24 pt type; rules,
#: frames, logos and specks fall outside.
LETTER_PT = (3.0, 22.0)
LETTER_MIN_WIDTH_PT = 1.5
#: Fewest letter components for :func:`line_direction` to give an answer.
LINE_DIRECTION_MIN_LETTERS = 40


def line_direction(gray: np.ndarray, dpi: int) -> float | None:
    """How the text lines of a deskewed page image (H, W) uint8 at ``dpi``
    run: the projection-profile sharpness of its letter-sized ink components
    (:data:`LETTER_PT`) across the page, divided by that down the page (the
    best within +-8 degrees: deskewing a sideways page straightens nothing).
    Above 1 the lines run across (the page is upright or upside down); below 1
    they run down it (the page lies sideways). Letters only, so that a page
    frame or a table grid, whose long rules are as sharp one way as the
    other, does not decide. On the scanned pages of ../shared/corpus and
    samples at 300 dpi, deskewed: 2.0-20.4 on 30 upright pages, 0.34 on the
    IKU table scanned sideways. ``None`` when the page has fewer than
    :data:`LINE_DIRECTION_MIN_LETTERS` letters. About 12 ms a page."""
    small, f = _downscale(gray, 1200, whole=True)
    pt = dpi * f / 72.0                                   # pixels of the copy per point
    ink = (binarise(small) == 0).astype(np.uint8)
    _n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    h, w = stats[:, cv2.CC_STAT_HEIGHT], stats[:, cv2.CC_STAT_WIDTH]
    lo, hi = LETTER_PT[0] * pt, LETTER_PT[1] * pt
    letter = (h >= lo) & (h <= hi) & (w >= LETTER_MIN_WIDTH_PT * pt) & (w <= hi)
    letter[0] = False
    if int(letter.sum()) < LINE_DIRECTION_MIN_LETTERS:
        return None
    ys, xs = np.nonzero(letter[labels])
    rows, cols = small.shape
    xc, yc = xs.astype(np.float32) - cols / 2, ys.astype(np.float32) - rows / 2
    across = _profile_sharpness((xc, yc, rows, small.size), 0.0)
    down = max(_profile_sharpness((yc, xc, cols, small.size), a) for a in np.arange(-8.0, 8.0 + 1e-6, 2.0))
    return across / max(down, 1.0)


def normalise_illumination(gray: np.ndarray) -> np.ndarray:
    """Divide by an estimate of the paper background (a large morphological
    closing), which flattens shadows and lighting gradients in phone photos."""
    small, _ = _downscale(gray, 1000)
    k = max(15, int(min(small.shape) / 20) | 1)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    bg = cv2.GaussianBlur(bg, (0, 0), k / 2)
    bg = cv2.resize(bg, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    out = cv2.divide(gray, np.maximum(bg, 1), scale=255)
    return out


def background_unevenness(gray: np.ndarray) -> float:
    """Spread (grey levels, 90th minus 10th percentile) of the paper background
    estimated on a coarse grid; about 0-15 for scans, 40+ for photos with shadows."""
    small, _ = _downscale(gray, 400, whole=True)
    k = max(9, int(min(small.shape) / 10) | 1)
    bg = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return float(np.percentile(bg, 90) - np.percentile(bg, 10))


def find_page_quad(gray: np.ndarray) -> np.ndarray | None:
    """Corners (4, 2) float32 in pixel coordinates (TL, TR, BR, BL) of a sheet of
    paper photographed against a darker background, or ``None`` when no such
    outline covers 20-97 % of the image (a flat scan, or a tight crop)."""
    small, f = _downscale(gray, 800)
    blur = cv2.GaussianBlur(small, (5, 5), 0)
    _, th = cv2.threshold(blur, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    th = cv2.morphologyEx(th, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    contours, _ = cv2.findContours(th, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(c) / float(small.shape[0] * small.shape[1])
    if not (0.2 <= area <= 0.97):
        return None
    approx = cv2.approxPolyDP(c, 0.02 * cv2.arcLength(c, True), True)
    if len(approx) != 4 or not cv2.isContourConvex(approx):
        return None
    pts = approx.reshape(4, 2).astype(np.float32) / f
    s, d = pts.sum(axis=1), np.diff(pts, axis=1).ravel()
    return np.array([pts[np.argmin(s)], pts[np.argmin(d)], pts[np.argmax(s)], pts[np.argmax(d)]], dtype=np.float32)


def rectify(gray: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Perspective-correct the sheet outlined by ``quad`` (from :func:`find_page_quad`)."""
    tl, tr, br, bl = quad
    w = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    h = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(quad, dst)
    return cv2.warpPerspective(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def estimate_sheet_dpi(gray: np.ndarray) -> int:
    """dpi at which a full sheet (short side :data:`SHEET_SHORT_SIDE_IN`) fills this image."""
    return max(1, int(round(min(gray.shape[:2]) / SHEET_SHORT_SIDE_IN)))


def resample_to_dpi(gray: np.ndarray, dpi: int, target_dpi: int) -> np.ndarray:
    """Scale the image from ``dpi`` to ``target_dpi`` (cubic up, area down)."""
    if dpi == target_dpi:
        return gray
    f = target_dpi / dpi
    interp = cv2.INTER_CUBIC if f > 1 else cv2.INTER_AREA
    return cv2.resize(gray, (max(1, int(gray.shape[1] * f)), max(1, int(gray.shape[0] * f))), interpolation=interp)


def _coloured_ink(rgb: np.ndarray, saturated: np.ndarray, factor: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Which saturated pixels are coloured ink: ``(ink, tinted)``, both
    (H, W) bool.

    ``tinted``: where the mean colour around a pixel (over about
    ``3 * factor`` pixels square, at ``factor`` pixels' resolution) is
    coloured rather than grey, judged by its chroma over its darkness, both
    measured from the paper colour (the 90th percentile of the reduced page):
    a ratio that does not depend on how much of the window a stroke fills
    (:data:`INK_CHROMA_RATIO`; the faded parts of a stamp are tinted). Single saturated
    pixels of a grey stroke, from a colour cast or JPEG colour noise, average
    out; a pen or stamp stroke keeps its hue.

    ``ink``: the ``saturated`` pixels of the connected marks (saturated
    pixels joined within about ``factor`` pixels) most of whose pixels are
    tinted with some strength (:data:`INK_MIN_CHROMA`). Decided per mark, so that a pen stroke goes whole where it
    crosses black print (there its surroundings are mostly grey), and the
    saturated specks along a grey line stay."""
    h, w = rgb.shape[:2]
    o = factor // 2
    # a factor x factor mean taken every factor-th pixel (11 ms a page; cv2.INTER_AREA: 27), then a 3 x 3 mean
    small = cv2.blur(cv2.blur(rgb, (factor, factor))[o::factor, o::factor], (3, 3)).astype(np.float32)
    paper = np.percentile(small.reshape(-1, 3)[::97], 90, axis=0)
    r, g, b = (float(paper[i]) - small[..., i] for i in range(3))       # darkening of each channel
    chroma = cv2.max(cv2.max(r, g), b) - cv2.min(cv2.min(r, g), b)
    darkness = cv2.max((r + g + b) / 3, 8.0)
    tinted = chroma > INK_CHROMA_RATIO * darkness
    chromatic = tinted & (chroma > INK_MIN_CHROMA)
    sat_small = cv2.blur(saturated.view(np.uint8), (factor, factor))[o::factor, o::factor] > 0
    n, labels = cv2.connectedComponents(cv2.dilate(sat_small.view(np.uint8), np.ones((3, 3), np.uint8)))
    at = labels[sat_small]
    share = np.bincount(at, weights=chromatic[sat_small], minlength=n) / np.maximum(np.bincount(at, minlength=n), 1)
    marks = cv2.dilate(((share >= 0.5)[labels] & sat_small).view(np.uint8), np.ones((3, 3), np.uint8))

    def full(a: np.ndarray) -> np.ndarray:
        return cv2.resize(a.view(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST).view(bool)
    return saturated & full(marks), full(tinted)


def preprocess(image: np.ndarray, dpi: int | None, target_dpi: int = 300,
               orient: "Callable[[np.ndarray, int], int] | None" = None,
               colour_dpi: int | None = None) -> Preprocessed:
    """Straighten and clean one page image (RGB (H, W, 3) or gray (H, W)) for OCR.

    Steps: (0) drop coloured ink (:func:`drop_colour_ink`); (1) for an image that records no dpi (photos), look for a sheet
    outline and rectify it; (2) estimate the dpi when unknown (full-sheet
    assumption) and resample to ``target_dpi`` when the source is coarser than
    200 or finer than 400 dpi; (3) ``orient(gray, dpi)`` returns the clockwise
    quarter turn that makes the page upright (Tesseract OSD in practice) and it
    is applied; (4) flatten uneven lighting; (5) deskew within +-8 degrees.
    Returns a :class:`Preprocessed` whose ``gray`` is at ``dpi`` pixels per inch;
    its ``colour`` (RGB input only) went through the same geometric steps, at
    ``colour_dpi`` when that is lower (reduced before it is turned: turning a
    300-dpi RGB page costs about 60 ms, a 150-dpi one a quarter of that).
    """
    notes: list[str] = []
    dewarped = False
    if image.ndim == 3 and is_gray(image):
        image = image[..., 0]
    colour = image if image.ndim == 3 else None
    gray, dropped = drop_colour_ink(image)
    if dropped >= 0.001:
        notes.append(f"coloured ink dropped ({dropped:.1%} of pixels)")
    if dpi is None:
        quad = find_page_quad(gray)
        if quad is not None:
            gray = rectify(gray, quad)
            colour = rectify(colour, quad) if colour is not None else None
            dewarped = True
            notes.append("photo: sheet outline rectified")
        dpi = estimate_sheet_dpi(gray)
        notes.append(f"dpi estimated as {dpi} from the sheet size")
    if dpi < 200 or dpi > 400:
        gray = resample_to_dpi(gray, dpi, target_dpi)
        colour = resample_to_dpi(colour, dpi, target_dpi) if colour is not None else None
        notes.append(f"resampled {dpi} -> {target_dpi} dpi")
        dpi = target_dpi
    if colour is not None and colour_dpi and colour_dpi < dpi:
        colour = cv2.resize(colour, None, fx=colour_dpi / dpi, fy=colour_dpi / dpi, interpolation=cv2.INTER_AREA)
    else:
        colour_dpi = dpi
    rotation = orient(gray, dpi) if orient else 0
    if rotation:
        gray = rotate_quarter(gray, rotation)
        colour = rotate_quarter(colour, rotation) if colour is not None else None
        notes.append(f"rotated {rotation} degrees clockwise")
    if background_unevenness(gray) > 35:
        gray = normalise_illumination(gray)
        notes.append("uneven lighting flattened")
    angle = estimate_skew(gray)
    if abs(angle) >= 0.1:
        gray = rotate_small(gray, angle)
        colour = rotate_small(colour, angle) if colour is not None else None
    return Preprocessed(gray=gray, dpi=dpi, rotation=rotation, skew_angle=angle, dewarped=dewarped, notes=tuple(notes),
                        colour=colour, colour_dpi=colour_dpi if colour is not None else None)
