"""Whole-page signature model: which handwriting marks on a page are signatures.

A logistic regression over measurements of each handwriting mark that
:func:`extractors.ink.find_marks` found (size, ink density, stroke width, how
much of its height one pen stroke spans, how irregular its strokes are next to
the page's printed letters, where it sits on the page, how much other
handwriting the page holds). Not the ink colour: the labelled pages are gray
scans, so nothing could be learnt from it. Its coefficients are in
``signature_model.json`` beside this module, fitted by
``python -m bench.train_signatures`` on the 120 labelled page images of
../shared/corpus/signatures (Tobacco800 business letters and a few other
documents, YOLO labels); that script also prints the cross-validated figures
(folds grouped by source document). Inference is a dot product: no learning
library is needed at run time.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from .records import POINTS_PER_INCH, InkMark

#: Where the fitted coefficients live.
MODEL_PATH = Path(__file__).with_name("signature_model.json")

#: Feature names, in the order of a feature row.
FEATURES = (
    "width_in", "height_in", "aspect", "density", "confidence", "stroke_pt", "tallest", "height_spread",
    "height_in_letters", "centre_x", "centre_y", "hand_marks", "signature_marks", "is_signature",
)
#: Features taken as log(1 + value): sizes and counts, whose effect grows slower than the value.
LOG_FEATURES = frozenset({"width_in", "height_in", "aspect", "height_in_letters", "hand_marks", "signature_marks"})


@dataclass(frozen=True)
class MarkShape:
    """Measurements of one handwriting mark on the print-free ink mask.

    ``density``: ink pixels over the box area (0..1); ``tallest``: height of
    its tallest connected stroke over the box height (0..1); ``height_spread``:
    standard deviation of its strokes' heights in printed-letter heights (print
    is regular, a hand is not); ``letter_in``: the page's median printed-letter
    height, inches.
    """

    density: float
    tallest: float
    height_spread: float
    letter_in: float


def feature_rows(marks: Sequence[InkMark], shapes: Sequence[MarkShape], page_w_pt: float,
                 page_h_pt: float) -> np.ndarray:
    """(n, len(FEATURES)) float array: one row per handwriting mark of one page.

    ``marks`` and ``shapes`` are parallel (signature and paraf marks only, bbox
    in PDF points); ``page_w_pt`` / ``page_h_pt`` the page size in points. Raw
    values: :data:`LOG_FEATURES` are transformed by :meth:`SignatureModel.probability`.
    """
    n_hand = len(marks)
    n_sig = sum(m.kind == "signature" for m in marks)
    rows = []
    for m, s in zip(marks, shapes, strict=True):
        w_in, h_in = m.bbox.width / POINTS_PER_INCH, m.bbox.height / POINTS_PER_INCH
        rows.append([w_in, h_in, w_in / max(h_in, 1e-3), s.density, m.confidence, m.stroke_pt, s.tallest,
                     s.height_spread, h_in / max(s.letter_in, 1e-3), (m.bbox.x0 + m.bbox.x1) / 2 / page_w_pt,
                     (m.bbox.y0 + m.bbox.y1) / 2 / page_h_pt, n_hand, n_sig, m.kind == "signature"])
    return np.asarray(rows, dtype=float).reshape(len(rows), len(FEATURES))


@dataclass(frozen=True)
class SignatureModel:
    """Standardised logistic regression: ``mean`` and ``scale`` per feature
    (after the log transform), ``coef`` per feature, ``intercept``."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float

    def probability(self, rows: np.ndarray) -> np.ndarray:
        """Probability (0..1) that each row's mark is a signature; ``rows``
        as from :func:`feature_rows`. Returns shape (n,)."""
        x = prepared(rows)
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale) @ np.asarray(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


def prepared(rows: np.ndarray) -> np.ndarray:
    """``rows`` with :data:`LOG_FEATURES` replaced by log(1 + value) (a copy)."""
    x = np.array(rows, dtype=float, copy=True).reshape(-1, len(FEATURES))
    for k, name in enumerate(FEATURES):
        if name in LOG_FEATURES:
            x[:, k] = np.log1p(x[:, k])
    return x


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> SignatureModel:
    """The fitted model in ``path``. Raises ``ValueError`` when the file was
    fitted on other features than :data:`FEATURES` (refit it with
    ``python -m bench.train_signatures``)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        raise ValueError(f"{path.name} was fitted on other features; run python -m bench.train_signatures")
    return SignatureModel(tuple(data["mean"]), tuple(data["scale"]), tuple(data["coef"]), float(data["intercept"]))


def scored(marks: Sequence[InkMark], shapes: Sequence[MarkShape], page_w_pt: float, page_h_pt: float,
           model: SignatureModel | None = None) -> list[InkMark]:
    """``marks`` (signature and paraf marks of one page, parallel to
    ``shapes``) with :attr:`InkMark.signature_score` set by ``model`` (the
    shipped one by default)."""
    if not marks:
        return []
    p = (model or load_model()).probability(feature_rows(marks, shapes, page_w_pt, page_h_pt))
    return [replace(m, signature_score=round(float(v), 3)) for m, v in zip(marks, p)]
