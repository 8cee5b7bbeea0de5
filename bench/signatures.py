"""Signature benchmark: prints figures, asserts nothing.

1. Whole-page detector (:func:`extractors.ink.find_marks`, no anchors, no OCR)
   on ../shared/corpus/signatures (120 page images, YOLO labels, class 0 =
   signature): precision, recall and F1 at IoU >= 0.5, page-level signed /
   unsigned accuracy, pages per second. The signature model was fitted on
   these pages, so the figure that counts is the cross-validated one (folds
   grouped by document, bench/train_signatures.py); the shipped model's own
   figure and the hand-set rule it replaced are printed beside it.
2. Documents: every PK and SOP in ../shared/corpus/pk and /sop through the
   pipeline; signed / unsigned per document against the MANIFEST's
   ``has_signature``, and the signature blocks found.

Run: ``.venv/bin/python -m bench.signatures [--corpus DIR] [--show N]``.
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from extractors.ink import PAGE_SIGNATURE_MIN_SCORE, find_marks, iou, page_signatures
from extractors.records import POINTS_PER_INCH, BBox

#: The Tobacco800 pages were resized to 640 x 640 from US-letter sheets (8.5 x 11 in).
TOBACCO_DPI = round(640 / 8.5)


def _labels(path: Path, w: int, h: int) -> list[BBox]:
    out = []
    for ln in path.read_text().splitlines():
        parts = ln.split()
        if len(parts) == 5 and parts[0] == "0":
            cx, cy, bw, bh = (float(v) for v in parts[1:])
            out.append(BBox((cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h))
    return out


def labelled_page(corpus: Path, name: str) -> tuple[np.ndarray, list[BBox]]:
    """Image ``name`` of ../shared/corpus/signatures as (H, W, 3) RGB at
    :data:`TOBACCO_DPI`, back at its sheet's proportions (the images were
    squashed to a square), and its labelled signature boxes in pixels."""
    rgb = np.asarray(Image.open(corpus / "signatures" / "images" / name).convert("RGB")
                     .resize((640, round(640 * 11 / 8.5))))
    h, w = rgb.shape[:2]
    return rgb, _labels(corpus / "signatures" / "labels" / (Path(name).stem + ".txt"), w, h)


def matches(pred: list[BBox], truth: list[BBox], min_iou: float = 0.5) -> int:
    """How many of ``pred`` match a box of ``truth`` at IoU >= ``min_iou``, each
    truth box matched once (largest predictions first, each to its best
    unmatched truth box)."""
    used: set[int] = set()
    for p in sorted(pred, key=lambda b: -b.width * b.height):
        best = max(((iou(p, t), k) for k, t in enumerate(truth) if k not in used), default=(0.0, -1))
        if best[0] >= min_iou:
            used.add(best[1])
    return len(used)


def detect(rgb: np.ndarray) -> list[BBox]:
    """The whole-page detector's signature boxes (pixels) on a labelled page."""
    px = TOBACCO_DPI / POINTS_PER_INCH
    return [m.bbox.scaled(px) for m in page_signatures(find_marks(rgb, TOBACCO_DPI))]


def page_figures(preds: list[list[BBox]], truths: list[list[BBox]]) -> dict:
    """Precision, recall, F1 at IoU >= 0.5 (with tp, fp, fn) and page-level
    signed / unsigned accuracy of the boxes ``preds`` found on each page
    against the labelled ``truths`` (parallel lists, one entry per page)."""
    hits = [matches(p, t) for p, t in zip(preds, truths, strict=True)]
    tp = sum(hits)
    fp = sum(len(p) for p in preds) - tp
    fn = sum(len(t) for t in truths) - tp
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn,
            "page_accuracy": sum(bool(p) == bool(t) for p, t in zip(preds, truths)) / len(truths)}


def whole_page(corpus: Path, show: int = 0) -> dict:
    """The shipped detector's figures on the labelled page images (see
    :func:`page_figures`), pages per second, and the ``show`` first pages it
    got wrong printed."""
    images = sorted((corpus / "signatures" / "images").glob("*.jpg"))
    preds, truths = [], []
    t0 = time.perf_counter()
    for img_path in images:
        rgb, truth = labelled_page(corpus, img_path.name)
        preds.append(detect(rgb))
        truths.append(truth)
    secs = time.perf_counter() - t0
    hits = (matches(p, t) for p, t in zip(preds, truths))
    misses = [(i.name, len(t), len(p), h) for i, p, t, h in zip(images, preds, truths, hits) if h < max(len(t), len(p))]
    for m in misses[:show]:
        print("  miss", *m)
    return {"pages": len(images), "signatures": sum(map(len, truths)), "pages_per_s": len(images) / secs,
            **page_figures(preds, truths)}


def documents(corpus: Path, home: Path) -> list[dict]:
    """Every PK / IKU / SOP of the corpus through the pipeline: signature
    blocks and the document-level decision (any block signed, or any
    signature mark on a page when no block was recognised)."""
    import hashlib

    from pipeline.config import Settings
    from pipeline.process import make_ocr, process_file

    settings = Settings(home=home)
    ocr = make_ocr(settings)
    out = []
    with open(corpus / "MANIFEST.csv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["file"].startswith(("pk/", "sop/"))]
    for r in rows:
        path = corpus / r["file"]
        t0 = time.perf_counter()
        doc = process_file(path, hashlib.sha256(path.read_bytes()).hexdigest(), path.name, settings, ocr)
        blocks = doc.signatures
        if blocks:
            signed = any(b.signed for b in blocks)
        else:
            signed = any(page_signatures(p.marks) for p in doc.pages)
        out.append({"file": r["file"], "truth": r["has_signature"], "signed": signed, "blocks": blocks, "doc": doc,
                    "pages": len(doc.pages), "seconds": time.perf_counter() - t0})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    ap.add_argument("--show", type=int, default=0, help="print this many missed pages")
    ap.add_argument("--skip-documents", action="store_true", help="only the whole-page detector")
    ap.add_argument("--home", help="data home whose OCR cache to reuse (default: a temporary one)")
    args = ap.parse_args(argv)
    if not (args.corpus / "signatures").is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    from bench.train_signatures import cross_validated, figures, hand_set_rule, samples

    r = whole_page(args.corpus, args.show)
    print(f"Whole-page signature detector on {r['pages']} labelled pages ({r['signatures']} signatures), IoU >= 0.5")
    s = samples(args.corpus)
    cv = cross_validated(s)[PAGE_SIGNATURE_MIN_SCORE]
    rule = figures(s, s.rule)
    for name, f in (("cross-validated (pages unseen by the model)", cv),
                    ("shipped model on its own training pages", r), ("hand-set rule before the model", rule)):
        print(f"  {name:<45} precision {f['precision']:.3f}  recall {f['recall']:.3f}  F1 {f['f1']:.3f}  "
              f"(tp {f['tp']:.0f}, fp {f['fp']:.0f}, fn {f['fn']:.0f})  page accuracy {f['page_accuracy']:.3f}")
    print(f"  {r['pages_per_s']:.1f} pages/s (score >= {PAGE_SIGNATURE_MIN_SCORE}; figures by threshold: "
          "python -m bench.train_signatures)")
    if args.skip_documents:
        return 0
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        docs = documents(args.corpus, Path(args.home) if args.home else Path(tmp))
    ok = sum((d["signed"] and d["truth"] == "yes") or (not d["signed"] and d["truth"] == "no") for d in docs)
    print(f"\nDocuments (PK, IKU, SOP): signed/unsigned against MANIFEST has_signature: {ok}/{len(docs)} correct")
    agree = [0, 0, 0]  # pages, model agrees, rule agrees
    for d in docs:
        for page in d["doc"].pages:
            blocks = [b for b in d["blocks"] if b.page_no == page.page_no]
            if blocks:
                signed = sum(bool(b.signed) for b in blocks)
                agree = [agree[0] + 1, agree[1] + (len(page_signatures(page.marks)) == signed),
                         agree[2] + (sum(map(hand_set_rule, page.marks)) == signed)]
    print(f"Whole-page detector on the pages with signature blocks: as many signatures as signed blocks on "
          f"{agree[1]}/{agree[0]} pages (hand-set rule: {agree[2]}/{agree[0]})")
    for d in docs:
        mark = "ok " if (d["signed"] and d["truth"] == "yes") or (not d["signed"] and d["truth"] == "no") else "XX "
        print(f"  {mark}{d['file']}: truth {d['truth']}, found {'signed' if d['signed'] else 'unsigned'}, "
              f"{len(d['blocks'])} block(s), {d['pages']} page(s), {d['seconds']:.1f} s")
        for b in d["blocks"]:
            state = {True: "signed", False: "UNSIGNED", None: "not checked"}[b.signed]
            print(f"       p{b.page_no} {b.role:<14} {str(b.nama)[:40]:<40} NIP {b.nip_check.status if b.nip_check else '-':<7} "
                  f"{state}{' (pasted)' if b.pasted else ''}{', stamp' if b.stamp else ''}{', paraf' if b.paraf else ''}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
