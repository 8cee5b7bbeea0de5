"""Turning scanned pages upright with one OCR pass where possible
(pipeline.pages._read_upright, extractors.preprocess.line_direction): a page
lying sideways has its orientation asked before it is read; an upright page
with few words is not sent to orientation detection."""
from __future__ import annotations

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from extractors.ocr import OSD_SURE, TesseractOcr
from extractors.preprocess import line_direction
from extractors.records import BBox, OcrResult, Word
from pipeline.pages import SIDEWAYS_BELOW, _reads_upright, ocr_page

from .conftest import SAMPLES


def _render(path, index: int, dpi: int = 300) -> np.ndarray:
    doc = pdfium.PdfDocument(str(path))
    try:
        return doc[index].render(scale=dpi / 72).to_numpy()[:, :, :3].copy()
    finally:
        doc.close()


class _Counting(TesseractOcr):
    """The real engine (with the test OCR cache), counting full-page readings
    (psm 3) and orientation questions."""

    def __init__(self, cache_dir):
        super().__init__(cache_dir=cache_dir)
        self.page_reads, self.asked = 0, 0

    def words_many(self, grays, dpi, psm=None):
        if psm is None:
            self.page_reads += len(grays)
        return super().words_many(grays, dpi, psm)

    def checked_orientation(self, gray, dpi, sure=OSD_SURE):
        self.asked += 1
        return super().checked_orientation(gray, dpi, sure)


APTIKA = SAMPLES / "inbox" / "pk-2024-aptika-scan.pdf"


def test_line_direction_tells_upright_from_sideways():
    """Page 2 of the sample scanned PK (a table and a signature block): its lines
    run across; turned a quarter either way they run down the page."""
    gray = cv2.cvtColor(_render(APTIKA, 1), cv2.COLOR_RGB2GRAY)
    upright = line_direction(gray, 300)
    assert upright is not None and upright > 2.0
    for turn in (cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_90_COUNTERCLOCKWISE):
        sideways = line_direction(cv2.rotate(gray, turn), 300)
        assert sideways is not None and sideways < SIDEWAYS_BELOW
    # upside down the lines still run across: that is OSD's or the reading's to tell
    assert line_direction(cv2.rotate(gray, cv2.ROTATE_180), 300) > 2.0


def test_line_direction_has_no_answer_without_letters():
    blank = np.full((3300, 2550), 250, np.uint8)
    cv2.rectangle(blank, (200, 200), (2350, 3100), 0, 6)      # a frame is not text
    assert line_direction(blank, 300) is None


def test_sideways_page_is_read_once(settings):
    """The sample PK page turned a quarter: orientation is asked first, and the
    page is OCR-ed once, upright (it used to be read sideways first, in vain)."""
    rgb = cv2.rotate(_render(APTIKA, 1), cv2.ROTATE_90_COUNTERCLOCKWISE)
    ocr = _Counting(settings.cache / "ocr")
    page = ocr_page(rgb, 300, 2, settings, ocr)
    assert (ocr.asked, ocr.page_reads) == (1, 1)
    assert page.rotation == 90
    text = " ".join(w.text for w in page.words)
    assert "PERJANJIAN" in text.upper() or "KINERJA" in text.upper()


def test_upright_page_is_read_once_without_orientation(settings):
    ocr = _Counting(settings.cache / "ocr")
    page = ocr_page(_render(APTIKA, 1), 300, 2, settings, ocr)
    assert (ocr.asked, ocr.page_reads) == (0, 1)
    assert page.rotation == 0


@pytest.mark.corpus
def test_short_upright_page_is_not_sent_to_orientation(corpus, settings):
    """Page 1 of jabar-datapk-pk-tahun-2016.pdf is a cover with 18 words, all
    read at 85 % or more: upright. It used to go to OSD, which proposed a half
    turn (confidence 1.1), and the page was read a second time, upside down."""
    rgb = _render(corpus / "pk" / "jabar-datapk-pk-tahun-2016.pdf", 0)
    ocr = _Counting(settings.cache / "ocr")
    page = ocr_page(rgb, 300, 1, settings, ocr)
    assert (ocr.asked, ocr.page_reads) == (0, 1)
    assert page.rotation == 0 and len(page.words) < 20


@pytest.mark.corpus
def test_sideways_iku_table_is_read_once(corpus, settings):
    """Page 2 of the Distan IKU is scanned turned a quarter: found sideways
    before any reading, turned, read once."""
    rgb = _render(corpus / "pk" / "jabar-iku-distan-2016.pdf", 1)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    assert line_direction(gray, 300) < SIDEWAYS_BELOW
    ocr = _Counting(settings.cache / "ocr")
    page = ocr_page(rgb, 300, 2, settings, ocr)
    assert (ocr.asked, ocr.page_reads) == (1, 1)
    assert page.rotation in (90, 270)


def _reading(n: int, confidence: float, standing: bool = False) -> OcrResult:
    box = BBox(0, 0, 8, 30) if standing else BBox(0, 0, 30, 8)
    return OcrResult(words=tuple(Word(text="kinerja", bbox=box, confidence=confidence) for _ in range(n)),
                     dpi=300, settings="")


@pytest.mark.parametrize("n, confidence, standing, upright", [
    (40, 90.0, False, True),     # a full page read well
    (40, 50.0, False, False),    # a full page read badly (upside down reads 36-51 % on the benchmark scans)
    (12, 93.0, False, True),     # a cover page: few words, all sure
    (12, 60.0, False, False),    # few words, unsure
    (5, 95.0, False, False),     # too few to judge
    (40, 92.0, True, False),     # read sideways: the word boxes stand
])
def test_reads_upright(n, confidence, standing, upright):
    assert _reads_upright(_reading(n, confidence, standing)) is upright
