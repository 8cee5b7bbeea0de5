"""Fit the whole-page signature model (extractors/signature_model.json) and
print its cross-validated figures.

Data: the 120 labelled page images of ../shared/corpus/signatures. Every
handwriting mark that :func:`extractors.ink.page_marks` finds on a page is one
sample, labelled a signature when it matches a labelled box at IoU >= 0.5.
Model: scikit-learn's LogisticRegression on standardised features
(:data:`extractors.signature_model.FEATURES`), L2-regularised (C =
:data:`C`), deterministic (lbfgs).

Figures: 5-fold cross-validation with the folds grouped by source document
(the Tobacco800 document id before the first dash: several images are pages
or augmented copies of one letter, and must not sit on both sides of a
split), repeated over :data:`REPEATS` shuffles of the documents; each page's
marks are scored by a model that never saw that document. Printed per
threshold: precision, recall, F1 at IoU >= 0.5 and page-level signed/unsigned
accuracy, with the hand-set rule used before the model as the reference.

Run: ``.venv/bin/python -m bench.train_signatures [--corpus DIR] [--check]``
(``--check``: compare with the shipped file instead of writing it; exit 1 when
they differ). Needs scikit-learn (the ``dev`` extra).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.signatures import TOBACCO_DPI, labelled_page, page_figures
from extractors.ink import PAGE_SIGNATURE_MIN_SCORE, iou, page_marks, whole_page_candidate
from extractors.records import POINTS_PER_INCH, BBox, InkMark
from extractors.signature_model import FEATURES, MODEL_PATH, feature_rows, prepared

#: Inverse L2 regularisation strength; cross-validated F1 is flat for C in 0.03-1.
C = 0.1
#: Shuffles of the documents over the folds.
REPEATS = 4
FOLDS = 5
#: Thresholds on the model's probability at which the figures are printed.
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


def hand_set_rule(m: InkMark) -> bool:
    """The whole-page answer before the signature model (the reference): a
    :func:`extractors.ink.whole_page_candidate` whose handwriting score
    (:func:`extractors.ink.handwriting_score`) is 0.75 or more."""
    return whole_page_candidate(m) and m.confidence >= 0.75


@dataclass
class Samples:
    """Marks of the labelled pages: ``rows`` (n, len(FEATURES)); ``label``
    (n,) 1 when the mark matches a labelled signature; ``countable`` (n,)
    True for :func:`extractors.ink.whole_page_candidate` marks (the only
    marks :func:`extractors.ink.page_signatures` may return); ``rule`` (n,) True
    where the hand-set rule counted the mark; ``page`` (n,) page index;
    ``boxes`` per mark in pixels; ``truth`` per page; ``groups`` (n,) source
    document."""

    rows: np.ndarray
    label: np.ndarray
    countable: np.ndarray
    rule: np.ndarray
    page: np.ndarray
    boxes: list[BBox]
    truth: list[list[BBox]]
    groups: np.ndarray


def samples(corpus: Path) -> Samples:
    """Marks, features and labels of every labelled page (about 25 s)."""
    px = TOBACCO_DPI / POINTS_PER_INCH
    rows, label, countable, rule, page, boxes, truth, groups = [], [], [], [], [], [], [], []
    for k, path in enumerate(sorted((corpus / "signatures" / "images").glob("*.jpg"))):
        rgb, t = labelled_page(corpus, path.name)
        truth.append(t)
        found = page_marks(rgb, TOBACCO_DPI)
        rows.append(feature_rows(found.handwriting, found.shapes, found.page_w_pt, found.page_h_pt))
        for m in found.handwriting:
            b = m.bbox.scaled(px)
            boxes.append(b)
            label.append(max((iou(b, x) for x in t), default=0.0) >= 0.5)
            countable.append(whole_page_candidate(m))
            rule.append(hand_set_rule(m))
            page.append(k)
            groups.append(path.name.split("-")[0])
    return Samples(np.vstack(rows), np.array(label, int), np.array(countable), np.array(rule), np.array(page),
                   boxes, truth, np.array(groups))


def figures(s: Samples, chosen: np.ndarray) -> dict:
    """:func:`bench.signatures.page_figures` when the marks where ``chosen``
    is True are the detector's answer."""
    preds = [[s.boxes[i] for i in np.flatnonzero((s.page == k) & chosen)] for k in range(len(s.truth))]
    return page_figures(preds, s.truth)


def _classifier():
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=5000))


def out_of_fold(s: Samples, seed: int) -> np.ndarray:
    """Each mark's probability from a model fitted without its document's
    pages: documents shuffled with ``seed`` and dealt into :data:`FOLDS` folds."""
    docs = np.unique(s.groups)
    order = np.random.default_rng(seed).permutation(len(docs))
    fold_of = {d: order[k] % FOLDS for k, d in enumerate(docs)}
    fold = np.array([fold_of[g] for g in s.groups])
    x = prepared(s.rows)
    prob = np.zeros(len(s.label))
    for f in range(FOLDS):
        test = fold == f
        prob[test] = _classifier().fit(x[~test], s.label[~test]).predict_proba(x[test])[:, 1]
    return prob


def cross_validated(s: Samples) -> dict[float, dict]:
    """Mean figures over :data:`REPEATS` shuffles, per threshold of :data:`THRESHOLDS`."""
    probs = [out_of_fold(s, seed) for seed in range(REPEATS)]
    out = {}
    for t in THRESHOLDS:
        runs = [figures(s, s.countable & (p >= t)) for p in probs]
        out[t] = {k: float(np.mean([r[k] for r in runs])) for k in runs[0]}
    return out


def fit(s: Samples) -> dict:
    """The model fitted on every labelled page, as the JSON of
    :data:`extractors.signature_model.MODEL_PATH`."""
    model = _classifier().fit(prepared(s.rows), s.label)
    scaler, lr = model[0], model[-1]
    return {"features": list(FEATURES), "mean": [round(v, 6) for v in scaler.mean_],
            "scale": [round(v, 6) for v in scaler.scale_], "coef": [round(v, 6) for v in lr.coef_[0]],
            "intercept": round(float(lr.intercept_[0]), 6),
            "trained_on": f"../shared/corpus/signatures: {len(s.truth)} pages, {len(s.label)} handwriting marks, "
                          f"{int(s.label.sum())} of them labelled signatures; LogisticRegression(C={C}) on "
                          f"standardised features; python -m bench.train_signatures"}


def _line(name: str, r: dict) -> str:
    return (f"  {name:<34} precision {r['precision']:.3f}  recall {r['recall']:.3f}  F1 {r['f1']:.3f}  "
            f"page accuracy {r['page_accuracy']:.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus")
    ap.add_argument("--check", action="store_true", help="compare with the shipped model instead of writing it")
    args = ap.parse_args(argv)
    if not (args.corpus / "signatures").is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    s = samples(args.corpus)
    print(f"{len(s.truth)} pages, {len(s.label)} handwriting marks, {int(s.label.sum())} matching a labelled "
          f"signature (of {sum(len(t) for t in s.truth)} labelled)")
    print(_line("hand-set rule (reference)", figures(s, s.rule)))
    print(f"Cross-validated ({FOLDS} folds by document, mean of {REPEATS} shuffles), by threshold:")
    for t, r in cross_validated(s).items():
        mark = "  <- shipped" if t == PAGE_SIGNATURE_MIN_SCORE else ""
        print(_line(f"model, score >= {t:.2f}", r) + mark)
    fitted = fit(s)
    if args.check:
        shipped = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
        same = all(np.allclose(shipped[k], fitted[k], atol=1e-4) for k in ("mean", "scale", "coef", "intercept"))
        print(f"shipped {MODEL_PATH.name} {'matches' if same else 'DIFFERS FROM'} a fit on these pages")
        return 0 if same else 1
    MODEL_PATH.write_text(json.dumps(fitted, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
