"""Tesseract wrapper (extractors.ocr) and the cell re-read rules (pipeline.cell_ocr)."""
from __future__ import annotations

import cv2
import numpy as np

from extractors.ocr import TesseractOcr
from extractors.records import BBox, Word
from pipeline.cell_ocr import _apply, _suspect_figure
from pipeline.models import TableCell


def _text_image(lines: list[str]) -> np.ndarray:
    img = np.full((70 * len(lines) + 40, 900), 255, np.uint8)
    for i, line in enumerate(lines):
        cv2.putText(img, line, (30, 70 + 70 * i), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 3, cv2.LINE_AA)
    return img


def test_several_images_in_one_call_read_as_separate_pages(tmp_path):
    a, b = _text_image(["KINERJA 2024"]), _text_image(["TARGET 85", "REALISASI 90"])
    batch = TesseractOcr(lang="eng", cache_dir=tmp_path / "batch").words_many([a, b], 300, psm=6)
    single = TesseractOcr(lang="eng", cache_dir=tmp_path / "single")
    assert [w.text for w in batch[0].words] == ["KINERJA", "2024"]
    assert [w.text for w in batch[1].words] == ["TARGET", "85", "REALISASI", "90"]
    for img, res in zip((a, b), batch):
        alone = single.words(img, 300, psm=6)
        assert [(w.text, w.bbox) for w in res.words] == [(w.text, w.bbox) for w in alone.words]
    # each image is cached on its own: a second batch reads both from the cache
    again = TesseractOcr(lang="eng", cache_dir=tmp_path / "batch").words_many([b, a], 300, psm=6)
    assert all(r.cached for r in again)
    assert [w.text for w in again[0].words] == [w.text for w in batch[1].words]


def test_short_figures_worth_a_second_look():
    # a lone character and figures mixed with letters are re-read ...
    assert _suspect_figure("1") and _suspect_figure("4")
    assert _suspect_figure("25g") and _suspect_figure("§2")
    # ... figures the page pass read in context, words and long figures are not
    for text in ("12", "100", "12,5", "75%", "(3)", "ABC", "12345", ""):
        assert not _suspect_figure(text), text


def _cell(text: str, conf: float) -> TableCell:
    w = Word(text=text, bbox=BBox(10, 10, 20, 20), confidence=conf)
    return TableCell(row=1, col=1, bbox=(0, 0, 30, 30), text=text, words=[w], confidence=conf, page_no=1)


def test_short_cell_reading_must_keep_its_digits():
    def reread(old: str, new: str, conf: float = 95.0) -> str:
        cell = _cell(old, 97.0)
        _apply([(cell, 0, 0, None, "short")], [[Word(text=new, bbox=BBox(10, 10, 20, 20), confidence=conf)]], 70.0)
        return cell.text

    assert reread("1", "4") == "4"        # a digit misread in the page pass
    assert reread("25g", "259") == "259"  # a letter read for a digit
    assert reread("1", "£") == "1"        # a digit lost
    assert reread("0", "U") == "0"
    assert reread("259", "25a") == "259"
    assert reread("14.3", "143") == "14.3"  # a character lost (the decimal point)
    assert reread("1", "4", conf=50.0) == "1"  # not confident enough
