"""End-to-end: the Prefect flow on an inbox of good and bad files, under
Prefect's test harness. Every input must end archived or quarantined (checked by
hash); a second run processes nothing and duplicates no row."""
from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest
from PIL import Image
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from .conftest import SAMPLES


def _make_bad_inputs(inbox: Path) -> dict[str, str]:
    """name -> expected error code."""
    good = (SAMPLES / "inbox" / "sop-pelaporan-kinerja-digital.pdf").read_bytes()
    (inbox / "truncated.pdf").write_bytes(good[: len(good) // 3])
    c = canvas.Canvas(str(inbox / "locked.pdf"), encrypt=StandardEncryption("secret", canPrint=0))
    c.drawString(100, 700, "Laporan rahasia")
    c.save()
    (inbox / "zero.pdf").write_bytes(b"")
    (inbox / "notes.pdf").write_text("catatan rapat, bukan PDF\n")
    Image.new("RGB", (1, 1), "white").save(inbox / "dot.png")
    return {"truncated.pdf": "corrupt_file", "locked.pdf": "encrypted_pdf", "zero.pdf": "empty_file",
            "notes.pdf": "unsupported_type", "dot.png": "image_unreadable"}


def _hashes(folder: Path) -> set[str]:
    return {hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*")
            if p.is_file() and not p.name.endswith(".reason.txt")}


def test_inbox_to_duckdb_with_bad_files(harness, settings):
    from flows.process_inbox import process_inbox

    home, inbox = settings.home, settings.inbox
    shutil.copy(SAMPLES / "inbox" / "sop-pelaporan-kinerja-digital.pdf", inbox)
    weird = "Laporan SOP – Diskominfo (ñ) ..final...pdf"
    shutil.copy(SAMPLES / "inbox" / "sop-pengelolaan-arsip-digital.pdf", inbox / weird)
    expected_errors = _make_bad_inputs(inbox)
    old = time.time() - 60
    for p in inbox.iterdir():
        os.utime(p, (old, old))
    before = _hashes(inbox)

    summary = process_inbox(str(home))

    by_name = {o.name: o for o in summary.outcomes}
    assert by_name["sop-pelaporan-kinerja-digital.pdf"].status == "processed"
    assert by_name[weird].status == "processed"
    for name in expected_errors:
        assert by_name[name].status == "quarantined", (name, by_name[name])
    # nothing lost: every input is in the archive, or in quarantine, by hash
    assert list(inbox.iterdir()) == []
    assert before <= _hashes(home / "archive") | _hashes(home / "quarantine")
    reasons = sorted((home / "quarantine").glob("*.reason.txt"))
    assert len(reasons) == len(expected_errors)
    assert all("What to do:" in r.read_text() for r in reasons)

    con = duckdb.connect(str(home / "kinerja.duckdb"), read_only=True)
    try:
        errors = dict(con.execute("select original_name, error_code from rpt_quarantine").fetchall())
        assert errors == expected_errors
        sops = con.execute("select original_name, nomor_sop, tanggal_efektif::varchar, nip_status from rpt_sop "
                           "order by original_name").fetchall()
        assert sops == [(weird, "050/27/Bappeda/2023", "2023-09-01", "valid"),
                        ("sop-pelaporan-kinerja-digital.pdf", "800/114/Diskominfo/2024", "2024-03-01", "valid")]
        docs = con.execute("select doc_type, page_count, text_layer_pages from rpt_documents").fetchall()
        assert docs == [("sop", 2, 2), ("sop", 2, 2)]
        # SOP steps and the SOP's total working time (15 min + 3 d + 1 d + 2 h + 30 min at 450 min a day)
        total = con.execute("select step_count, total_duration_minutes, steps_without_duration from rpt_sop "
                            "where original_name = 'sop-pelaporan-kinerja-digital.pdf'").fetchone()
        assert total == (5, 15 + 3 * 450 + 450 + 120 + 30, 0)
        steps = con.execute("select step_no, pelaksana, performer_roles, symbols, duration_minutes from rpt_sop_steps "
                            "where original_name = 'sop-pelaporan-kinerja-digital.pdf' order by seq").fetchall()
        assert steps[0] == (1, "Kepala Dinas", "kepala_dinas", "terminator", 15)
        assert steps[3] == (4, "Sekretaris", "sekretaris", "decision", 120)
        tables = con.execute("select table_no, pages, method, n_cols from rpt_tables "
                             "where original_name = 'sop-pelaporan-kinerja-digital.pdf'").fetchall()
        assert tables == [(1, [1], "ruled", 3), (2, [2], "ruled", 10)]
        counts = con.execute("select (select count(*) from raw_words), (select count(*) from raw_fields), "
                             "(select count(*) from raw_cells), (select count(*) from raw_sop_steps)").fetchone()
    finally:
        con.close()

    # second run on the same files: everything skipped, no row duplicated
    for name in ("sop-pelaporan-kinerja-digital.pdf",):
        shutil.copy(SAMPLES / "inbox" / name, inbox)
        os.utime(inbox / name, (old, old))
    again = process_inbox(str(home))
    assert [o.status for o in again.outcomes] == ["skipped"]
    assert list(inbox.iterdir()) == []
    con = duckdb.connect(str(home / "kinerja.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from raw_documents").fetchone()[0] == 2
        assert con.execute("select (select count(*) from raw_words), (select count(*) from raw_fields), "
                           "(select count(*) from raw_cells), (select count(*) from raw_sop_steps)").fetchone() == counts
    finally:
        con.close()


def test_sample_year_to_recap(harness, settings):
    """The bundled performance year through the flow: every document processed, every report row
    mapped, the year's recap in the views, and the consolidate flow's workbooks and PDFs written."""
    from flows.process_inbox import process_inbox

    names = [p.name for p in (SAMPLES / "inbox").iterdir() if not p.name.startswith("sop-")]
    for name in names:
        shutil.copy(SAMPLES / "inbox" / name, settings.inbox)
    old = time.time() - 60
    for p in settings.inbox.iterdir():
        os.utime(p, (old, old))
    summary = process_inbox(str(settings.home))
    assert summary.count("processed") == len(names) == 22
    con = duckdb.connect(str(settings.database), read_only=True)
    try:
        assert con.execute("select distinct match_status, status from rpt_realisasi_triwulan").fetchall() == \
            [("matched", "extracted")]
        year = con.execute("select unit, count(*), count(capaian), bool_or(missing_quarter) from rpt_rekap_tahunan "
                           "where year = 2024 group by unit order by unit").fetchall()
        assert year == [("BIDANG APLIKASI INFORMATIKA", 4, 4, False),
                        ("BIDANG INFORMASI DAN KOMUNIKASI PUBLIK", 4, 4, False),
                        ("BIDANG STATISTIK DAN PERSANDIAN", 2, 2, True),
                        ("SUBBAGIAN PERENCANAAN DAN KEUANGAN", 3, 3, False)]
        late = con.execute("select unit, dokumen, status from rpt_kelengkapan where status <> 'tepat waktu'").fetchall()
        assert late == [("BIDANG STATISTIK DAN PERSANDIAN", "Laporan Kinerja Triwulan III", "belum diterima"),
                        ("BIDANG STATISTIK DAN PERSANDIAN", "Laporan Kinerja Triwulan IV", "belum diterima")]
    finally:
        con.close()
    written = sorted(Path(p).name for p in summary.outputs)
    assert written == sorted(f"rekap-2024-{p}.{ext}" for p in ("tw1", "tw2", "tw3", "tw4", "s1", "s2", "y")
                             for ext in ("xlsx", "pdf"))


def test_file_vanishing_mid_run_is_left_and_nothing_else_is_lost(harness, settings, tmp_path):
    """A file deleted after the inbox was listed but before it was read (the clerk
    moved it away) is reported as vanished; the link is quarantined as a link;
    the rest of the batch is processed."""
    from flows.process_inbox import process_inbox
    from pipeline.events import subscribe

    inbox = settings.inbox
    shutil.copy(SAMPLES / "inbox" / "sop-pelaporan-kinerja-digital.pdf", inbox / "b.pdf")
    shutil.copy(SAMPLES / "inbox" / "sop-pengelolaan-arsip-digital.pdf", inbox / "c-pergi.pdf")
    (tmp_path / "target.pdf").write_bytes(b"%PDF-1.4 outside")
    os.symlink(tmp_path / "target.pdf", inbox / "a-tautan.pdf")
    old = time.time() - 60
    for p in (inbox / "b.pdf", inbox / "c-pergi.pdf"):
        os.utime(p, (old, old))

    def remove_when_the_link_is_done(kind, f):      # runs after the listing, before any file is read
        if kind == "file_done" and f["name"] == "a-tautan.pdf":
            (inbox / "c-pergi.pdf").unlink()
    unsubscribe = subscribe(remove_when_the_link_is_done)
    try:
        summary = process_inbox(str(settings.home))
    finally:
        unsubscribe()
    got = {o.name: (o.status, o.message) for o in summary.outcomes}
    assert got["a-tautan.pdf"][0] == "quarantined"
    assert got["c-pergi.pdf"] == ("waiting", "vanished from the inbox during the run")
    assert got["b.pdf"][0] == "processed"
    assert (tmp_path / "target.pdf").read_bytes() == b"%PDF-1.4 outside"
    assert [p.name for p in (settings.home / "quarantine").iterdir() if p.is_symlink()][0].endswith("a-tautan.pdf")
