"""Colour dropout before OCR (extractors.preprocess.drop_colour_ink), on a drawn
300-dpi page: black print crossed by a pen stroke and ringed by a stamp."""
from __future__ import annotations

import cv2
import numpy as np

from extractors.preprocess import drop_colour_ink

GREEN_PEN = (20, 120, 100)        # RGB, the teal-green ballpoint of the Landak SOP
FADED_PURPLE = (200, 185, 225)    # a stamp's washed-out edge: weakly coloured, light
PURPLE = (150, 110, 210)


def _page() -> np.ndarray:
    rgb = np.full((400, 600, 3), (246, 244, 236), np.uint8)     # paper with a slight warm cast
    for x in (100, 140, 180):                                   # three printed stems, 6 px wide
        rgb[100:200, x:x + 6] = (40, 40, 40)
    rgb[300:306, 100:400] = (90, 90, 90)                        # grey print far from any colour
    # the pen crosses the stems; where pen lies on print the inks multiply (darker)
    cv2.line(rgb, (60, 150), (240, 160), GREEN_PEN, 9)
    pen = np.zeros(rgb.shape[:2], np.uint8)
    cv2.line(pen, (60, 150), (240, 160), 255, 9)
    for x in (100, 140, 180):
        on_print = pen[100:200, x:x + 6] > 0
        rgb[100:200, x:x + 6][on_print] = (30, 70, 60)
    # a stamp ring: a saturated arc with a faded continuation
    cv2.ellipse(rgb, (450, 150), (80, 80), 0, 0, 180, PURPLE, 5)
    cv2.ellipse(rgb, (450, 150), (80, 80), 0, 180, 200, FADED_PURPLE, 5)
    return rgb


def test_pen_and_stamp_go_print_stays():
    gray, dropped = drop_colour_ink(_page())
    assert 0 < dropped < 0.05
    # the pen is gone away from the print
    assert gray[150, 70] == 255 and gray[155, 220] == 255
    # the stems it crossed are whole: dark all the way down
    for x in (103, 143, 183):
        assert gray[100:200, x].max() < 120, x
    # the stamp's saturated arc and its faded continuation are gone
    assert gray[150 + 80, 450] == 255                     # bottom of the ring (saturated)
    assert gray[150 - 27, 450 - 76] == 255                 # faded part, near the saturated arc
    # grey print and paper far from coloured ink are untouched
    assert 80 <= gray[303, 250] <= 100
    assert 235 <= gray[30, 30] <= 246


def test_gray_page_passes_through():
    g = np.full((50, 50), 200, np.uint8)
    out, dropped = drop_colour_ink(g)
    assert out is g and dropped == 0.0


def test_colour_fringes_never_eat_dark_print():
    """A scanner's colour fringe along black print and a coloured speck inside
    it are part of the print: what surrounds them is grey, so they are not
    coloured ink; the dark print is left as it was."""
    rgb = np.full((100, 100, 3), 245, np.uint8)
    rgb[40:60, 20:80] = (60, 60, 60)           # black print
    rgb[50, 50] = (90, 90, 230)                # a blue speck inside it
    rgb[39, 20:80] = (120, 120, 210)           # a bluish fringe along its top edge
    gray, _ = drop_colour_ink(rgb)
    assert (gray[39, 20:80] < 200).all()
    assert gray[50, 50] < 120
    print_px = np.ones((20, 60), bool)
    print_px[10, 30] = False
    assert (gray[40:60, 20:80][print_px] == 60).all()


def test_grey_print_with_a_colour_cast_is_not_coloured_ink():
    """Ruled lines and letters photocopied grey with a magenta cast, as on the
    Jawa Barat 2016 PK scan (rule pixels there: mean (140, 125, 133), a third
    of them over the saturation threshold): kept whole. Before, the lines
    came out dashed and the page's table was lost. A blue pen stroke on the
    same page still goes."""
    rng = np.random.default_rng(7)
    rgb = np.full((300, 400, 3), 242, np.uint8)
    noise = rng.normal(0, 18, (300, 400, 3))
    cast = np.clip(np.array([140, 125, 133]) + noise, 0, 255).astype(np.uint8)
    for y in (50, 120, 190):                                   # three ruled lines, 3 px thick
        rgb[y:y + 3, 20:380] = cast[y:y + 3, 20:380]
    rgb[60:110, 30:34] = cast[60:110, 30:34]                   # a vertical rule
    cv2.line(rgb, (60, 250), (340, 230), (40, 60, 170), 4)     # a blue pen stroke
    gray, dropped = drop_colour_ink(rgb)
    assert dropped > 0
    for y in (50, 120, 190):
        assert (gray[y + 1, 20:380] < 200).all(), y             # no gap along the line
    assert (gray[60:110, 31] < 200).all()
    assert (gray[235:250, 100:300] >= 200).all()               # the pen is gone


def test_colour_copy_at_lower_dpi_keeps_the_geometry():
    """The colour copy kept for the mark detector may be made at a lower dpi
    before the page is turned and deskewed (cheaper): it is then the same page,
    smaller. A blue pen dot lands on the same spot either way."""
    from extractors.preprocess import preprocess

    rgb = np.full((3300, 2550, 3), 250, np.uint8)
    for k in range(30):                                         # printed lines, skewed 2 degrees
        y = 300 + 90 * k
        cv2.line(rgb, (200, y), (2300, y + 73), (20, 20, 20), 9)
    cv2.circle(rgb, (1800, 900), 40, (30, 60, 200), -1)         # a blue dot
    full = preprocess(rgb, 300, 300)
    half = preprocess(rgb, 300, 300, colour_dpi=150)
    assert full.colour_dpi == 300 and half.colour_dpi == 150
    assert abs(full.skew_angle) > 1.5 and half.skew_angle == full.skew_angle
    assert half.colour.shape[:2] == (1650, 1275) and np.array_equal(half.gray, full.gray)

    def dot(img: np.ndarray) -> np.ndarray:
        ys, xs = np.nonzero((img[..., 2].astype(int) - img[..., 0]) > 100)
        return np.array([xs.mean(), ys.mean()])
    assert np.abs(dot(full.colour) / 2 - dot(half.colour)).max() < 1.0
