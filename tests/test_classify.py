"""Classification on real documents' text (born-digital, so no OCR is needed)."""
import pytest

from pipeline.classify import classify


@pytest.mark.corpus
@pytest.mark.parametrize("path,expected", [
    ("renaksi/jabar-16-lampiran-3d-monev-rencana-aksi.pdf", "monev"),
    ("renaksi/jabar-lampiran-3-rencana-aksi.pdf", "rencana_aksi"),
    ("quarterly/tangsel-triwulan-2023-damkar.pdf", "laporan_triwulan"),
    ("pk/jabar-perjanjian-kinerja-tahun-2016-museum.pdf", "perjanjian_kinerja"),
    ("lkip/jabar-04-lkip-bab-iii.pdf", "lkjip"),
])
def test_real_documents(corpus, process, path, expected):
    doc = process(corpus / path)
    assert doc.classification.doc_type == expected
    assert doc.classification.evidence and doc.classification.evidence[0].startswith(expected)


def test_unrelated_text_is_unknown():
    c = classify(["Daftar hadir rapat koordinasi\nNama  Jabatan  Tanda tangan"])
    assert c.doc_type == "unknown" and c.score == 0.0
