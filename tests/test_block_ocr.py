"""Second OCR pass on signature blocks (pipeline.block_ocr).

Real file: ``jabar-pk-kasi-budidaya-bidang-produksi.pdf`` (a scan with the
scanner's text layer), checked by eye on the rendered pages: the right-hand
block on both pages is PIHAK KESATU, Drh. INDRIANTARI, Pembina,
NIP.19670903 199303 2 006, signed with one long loop that runs down through
the name, the pangkat and the ``3`` of ``0903``. The scanner's layer reads it
as ``IANTARI`` with no NIP (page 1) and ``P`` / ``NIP.196709`` (page 2).
"""
from __future__ import annotations

import io

import numpy as np
import pypdfium2 as pdfium
import pytest

from extractors.records import BBox, Word
from pipeline import block_ocr
from pipeline.process import make_ocr


def _block_page() -> np.ndarray:
    """A signature block printed with reportlab (Helvetica 10 pt) and rendered
    at 300 dpi, gray: PIHAK KESATU / BUDI SANTOSO / Pembina / NIP. 19670903 199303 2 006."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica", 10)
    h = A4[1]
    for text, y in (("PIHAK KESATU", 600), ("BUDI SANTOSO", 680), ("Pembina", 693), ("NIP. 19670903 199303 2 006", 706)):
        c.drawCentredString(400, h - y, text)
    c.save()
    pdf = pdfium.PdfDocument(buf.getvalue())
    gray = np.array(pdf[0].render(scale=300 / 72).to_pil().convert("L"))
    pdf.close()
    return gray


def test_block_whose_nip_was_lost_is_read_again(settings):
    """The page reading lost the NIP's last three groups (as a scanner layer
    does under a stroke): the block is found weak, read again from its crop,
    and the NIP comes back whole; words outside the block are untouched."""
    ocr = make_ocr(settings)
    gray = _block_page()
    words = list(ocr.words(gray, 300).words)
    nip_at = next(i for i, w in enumerate(words) if w.text.startswith("NIP"))
    assert [w.text for w in words[nip_at:nip_at + 5]] == ["NIP.", "19670903", "199303", "2", "006"]
    lost = words[:nip_at + 2] + words[nip_at + 5:]
    far = Word("Lampiran", BBox(40, 100, 90, 110), None)
    lost.append(far)
    h, w = gray.shape
    regions = block_ocr.weak_block_regions(lost, w * 72 / 300, h * 72 / 300)
    assert len(regions) == 1
    crops = block_ocr.crop_regions(gray, 300, regions)
    again, notes = block_ocr.reread_blocks(lost, crops, ocr)
    texts = [x.text for x in again]
    assert " ".join(texts[texts.index("NIP."):texts.index("NIP.") + 5]) == "NIP. 19670903 199303 2 006"
    assert far in again and len(notes) == 1 and "19670903" in notes[0]


def test_valid_blocks_are_not_read_again(settings):
    ocr = make_ocr(settings)
    gray = _block_page()
    words = list(ocr.words(gray, 300).words)
    h, w = gray.shape
    assert block_ocr.weak_block_regions(words, w * 72 / 300, h * 72 / 300) == []


def test_a_worse_second_reading_is_not_taken(settings):
    """A crop that reads nothing (blank) leaves the page words as they were."""
    ocr = make_ocr(settings)
    gray = _block_page()
    words = [w for w in ocr.words(gray, 300).words if w.text != "006"]
    h, w = gray.shape
    regions = block_ocr.weak_block_regions(words, w * 72 / 300, h * 72 / 300)
    blank = [block_ocr.BlockCrop(c.region, np.full_like(c.gray, 255), c.dpi)
             for c in block_ocr.crop_regions(gray, 300, regions)]
    assert block_ocr.reread_blocks(words, blank, ocr) == (words, [])


@pytest.mark.corpus
def test_scanner_layer_block_under_a_stroke_is_read_again(corpus, processed):
    doc = processed(corpus / "pk" / "jabar-pk-kasi-budidaya-bidang-produksi.pdf")
    blocks = {(c.page_no, c.role): c for c in doc.signatures}
    p1, p2 = blocks[(1, "pihak_pertama")], blocks[(2, "pihak_pertama")]
    # page 2: the name comes back whole; the NIP's crossed 03 reads p8, so it stays invalid
    assert p2.nama == "Drh. INDRIANTARI" and p2.name_provenance.extractor == "tesseract"
    assert p2.nip_check.status == "invalid" and p2.signed is True and p2.paraf is False
    # page 1: the NIP comes back with the crossed 3 read as B: flagged for review, not taken as valid
    assert p1.nip_check.digits == "196709081993032006" and p1.nip_check.status == "flag"
    assert "B as 8" in p1.nip_check.reasons[0] and "nip_flagged" in p1.flags
    assert p1.nama.startswith("Drh. IND") and p1.signed is True
    assert all(any("read again by OCR" in n for n in p.notes) for p in doc.pages)
    # the other party's blocks were valid and are left as the scanner read them
    assert blocks[(1, "pihak_kedua")].name_provenance.extractor == "pdfium"
    assert blocks[(1, "pihak_kedua")].nip_check.status == "valid"
    # its name is read two ways under the pen (ABO H / ULLAH FATHUL ALlM): not taken as printed two ways
    assert not any("name_differs_between_pages" in c.flags for c in doc.signatures)
