"""SOP identity sheet: golden files for the real transcriptions in ../shared/seeds
(expected values read off the seed texts), the born-digital and the scanned real
SOPs of ../shared/corpus/sop (values read off the page images), and the samples."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.layout import lines_from_transcription
from pipeline.sop_header import ALL_FIELDS, boxes_found, parse_sop_header

from .conftest import SAMPLES

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("golden", sorted(GOLDEN.glob("seed_*.json")), ids=lambda p: p.stem)
def test_seed_transcriptions_match_golden(golden, seeds):
    want = json.loads(golden.read_text(encoding="utf-8"))
    h = parse_sop_header(lines_from_transcription((seeds / want["seed"]).read_text(encoding="utf-8")), 1, "transcription")
    assert h is not None
    assert {k: h.value(k) for k in ALL_FIELDS} == want["fields"]
    assert (h.nip_check.status if h.nip_check else None) == want["nip_status"]
    assert boxes_found(h) == want["boxes"]


def test_seed_004_flags_its_broken_nip(seeds):
    h = parse_sop_header(lines_from_transcription((seeds / "004_6f8ba94fe23cb97a.txt").read_text()), 1, "t")
    assert h.fields["disahkan_nip"].flag == "invalid"
    assert h.fields["disahkan_nip"].raw == "1969024199003 2 002"


def test_seed_003_raw_ocr_invents_nothing(seeds):
    # seed 003 is raw OCR of a scan: number, dates and signatory are not legible in it
    h = parse_sop_header(lines_from_transcription((seeds / "003_1b4948cee6be71a0.txt").read_text()), 1, "t")
    assert h is not None
    for f in ("nomor_sop", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "disahkan_nip"):
        assert h.value(f) is None


def test_page_without_labels_is_not_an_identity_sheet():
    assert parse_sop_header(lines_from_transcription("LAPORAN KINERJA\nTriwulan I 2024\n"), 1, "t") is None


@pytest.mark.corpus
def test_born_digital_jabar_sop(corpus, process):
    doc = process(corpus / "sop" / "jabar-lampiran-4-mekanisme-pengumpulan-data-kinerja.pdf")
    assert doc.classification.doc_type == "sop"
    assert [p.text_source for p in doc.pages] == ["text_layer", "text_layer"]
    h = doc.sop_header
    assert h.page_no == 1
    assert h.value("agency") == "INSPEKTORAT PROVINSI JAWA BARAT"
    assert h.value("nomor_sop") == "3.6.2013"
    assert h.value("tanggal_pembuatan") == "2013-10-01"
    assert h.value("tanggal_revisi") == "2014-01-29"
    assert h.value("tanggal_efektif") == "2014-02-03"
    assert h.value("nama_sop") == "PENGUMPULAN DATA KINERJA"
    assert h.value("disahkan_jabatan") == "INSPEKTUR PROVINSI JAWA BARAT"
    assert h.value("disahkan_nama") is None and h.value("disahkan_nip") is None  # not printed on the form
    dh = h.box("dasar_hukum")
    assert len(dh) == 6
    assert dh[0].startswith("Peraturan Pemerintah Nomor 8 Tahun 2006 tentang Pelaporan Keuangan")
    assert dh[5].endswith("Implementasi Sistem Akuntabilitas Kinerja Instansi Pemerintah")
    assert h.box("kualifikasi_pelaksana") == ["Memiliki kemampuan menganalisa kebijakan",
                                               "Memiliki Kemampuan mengoperasikan Komputer",
                                               "Memiliki kemampuan menyusun Kalender Kegiatan"]
    assert h.box("peralatan_perlengkapan") == ["ATK", "Laptop/Infocus"]
    assert h.box("keterkaitan") == [] and h.box("peringatan") == [] and h.box("pencatatan_pendataan") == []
    # provenance: page and bbox in PDF points on the 936 x 612 pt page
    f = h.fields["nomor_sop"]
    assert f.provenance.page_no == 1 and f.provenance.extractor == "pdfium"
    x0, y0, x1, y1 = f.provenance.bbox
    assert 500 < x0 < x1 < 936 and 0 < y0 < y1 < 100


@pytest.mark.corpus
def test_scanned_landak_sop(corpus, process):
    doc = process(corpus / "sop" / "landak-sop-izin-pembukaan-kantor-cabang-koperasi-simpan-pinjam.pdf")
    assert doc.classification.doc_type == "sop"
    assert [p.text_source for p in doc.pages] == ["ocr", "ocr", "ocr"]   # no text layer
    h = doc.sop_header
    assert h.page_no == 3   # the identity sheet comes last in this file
    assert h.value("agency") == ("PEMERINTAH KABUPATEN LANDAK DINAS PENANAMAN MODAL PELAYANAN TERPADU SATU PINTU "
                                 "DAN TENAGA KERJA")
    assert h.value("nomor_sop") == "42"
    # the three dates are printed blank on the form: null, not invented
    assert h.value("tanggal_pembuatan") is None and h.value("tanggal_revisi") is None
    assert h.value("tanggal_efektif") is None
    assert h.value("nama_sop") == "IZIN PEMBUKAAN KANTOR CABANG KOPERASI SIMPAN PINJAM"
    # printed under the purple stamp and crossed by the green signature
    assert h.value("disahkan_jabatan") == "BUPATI LANDAK"
    assert h.value("disahkan_nama") == "KAROLIN MARGRET NATASA"
    assert h.value("disahkan_nip") is None               # a Bupati has no NIP
    dh = h.box("dasar_hukum")
    assert len(dh) == 5
    assert dh[0] == "Undang-Undang Nomor 25 Tahun 1992 tentang Perkoperasian"
    assert dh[1].startswith("Peraturan Pemerintah Nomor 24 Tahun 2018")
    kp = h.box("kualifikasi_pelaksana")
    assert kp[:4] == ["Paham tentang syarat administrasi pendaftaran Izin berusaha.", "Memiliki hak akses untuk OSS",
                      "Mampu mengoperasikan komputer", "Mampu menjalankan system aplikasi"]
    assert h.fields["nomor_sop"].provenance.extractor == "tesseract"
    assert h.fields["nomor_sop"].provenance.confidence > 80


def _truth(name: str) -> dict:
    return json.loads((SAMPLES / "truth" / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["sop-pelaporan-kinerja-digital.pdf", "sop-pengelolaan-arsip-digital.pdf",
                                  "sop-pengelolaan-arsip-scan.tiff", "sop-pelaporan-kinerja-scan.pdf"])
def test_samples_against_ground_truth(name, process):
    t = _truth(name)
    doc = process(SAMPLES / "inbox" / name)
    h = doc.sop_header
    assert doc.classification.doc_type == "sop" and h is not None
    fields = ["agency", "nomor_sop", "nama_sop", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif",
              "disahkan_jabatan", "disahkan_nama", "disahkan_nip"]
    if not name.endswith("scan.pdf"):   # OCR drops the 'I' of 'Tingkat I' on that scan
        fields.append("disahkan_pangkat")
    assert {f: h.value(f) for f in fields} == {f: t[f] for f in fields}
    assert boxes_found(h) == t["boxes"]


def test_scanned_sample_pages_are_deskewed(process):
    doc = process(SAMPLES / "inbox" / "sop-pengelolaan-arsip-scan.tiff")
    # the generator skewed the pages by 1.2 and -0.7 degrees
    assert [round(p.skew_angle, 1) for p in doc.pages] == [-1.2, 0.7]
    assert all(p.dpi == 200 for p in doc.pages)   # the TIFF's recorded dpi (200-400 dpi is OCR-ed as is)


def test_phone_photo_is_rectified_and_classified(process):
    doc = process(SAMPLES / "inbox" / "sop-pengelolaan-arsip-photo.jpg")
    page = doc.pages[0]
    assert "photo: sheet outline rectified" in page.notes
    assert doc.classification.doc_type == "sop"
    t = _truth("sop-pengelolaan-arsip-photo.jpg")
    fields = ["agency", "nomor_sop", "nama_sop", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif",
              "disahkan_jabatan", "disahkan_nama", "disahkan_pangkat", "disahkan_nip"]
    assert {f: doc.sop_header.value(f) for f in fields} == {f: t[f] for f in fields}
