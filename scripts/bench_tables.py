"""Table-structure benchmark on the ICDAR 2013 Table Competition files.

Score: the competition's cell adjacency relations (Göbel et al., ICDAR 2013):
for every non-empty cell, its nearest non-empty neighbour to the right (in
each row it spans) and below (in each column it spans), as (text, text,
direction) with text normalised to lower-case letters and digits. Relations
are counted as multisets; precision, recall and F1 are micro-averaged over
all relations of all tables. A PDF with two ground-truth variants (``a``/``b``)
is scored against the variant that suits each tool best, as the competition
allowed alternative interpretations.

Every tool gets the whole page and finds tables itself; only its cells whose
centre lies inside a ground-truth table region (``*-reg.xml``, widened by a
margin) are scored, so tables the ground truth does not cover cost nothing,
for every tool alike.

Two runs: the born-digital PDFs, and the same pages rasterised at 200 dpi and
degraded (noise, 0.5-1.5 degree skew, blur, JPEG) through the scan path (our
OCR with ``eng``, img2table + Tesseract as the peer). Prints both tables with
pages per second. Peers missing from the environment are reported as such:
``make bench-tables`` builds ``.venv-bench`` with them.

    python scripts/bench_tables.py [--corpus ../shared/corpus/icdar2013] [--no-scan] [--limit N]
"""
from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


# ------------------------------------------------------------------ ground truth
@dataclass
class GtCell:
    r0: int
    r1: int
    c0: int
    c1: int
    text: str


@dataclass
class GtTable:
    page: int  # 1-based
    region: tuple[float, float, float, float]  # PDF points, top-left origin
    cells: list[GtCell]


@dataclass
class Doc:
    pdf: Path
    variants: list[list[GtTable]] = field(default_factory=list)

    @property
    def pages(self) -> list[int]:
        return sorted({t.page for v in self.variants for t in v})


def _norm(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", (text or "").lower())


def _page_heights(pdf: Path) -> dict[int, float]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return {i + 1: doc[i].get_size()[1] for i in range(len(doc))}
    finally:
        doc.close()


def load_ground_truth(folder: Path) -> list[Doc]:
    docs: dict[Path, Doc] = {}
    for str_xml in sorted(folder.glob("*-str.xml")):
        stem = str_xml.name[: -len("-str.xml")]
        pdf = folder / f"{stem}.pdf"
        if not pdf.exists():
            pdf = folder / f"{stem[:-1]}a.pdf"
        if not pdf.exists():
            continue
        heights = _page_heights(pdf)
        reg = ET.parse(folder / f"{stem}-reg.xml").getroot()
        regions = {}
        for t in reg.iter("table"):
            for rg in t.iter("region"):
                bb = rg.find("bounding-box")
                page = int(rg.get("page"))
                h = heights[page]
                x1, y1, x2, y2 = (float(bb.get(k)) for k in ("x1", "y1", "x2", "y2"))
                regions.setdefault(t.get("id"), []).append((page, (x1, h - y2, x2, h - y1)))
        tables = []
        for t in ET.parse(str_xml).getroot().iter("table"):
            for k, rg in enumerate(t.iter("region")):
                page = int(rg.get("page"))
                cells = []
                for c in rg.iter("cell"):
                    r0, c0 = int(c.get("start-row")), int(c.get("start-col"))
                    r1, c1 = int(c.get("end-row", r0)), int(c.get("end-col", c0))
                    cells.append(GtCell(r0, r1, c0, c1, (c.findtext("content") or "")))
                reg_list = regions.get(t.get("id"), [])
                region = next((b for p, b in reg_list if p == page), None)
                if region is None:
                    continue
                tables.append(GtTable(page, region, cells))
        docs.setdefault(pdf, Doc(pdf)).variants.append(tables)
    return list(docs.values())


# ------------------------------------------------------------------ relations
def _first(occ: dict[tuple[int, int], int], me: int, positions) -> int | None:
    """The first cell other than ``me`` met along ``positions`` (grid row, column)."""
    for pos in positions:
        j = occ.get(pos)
        if j is not None and j != me:
            return j
    return None


def relations(cells: list[GtCell]) -> Counter:
    """Adjacency relations of one table's cells (blank cells skipped)."""
    occ: dict[tuple[int, int], int] = {}
    for i, c in enumerate(cells):
        if not _norm(c.text):
            continue
        for r in range(c.r0, c.r1 + 1):
            for k in range(c.c0, c.c1 + 1):
                occ[(r, k)] = i
    if not occ:
        return Counter()
    max_r = max(r for r, _ in occ)
    max_c = max(k for _, k in occ)
    out: Counter = Counter()
    for i, c in enumerate(cells):
        a = _norm(c.text)
        if not a:
            continue
        right = {j for r in range(c.r0, c.r1 + 1)
                 if (j := _first(occ, i, ((r, k) for k in range(c.c1 + 1, max_c + 1)))) is not None}
        below = {j for k in range(c.c0, c.c1 + 1)
                 if (j := _first(occ, i, ((r, k) for r in range(c.r1 + 1, max_r + 1)))) is not None}
        for j in right:
            out[(a, _norm(cells[j].text), "h")] += 1
        for j in below:
            out[(a, _norm(cells[j].text), "v")] += 1
    return out


@dataclass
class PredTable:
    page: int
    cells: list[tuple[GtCell, tuple[float, float, float, float]]]  # cell, bbox (points, top-left)


def _inside(bbox, region, margin) -> bool:
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return region[0] - margin <= cx <= region[2] + margin and region[1] - margin <= cy <= region[3] + margin


def score(doc: Doc, pred: list[PredTable], margin: float) -> tuple[int, int, int]:
    """(true positives, predicted, ground truth) relations for the best GT variant."""
    best = None
    for variant in doc.variants:
        tp = n_pred = n_gt = 0
        for gt in variant:
            want = relations(gt.cells)
            got: Counter = Counter()
            for p in pred:
                if p.page != gt.page:
                    continue
                kept = [c for c, bb in p.cells if _inside(bb, gt.region, margin)]
                got += relations(kept)
            tp += sum((want & got).values())
            n_pred += sum(got.values())
            n_gt += sum(want.values())
        f = 2 * tp / (n_pred + n_gt) if n_pred + n_gt else 0.0
        if best is None or f > best[0]:
            best = (f, tp, n_pred, n_gt)
    return best[1], best[2], best[3]


# ------------------------------------------------------------------ our extractor
def _ours_tables(tables) -> list[PredTable]:
    out = []
    for t in tables:
        cells = [(GtCell(c.row, c.row + c.row_span - 1, c.col, c.col + c.col_span - 1, c.text), c.bbox)
                 for c in t.cells]
        out.append(PredTable(t.pages[0], cells))
    return out


def ours_digital(pdf: Path, pages: list[int], reader: str) -> list[PredTable]:
    """Our tables from the text layer as ``reader`` (``pdfium`` or ``pdfplumber``,
    the setting ``text_layer_reader``) reads it, through the pipeline's :class:`TextLayers`."""
    from extractors.render import PdfRenderer
    from pipeline.models import PageResult
    from pipeline.pages import TextLayers
    from pipeline.tables import extract_tables

    out = []
    with PdfRenderer(pdf) as renderer, TextLayers(pdf, renderer, reader) as layers:
        for p in pages:
            layer, drawing, _ = layers.read(p - 1)
            pr = PageResult(page_no=p, width_pt=layer.width_pt, height_pt=layer.height_pt, text_source="text_layer",
                            words=list(layer.words), rulings=drawing()[0])
            out += _ours_tables(extract_tables(pr))
    return out


def ours_scan(images: dict[int, np.ndarray], settings, ocr) -> list[PredTable]:
    from pipeline.pages import ocr_page
    out = []
    for p, img in images.items():
        page = ocr_page(img, 200, p, settings, ocr)
        out += _ours_tables(page.tables)
    return out


# ------------------------------------------------------------------ peers
def pdfplumber_tables(pdf: Path, pages: list[int]) -> list[PredTable]:
    import pdfplumber
    out = []
    with pdfplumber.open(str(pdf)) as doc:
        for p in pages:
            for t in doc.pages[p - 1].find_tables():
                rows = t.extract()
                cells = []
                for r, (row, row_obj) in enumerate(zip(rows, t.rows)):
                    for c, (v, box) in enumerate(zip(row, row_obj.cells)):
                        if v and box:
                            cells.append((GtCell(r, r, c, c, v), (box[0], box[1], box[2], box[3])))
                out.append(PredTable(p, cells))
    return out


def camelot_tables(pdf: Path, pages: list[int], flavor: str) -> list[PredTable]:
    import camelot
    heights = _page_heights(pdf)
    out = []
    for p in pages:
        try:
            tables = camelot.read_pdf(str(pdf), pages=str(p), flavor=flavor)
        except Exception as e:  # a peer failing on a page scores nothing there
            print(f"  camelot {flavor} failed on {pdf.name} p{p}: {type(e).__name__}", file=sys.stderr)
            continue
        h = heights[p]
        for t in tables:
            cells = []
            for r, row in enumerate(t.cells):
                for c, cell in enumerate(row):
                    text = t.df.iat[r, c] if r < t.df.shape[0] and c < t.df.shape[1] else ""
                    if text:
                        cells.append((GtCell(r, r, c, c, text), (cell.x1, h - cell.y2, cell.x2, h - cell.y1)))
            out.append(PredTable(p, cells))
    return out


def _img2table_result(result: dict, page_of, dpi: int) -> list[PredTable]:
    k = 72.0 / dpi
    out = []
    for key, tables in result.items():
        for t in tables:
            cells, seen = [], set()
            for r, row in enumerate(t.content.values()):
                for c, cell in enumerate(row):
                    if not cell.value:
                        continue
                    b = cell.bbox
                    ident = (b.x1, b.y1, b.x2, b.y2)
                    if ident in seen:  # a spanning cell repeats in every position it covers
                        continue
                    seen.add(ident)
                    cells.append((GtCell(r, r, c, c, cell.value), (b.x1 * k, b.y1 * k, b.x2 * k, b.y2 * k)))
            out.append(PredTable(page_of(key), cells))
    return out


def img2table_digital(pdf: Path, pages: list[int], borderless: bool) -> list[PredTable]:
    from img2table.document import PDF
    doc = PDF(str(pdf), pages=[p - 1 for p in pages], detect_rotation=False, pdf_text_extraction=True)
    res = doc.extract_tables(ocr=None, implicit_rows=True, borderless_tables=borderless, min_confidence=50)
    return _img2table_result(res, lambda i: i + 1, 200)


def img2table_scan(images: dict[int, np.ndarray], borderless: bool) -> list[PredTable]:
    from img2table.document import Image as I2TImage
    from img2table.ocr import TesseractOCR
    from PIL import Image

    ocr = TesseractOCR(n_threads=1, lang="eng")
    out = []
    for p, img in images.items():
        buf = io.BytesIO()
        Image.fromarray(img).save(buf, format="PNG")
        doc = I2TImage(buf.getvalue(), detect_rotation=False)
        try:
            res = doc.extract_tables(ocr=ocr, implicit_rows=True, borderless_tables=borderless, min_confidence=50)
        except Exception as e:  # a peer failing on a page scores nothing there
            print(f"  img2table failed on page {p}: {type(e).__name__}: {e}", file=sys.stderr)
            continue
        out += _img2table_result({p: res} if isinstance(res, list) else res, lambda _k, p=p: p, 200)
    return out


# ------------------------------------------------------------------ scanned copies
def scanned_pages(pdf: Path, pages: list[int], seed: int) -> dict[int, np.ndarray]:
    """Pages rasterised at 200 dpi and degraded like a scan (JPEG round trip included)."""
    import cv2
    from PIL import Image

    from extractors.render import PdfRenderer
    from samples.generate import degrade

    rng = np.random.default_rng(seed)
    out = {}
    with PdfRenderer(pdf) as r:
        for p in pages:
            rgb = r.render(p - 1, 200)
            angle = float(rng.uniform(0.5, 1.5) * rng.choice([-1, 1]))
            g = degrade(rgb, rng, angle)
            buf = io.BytesIO()
            Image.fromarray(g).save(buf, format="JPEG", quality=75)
            out[p] = cv2.cvtColor(np.array(Image.open(io.BytesIO(buf.getvalue())).convert("L")), cv2.COLOR_GRAY2RGB)
    return out


# ------------------------------------------------------------------ runner
def _print(title: str, rows: list[tuple]) -> None:
    print(f"\n{title}")
    print(f"{'tool':38s} {'precision':>9s} {'recall':>7s} {'F1':>6s} {'pages':>6s} {'pages/s':>8s}")
    for name, res in rows:
        if isinstance(res, str):
            print(f"{name:38s} {res}")
            continue
        tp, n_pred, n_gt, pages, secs = res
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gt if n_gt else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{name:38s} {p:9.3f} {r:7.3f} {f:6.3f} {pages:6d} {pages / secs if secs else 0:8.2f}")


def run(tools: dict, docs: list[Doc], margin: float, inputs, per_doc: bool = False) -> list[tuple]:
    rows = []
    for name, fn in tools.items():
        tp = n_pred = n_gt = pages = 0
        secs = 0.0
        try:
            for k, doc in enumerate(docs):
                arg = inputs(doc, k)
                t0 = time.perf_counter()
                pred = fn(doc, arg)
                secs += time.perf_counter() - t0
                a, b, c = score(doc, pred, margin)
                if per_doc:
                    print(f"  {name}: {doc.pdf.name}: tp {a} predicted {b} truth {c}")
                tp, n_pred, n_gt, pages = tp + a, n_pred + b, n_gt + c, pages + len(doc.pages)
        except ImportError as e:
            rows.append((name, f"not installed ({e.name}); run `make bench-tables`"))
            continue
        rows.append((name, (tp, n_pred, n_gt, pages, secs)))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus" / "icdar2013")
    ap.add_argument("--no-scan", action="store_true", help="born-digital run only")
    ap.add_argument("--limit", type=int, default=0, help="first N documents only")
    ap.add_argument("--margin", type=float, default=3.0, help="region margin in points (scans: x4)")
    ap.add_argument("--ocr-cache", type=Path, default=None,
                    help="reuse OCR results from this folder (for iterating; pages/s is then meaningless)")
    ap.add_argument("--only", default="", help="run only tools whose name contains this text")
    ap.add_argument("--per-doc", action="store_true", help="print each document's relation counts")
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"{args.corpus} not found: the ICDAR 2013 files sit in ../shared/corpus/icdar2013")
    docs = load_ground_truth(args.corpus)
    if args.limit:
        docs = docs[: args.limit]
    n_tables = sum(len(d.variants[0]) for d in docs)
    print(f"ICDAR 2013: {len(docs)} PDFs, {n_tables} tables, {sum(len(d.pages) for d in docs)} pages with tables")

    digital = {
        "ours (kinerja, PDFium text layer)": lambda d, _: ours_digital(d.pdf, d.pages, "pdfium"),
        "ours (kinerja, pdfplumber text layer)": lambda d, _: ours_digital(d.pdf, d.pages, "pdfplumber"),
        "pdfplumber extract_tables": lambda d, _: pdfplumber_tables(d.pdf, d.pages),
        "camelot lattice": lambda d, _: camelot_tables(d.pdf, d.pages, "lattice"),
        "camelot stream": lambda d, _: camelot_tables(d.pdf, d.pages, "stream"),
        "img2table": lambda d, _: img2table_digital(d.pdf, d.pages, False),
        "img2table borderless": lambda d, _: img2table_digital(d.pdf, d.pages, True),
    }
    if args.only:
        digital = {k: v for k, v in digital.items() if args.only in k}
    import pipeline.pages  # noqa: F401  (imported before timing: OpenCV and the rest load in about 1 s)
    born = run(digital, docs, args.margin, lambda d, k: None, args.per_doc)
    _print("Born-digital PDFs (micro-averaged adjacency relations)", born)
    if args.no_scan:
        return

    from pipeline.config import Settings
    from pipeline.process import make_ocr

    tmp = Path(tempfile.mkdtemp(prefix="kinerja-bench-"))
    settings = Settings(home=tmp, ocr_lang="eng")
    settings.ensure_dirs()
    if args.ocr_cache:
        args.ocr_cache.mkdir(parents=True, exist_ok=True)
        (settings.cache / "ocr").symlink_to(args.ocr_cache.resolve())
        print("(OCR cache in use: pages/s of the scan run is not a speed figure)")
    ocr = make_ocr(settings)
    cache: dict[Path, dict] = {}

    def images(doc: Doc, k: int):
        if doc.pdf not in cache:
            cache[doc.pdf] = scanned_pages(doc.pdf, doc.pages, seed=1000 + k)
        return cache[doc.pdf]

    scan_tools = {
        "ours (kinerja) scan path": lambda d, imgs: ours_scan(imgs, settings, ocr),
        "img2table + tesseract": lambda d, imgs: img2table_scan(imgs, False),
        "img2table borderless + tesseract": lambda d, imgs: img2table_scan(imgs, True),
    }
    if args.only:
        scan_tools = {k: v for k, v in scan_tools.items() if args.only in k}
    for d, k in zip(docs, range(len(docs))):
        images(d, k)  # degrade once, outside the timed part
    scanned = run(scan_tools, docs, args.margin * 4, images, args.per_doc)
    _print("Same pages scanned: 200 dpi, noise, 0.5-1.5 deg skew, blur, JPEG (micro-averaged)", scanned)


if __name__ == "__main__":
    main()
