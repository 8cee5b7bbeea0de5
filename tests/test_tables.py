"""Table extraction on real documents: born-digital ruled tables with merged
cells (the Jabar SOP flowchart, the Tangerang Selatan quarterly Renja forms,
stitched across pages), a scanned PK target table, and bad geometry. Expected
values were read off the page images by eye."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from extractors.grid import detect_rulings
from extractors.records import BBox, Ruling, Word
from pipeline.models import PageResult
from pipeline.tables import extract_tables, is_number, stitch, table_from_rows

from .conftest import CORPUS


def _row_texts(t, r):
    return [" ".join(c.text.split()) if c is not None and c.row == r else "" for c in t.rows(body_only=False)[r]]


def _find_row(t, first_cell_start):
    for r in range(t.n_rows):
        c = t.cell_at(r, 0)
        if c is not None and c.row == r and " ".join(c.text.split()).startswith(first_cell_start):
            return r
    raise AssertionError(f"no row starting with {first_cell_start!r}")


@pytest.mark.corpus
def test_jabar_sop_flowchart_table_has_spans_and_header(processed):
    doc = processed(CORPUS / "sop" / "jabar-lampiran-4-mekanisme-pengumpulan-data-kinerja.pdf")
    t = next(t for t in doc.tables if t.pages == [2])
    assert (t.method, t.extractor, t.n_cols) == ("ruled", "pdfium", 10)
    assert t.n_rows == 10  # two header rows, the column-number row, seven steps
    assert t.header_rows == 3
    no, pelaksana, mutu = t.cell_at(0, 0), t.cell_at(0, 2), t.cell_at(0, 7)
    assert (no.text, no.row_span) == ("NO", 2)
    assert (pelaksana.text, pelaksana.col_span) == ("PELAKSANA", 5)
    assert (mutu.text, mutu.col_span) == ("MUTU BAKU", 3)
    assert _row_texts(t, 1)[2:7] == ["INSPEKTUR", "SEKRETARIS /INSPEKTUR PEMBANTU", "KASUBAG/PPTK",
                                     "BENDAHARA KEUANGAN", "TIM KERJA"]
    assert _row_texts(t, 2) == [str(i) for i in range(1, 11)]
    assert _row_texts(t, 3)[0:2] == ["1", "Menugaskan menyusun laporan data kinerja Inspektorat setiap triwulan"]
    assert _row_texts(t, 3)[7:10] == ["Perjanjian Kinerja dan Rencana Aksi", "1 hari", "Disposisi & SK Tim Kerja"]
    assert not any(c.header for c in t.cells if c.row >= 3)


@pytest.mark.corpus
@pytest.mark.parametrize("name,rows", [
    ("tangsel-triwulan-2023-damkar.pdf", {
        "DINAS PEMADAM KEBAKARAN DAN PENYELAMATAN": ["", "", "11.465.905.688", "", "18.955.349.613"],
        "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah": [
            None, "13,19%", "210.781.800", "17,97%", "149.033.000"],
        "Penyusunan Dokumen Perencanaan Perangkat Daerah": [
            "Jumlah Dokumen Perencanaan Perangkat Daerah", "3", "116.475.000", "4", "58.403.000"],
    }),
    ("tangsel-triwulan-2023-dinsos.pdf", {
        "DINAS SOSIAL": ["", "", "3.814.194.520", "", "5.485.238.993"],
        "PROGRAM PENUNJANG URUSAN PEMERINTAHAN DAERAH KABUPATEN / KOTA": [
            "Nilai LKE PMPRB Perangkat Daerah", "-", "2.331.560.450", "", "3.394.397.353"],
        "Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah": [
            "Jumlah dokumen perencanaan penganggaran dan evaluasi kinerja perangkat daerah", "0", "76.414.920",
            "0", "16.782.400"],
    }),
])
def test_quarterly_renja_form_rows(processed, name, rows):
    doc = processed(CORPUS / "quarterly" / name)
    assert doc.classification.doc_type == "laporan_triwulan"
    big = max(doc.tables, key=lambda t: t.n_rows)
    # one wide table (K and Rp per quarter, responsible agency) continued over every page
    assert big.n_cols == 11 and big.pages == list(range(1, len(doc.pages) + 1)) and "continued" in big.flags
    assert _row_texts(big, 1)[2:10:2] == ["I", "II", "III", "IV"]
    assert _row_texts(big, 3)[2:10] == ["K", "Rp"] * 4
    agency = "DAMKAR" if "damkar" in name else "DINSOS"
    for first, want in rows.items():
        got = _row_texts(big, _find_row(big, first))
        assert got[0] == first
        if want[0] is not None:
            assert got[1] == want[0]
        assert got[2:6] == want[1:]
        assert got[10] == agency


@pytest.mark.corpus
def test_scanned_pk_target_table(processed):
    doc = processed(CORPUS / "pk" / "jabar-perjanjian-kinerja-tahun-2017-kabid-pembor.pdf")
    t = next(t for t in doc.tables if t.pages == [3])
    assert (t.method, t.extractor, t.n_cols) == ("ruled", "tesseract", 5)
    assert _row_texts(t, 0) == ["NO", "SASARAN", "INDIKATOR KINERJA", "SATUAN", "TARGET"]
    body = [_row_texts(t, r) for r in range(2, t.n_rows)]
    assert [r[4] for r in body] == ["18", "10.400", "3"]
    assert "minat masyarakat dalam berolahraga" in body[0][1]
    assert body[1][1] == ""  # the second indicator shares the first sasaran
    assert "Jumlah partisipasi masyarakat" in body[1][2]
    assert "Persen" in body[0][3] and "Orang" in body[1][3]
    assert all(c.confidence is not None for c in t.cells if c.text)
    x0, y0, x1, y1 = t.cells[0].bbox_px(300)
    assert x1 > x0 > 0 and y1 > y0 > 0


@pytest.mark.corpus
def test_sideways_scanned_iku_table(processed):
    """Page 2 of the Distan IKU is scanned turned 90 degrees: turned upright, then read."""
    doc = processed(CORPUS / "pk" / "jabar-iku-distan-2016.pdf")
    assert doc.pages[1].rotation in (90, 270)
    t = next(t for t in doc.tables if t.pages == [2] and t.method == "ruled")
    assert _row_texts(t, 0) == ["NO", "SASARAN STRATEGIS", "INDIKATOR KINERJA UTAMA", "PENJELASAN / FORMULASI",
                                "SUMBER DATA"]
    row = _row_texts(t, 1)
    assert row[0] == "1."
    assert row[1].startswith("Meningkatnya") and row[1].endswith("Hortikultura.")
    assert row[2].startswith("Jumlah Produksi Tanaman Pangan")
    assert "Badan Pusat Statistik" in row[4]


# ------------------------------------------------------------------ bad input
def _page(words=(), rulings=(), w=595.0, h=842.0, source="text_layer"):
    return PageResult(page_no=1, width_pt=w, height_pt=h, text_source=source, words=list(words),
                      rulings=list(rulings))


def _grid(x0, y0, cols, rows):
    out = [Ruling(x, y0, x, y0 + rows[-1]) for x in (x0 + c for c in cols)]
    out += [Ruling(x0, y, x0 + cols[-1], y) for y in (y0 + r for r in rows)]
    return out


def test_page_without_table_gives_no_table():
    words = [Word(w, BBox(50 + 40 * i, 100, 80 + 40 * i, 110)) for i, w in enumerate("Laporan kinerja triwulan".split())]
    assert extract_tables(_page(words)) == []
    assert extract_tables(_page()) == []


def test_empty_grid_is_flagged_not_dropped():
    t, = extract_tables(_page(rulings=_grid(100, 100, [0, 100, 200], [0, 20, 40, 60])))
    assert (t.n_rows, t.n_cols) == (3, 2)
    assert t.flags == ["empty_grid"]


def test_table_cut_by_page_edge_is_flagged():
    words = [Word("12", BBox(120, 805, 130, 815)), Word("Jumlah", BBox(20, 805, 60, 815))]
    t, = extract_tables(_page(words, _grid(10, 780, [0, 100, 200], [0, 20, 60])))
    assert "cut_at_page_edge" in t.flags
    assert t.cell_at(1, 1).text == "12"


def test_missing_border_becomes_a_span_not_a_hole():
    rulings = _grid(100, 100, [0, 100, 200, 300], [0, 20, 40])
    # drop the vertical line between columns 1 and 2 in the first row only: a merged header cell
    rulings = [r for r in rulings if not (r.x0 == 300 and r.horizontal is False)]
    rulings += [Ruling(300, 120, 300, 140)]
    words = [Word("Realisasi", BBox(210, 105, 260, 115)), Word("K", BBox(250, 125, 255, 135)),
             Word("Rp", BBox(350, 125, 360, 135))]
    t, = extract_tables(_page(words, rulings))
    head = t.cell_at(0, 1)
    assert (head.text, head.col_span, t.cell_at(0, 2) is head) == ("Realisasi", 2, True)
    assert t.cell_at(1, 1).text == "K" and t.cell_at(1, 2).text == "Rp"
    assert all(t.cell_at(r, c) is not None for r in range(t.n_rows) for c in range(t.n_cols))


def test_stitch_joins_continuation_and_drops_repeated_header():
    a = table_from_rows([["No", "Indikator", "Target"], ["1", "Jumlah dokumen", "3"]], page_no=1)
    b = table_from_rows([["No", "Indikator", "Target"], ["2", "Persentase", "80%"]], page_no=2)
    a.bbox = (40, 500, 500, 800)
    b.bbox = (40, 40, 500, 200)
    t, = stitch([a, b], {1: 842.0, 2: 842.0})
    assert t.pages == [1, 2] and t.n_rows == 3
    assert [c.text for c in t.cells if c.row == 2] == ["2", "Persentase", "80%"]
    assert "repeated_header_dropped" in t.flags


def test_stacked_targets_split_their_row_at_the_items():
    """One ruled row holding two indicators with their targets stacked, each
    target level with the first line of its indicator; the sasaran beside
    them spans the row. The virtual rule goes just above the second target,
    through the indicator and target cells only."""
    rulings = _grid(100, 100, [0, 100, 250, 300], [0, 20, 80])
    def w(text, x, y):
        return Word(text, BBox(x, y, x + 6 * len(text), y + 8))
    words = [w("Sasaran", 105, 122), w("Persentase", 205, 122), w("layanan", 205, 132), w("tepat", 205, 142),
             w("Jumlah", 205, 155), w("aduan", 205, 165), w("80%", 360, 122), w("≤", 360, 155), w("5", 370, 155)]
    t, = extract_tables(_page(words, rulings))
    assert t.n_rows == 3
    assert [t.cell_at(r, 1).text.replace("\n", " ") for r in (1, 2)] == ["Persentase layanan tepat", "Jumlah aduan"]
    assert [t.cell_at(r, 2).text for r in (1, 2)] == ["80%", "≤ 5"]
    assert t.cell_at(1, 0) is t.cell_at(2, 0) and t.cell_at(1, 0).row_span == 2


def test_numbers_as_printed():
    assert all(is_number(s) for s in ["1.250", "12,5%", "(3)", "Rp 1.000", "-", "0", "≤ 4", "maks. 5", "s4"])
    assert not any(is_number(s) for s in ["Jumlah", "TW I", "7 hari"])


def test_grid_detection_survives_broken_faint_skewed_lines():
    """A drawn 4 x 3 grid at 300 dpi: grey lines, gaps in every line, 1 degree of skew."""
    img = np.full((1200, 1600), 255, np.uint8)
    xs, ys = [100, 500, 900, 1300, 1500], [100, 300, 500, 700]
    for x in xs:
        for y0 in range(100, 700, 60):
            cv2.line(img, (x, y0), (x, y0 + 50), 150, 3)
    for y in ys:
        for x0 in range(100, 1500, 70):
            cv2.line(img, (x0, y), (x0 + 62, y), 150, 3)
    m = cv2.getRotationMatrix2D((800, 600), 1.0, 1.0)
    img = cv2.warpAffine(img, m, (1600, 1200), borderValue=255)
    rulings = detect_rulings(img, 300)
    page = _page(rulings=rulings, w=1600 * 72 / 300, h=1200 * 72 / 300, source="ocr")
    t, = extract_tables(page)
    assert (t.n_rows, t.n_cols) == (3, 4)


def test_bold_text_rows_are_not_rulings():
    """Lines of bold text (200 dpi, tight leading) leave long runs once the gaps
    between letters are closed; they are not rulings (ICDAR eu-001 read a ruling
    through every row of its shaded first column). The table's own rules stay."""
    img = np.full((700, 1400), 255, np.uint8)
    for i in range(8):
        y = 120 + i * 45
        cv2.putText(img, "Hydro-fluorocarbons (HFCs) 100 000", (60, y), cv2.FONT_HERSHEY_DUPLEX, 1.1, 0, 3)
    cv2.line(img, (40, 60), (1360, 60), 0, 2)      # the table's top and bottom rules
    cv2.line(img, (40, 520), (1360, 520), 0, 2)
    rulings = detect_rulings(img, 200)
    horizontal = sorted(round(r.y0 * 200 / 72) for r in rulings if r.y0 == r.y1)
    assert horizontal == [60, 520]


def test_page_that_is_only_a_photo_gives_no_table(settings):
    """A photograph (smooth shapes and texture, no print) is not a table."""
    from pipeline.pages import ocr_page
    from pipeline.process import make_ocr

    rng = np.random.default_rng(7)
    img = cv2.GaussianBlur(rng.integers(0, 255, (900, 1200, 3), dtype=np.uint8), (0, 0), 25)
    img = cv2.normalize(img, None, 0, 255, cv2.NORM_MINMAX)
    cv2.circle(img, (600, 450), 200, (30, 90, 160), -1)
    page = ocr_page(img, 150, 1, settings, make_ocr(settings))
    assert page.tables == []


def _rulings_by_labelling(gray: np.ndarray, dpi: int) -> set:
    """The rule of :func:`extractors.grid.detect_rulings` applied by labelling
    every pixel of the page (how it was done before contours): the oracle."""
    from extractors import grid

    ink = grid.ink_mask(gray)
    k = dpi / 72
    out = set()
    for horizontal in (True, False):
        mask = grid._directional(ink, k, horizontal)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        for i in range(1, n):
            x, y, w, h, _a = (int(v) for v in stats[i])
            length, thick = (w, h) if horizontal else (h, w)
            if length < grid.MIN_RULING_PT * k or thick > grid.MAX_THICKNESS_PT * k + 3 + 0.027 * length:
                continue
            comp, under = labels[y:y + h, x:x + w] == i, ink[y:y + h, x:x + w]
            stroke, solid = grid._stroke(comp if horizontal else comp.T, under if horizontal else under.T)
            if stroke > grid.MAX_STROKE_PT * k + 3 or solid < grid.MIN_SOLIDITY:
                continue
            s = 72 / dpi
            out.add(Ruling(x * s, (y + h / 2) * s, (x + w) * s, (y + h / 2) * s) if horizontal
                    else Ruling((x + w / 2) * s, y * s, (x + w / 2) * s, (y + h) * s))
    return out


@pytest.mark.parametrize("name, page", [("pk/jabar-datapk-pk-tahun-2016.pdf", 1),
                                        ("sop/landak-sop-izin-pembukaan-kantor-cabang-koperasi-simpan-pinjam.pdf", 0)])
def test_rulings_from_contours_equal_labelling_the_page(corpus, name, page):
    """Real scans with many rulings (a PK target table, an SOP flowchart): the
    contour search finds exactly the rulings that labelling the page finds,
    rows first, then columns."""
    from extractors.render import PdfRenderer

    with PdfRenderer(corpus / name) as r:
        gray = cv2.cvtColor(r.render(page, 300), cv2.COLOR_RGB2GRAY)
    found = detect_rulings(gray, 300)
    assert len(found) > 15
    assert set(found) == _rulings_by_labelling(gray, 300) and len(set(found)) == len(found)
    horizontal = [r for r in found if r.y0 == r.y1]
    assert found[:len(horizontal)] == horizontal              # rows first, then columns
