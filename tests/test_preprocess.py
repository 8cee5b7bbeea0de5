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
    """A scanner's colour fringe along black print is whitened, a coloured speck
    inside the print is filled as print (print on both sides of it), and the
    dark print around them is left as it was."""
    rgb = np.full((100, 100, 3), 245, np.uint8)
    rgb[40:60, 20:80] = (60, 60, 60)           # black print
    rgb[50, 50] = (90, 90, 230)                # a blue speck inside it
    rgb[39, 20:80] = (120, 120, 210)           # a bluish fringe along its top edge
    gray, _ = drop_colour_ink(rgb)
    assert (gray[39, 20:80] == 255).all()
    assert gray[50, 50] < 120
    print_px = np.ones((20, 60), bool)
    print_px[10, 30] = False
    assert (gray[40:60, 20:80][print_px] == 60).all()


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
