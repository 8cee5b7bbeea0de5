"""Throughput benchmark: prints figures, asserts nothing.

On a fixed set of pages from samples/inbox and ../shared/corpus, in one run:

1. ``kinerja run`` (a real process, fresh data home and empty OCR cache) on the
   born-digital files, then on the scanned files, after a warm-up run on one
   file that creates Prefect's database: pages per second (pages over
   the run's own seconds, over its extraction and loading only, and over the
   wall time of the command, which adds Prefect's start-up) and the peak
   memory: of the whole process tree (the kinerja process, its extraction
   workers, Tesseract, Prefect's API server; summed proportional set size,
   sampled, see bench.peak_memory) and of the kinerja process alone. Then
   the same with extraction in threads of the kinerja process
   (``KINERJA_WORKER_PROCESSES=0``, the way before worker processes), as the
   reference.
2. The floor of OCR cost: the bare ``tesseract`` CLI on the same scanned pages
   rendered at the same 300 dpi (grayscale PGM), ``OMP_THREAD_LIMIT=1``, two
   pages at a time on the two cores; and ``ocrmypdf --jobs 2`` on the same
   scanned PDFs as a peer, when it is installed (``make bench-throughput``
   installs it into .venv-bench).
3. The ratio of our scanned-page throughput to that floor (aim: >= 0.8), and
   born-digital pages per second (aim: >= 20); beside it, the reading of the
   born-digital text layers alone with pdfplumber and with PDFium.
4. A re-run on an unchanged inbox of 1,000 already-processed files (aim: < 2 s).

Run: ``.venv/bin/python -m bench.throughput [--corpus DIR] [--skip-rerun] [--skip-peers] [--skip-threads]``.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from bench.peak_memory import peak_kb

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples" / "inbox"

BORN_DIGITAL = [SAMPLES / n for n in ("sop-pelaporan-kinerja-digital.pdf", "sop-pengelolaan-arsip-digital.pdf",
                                      "pk-2024-ikp.pdf", "renaksi-2024-ikp.pdf", "lapkin-tw1-2024-ikp.pdf")]
CORPUS_DIGITAL = ["quarterly/tangsel-triwulan-2023-dinsos.pdf", "quarterly/tangsel-triwulan-2023-perpus.pdf",
                  "quarterly/tangsel-triwulan-2023-satpol.pdf", "pk/jabar-lampiran-2-pk-2016.pdf",
                  "lkip/jabar-04-lkip-bab-iii.pdf"]
SCANNED = [SAMPLES / n for n in ("sop-pelaporan-kinerja-scan.pdf", "pk-2024-aptika-scan.pdf",
                                 "lapkin-tw2-2024-ikp-scan.pdf")]
CORPUS_SCANNED = ["pk/jabar-pk-kepala-balai-bppib-tsp-bunikasih.pdf", "pk/jabar-datapk-pk-tahun-2016.pdf",
                  "sop/landak-sop-izin-pembukaan-kantor-cabang-koperasi-simpan-pinjam.pdf"]

def _env(prefect_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KINERJA_")}
    env.update(PREFECT_HOME=str(prefect_home), OMP_THREAD_LIMIT="1", PREFECT_SERVER_ANALYTICS_ENABLED="false",
               DO_NOT_TRACK="1")
    return env


def kinerja_run(files: list[Path], home: Path, prefect_home: Path, **env: str) -> dict:
    """Copy ``files`` into a fresh inbox, run ``kinerja run`` once (``env`` added
    to its environment); returns its figures."""
    inbox = home / "inbox"
    inbox.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy(f, inbox / f.name)
        os.utime(inbox / f.name, (time.time() - 60,) * 2)
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "bench.peak_memory", "run", "--home", str(home)], cwd=REPO,
                       env={**_env(prefect_home), **env}, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"kinerja run failed:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
    self_kb, tree_kb = peak_kb(r.stderr), peak_kb(r.stderr, "TREE_PSS_KB")
    finished = [json.loads(ln) for log in (home / "logs").glob("*.jsonl") for ln in log.read_text().splitlines()]
    run = [e for e in finished if e["event"] == "run_finished"][-1]
    ts = {k: [e["ts"] for e in finished if e["event"] == k] for k in ("run_started", "file_done")}
    extraction = (datetime.fromisoformat(max(ts["file_done"])) - datetime.fromisoformat(ts["run_started"][-1])
                  ).total_seconds()
    import duckdb
    con = duckdb.connect(str(home / "kinerja.duckdb"), read_only=True)
    try:
        sources = dict(con.execute("select text_source, count(*) from raw_pages group by 1").fetchall())
    finally:
        con.close()
    return {"files": len(files), "pages": run["pages"], "seconds": run["seconds"], "wall": wall,
            "extraction": extraction,
            "processed": run["counts"]["processed"], "rss_mb": self_kb / 1024, "tree_mb": tree_kb / 1024,
            "sources": sources}


def text_layer_reads(pdfs: list[Path]) -> tuple[int, float, float]:
    """Reading the text layer and rulings of every page of ``pdfs`` (born-digital):
    ``(pages, seconds with pdfplumber, seconds with PDFium)``, both forming words
    with pdfplumber's word extractor (extractors.pdf_text / extractors.pdfium_text)."""
    import pypdfium2 as pdfium

    from extractors import pdf_text, pdfium_text

    t0 = time.perf_counter()
    n = 0
    for f in pdfs:
        with pdf_text.open_pdf(f) as pdf:
            for page in pdf.pages:
                pdf_text.read_text_layer(page), pdf_text.read_rulings(page)
                n += 1
    t1 = time.perf_counter()
    for f in pdfs:
        doc = pdfium.PdfDocument(str(f))
        for i in range(len(doc)):
            page = doc[i]
            pdfium_text.read_text_layer(page), pdfium_text.read_drawing(page)
            page.close()
        doc.close()
    return n, t1 - t0, time.perf_counter() - t1


def render_pages(pdfs: list[Path], out: Path, dpi: int = 300) -> list[Path]:
    """Every page of ``pdfs`` as an 8-bit grayscale PGM at ``dpi`` (what our OCR gets)."""
    import cv2
    import pypdfium2 as pdfium

    out.mkdir(parents=True, exist_ok=True)
    pages = []
    for pdf in pdfs:
        doc = pdfium.PdfDocument(str(pdf))
        for i in range(len(doc)):
            bmp = doc[i].render(scale=dpi / 72, grayscale=True)
            p = out / f"{pdf.stem}-{i + 1:03d}.pgm"
            cv2.imwrite(str(p), bmp.to_numpy())
            pages.append(p)
        doc.close()
    return pages


def bare_tesseract(pages: list[Path], out: Path, dpi: int = 300, parallel: int = 2) -> float:
    """Seconds for ``tesseract <page> - -l ind+eng --dpi 300 tsv`` over ``pages``, ``parallel`` at a time."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(p: Path) -> None:
        subprocess.run(["tesseract", str(p), str(out / p.stem), "-l", "ind+eng", "--oem", "1", "--psm", "3",
                        "--dpi", str(dpi), "tsv"], env=env, check=True, capture_output=True)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - t0


def ocrmypdf_peer(pdfs: list[Path], out: Path) -> float | None:
    """Seconds for ``ocrmypdf --jobs 2 --force-ocr -l ind+eng`` over ``pdfs``, or ``None`` when not installed."""
    exe = shutil.which("ocrmypdf") or str(REPO / ".venv-bench" / "bin" / "ocrmypdf")
    if not Path(exe).exists():
        return None
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    t0 = time.perf_counter()
    for pdf in pdfs:
        r = subprocess.run([exe, "--jobs", "2", "--force-ocr", "-l", "ind+eng", "--output-type", "pdf",
                            "--optimize", "0", str(pdf), str(out / pdf.name)], env=env, capture_output=True,
                           text=True)
        if r.returncode != 0:
            print(f"  ocrmypdf failed on {pdf.name}: {r.stderr.strip().splitlines()[-1:]}")
            return None
    return time.perf_counter() - t0


def rerun_1000(work: Path, prefect_home: Path, n: int = 1000) -> tuple[float, float]:
    """Process ``n`` small distinct PDFs once, put the same files back, and time
    the second ``kinerja run`` (wall seconds of the command). Returns (first, second)."""
    from reportlab.pdfgen import canvas

    src = work / "small"
    src.mkdir(parents=True)
    for k in range(n):
        c = canvas.Canvas(str(src / f"nota-{k:04d}.pdf"))
        c.drawString(72, 760, f"Nota dinas nomor {k}/SEKR/2024 tentang jadwal rapat evaluasi kinerja")
        c.save()
    home = work / "home-rerun"
    times = []
    for _ in range(2):
        shutil.copytree(src, home / "inbox", dirs_exist_ok=True)
        for p in (home / "inbox").iterdir():
            os.utime(p, (time.time() - 60,) * 2)
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "flows.cli", "run", "--home", str(home)], cwd=REPO,
                           env=_env(prefect_home), capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if r.returncode != 0:
            raise SystemExit(r.stdout[-2000:] + r.stderr[-2000:])
    return times[0], times[1]


def _report(label: str, r: dict) -> None:
    print(f"{label}: {r['files']} files, {r['pages']} pages ({r['sources']}); wall {r['wall']:.1f} s, run "
          f"{r['seconds']:.1f} s, of which extraction and loading {r['extraction']:.1f} s (the rest: indicator "
          f"mapping, publication, recap files): {r['pages'] / r['extraction']:.2f} pages/s (extraction and loading), "
          f"{r['pages'] / r['seconds']:.2f} pages/s (run), {r['pages'] / r['wall']:.2f} pages/s (wall, with "
          f"Prefect's start); peak memory {r['tree_mb']:.0f} MB (process tree), {r['rss_mb']:.0f} MB (kinerja process)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--skip-rerun", action="store_true", help="skip the 1,000-file re-run")
    ap.add_argument("--skip-peers", action="store_true", help="skip bare tesseract and ocrmypdf")
    ap.add_argument("--skip-threads", action="store_true", help="skip the reference runs with extraction in threads")
    args = ap.parse_args(argv)
    digital = BORN_DIGITAL + [args.corpus / f for f in CORPUS_DIGITAL if (args.corpus / f).exists()]
    scanned = SCANNED + [args.corpus / f for f in CORPUS_SCANNED if (args.corpus / f).exists()]
    if not (args.corpus / CORPUS_SCANNED[0]).exists():
        print(f"({args.corpus} not found: samples only)")
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-") as tmp:
        work = Path(tmp)
        prefect_home = work / "prefect"
        print(f"machine: {os.cpu_count()} cores; OMP_THREAD_LIMIT=1; fresh data homes, empty OCR cache")
        w = kinerja_run(BORN_DIGITAL[2:3], work / "home-warmup", prefect_home)
        print(f"(warm-up run, not counted: one file, wall {w['wall']:.1f} s; it creates Prefect's database, so that "
              f"the measured runs do not pay for it)")
        d = kinerja_run(digital, work / "home-digital", prefect_home)
        _report("born-digital", d)
        s = kinerja_run(scanned, work / "home-scanned", prefect_home)
        _report("scanned", s)
        if not args.skip_threads:
            for label, files, ours in (("born-digital", digital, d), ("scanned", scanned, s)):
                t = kinerja_run(files, work / f"home-threads-{label}", prefect_home, KINERJA_WORKER_PROCESSES="0")
                _report(f"{label}, extraction in threads (reference)", t)
                print(f"  worker processes / threads: {t['extraction'] / ours['extraction']:.2f} x (extraction "
                      f"and loading), {t['seconds'] / ours['seconds']:.2f} x (run)")
        ours, ours_x = s["pages"] / s["seconds"], s["pages"] / s["extraction"]
        if not args.skip_peers:
            pages = render_pages(scanned, work / "pgm")
            secs = bare_tesseract(pages, work / "pgm")
            floor = len(pages) / secs
            print(f"bare tesseract (300 dpi PGM, OMP_THREAD_LIMIT=1, 2 at a time): {len(pages)} pages in "
                  f"{secs:.1f} s: {floor:.3f} pages/s")
            print(f"ratio ours / bare tesseract: {ours / floor:.2f} over the whole run, {ours_x / floor:.2f} over "
                  f"extraction and loading (aim >= 0.8)")
            (work / "ocrmypdf").mkdir()
            o = ocrmypdf_peer(scanned, work / "ocrmypdf")
            print("ocrmypdf --jobs 2: " + (f"{s['pages']} pages in {o:.1f} s: {s['pages'] / o:.3f} pages/s"
                                             if o else "not installed (make bench-throughput installs it)"))
        print(f"born-digital aim >= 20 pages/s: {d['pages'] / d['seconds']:.1f} pages/s (run), "
              f"{d['pages'] / d['extraction']:.1f} pages/s (extraction and loading)")
        n, plumber, pdfium = text_layer_reads(digital)
        print(f"text layer and rulings of the {n} born-digital pages, read alone in this process: pdfplumber "
              f"{plumber:.2f} s ({n / plumber:.1f} pages/s), PDFium {pdfium:.2f} s ({n / pdfium:.1f} pages/s; "
              f"the reader kinerja uses, KINERJA_TEXT_LAYER_READER)")
        if not args.skip_rerun:
            first, second = rerun_1000(work, prefect_home)
            print(f"1,000 small files: first run {first:.1f} s; re-run of the same, already processed files "
                  f"{second:.2f} s wall (aim < 2 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
