"""Consolidated recap views, workbook and PDF: given these reports and this
indicator file, the report views return exactly these rows (every expected
figure below is worked out by hand from DOMAIN.md's rules, in the comments).

The fixture year: the secretariat's indicator file sets six indicators of
BIDANG UJI COBA (cumulative, negative 2T-R, T/R, ratio, range target, target 0)
and one of BIDANG TANPA LAPORAN, which never reports. Reports arrive for TW I,
TW II (twice: the older version is superseded) and TW IV; TW III is missing.
"""
from __future__ import annotations

import subprocess
from datetime import datetime

import pytest

FILE = """tahun;opd;unit;sasaran;indikator;satuan;target;target_tw1;target_tw2;target_tw3;target_tw4;polaritas;rumus;agregasi
2024;DINAS CONTOH;BIDANG UJI COBA;Meningkatnya kapasitas SDM;Jumlah peserta pelatihan;orang;40;10;10;10;10;positif;;kumulatif
2024;DINAS CONTOH;BIDANG UJI COBA;Menurunnya masalah gizi;Persentase kasus gizi buruk;%;5;5;5;5;5;negatif;negative_2t;nilai_terakhir
2024;DINAS CONTOH;BIDANG UJI COBA;Meningkatnya kualitas layanan;Waktu rata-rata layanan perizinan;hari;4;4;4;4;4;negatif;target_over_realisasi;nilai_terakhir
2024;DINAS CONTOH;BIDANG UJI COBA;Meningkatnya kualitas layanan;Rasio guru terhadap murid;rasio;20;20;20;20;20;positif;;rasio
2024;DINAS CONTOH;BIDANG UJI COBA;Meningkatnya kualitas layanan;Indeks kepuasan masyarakat;indeks;80-90;-;-;-;80-90;positif;;nilai_terakhir
2024;DINAS CONTOH;BIDANG UJI COBA;Meningkatnya kapasitas SDM;Jumlah sekolah baru;unit;0;0;0;0;0;positif;;kumulatif
2024;DINAS CONTOH;BIDANG TANPA LAPORAN;Meningkatnya arsip tertib;Jumlah arsip yang ditata;berkas;100;25;25;25;25;positif;;kumulatif
"""
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
#: realisations per quarter as printed (target per quarter as in the file)
REPORTS = {
    1: {"Jumlah peserta pelatihan": "8", "Persentase kasus gizi buruk": "6", "Waktu rata-rata layanan perizinan": "5",
        "Rasio guru terhadap murid": "18", "Indeks kepuasan masyarakat": "-", "Jumlah sekolah baru": "0"},
    2: {"Jumlah peserta pelatihan": "12", "Persentase kasus gizi buruk": "4", "Waktu rata-rata layanan perizinan": "4",
        "Rasio guru terhadap murid": "19", "Indeks kepuasan masyarakat": "-", "Jumlah sekolah baru": "-"},
    4: {"Jumlah peserta pelatihan": "15", "Persentase kasus gizi buruk": "3", "Waktu rata-rata layanan perizinan": "1",
        "Rasio guru terhadap murid": "21", "Indeks kepuasan masyarakat": "92", "Jumlah sekolah baru": "1"},
}
TARGETS = {"Jumlah peserta pelatihan": ("orang", "10"), "Persentase kasus gizi buruk": ("%", "5"),
           "Waktu rata-rata layanan perizinan": ("hari", "4"), "Rasio guru terhadap murid": ("rasio", "20"),
           "Indeks kepuasan masyarakat": ("indeks", None), "Jumlah sekolah baru": ("unit", "0")}


def _report(q: int, values: dict[str, str], name: str):
    from pipeline.models import Classification, DocumentResult
    from pipeline.performance import parse_performance
    from pipeline.tables import table_from_rows

    rows = [["No", "Indikator Kinerja", "Satuan", f"Target TW {ROMAN[q]}", f"Realisasi TW {ROMAN[q]}"]]
    for k, (ind, real) in enumerate(values.items(), 1):
        satuan, target = TARGETS[ind]
        target = target if target is not None else ("80-90" if q == 4 else "-")
        rows.append([str(k), ind, satuan, target, real])
    title = f"LAPORAN KINERJA TRIWULAN {ROMAN[q]} TAHUN 2024\nBIDANG UJI COBA\nDINAS CONTOH"
    perf = parse_performance("laporan_triwulan", [table_from_rows(rows)], [], [title], name)
    assert perf.flags == [] and perf.quarter == q and perf.unit == "BIDANG UJI COBA"
    return DocumentResult(sha256=name.ljust(64, "0")[:64], original_name=name, file_type="pdf", size_bytes=1, pages=[],
                          classification=Classification(doc_type="laporan_triwulan", score=1.0), performance=perf,
                          year=2024)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    from flows.process_inbox import refresh_indicators
    from pipeline.catalogue import read_indicator_file
    from pipeline.config import Settings
    from warehouse.store import Warehouse

    tmp = tmp_path_factory.mktemp("rekap")
    wh = Warehouse(tmp / "kinerja.duckdb")
    wh.migrate()
    settings = Settings(home=tmp)
    wh.set_bands(settings.bands())
    wh.set_deadlines(settings.deadline_days())
    (tmp / "indikator.csv").write_text(FILE, encoding="utf-8")
    wh.import_indicator_file("indikator.csv", "x", read_indicator_file(tmp / "indikator.csv", 1))
    wh.load_document(_report(1, REPORTS[1], "tw1.pdf"), "a", datetime(2024, 4, 5), "r")
    wh.load_document(_report(2, {**REPORTS[2], "Jumlah peserta pelatihan": "99"}, "tw2-lama.pdf"), "b",
                     datetime(2024, 7, 1), "r")
    wh.load_document(_report(2, REPORTS[2], "tw2-revisi.pdf"), "c", datetime(2024, 7, 8), "r")
    wh.load_document(_report(4, REPORTS[4], "tw4.pdf"), "d", datetime(2025, 1, 6), "r")
    refresh_indicators(wh.path, "m")
    return wh


def _q(wh, sql, params=()):
    with wh.connect(read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def test_every_report_row_maps_to_its_indicator(warehouse):
    assert _q(warehouse, "SELECT DISTINCT match_status FROM rpt_realisasi_triwulan") == [("matched",)]


def test_rekap_triwulan(warehouse):
    got = _q(warehouse, """SELECT indicator, quarter, target, realisasi, capaian, capaian_clamped, band, status, source_document
                           FROM rpt_rekap_triwulan WHERE unit = 'BIDANG UJI COBA' ORDER BY indicator, quarter""")
    by = {(r[0], r[1]): r[2:] for r in got}
    # cumulative count, positive: 8/10; TW II from the newer version (12, not 99): 12/10; TW III nothing arrived
    assert by[("Jumlah peserta pelatihan", 1)] == (10, 8, 80.0, 80.0, "Tinggi", "extracted", "tw1.pdf")
    assert by[("Jumlah peserta pelatihan", 2)] == (10, 12, 120.0, 120.0, "Sangat Tinggi", "extracted", "tw2-revisi.pdf")
    assert by[("Jumlah peserta pelatihan", 3)] == (10, None, None, None, None, "no_data", None)
    # negative polarity, (2T - R) / T: (10 - 6) / 5 = 80 %, (10 - 3) / 5 = 140 %
    assert by[("Persentase kasus gizi buruk", 1)][:3] == (5, 6, 80.0)
    assert by[("Persentase kasus gizi buruk", 4)][:3] == (5, 3, 140.0)
    # T / R: 4 / 5 = 80 %; 4 / 1 = 400 % raw, 200 % clamped
    assert by[("Waktu rata-rata layanan perizinan", 1)][:4] == (4, 5, 80.0, 80.0)
    assert by[("Waktu rata-rata layanan perizinan", 4)][:5] == (4, 1, 400.0, 200.0, "Sangat Tinggi")
    # range target 80-90: '-' quarters are not measured; 92 is above the range: 92 / 90
    assert by[("Indeks kepuasan masyarakat", 1)] == (None, None, None, None, None, "not_measured", "tw1.pdf")
    assert by[("Indeks kepuasan masyarakat", 4)][:3] == (90, 92, 102.22)
    # target 0: no capaian (never 0 %, never a division error); 0 realised is a value, '-' is none
    assert by[("Jumlah sekolah baru", 1)][:4] == (0, 0, None, None)
    assert by[("Jumlah sekolah baru", 2)][:4] == (0, None, None, None)


def test_rekap_semester(warehouse):
    got = _q(warehouse, """SELECT indicator, semester, target, realisasi, capaian, quarters_reported, quarters_missing,
                                  missing_quarter, status
                           FROM rpt_rekap_semester WHERE unit = 'BIDANG UJI COBA' ORDER BY indicator, semester""")
    by = {(r[0], r[1]): r[2:] for r in got}
    # cumulative: S I = (8 + 12) / (10 + 10); S II only TW IV has both: 15 / 10, TW III flagged missing
    assert by[("Jumlah peserta pelatihan", 1)] == (20, 20, 100.0, [1, 2], [], False, "extracted")
    assert by[("Jumlah peserta pelatihan", 2)] == (10, 15, 150.0, [4], [3], True, "extracted")
    # last value: S I takes TW II (R 4 against T 5, negative: 120 %), never the sum or the mean
    assert by[("Persentase kasus gizi buruk", 1)][:3] == (5, 4, 120.0)
    # measured in no quarter of S I: said so, no capaian
    assert by[("Indeks kepuasan masyarakat", 1)] == (None, None, None, [], [], False, "not_measured")
    # target 0: TW I reported 0, TW II printed '-' (no value, so missing), no capaian
    assert by[("Jumlah sekolah baru", 1)] == (0, 0, None, [1], [2], True, "extracted")


def test_rekap_tahunan(warehouse):
    got = _q(warehouse, """SELECT indicator, target, realisasi, planned_target, capaian, capaian_clamped, band,
                                  quarters_reported, quarters_missing, note
                           FROM rpt_rekap_tahunan ORDER BY unit, indicator""")
    by = {r[0]: r[1:] for r in got}
    # cumulative over the quarters with both figures: (8 + 12 + 15) / (10 + 10 + 10); the plan was 40
    assert by["Jumlah peserta pelatihan"][:8] == (30, 35, 40, 116.67, 116.67, "Sangat Tinggi", [1, 2, 4], [3])
    assert "Belum ada realisasi TW III" in by["Jumlah peserta pelatihan"][8]
    assert by["Persentase kasus gizi buruk"][:2] == (5, 3) and by["Persentase kasus gizi buruk"][3] == 140.0
    assert by["Waktu rata-rata layanan perizinan"][3:5] == (400.0, 200.0)
    # ratio: the forms carry no numerator/denominator, so the last value is used and the note says so
    assert by["Rasio guru terhadap murid"][:2] == (20, 21) and by["Rasio guru terhadap murid"][3] == 105.0
    assert "Rasio" in by["Rasio guru terhadap murid"][8]
    assert by["Indeks kepuasan masyarakat"][:2] == (90, 92) and by["Indeks kepuasan masyarakat"][3] == 102.22
    assert by["Jumlah sekolah baru"][3] is None and "Target 0" in by["Jumlah sekolah baru"][8]
    # a unit with targets but no report: the planned target, no realisation, no capaian (not 0 %), and why
    assert by["Jumlah arsip yang ditata"][:5] == (100, None, 100, None, None)
    assert by["Jumlah arsip yang ditata"][7] == [1, 2, 3, 4]
    assert by["Jumlah arsip yang ditata"][8] == "Belum ada realisasi TW I, TW II, TW III, TW IV"


def test_capaian_sasaran_and_kelengkapan(warehouse):
    rows = _q(warehouse, """SELECT no, sasaran, indicator, capaian FROM rpt_capaian_sasaran
                            WHERE period = 'Y' AND unit = 'BIDANG UJI COBA' ORDER BY no, indicator""")
    assert [(r[0], r[1]) for r in rows][:3] == [(1, "Meningkatnya kapasitas SDM")] * 2 + [(2, "Meningkatnya kualitas layanan")]
    kel = _q(warehouse, """SELECT unit, dokumen, due_date::VARCHAR, status, original_name FROM rpt_kelengkapan
                           ORDER BY unit, due_date, document""")
    uji = [r for r in kel if r[0] == "BIDANG UJI COBA"]
    assert [(r[1], r[2], r[3], r[4]) for r in uji] == [
        ("Perjanjian Kinerja", "2024-01-31", "belum diterima", None),
        ("Rencana Aksi", "2024-01-31", "belum diterima", None),
        ("Laporan Kinerja Triwulan I", "2024-04-10", "tepat waktu", "tw1.pdf"),
        ("Laporan Kinerja Triwulan II", "2024-07-10", "tepat waktu", "tw2-revisi.pdf"),
        ("Laporan Kinerja Triwulan III", "2024-10-10", "belum diterima", None),
        ("Laporan Kinerja Triwulan IV", "2025-01-10", "tepat waktu", "tw4.pdf")]
    # the unit with a catalogue but no documents owes all six
    assert [r[3] for r in kel if r[0] == "BIDANG TANPA LAPORAN"] == ["belum diterima"] * 6


def test_workbook_and_pdf(warehouse, tmp_path):
    import duckdb
    from openpyxl import load_workbook

    from warehouse.exporters import write_report

    con = duckdb.connect(str(warehouse.path), read_only=True)
    try:
        xlsx, pdf = write_report(con, 2024, "S2", tmp_path)
        empty_xlsx, _ = write_report(con, 2019, "TW1", tmp_path)
    finally:
        con.close()
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["Capaian Sasaran", "Rekap", "Kelengkapan", "Perlu Diperiksa", "Sumber Data"]
    ws = wb["Rekap"]
    assert ws["A2"].value == "Rekap Semester II per Indikator"
    assert ws.freeze_panes == "A4"
    header = [c.value for c in ws[3]]
    assert header[:8] == ["Unit", "Indikator Kinerja", "Agregasi", "Polaritas", "Target", "Realisasi", "Capaian (%)",
                          "Capaian 0-200 (%)"]
    row = next(r for r in ws.iter_rows(min_row=4, values_only=False) if r[1].value == "Jumlah peserta pelatihan")
    assert (row[4].value, row[5].value, row[6].value) == (10, 15, 150.0)
    assert row[6].number_format == "#,##0.00"
    assert "TW 4" in row[9].value
    assert load_workbook(empty_xlsx)["Capaian Sasaran"]["A4"].value == "Tidak ada data untuk periode ini."
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(png)], check=True)
    from PIL import Image
    import numpy as np
    page = np.asarray(Image.open(next(tmp_path.glob("page*.png"))).convert("L"))
    assert (page < 128).mean() > 0.01          # text and table rules, not a blank page


def test_snapshot_of_the_views_reads_the_same_reports(warehouse):
    """consolidate evaluates the report views once per run (temporary tables
    shadowing them on its connection): every period's report must read the same
    from the snapshot as from the views, and the file must be left as it was."""
    import duckdb

    from warehouse.exporters import REPORT_VIEWS, load_report, periods_with_data, snapshot_report_views

    con = duckdb.connect(str(warehouse.path), read_only=True)
    try:
        periods = periods_with_data(con)
        # the fixture reports TW1, TW2 and TW4 (no TW3): those quarters, both semesters and the year
        assert periods == [(2024, "TW1"), (2024, "TW2"), (2024, "TW4"), (2024, "S1"), (2024, "S2"), (2024, "Y")]
        before = [load_report(con, y, p) for y, p in periods]
        snapshot_report_views(con)
        temp = {n for (n,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()}
        assert temp == set(REPORT_VIEWS)
        after = [load_report(con, y, p) for y, p in periods]
    finally:
        con.close()
    assert after == before
    assert any(s.rows for r in before for s in r.sections)


def test_pdf_cells_fit_their_columns(warehouse, tmp_path):
    """Short values are drawn as plain cell text, longer ones wrap as
    paragraphs: either way every character of the capaian table stays inside
    its column, and the row reads as the report view gives it."""
    import duckdb
    import pdfplumber
    from reportlab.platypus import Paragraph

    from warehouse.exporters import write_report
    from warehouse.pdf_report import _cell

    assert _cell("150,00", 45) == "150,00"
    assert isinstance(_cell("Waktu rata-rata layanan perizinan yang diselesaikan tepat waktu", 45), Paragraph)
    assert isinstance(_cell("dua\nbaris", 400), Paragraph)
    con = duckdb.connect(str(warehouse.path), read_only=True)
    try:
        _xlsx, pdf_path = write_report(con, 2024, "TW1", tmp_path)
    finally:
        con.close()
    with pdfplumber.open(pdf_path) as pdf:
        page = pdf.pages[0]
        text = page.extract_text()
        tables = [t for t in page.find_tables() if len(t.columns) >= 10]    # the capaian table, not the chart
        assert len(tables) == 1
        for table in tables:
            x0, top, x1, bottom = table.bbox
            rules = sorted({round(c[0], 1) for c in table.cells} | {round(c[2], 1) for c in table.cells})
            inside = [ch for ch in page.chars if top <= ch["top"] and ch["bottom"] <= bottom]
            assert inside
            for ch in inside:       # within the table, and across no column rule
                assert x0 <= ch["x0"] and ch["x1"] <= x1 + 0.5, ch["text"]
                assert not any(ch["x0"] < x - 0.5 and x + 0.5 < ch["x1"] for x in rules), ch["text"]
    # target 10, realisation 8, capaian 80 % (Tinggi), as test_rekap_triwulan works out; a long note wraps
    assert "Jumlah peserta pelatihan orang 10 8 80 Tinggi" in text
    assert "Target 0: capaian tidak\ndapat dihitung" in text


def test_recaps_are_rewritten_only_when_what_they_show_changed(warehouse, tmp_path):
    """consolidate's refresh: a second pass over unchanged data writes nothing;
    a new version of the TW IV report rewrites the periods that include TW IV
    (TW4, S2, Y) and leaves TW1, TW2 and S1 as they were; a deleted file is
    written again."""
    import shutil

    import duckdb

    from flows.process_inbox import refresh_indicators
    from warehouse.exporters import periods_with_data, recap_lock, refresh_report
    from warehouse.store import Warehouse

    db = tmp_path / "kinerja.duckdb"
    shutil.copy(warehouse.path, db)
    out = tmp_path / "outputs"

    def refresh() -> dict[str, bool]:
        con = duckdb.connect(str(db), read_only=True)
        try:
            with recap_lock(out):
                return {p: refresh_report(con, y, p, out)[1] for y, p in periods_with_data(con)}
        finally:
            con.close()

    assert refresh() == dict.fromkeys(["TW1", "TW2", "TW4", "S1", "S2", "Y"], True)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.glob("rekap-*")}
    assert len(stamps) == 12
    assert not any(refresh().values())
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("rekap-*")} == stamps

    wh = Warehouse(db)
    wh.load_document(_report(4, {**REPORTS[4], "Jumlah peserta pelatihan": "16"}, "tw4-revisi.pdf"), "e",
                     datetime(2025, 1, 8), "r")
    refresh_indicators(db, "m2")
    assert refresh() == {"TW1": False, "TW2": False, "TW4": True, "S1": False, "S2": True, "Y": True}
    (out / "rekap-2024-tw1.pdf").unlink()
    assert refresh() == {"TW1": True, "TW2": False, "TW4": False, "S1": False, "S2": False, "Y": False}
    assert (out / "rekap-2024-tw1.pdf").exists()
