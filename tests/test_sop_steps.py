"""SOP flowchart steps: the born-digital Jabar SOP and the scanned Landak SOP
(values read off the page images by eye), the seed transcriptions (no
symbols), the samples against their generator's ground truth, and the rules
for durations and roles."""
from __future__ import annotations

import json

import pytest

from pipeline.durations import parse_duration, to_minutes
from pipeline.roles import canonical_role
from pipeline.sop_steps import parse_sop_steps
from pipeline.tables import tables_from_transcription

from .conftest import CORPUS, SAMPLES


def _who(step):
    return [(p.role_label, p.role, p.symbol) for p in step.performers]


@pytest.mark.corpus
def test_born_digital_jabar_sop_steps(processed):
    doc = processed(CORPUS / "sop" / "jabar-lampiran-4-mekanisme-pengumpulan-data-kinerja.pdf")
    steps = doc.sop_steps
    assert [s.step_no for s in steps] == [1, 2, 3, 4, 5, 6, 7]
    assert steps[0].kegiatan == "Menugaskan menyusun laporan data kinerja Inspektorat setiap triwulan"
    assert [_who(s) for s in steps] == [
        [("INSPEKTUR", "kepala_dinas", "terminator")],
        [("SEKRETARIS /INSPEKTUR PEMBANTU", "sekretaris", "process")],
        [("KASUBAG/PPTK", "kasubag", "process")],
        [("BENDAHARA KEUANGAN", "staf", "process")],
        [("KASUBAG/PPTK", "kasubag", "decision")],
        [("TIM KERJA", "tim", "process")],
        [("INSPEKTUR", "kepala_dinas", "terminator")],
    ]
    assert [s.waktu_raw for s in steps] == ["1 hari", "1 hari", "2 hari", "2 hari", "2 hari", "5 hari", None]
    assert [s.duration_minutes for s in steps[:6]] == [450, 450, 900, 900, 900, 2250]
    assert steps[1].output == "Disposisi"
    assert steps[5].output == "Laporan Kinerja Triwulanan /Tahunan (LKIP)"
    assert steps[3].kelengkapan.startswith("Rekapitulasi dan laporan dari BPP")
    assert steps[6].flags == ["no_duration"]
    assert steps[0].provenance.page_no == 2 and steps[0].provenance.bbox is not None


@pytest.mark.corpus
def test_scanned_landak_sop_steps(processed):
    doc = processed(CORPUS / "sop" / "landak-sop-izin-pembukaan-kantor-cabang-koperasi-simpan-pinjam.pdf")
    steps = doc.sop_steps
    assert [s.step_no for s in steps] == [1, 2, 3, 4, 5, 6]
    assert steps[0].kegiatan == "Pemohon Membawa berkas"
    assert [(p.role, p.symbol) for p in steps[0].performers] == [("pemohon", "document")]
    assert [(p.role, p.symbol) for p in steps[1].performers] == [("pemohon", "process")]
    # step 4: the applicant fills in data, the front office returns incomplete files, the technical team recommends
    assert [(p.role_label, p.symbol) for p in steps[3].performers] == [
        ("Permohonan", "process"), ("Front Office", "document"), ("Tim Teknis/ Dinas Teknis", "document")]
    assert [(p.role_label, p.role, p.symbol) for p in steps[4].performers] == [("Front Office", "staf", "process")]
    assert [(p.role, p.symbol) for p in steps[5].performers] == [("kepala_dinas", "decision")]
    assert [s.duration_minutes for s in steps] == [10, 5, 10, 120, 30, 15]
    assert "Profil Perusahaan" in steps[0].kelengkapan
    assert "Username dan Password OSS" == steps[1].kelengkapan
    assert steps[1].output == "Beranda Aplikasi OSS"
    assert all(s.provenance.confidence is not None for s in steps)


def test_seed_transcriptions_give_steps_without_symbols(seeds):
    steps = parse_sop_steps(tables_from_transcription((seeds / "002_9817217ae80121af.txt").read_text()))
    assert [s.step_no for s in steps] == list(range(1, 10))
    assert all(s.performers == [] and "no_performer" in s.flags for s in steps)
    assert steps[3].kegiatan == "Mengoreksi bahan laporan kinerja"
    assert [s.waktu_raw for s in steps] == ["15 menit"] * 3 + ["1 jam", "6 jam", "1 jam", "6 jam", "1 jam", "6 jam"]
    assert sum(s.duration_minutes for s in steps) == 45 + 60 * 21
    assert steps[1].output == "Catatan pembagian tugas"


def test_seed_with_text_marks_and_repeated_header(seeds):
    steps = parse_sop_steps(tables_from_transcription((seeds / "000_d3e07cc3412ab670.txt").read_text()))
    assert [s.step_no for s in steps] == list(range(1, 10))  # the header repeated on page 2 is not a step
    assert [(p.role_label, p.symbol) for p in steps[0].performers] == [("Sekretaris Dinas", "terminator")]
    assert [p.role for p in steps[4].performers] == ["kasubag", "staf"]
    assert steps[6].waktu_raw == "5 Hari" and steps[6].duration_minutes == 5 * 450


@pytest.mark.parametrize("name", ["sop-pelaporan-kinerja-digital.pdf", "sop-pelaporan-kinerja-scan.pdf",
                                  "sop-pengelolaan-arsip-digital.pdf", "sop-pengelolaan-arsip-scan.tiff"])
def test_samples_steps_match_truth(processed, name):
    truth = json.loads((SAMPLES / "truth" / f"{name}.json").read_text(encoding="utf-8"))
    steps = processed(SAMPLES / "inbox" / name).sop_steps
    assert [s.step_no for s in steps] == [t["no"] for t in truth["steps"]]
    symbols = {"capsule": "terminator", "rect": "process", "diamond": "decision"}
    for s, t in zip(steps, truth["steps"]):
        assert [p.symbol for p in s.performers] == [symbols[t["symbol"]]]
        assert s.performers[0].role == canonical_role(t["role"])
        assert s.duration_minutes == parse_duration(t["waktu"]).minutes


@pytest.mark.parametrize("raw,minutes", [
    ("15 menit", 15), ("1 Jam", 60), ("2 Hari", 900), ("3 hari kerja", 1350), ("1 minggu", 2250),
    ("10 Menir", 10), ("1s Menit", 15), ("1-2 hari", 900), ("30'", 30)])
def test_durations(raw, minutes):
    assert parse_duration(raw).minutes == minutes


def test_duration_problems_are_said_not_guessed():
    assert parse_duration("") is None
    assert parse_duration("Tran").minutes is None and parse_duration("Tran").problem == "no number"
    assert parse_duration("2 1").problem == "unknown unit"
    assert parse_duration("1-2 hari").problem.startswith("range")
    assert to_minutes(1, "day", working_day_minutes=480) == 480


@pytest.mark.parametrize("label,role", [
    ("Kadin", "kepala_dinas"), ("INSPEKTUR", "kepala_dinas"), ("Kepala Dinas", "kepala_dinas"),
    ("Sekretaris Dinas", "sekretaris"), ("SEKRETARIS /INSPEKTUR PEMBANTU", "sekretaris"),
    ("Kabid/ Sekretaris", "kepala_bidang"), ("Irban", "kepala_bidang"),
    ("Kasubag Keuangan dan Pelaporan", "kasubag"), ("KASUBAG/PPTK", "kasubag"), ("Kasi/K asubb ag", "kepala_seksi"),
    ("Kepala Seksi", "kepala_seksi"), ("Staf Penyusun Evaluasi Kinerja", "staf"), ("Front Office", "staf"),
    ("BENDAHARA KEUANGAN", "staf"), ("TIM KERJA", "tim"), ("Pejabat Terkait", "pejabat_terkait"),
    ("Permohonan", "pemohon"), ("Arsiparis", "staf"), ("Protokol", "lainnya")])
def test_canonical_roles(label, role):
    assert canonical_role(label) == role
