"""OCR with Tesseract through pytesseract: orientation (OSD) and words with
bbox, layout ids and confidence, cached on disk by image hash and settings."""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import threading
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pytesseract

from .records import POINTS_PER_INCH, BBox, OcrResult, Orientation, Word

# Tesseract's OpenMP threads spin and slow everything down when pages run in
# parallel (../shared/STACK.md); set before the first subprocess starts.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


class OcrFailedError(RuntimeError):
    """Tesseract did not run to completion (killed, crashed or timed out).
    Usually transient: the caller may retry."""


#: OSD orientation confidence above which a proposed turn is trusted without a check.
OSD_SURE = 10.0


@lru_cache(maxsize=1)
def tesseract_version() -> str:
    """Version string of the installed Tesseract (part of the cache key)."""
    return str(pytesseract.get_tesseract_version())


def _write_temp_image(gray: np.ndarray, directory: str) -> str:
    # PGM: no compression cost and Leptonica reads it; dpi is passed on the command line.
    fd, path = tempfile.mkstemp(suffix=".pgm", dir=directory)
    os.close(fd)
    if not cv2.imwrite(path, gray):
        raise OcrFailedError("could not write the page image for Tesseract")
    return path


class TesseractOcr:
    """Runs Tesseract (LSTM engine, ``--oem 1``) on page images.

    ``lang``: Tesseract language codes, default ``ind+eng``. ``psm``: page
    segmentation mode (3 = automatic). ``cache_dir``: where results are stored as
    JSON keyed by SHA-256 of the pixels plus every setting and the Tesseract
    version (``None`` disables the cache). ``timeout``: seconds per call.
    ``slots``: a semaphore shared by every engine of the process that bounds
    how many Tesseract subprocesses run at once (one per core: with
    ``OMP_THREAD_LIMIT=1`` more only queue for the CPU); ``None``: no bound.
    """

    def __init__(self, lang: str = "ind+eng", psm: int = 3, cache_dir: Path | None = None, timeout: int = 300,
                 slots: threading.Semaphore | None = None):
        self.lang = lang
        self.psm = psm
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.timeout = timeout
        self.slots = slots or contextlib.nullcontext()

    # -- cache -----------------------------------------------------------------
    def _key(self, gray: np.ndarray, kind: str, extra: str) -> str:
        h = hashlib.sha256()
        h.update(f"{gray.shape}|{gray.dtype}|{kind}|{extra}|{tesseract_version()}".encode())
        h.update(np.ascontiguousarray(gray).data)
        return h.hexdigest()

    def _cache_get(self, key: str) -> dict | None:
        if not self.cache_dir:
            return None
        p = self.cache_dir / key[:2] / f"{key}.json"
        try:
            return json.loads(p.read_text())
        except (OSError, ValueError):
            return None

    def _cache_put(self, key: str, value: dict) -> None:
        if not self.cache_dir:
            return
        p = self.cache_dir / key[:2] / f"{key}.json"
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(value))
        os.replace(tmp, p)  # atomic: a crash never leaves a half-written entry

    # -- orientation -------------------------------------------------------------
    def orientation(self, gray: np.ndarray, dpi: int) -> Orientation:
        """Quarter-turn needed to make the page upright, by Tesseract OSD on a copy
        reduced to at most 150 dpi. Pages with too little text give
        ``Orientation(0, 0.0)``. Raises :class:`OcrFailedError` when Tesseract dies."""
        f = min(1.0, 150 / dpi)
        small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
        sdpi = int(round(dpi * f))
        settings = f"osd|psm0|dpi{sdpi}"
        key = self._key(small, "osd", settings)
        hit = self._cache_get(key)
        if hit is not None:
            return Orientation(**hit)
        with tempfile.TemporaryDirectory(prefix="kinerja-osd-") as d:
            path = _write_temp_image(small, d)
            try:
                with self.slots:
                    out = pytesseract.image_to_osd(path, config=f"--psm 0 --dpi {sdpi}", timeout=self.timeout)
                m = re.search(r"Rotate:\s*(\d+)", out)
                c = re.search(r"Orientation confidence:\s*([\d.]+)", out)
                result = Orientation(rotate=int(m.group(1)) % 360 if m else 0, confidence=float(c.group(1)) if c else 0.0)
            except pytesseract.TesseractError:
                result = Orientation(rotate=0, confidence=0.0)  # too few characters to decide
            except RuntimeError as e:  # pytesseract raises RuntimeError on timeout
                raise OcrFailedError(f"Tesseract OSD did not finish: {e}") from e
        self._cache_put(key, asdict(result))
        return result

    def checked_orientation(self, gray: np.ndarray, dpi: int, sure: float = OSD_SURE) -> Orientation:
        """:meth:`orientation`, verified when OSD is unsure: a turn proposed with
        a confidence below ``sure`` is kept only if the middle band of the page
        (40 % of its height, at most 150 dpi) reads with a higher mean word
        confidence turned than as it is. OSD alone turns dense, degraded table
        pages upside down now and then. Raises :class:`OcrFailedError`."""
        o = self.orientation(gray, dpi)
        if o.rotate == 0 or o.confidence >= sure:
            return o
        f = min(1.0, 150 / dpi)
        small = cv2.resize(gray, None, fx=f, fy=f, interpolation=cv2.INTER_AREA) if f < 1 else gray
        sdpi = int(round(dpi * f))
        turned = cv2.rotate(small, {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180,
                                    270: cv2.ROTATE_90_COUNTERCLOCKWISE}[o.rotate])

        def legibility(img: np.ndarray) -> float:
            h = img.shape[0]
            band = np.ascontiguousarray(img[int(h * 0.3):int(h * 0.7)])
            return self.words(band, sdpi, psm=6).mean_confidence or 0.0

        return o if legibility(turned) > legibility(small) else Orientation(0, o.confidence)

    # -- words -------------------------------------------------------------------
    def words(self, gray: np.ndarray, dpi: int, psm: int | None = None) -> OcrResult:
        """OCR an upright grayscale page image at ``dpi``; word bboxes are returned
        in PDF points (pixels * 72 / dpi). Raises :class:`OcrFailedError`."""
        return self.words_many([gray], dpi, psm)[0]

    def words_many(self, grays: list[np.ndarray], dpi: int, psm: int | None = None) -> list[OcrResult]:
        """:meth:`words` for several images at once, each read as its own page
        (its own layout analysis), in one Tesseract process given a list file:
        Tesseract's start-up (loading the traineddata, 0.08-0.13 s here) is paid
        once instead of per image. Cached per image. Raises :class:`OcrFailedError`."""
        psm = self.psm if psm is None else psm
        settings = f"lang={self.lang}|oem1|psm{psm}|dpi{dpi}"
        keys = [self._key(g, "words", settings) for g in grays]
        out: list[OcrResult | None] = []
        for key in keys:
            hit = self._cache_get(key)
            out.append(None if hit is None else OcrResult(
                words=tuple(Word(text=w[0], bbox=BBox(*w[1]), confidence=w[2], block=w[3], par=w[4], line=w[5])
                            for w in hit["words"]), dpi=dpi, settings=settings, cached=True))
        todo = [i for i, r in enumerate(out) if r is None]
        if not todo:
            return out  # type: ignore[return-value]
        with tempfile.TemporaryDirectory(prefix="kinerja-ocr-") as d:
            paths = [_write_temp_image(grays[i], d) for i in todo]
            if len(paths) == 1:
                target = paths[0]
            else:
                target = os.path.join(d, "pages.txt")
                Path(target).write_text("".join(f"{p}\n" for p in paths))
            try:
                with self.slots:
                    data = pytesseract.image_to_data(target, lang=self.lang, config=f"--oem 1 --psm {psm} --dpi {dpi}",
                                                     output_type=pytesseract.Output.DICT, timeout=self.timeout)
            except (pytesseract.TesseractError, RuntimeError) as e:
                raise OcrFailedError(f"Tesseract did not finish: {e}") from e
        s = POINTS_PER_INCH / dpi
        per_page: list[list[Word]] = [[] for _ in todo]
        for i, text in enumerate(data["text"]):
            text = (text or "").strip()
            conf = float(data["conf"][i])
            if not text or conf < 0:
                continue
            x, y, w, h = (data[k][i] for k in ("left", "top", "width", "height"))
            per_page[int(data["page_num"][i]) - 1].append(
                Word(text=text, bbox=BBox(x * s, y * s, (x + w) * s, (y + h) * s), confidence=conf,
                     block=int(data["block_num"][i]), par=int(data["par_num"][i]), line=int(data["line_num"][i])))
        for i, words in zip(todo, per_page):
            self._cache_put(keys[i], {"words": [[w.text, [w.bbox.x0, w.bbox.y0, w.bbox.x1, w.bbox.y1], w.confidence,
                                                  w.block, w.par, w.line] for w in words]})
            out[i] = OcrResult(words=tuple(words), dpi=dpi, settings=settings)
        return out  # type: ignore[return-value]
