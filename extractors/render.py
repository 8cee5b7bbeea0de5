"""Rendering PDF pages to images with pypdfium2 (in memory, no PNG on the hot path).

PDFium is not thread-safe (pypdfium2 documentation): every call into it goes
through one process-wide lock, so documents processed in parallel threads
take turns rendering and never crash each other. Rendering is a small share
of a page's time next to OCR, so the lock costs little.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .records import POINTS_PER_INCH

#: Serialises all PDFium calls in this process.
PDFIUM_LOCK = threading.RLock()


class PdfRenderer:
    """Renders pages of one PDF to 8-bit grayscale numpy arrays.

    Raises ``pypdfium2.PdfiumError`` when the file cannot be opened (truncated,
    malformed, or encrypted with a password; the message then contains
    ``Incorrect password``). Use as a context manager to release the file.
    """

    def __init__(self, path: Path):
        with PDFIUM_LOCK:
            self._pdf = pdfium.PdfDocument(str(path))
        self._loaded: tuple[int, pdfium.PdfPage] | None = None

    def __enter__(self) -> "PdfRenderer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        with PDFIUM_LOCK:
            self._unload()
            self._pdf.close()

    def _unload(self) -> None:
        if self._loaded is not None:
            self._loaded[1].close()
            self._loaded = None

    def _load(self, index: int) -> pdfium.PdfPage:
        """Page ``index`` loaded, kept until another page is asked for: a page
        is asked for several times in a row (is it empty, its text layer, its
        drawing, its render), and loading parses its content stream each time.
        Call with :data:`PDFIUM_LOCK` held."""
        if self._loaded is None or self._loaded[0] != index:
            self._unload()
            self._loaded = (index, self._pdf[index])
        return self._loaded[1]

    def __len__(self) -> int:
        with PDFIUM_LOCK:
            return len(self._pdf)

    def page_size(self, index: int) -> tuple[float, float]:
        """``(width, height)`` of page ``index`` (0-based) in PDF points, as displayed."""
        with PDFIUM_LOCK:
            return tuple(self._load(index).get_size())  # type: ignore[return-value]

    def is_empty(self, index: int) -> bool:
        """Whether page ``index`` (0-based) draws nothing at all (no text, image
        or path object): such a page is blank and need not be rendered."""
        with PDFIUM_LOCK:
            return pdfium_c.FPDFPage_CountObjects(self._load(index).raw) == 0

    @contextmanager
    def page(self, index: int) -> Iterator[pdfium.PdfPage]:
        """Page ``index`` (0-based) loaded, with :data:`PDFIUM_LOCK` held until
        the block ends: for the other PDFium readers (:mod:`extractors.pdfium_text`).
        The page stays loaded after the block (see :meth:`_load`); do not close it."""
        with PDFIUM_LOCK:
            yield self._load(index)

    def render(self, index: int, dpi: int = 300) -> np.ndarray:
        """Page ``index`` (0-based) as an (H, W, 3) uint8 RGB array at ``dpi``.

        A 300-dpi A4 page is about 2480 x 3508 pixels (26 MB in colour); callers
        render one page at a time to keep memory bounded. Colour is kept so that
        stamps and pen ink can be told from print.
        """
        with PDFIUM_LOCK:
            bitmap = self._load(index).render(scale=dpi / POINTS_PER_INCH, rev_byteorder=True)
            arr = bitmap.to_numpy().copy()
            bitmap.close()
        if arr.ndim == 2:
            return np.ascontiguousarray(np.stack([arr] * 3, axis=2))
        return np.ascontiguousarray(arr[..., :3])
