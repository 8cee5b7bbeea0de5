"""Memory stays bounded on a long scanned PDF: pages are rendered one window
at a time (``workers + 1`` page images per document), so a 300-page scan does
not hold 300 page images (300 x 26 MB at 300 dpi) in memory."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from .conftest import REPO

PAGES = 300
#: Bound for the whole process (Python, spaCy, pdfium, OpenCV, and up to three pages in the works,
#: each with its working copies); measured 310-380 MB, once 1 GB on a busy machine. Holding every
#: page would need about 8 GB.
BOUND_MB = 1500


def test_long_scanned_pdf_keeps_memory_bounded(tmp_path):
    speck = tmp_path / "speck.png"                 # a nearly empty scanned sheet: rendered, found blank, not OCR-ed
    im = Image.new("L", (250, 350), 255)
    im.putpixel((120, 170), 0)
    im.save(speck)
    pdf = tmp_path / "panjang.pdf"
    c = canvas.Canvas(str(pdf), pagesize=A4)
    for _ in range(PAGES):
        c.drawImage(str(speck), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    code = textwrap.dedent(f"""
        import resource
        from pathlib import Path
        from pipeline.config import Settings
        from pipeline.process import process_file
        s = Settings(home=Path({str(tmp_path / 'home')!r}), workers=2)
        s.ensure_dirs()
        doc = process_file(Path({str(pdf)!r}), "x" * 64, "panjang.pdf", s)
        print(len(doc.pages), sum(p.dpi == 300 for p in doc.pages), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    """)
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    pages, rendered, peak_mb = map(int, r.stdout.split())
    print(f"{pages} pages, {rendered} rendered at 300 dpi, peak {peak_mb} MB")
    assert pages == PAGES and rendered == PAGES
    assert peak_mb < BOUND_MB
