"""Hostile input and load: a corpus of broken, huge, tricky and numerous files,
generated here, run through a real ``kinerja run``. Every file ends archived
(processed) or quarantined with a reason, the run completes, and the peak
memory of its process tree stays under :data:`MEMORY_BOUND_MB`."""
from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

from PIL import Image
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from bench.peak_memory import peak_kb

from .conftest import REPO, SAMPLES
from .unattended import age, kinerja_env

#: Peak memory allowed for the whole run: the kinerja process, its extraction workers and
#: Tesseract (the summed proportional set size of the process tree, bench.peak_memory).
MEMORY_BOUND_MB = 1500
SMALL_FILES = 500


def _png_bomb(path: Path, side: int = 60_000) -> None:
    """A valid PNG header claiming ``side`` x ``side`` pixels (3.6 gigapixels)
    with a few KB of compressed zero rows: a decompression bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = zlib.compress(b"\x00" * ((side // 8 + 1) * 64), 9)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
                     + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


def _blank_pdf(path: Path, pages: int) -> None:
    c = canvas.Canvas(str(path))
    for _ in range(pages):
        c.showPage()
    c.save()


def _small_pdf(path: Path, k: int) -> None:
    c = canvas.Canvas(str(path))
    c.drawString(72, 760, f"Nota dinas nomor {k}/SEKR/2024 tentang jadwal rapat evaluasi kinerja triwulan")
    c.save()


def _corpus(inbox: Path, outside: Path) -> dict[str, str]:
    """Write the hostile files; returns name -> expected status (or error code)."""
    inbox.mkdir(parents=True)
    good = (SAMPLES / "inbox" / "sop-pelaporan-kinerja-digital.pdf").read_bytes()
    (inbox / "terpotong.pdf").write_bytes(good[: len(good) // 2])
    c = canvas.Canvas(str(inbox / "berpassword.pdf"), encrypt=StandardEncryption("rahasia", canPrint=0))
    c.drawString(100, 700, "Laporan")
    c.save()
    (inbox / "rusak.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                                      + os.urandom(4000) + b"\n%%EOF\n")
    _blank_pdf(inbox / "kosong-2000-halaman.pdf", 2000)
    _png_bomb(inbox / "bom.png")
    Image.new("1", (20_000, 20_000), 1).save(inbox / "raksasa.tiff", compression="group4")
    outside.write_text("rahasia di luar inbox\n")
    os.symlink(outside, inbox / "tautan.pdf")
    small = inbox / "nota"
    small.mkdir()
    for k in range(SMALL_FILES):
        _small_pdf(small / f"nota-{k:03d}.pdf", k)
    age(inbox)
    expected = {"terpotong.pdf": "corrupt_file", "berpassword.pdf": "encrypted_pdf", "rusak.pdf": "corrupt_file",
                "kosong-2000-halaman.pdf": "processed", "bom.png": "too_large", "raksasa.tiff": "too_large",
                "tautan.pdf": "unsafe_input"}
    expected.update({f"nota/nota-{k:03d}.pdf": "processed" for k in range(SMALL_FILES)})
    return expected


def test_hostile_corpus_ends_archived_or_quarantined(tmp_path):
    home = tmp_path / "home"
    outside = tmp_path / "outside.txt"
    expected = _corpus(home / "inbox", outside)
    r = subprocess.run([sys.executable, "-m", "bench.peak_memory", "run", "--home", str(home)], cwd=REPO,
                       env=kinerja_env(tmp_path / "prefect"), capture_output=True, text=True, timeout=3000,
                       start_new_session=True)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    tree_mb = peak_kb(r.stderr, "TREE_PSS_KB") / 1024
    print(f"peak memory {tree_mb:.0f} MB (process tree), {peak_kb(r.stderr) / 1024:.0f} MB (kinerja process)")
    assert 100 < tree_mb < MEMORY_BOUND_MB

    events = [json.loads(line) for log in (home / "logs").glob("*.jsonl") for line in log.read_text().splitlines()]
    done = {e["name"]: e for e in events if e["event"] == "file_done"}
    got = {n: (e["status"] if e["status"] != "quarantined" else e["error_code"]) for n, e in done.items()}
    assert got == expected
    assert not [p for p in (home / "inbox").rglob("*") if not p.is_dir()]
    assert outside.read_text() == "rahasia di luar inbox\n"            # the link's target is untouched
    reasons = list((home / "quarantine").glob("*.reason.txt"))
    assert len(reasons) == sum(1 for v in expected.values() if v != "processed")
    import duckdb
    con = duckdb.connect(str(home / "kinerja-readonly.duckdb"), read_only=True)
    try:
        pages, notes = con.execute("select page_count, warnings from raw_documents "
                                   "where original_name = 'kosong-2000-halaman.pdf'").fetchone()
        assert pages == 2000 and "no text found" in notes
        assert con.execute("select count(*) from raw_documents").fetchone()[0] == SMALL_FILES + 1
    finally:
        con.close()
