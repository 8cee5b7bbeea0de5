"""Page acquisition choices (pipeline.pages): which images of a born-digital
page can hold a pasted signature, and which pages are scans."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from extractors.render import PdfRenderer
from pipeline.pages import Decorations, pdf_pages

from .conftest import CORPUS, need


def _pdf_with_images(tmp_path: Path, pages: int, pasted_on: int | None) -> Path:
    """``pages`` typed pages, each with the same banner at the top; page
    ``pasted_on`` (1-based) also carries a signature image in its signature block."""
    banner, sign = tmp_path / "banner.png", tmp_path / "ttd.png"
    Image.fromarray(np.full((60, 500, 3), (30, 90, 160), np.uint8)).save(banner)
    ink = np.full((80, 200), 255, np.uint8)
    ink[38:42, 20:180] = 0
    Image.fromarray(ink).save(sign)
    pdf = tmp_path / "dokumen.pdf"
    c = canvas.Canvas(str(pdf), pagesize=A4)
    for k in range(1, pages + 1):
        c.drawImage(str(banner), 40, A4[1] - 100, width=500, height=60)
        c.setFont("Helvetica", 11)
        c.drawString(72, 600, f"Halaman {k}: capaian indikator kinerja sesuai target tahunan")
        if k == pasted_on:
            c.drawImage(str(sign), 350, 200, width=120, height=48)
        c.showPage()
    c.save()
    return pdf


def test_an_image_repeated_on_most_pages_is_a_decoration(tmp_path):
    pdf = _pdf_with_images(tmp_path, pages=4, pasted_on=4)
    with PdfRenderer(pdf) as renderer:
        from extractors import pdfium_text

        with renderer.page(3) as page:
            boxes = pdfium_text.image_boxes(page)
        kept = Decorations(renderer).pasted(boxes)
    assert len(boxes) == 2
    # the signature image sits at x 350..470, y (from the top) 841.9 - 248 .. 841.9 - 200
    assert [(round(b.x0), round(b.y0), round(b.x1), round(b.y1)) for b in kept] == [(350, 594, 470, 642)]


def test_a_short_document_has_no_decorations(tmp_path):
    """Two pages are too few to tell a letterhead from a signature pasted on both."""
    pdf = _pdf_with_images(tmp_path, pages=2, pasted_on=None)
    with PdfRenderer(pdf) as renderer:
        from extractors import pdfium_text

        with renderer.page(0) as page:
            boxes = pdfium_text.image_boxes(page)
        assert Decorations(renderer).pasted(boxes) == boxes


@pytest.mark.corpus
def test_lkip_background_and_banner_are_not_read_as_handwriting(settings):
    """The Jawa Barat LKIP chapter prints on a watermark picture with a picture
    banner on every page (checked by eye). Its pages are born-digital, and
    nothing in the banner is taken for a signature (before: 17 pages checked as
    scans, and a 'signature' found in the banner of every page)."""
    pages = list(pdf_pages(need(CORPUS / "lkip" / "jabar-04-lkip-bab-iii.pdf"), settings, ocr=None))
    assert len(pages) == 17
    assert all(p.text_source == "text_layer" and p.extractor == "pdfium" for p in pages)
    assert not any("scanner text layer accepted" in p.notes for p in pages)
    assert [m for p in pages for m in p.marks] == []
