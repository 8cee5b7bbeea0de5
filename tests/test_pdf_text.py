"""The two text-layer readers: PDFium (extractors.pdfium_text, the default) must
read what pdfplumber (extractors.pdf_text) reads. Checked against pdfplumber on
real born-digital PDFs, and on small PDFs drawn here with reportlab whose
coordinates are known by construction."""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
from reportlab.lib.colors import Color
from reportlab.pdfgen import canvas

from extractors import pdf_text, pdfium_text
from tests.conftest import CORPUS, SAMPLES, need

PAGE_W, PAGE_H = 612.0, 792.0


def _both(path: Path, index: int = 0):
    """``(pdfium layer, pdfium drawing, pdfplumber layer, pdfplumber rulings)`` of one page."""
    doc = pdfium.PdfDocument(str(path))
    try:
        page = doc[index]
        assert pdfium_text.supported(page)
        ours = pdfium_text.read_text_layer(page), pdfium_text.read_drawing(page)
    finally:
        doc.close()
    with pdfplumber.open(str(path)) as pdf:
        return (*ours, pdf_text.read_text_layer(pdf.pages[index]), pdf_text.read_rulings(pdf.pages[index]))


def _matched(ours, theirs, key, coords, tol) -> int:
    """How many of ``theirs`` have an item of ``ours`` with the same key and every coordinate within ``tol``."""
    pool = defaultdict(list)
    for o in ours:
        pool[key(o)].append(coords(o))
    n = 0
    for t in theirs:
        c = coords(t)
        for i, cand in enumerate(pool[key(t)]):
            if all(abs(a - b) <= tol for a, b in zip(c, cand)):
                n += 1
                del pool[key(t)][i]
                break
    return n


def _word_key(w):
    return w.text


def _word_box(w):
    return (w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1)


def _ruling_key(r):
    return "h" if r.y0 == r.y1 else "v"


def _ruling_box(r):
    return (r.x0, r.y0, r.x1, r.y1)


def test_sample_sop_page_reads_the_same_with_both_libraries():
    path = SAMPLES / "inbox" / "sop-pelaporan-kinerja-digital.pdf"
    layer, drawing, plumber_layer, plumber_rulings = _both(path)
    assert len(layer.words) == len(plumber_layer.words) > 100
    assert _matched(layer.words, plumber_layer.words, _word_key, _word_box, 2.0) == len(plumber_layer.words)
    assert len(drawing.rulings) == len(plumber_rulings) > 10
    assert _matched(drawing.rulings, plumber_rulings, _ruling_key, _ruling_box, 0.5) == len(plumber_rulings)
    assert (layer.width_pt, layer.height_pt) == pytest.approx((plumber_layer.width_pt, plumber_layer.height_pt))
    assert layer.rotation == 0 and layer.image_coverage == plumber_layer.image_coverage


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["quarterly/tangsel-triwulan-2023-dinsos.pdf",
                                  "renaksi/jabar-16-lampiran-3d-monev-rencana-aksi.pdf",
                                  "pk/jabar-perjanjian-kinerja-tahun-2016-tmii.pdf"])
def test_real_documents_read_the_same_with_both_libraries(name):
    """Measured on every born-digital PDF of the corpus: 29,652 of pdfplumber's
    29,998 words found by PDFium (the rest on one LKIP page where pdfplumber
    splits justified words into letters), rulings 98 %."""
    path = need(CORPUS / name)
    n_pages = len(pdfium.PdfDocument(str(path)))
    words = found_words = rulings = found_rulings = 0
    for i in range(n_pages):
        layer, drawing, plumber_layer, plumber_rulings = _both(path, i)
        words += len(plumber_layer.words)
        found_words += _matched(layer.words, plumber_layer.words, _word_key, _word_box, 2.0)
        rulings += len(plumber_rulings)
        found_rulings += _matched(drawing.rulings, plumber_rulings, _ruling_key, _ruling_box, 0.5)
    assert words > 300 and found_words >= 0.99 * words
    assert rulings > 100 and found_rulings >= 0.97 * rulings


def _draw(path: Path, paint, rotate: int = 0) -> Path:
    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H))
    if rotate:
        c.setPageRotation(rotate)
    paint(c)
    c.showPage()
    c.save()
    return path


def test_rulings_inside_a_form_xobject_land_where_the_form_is_placed(tmp_path):
    def paint(c):
        c.beginForm("grid")
        c.line(0, 0, 100, 0)          # form space: y up from the form's origin
        c.line(0, 0, 0, 40)
        c.endForm()
        c.saveState()
        c.translate(50, 700)
        c.doForm("grid")
        c.restoreState()
    layer, drawing, _, plumber_rulings = _both(_draw(tmp_path / "form.pdf", paint))
    got = sorted((round(r.x0, 2), round(r.y0, 2), round(r.x1, 2), round(r.y1, 2)) for r in drawing.rulings)
    # top = page height - y: the horizontal line at y 700, the vertical one from y 700 up to 740
    assert got == [(50.0, 52.0, 50.0, 92.0), (50.0, 92.0, 150.0, 92.0)]
    assert sorted((round(r.x0, 2), round(r.y0, 2), round(r.x1, 2), round(r.y1, 2)) for r in plumber_rulings) == got


def test_visible_rules_only_and_figures_counted(tmp_path):
    def paint(c):
        c.setStrokeColorRGB(1, 1, 1)
        c.line(50, 600, 300, 600)                     # white: not a rule
        c.setStrokeColorRGB(0, 0, 0)
        c.line(50, 500, 300, 500)                     # black rule
        c.setFillColor(Color(0, 0, 0))
        c.rect(50, 400, 250, 1.5, stroke=0, fill=1)   # thin filled bar: a rule (both sides)
        c.setFillColor(Color(0.8, 0.8, 0.8))
        c.rect(50, 200, 250, 100, stroke=0, fill=1)   # shaded area: no rule
    drawing = _both(_draw(tmp_path / "rules.pdf", paint))[1]
    assert sorted(round(r.y0, 1) for r in drawing.rulings) == [292.0, 390.5, 392.0]
    assert drawing.figure_segments == 0

    def diamond(c):
        p = c.beginPath()
        p.moveTo(100, 500); p.lineTo(150, 550); p.lineTo(200, 500); p.lineTo(150, 450); p.close()
        c.drawPath(p, stroke=1, fill=0)
    drawing = _both(_draw(tmp_path / "diamond.pdf", diamond))[1]
    assert drawing.rulings == () and drawing.figure_segments == 4


def test_scaled_text_matrix_gives_the_printed_size(tmp_path):
    """Word processors often print 1-point text scaled by the text matrix:
    the word box must be as tall as the printed letters (12 pt here), as pdfplumber gives it."""
    def paint(c):
        t = c.beginText()
        t.setFont("Helvetica", 1)
        t.setTextTransform(12, 0, 0, 12, 72, 700)
        t.textOut("Capaian 95,5%")
        c.drawText(t)
    layer, _, plumber_layer, _ = _both(_draw(tmp_path / "scaled.pdf", paint))
    assert [w.text for w in layer.words] == ["Capaian", "95,5%"] == [w.text for w in plumber_layer.words]
    for ours, theirs in zip(layer.words, plumber_layer.words):
        assert ours.bbox.height == pytest.approx(12.0, abs=0.01)
        assert _word_box(ours) == pytest.approx(_word_box(theirs), abs=0.3)


def test_rotated_page_is_left_to_pdfplumber(tmp_path, settings):
    """A page with /Rotate: pdfplumber turns its text with the page, so the
    text lies sideways and the page is OCR-ed upright, as before PDFium read pages."""
    from pipeline.pages import pdf_pages
    from pipeline.process import make_ocr

    def paint(c):
        c.setFont("Helvetica", 11)
        for k in range(40):
            c.drawString(72, 740 - 16 * k, f"Indikator kinerja utama nomor {k + 1} tercapai sesuai target tahunan")
    path = _draw(tmp_path / "rotated.pdf", paint, rotate=90)
    doc = pdfium.PdfDocument(str(path))
    assert not pdfium_text.supported(doc[0])
    doc.close()
    page = next(pdf_pages(path, settings, make_ocr(settings)))
    assert "text layer printed sideways: OCR instead" in page.notes
    assert page.extractor == "tesseract" and "Indikator" in {w.text for w in page.words}


def test_reader_setting_chooses_the_library(tmp_path, settings):
    from pipeline.pages import pdf_pages

    path = SAMPLES / "inbox" / "pk-2024-ikp.pdf"
    assert {p.extractor for p in pdf_pages(path, settings, ocr=None)} == {"pdfium"}
    plumber = settings.model_copy(update={"text_layer_reader": "pdfplumber"})
    assert {p.extractor for p in pdf_pages(path, plumber, ocr=None)} == {"pdfplumber"}



def _page_image(tmp_path: Path) -> Path:
    """A gray 'scanned sheet' PNG to fill a page with."""
    from PIL import Image

    img = tmp_path / "sheet.png"
    Image.new("L", (306, 396), 235).save(img)
    return img


@pytest.mark.parametrize("text_mode, text_first, scanned", [
    (3, False, True),     # invisible text over the image: OCRmyPDF's and scanners' text layer
    (0, True, True),      # visible text painted first, then covered by the image: hidden too
    (0, False, False),    # visible text over a background picture: a born-digital page
])
def test_scanner_text_layer_is_told_from_text_over_a_background(tmp_path, text_mode, text_first, scanned):
    from pipeline.pages import is_scanned

    sheet = _page_image(tmp_path)

    def paint(c):
        def text():
            t = c.beginText(72, 700)
            t.setTextRenderMode(text_mode)
            t.setFont("Helvetica", 11)
            for k in range(20):
                t.textLine(f"Capaian indikator kinerja nomor {k + 1} sebesar 95,5 persen")
            c.drawText(t)
        if text_first:
            text()
        c.drawImage(str(sheet), 0, 0, width=PAGE_W, height=PAGE_H)
        if not text_first:
            text()
    layer = _both(_draw(tmp_path / "page.pdf", paint))[0]
    assert layer.image_coverage == pytest.approx(1.0) and layer.char_count > 500
    assert layer.hidden_text_share == (1.0 if scanned else 0.0)
    assert is_scanned(layer) is scanned


@pytest.mark.corpus
@pytest.mark.parametrize("name, index, hidden, scanned", [
    ("lkip/jabar-04-lkip-bab-iii.pdf", 0, 0.0, False),           # report text over a watermark picture
    ("pk/jabar-lampiran-2-pk-2016.pdf", 0, 0.0, False),          # PK annex table over a background picture
    ("pk/jabar-pk-kasi-budidaya-bidang-produksi.pdf", 0, 1.0, True),  # signed scan, text under the image
])
def test_real_background_pictures_and_real_scans(name, index, hidden, scanned):
    """Checked by eye: the first two render as typed pages with decorative
    pictures behind the text; the third is a photo of a signed paper PK."""
    from pipeline.pages import is_scanned

    layer = _both(need(CORPUS / name), index)[0]
    assert layer.image_coverage >= 0.5
    assert layer.hidden_text_share == hidden
    assert is_scanned(layer) is scanned
