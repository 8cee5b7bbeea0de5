"""Page acquisition: for every page decide between the PDF text layer and OCR,
render/preprocess/OCR where needed, and return words with provenance.

Memory: pages are produced in order by a generator; at most ``workers + 1``
page images are held at once, whatever the page count.
"""
from __future__ import annotations

import logging
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path
from functools import partial
from typing import Callable, Iterator

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import UnidentifiedImageError

from extractors import grid, images, ink, pdf_text, pdfium_text, preprocess, shapes
from extractors.ocr import OcrFailedError, TesseractOcr
from extractors.records import POINTS_PER_INCH, BBox, OcrResult, Preprocessed, Ruling, TextLayer
from extractors.render import PdfRenderer

from . import block_ocr
from .config import Settings
from .errors import (CorruptFileError, EncryptedPdfError, ImageUnreadableError, NoPagesError, TooLargeError,
                     TransientError)
from .cell_ocr import reocr_weak_cells
from .events import emit
from .layout import split_at_rules
from .models import PageResult
from .parallel import ordered
from .tables import extract_tables
from .text_quality import text_layer_quality

log = logging.getLogger(__name__)

#: Fewer characters than this on a page means "no usable text layer".
MIN_TEXT_LAYER_CHARS = 20
#: A page whose embedded images cover more than this share is a scan ...
SCAN_IMAGE_COVERAGE = 0.5
#: ... unless most of its text is drawn where it can be seen (a born-digital
#: page with a background picture): a scanner's text layer is hidden.
SCAN_HIDDEN_TEXT_SHARE = 0.5


def is_scanned(layer: TextLayer) -> bool:
    """Whether a text-layer page is a scanned image carrying a scanner's OCR
    text: images cover at least :data:`SCAN_IMAGE_COVERAGE` of it and at least
    :data:`SCAN_HIDDEN_TEXT_SHARE` of its text is hidden (invisible or under
    the image); when the reader cannot tell (pdfplumber), coverage alone decides."""
    if layer.image_coverage < SCAN_IMAGE_COVERAGE:
        return False
    return layer.hidden_text_share is None or layer.hidden_text_share >= SCAN_HIDDEN_TEXT_SHARE


#: Smallest image side (pixels) we attempt to read.
MIN_IMAGE_SIDE = 32
#: Below this ink share a page is blank and is not OCR-ed.
BLANK_INK_RATIO = 0.0015
#: A text-layer page with at least this many rulings is rendered at
#: :data:`SHAPE_DPI` to look for flowchart symbols in its tables.
#: (Only when it draws curved or slanted strokes: a flowchart's symbols and
#: arrow heads have them, a form's grid has none.)
SHAPE_MIN_RULINGS = 12
SHAPE_DPI = 200


def ocr_page(image: np.ndarray, dpi: int | None, page_no: int, settings: Settings, ocr: TesseractOcr,
             notes: list[str] | None = None, text_layer_quality: float | None = None) -> PageResult:
    """Preprocess (colour dropout, deskew, photo rectification) and OCR one
    page image (RGB or gray); ``dpi`` ``None`` means unknown (photo). The page
    is turned upright with one reading where possible (:func:`_read_upright`).
    Tables are extracted and weak cells OCR-ed again; so are signature blocks
    whose NIP was not read (:mod:`pipeline.block_ocr`). Raises :class:`TransientError`
    when Tesseract dies."""
    notes = list(notes or [])
    with _ocr_failure_is_transient(page_no):
        pre = preprocess.preprocess(image, dpi, settings.ocr_dpi, colour_dpi=ink.MARK_DPI)
        ink_share = preprocess.ink_ratio(pre.gray)
        rulings, symbols = [], []
        if ink_share < BLANK_INK_RATIO:
            notes.append("blank page: not OCR-ed")
            words, mean = [], None
        else:
            pre, res = _read_upright(image, dpi, pre, settings, ocr)
            words, mean = list(res.words), res.mean_confidence
            rulings = grid.detect_rulings(pre.gray, pre.dpi)
            words = split_at_rules(words, rulings)
            if len(rulings) >= SHAPE_MIN_RULINGS:
                extent = BBox.enclosing([BBox(r.x0, r.y0, r.x1, r.y1) for r in rulings])
                symbols = shapes.detect_shapes(pre.gray, pre.dpi, within=extent)
        h, w = pre.gray.shape[:2]
        s = POINTS_PER_INCH / pre.dpi
        crops = block_ocr.weak_block_crops(words, w * s, h * s, lambda: (pre.gray, pre.dpi))
        words, reread = block_ocr.reread_blocks(words, crops, ocr)
        notes += reread + list(pre.notes)
        page = PageResult(page_no=page_no, width_pt=w * s, height_pt=h * s, text_source="ocr",
                          text_layer_quality=text_layer_quality, rotation=pre.rotation, skew_angle=pre.skew_angle,
                          dpi=pre.dpi, mean_confidence=round(mean, 1) if mean is not None else None,
                          ink_ratio=round(ink_share, 4), words=words, rulings=rulings, shapes=symbols, notes=notes)
        mark_image, mark_dpi = (pre.colour, pre.colour_dpi) if pre.colour is not None else (pre.gray, pre.dpi)
        page.marks = ink.find_marks(mark_image, mark_dpi, words) if words else []
        page.marks_checked = True
        page.tables = extract_tables(page)
        if page.tables:
            n = reocr_weak_cells(page.tables, pre.gray, pre.dpi, ocr, settings.cell_reocr_confidence)
            if n:
                page.notes.append(f"{n} table cell(s) read better in a second OCR pass")
    return page


@contextmanager
def _ocr_failure_is_transient(page_no: int) -> Iterator[None]:
    """Tesseract dying on page ``page_no`` raises :class:`TransientError` (the document is retried)."""
    try:
        yield
    except OcrFailedError as e:
        raise TransientError(f"OCR of page {page_no} did not finish.", detail=str(e)) from e


#: :func:`extractors.preprocess.line_direction` below this: the page's lines
#: run down it (it lies sideways), and its orientation is asked before it is read.
SIDEWAYS_BELOW = 0.8


def _read_upright(image: np.ndarray, dpi: int | None, pre: Preprocessed, settings: Settings,
                  ocr: TesseractOcr) -> tuple[Preprocessed, OcrResult]:
    """The page ``pre`` (preprocessed from ``image`` as it lies) read upright,
    with one OCR pass where possible: ``(preprocessed page, reading)``.

    Most pages come upright, and Tesseract OSD costs as much as a third of a
    page's OCR, so a page is read as it lies and its orientation is asked of
    OSD (checked when unsure) only when that reading is poor
    (:func:`_reads_upright`). A page whose text lines run down it
    (:data:`SIDEWAYS_BELOW`) has its orientation asked first, so that it is
    not read sideways in vain. A turned page is kept when it reads upright,
    or better than the page as it lies (read then, if not yet). Raises
    :class:`OcrFailedError` when Tesseract dies."""
    direction = preprocess.line_direction(pre.gray, pre.dpi)
    sideways = direction is not None and direction < SIDEWAYS_BELOW
    res = None if sideways else ocr.words(pre.gray, pre.dpi)
    if res is not None and _reads_upright(res):
        return pre, res
    turned = preprocess.preprocess(image, dpi, settings.ocr_dpi, colour_dpi=ink.MARK_DPI,
                                   orient=lambda g, d: ocr.checked_orientation(g, d).rotate)
    if turned.rotation:
        again = ocr.words(turned.gray, turned.dpi)
        if _reads_upright(again):
            return turned, again
        if res is None:
            res = ocr.words(pre.gray, pre.dpi)
        if (again.mean_confidence or 0) > (res.mean_confidence or 0):
            return turned, again
    return pre, ocr.words(pre.gray, pre.dpi) if res is None else res


#: A first reading with at least this many words at this mean confidence (percent)
#: is taken as upright; otherwise orientation detection runs.
UPRIGHT_MIN_WORDS = 20
UPRIGHT_MIN_CONFIDENCE = 65.0
#: A reading with fewer words (a cover page, a short letter) is upright when at
#: least :data:`FEW_WORDS_MIN` words of three or more characters are read and
#: :data:`SURE_WORD_SHARE` of them at :data:`SURE_WORD_CONFIDENCE` or more.
#: Upside down, the 13 scanned benchmark pages (bench/throughput.py) read 1-14 %
#: of their long words that surely; upright, 80-100 %.
FEW_WORDS_MIN = 8
SURE_WORD_SHARE = 0.6
SURE_WORD_CONFIDENCE = 85.0


def _reads_upright(res: OcrResult) -> bool:
    """Confident words, lying flat: Tesseract reads a page turned 90 degrees
    well enough, but its word boxes then stand upright; upside down, it reads
    words with low confidence."""
    long_words = [w for w in res.words if len(w.text) >= 3]
    if sum(1 for w in long_words if w.bbox.height > w.bbox.width) > 0.2 * len(long_words):
        return False
    if len(res.words) >= UPRIGHT_MIN_WORDS and (res.mean_confidence or 0) >= UPRIGHT_MIN_CONFIDENCE:
        return True
    sure = sum(1 for w in long_words if w.confidence >= SURE_WORD_CONFIDENCE)
    return len(long_words) >= FEW_WORDS_MIN and sure >= SURE_WORD_SHARE * len(long_words)


def _vector_shapes(renderer: PdfRenderer, index: int) -> list:
    """Flowchart symbols of a born-digital page, from a render at :data:`SHAPE_DPI`
    (vector outlines come in too many drawing styles to read them as paths)."""
    rgb = renderer.render(index, SHAPE_DPI)
    return shapes.detect_shapes(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), SHAPE_DPI)


#: An image placed at the same spot on at least this share of a document's
#: pages, and on :data:`DECORATION_MIN_PAGES` pages or more, is a page
#: decoration (letterhead, banner, page-number box), not a pasted signature:
#: a signature or stamp is pasted where its block is, page by page.
DECORATION_MIN_SHARE = 0.5
DECORATION_MIN_PAGES = 3


def _spot(box: BBox) -> tuple[int, int, int, int]:
    return round(box.x0), round(box.y0), round(box.x1), round(box.y1)


class Decorations:
    """The repeated image spots of one PDF (see :data:`DECORATION_MIN_SHARE`),
    found with PDFium on first need: one walk over every page's objects,
    about 2 ms a page."""

    def __init__(self, renderer: PdfRenderer):
        self._renderer = renderer
        self._spots: set[tuple[int, int, int, int]] | None = None

    def _find(self) -> set[tuple[int, int, int, int]]:
        n = len(self._renderer)
        if n < DECORATION_MIN_PAGES:
            return set()
        counts: Counter = Counter()
        for i in range(n):
            with self._renderer.page(i) as page:
                counts.update({_spot(b) for b in pdfium_text.image_boxes(page)})
        least = max(DECORATION_MIN_PAGES, DECORATION_MIN_SHARE * n)
        return {spot for spot, k in counts.items() if k >= least}

    def pasted(self, boxes) -> list[BBox]:
        """``boxes`` without the decorations."""
        if not boxes:
            return []
        if self._spots is None:
            self._spots = self._find()
        return [b for b in boxes if _spot(b) not in self._spots]


def _ink_image(renderer: PdfRenderer, index: int, layer, scanned: bool,
               decorations: Decorations) -> tuple[np.ndarray, list[BBox] | None] | None:
    """What to look for ink marks on in a text-layer page, as ``(rgb at
    ink.MARK_DPI, pasted image boxes or None)``: on a scan with an accepted
    scanner text layer, the whole page; on a born-digital page, only its
    pasted images (a signature or stamp pasted as a picture; page
    decorations left out); ``None`` when it has no such image (nothing is
    rendered then)."""
    pasted = None if scanned else decorations.pasted(layer.image_boxes)
    if not scanned and not pasted:
        return None
    return renderer.render(index, ink.MARK_DPI), pasted


def _block_crops(renderer: PdfRenderer, index: int, layer: TextLayer) -> list[block_ocr.BlockCrop]:
    """Crops of a scanned page's signature blocks whose NIP the scanner's
    text layer did not read (:func:`block_ocr.weak_block_crops`), rendered at
    :data:`block_ocr.BLOCK_DPI`; the page is rendered only when there is one."""
    dpi = block_ocr.BLOCK_DPI
    return block_ocr.weak_block_crops(list(layer.words), layer.width_pt, layer.height_pt,
                                      lambda: (cv2.cvtColor(renderer.render(index, dpi), cv2.COLOR_RGB2GRAY), dpi))


def _finish_layer_page(page: PageResult, ink_image, crops: list[block_ocr.BlockCrop], ocr: TesseractOcr,
                       scanned: bool = False) -> PageResult:
    """The part of a text-layer page that needs no PDF library (run in a
    worker thread): signature blocks read again, ink marks, tables. On a
    ``scanned`` page (a scanner's text layer over the page image, which
    draws no vector lines) the ruled lines are found on the image, as on an
    OCR-ed page, so that its tables keep their grid (header row included)."""
    with _ocr_failure_is_transient(page.page_no):
        page.words, notes = block_ocr.reread_blocks(page.words, crops, ocr)
    page.notes += notes
    if scanned and ink_image:
        page.rulings = grid.detect_rulings(cv2.cvtColor(ink_image[0], cv2.COLOR_RGB2GRAY), ink.MARK_DPI)
        page.words = split_at_rules(page.words, page.rulings)      # the scanner's OCR, as on an OCR-ed page
    page.marks = ink.find_marks(ink_image[0], ink.MARK_DPI, page.words, ink_image[1]) if ink_image else []
    page.marks_checked = True
    page.tables = extract_tables(page)
    return page


def _open_pdf(path: Path) -> PdfRenderer:
    try:
        return PdfRenderer(path)
    except pdfium.PdfiumError as e:
        msg = str(e)
        if "password" in msg.lower():
            raise EncryptedPdfError(f"'{path.name}' is a password-protected PDF.", detail=msg) from e
        raise CorruptFileError(f"'{path.name}' is a damaged or incomplete PDF and cannot be opened.", detail=msg) from e


class TextLayers:
    """The text layer and ruled lines of each page of one PDF: read with
    PDFium (:mod:`extractors.pdfium_text`) when ``reader`` is ``pdfium`` and
    the page is one it takes, else with pdfplumber (:mod:`extractors.pdf_text`),
    opened on first need and closed with this object (use as a context
    manager). pdfminer is stricter than PDFium: when pdfplumber cannot open
    the file, its pages get no text layer (they are OCR-ed)."""

    def __init__(self, path: Path, renderer: PdfRenderer, reader: str):
        self._path, self._renderer, self._reader = path, renderer, reader
        self._stack = ExitStack()
        self._plumber = None
        self._plumber_failed = False

    def __enter__(self) -> "TextLayers":
        return self

    def __exit__(self, *exc) -> None:
        self._stack.close()

    def _plumber_pdf(self):
        if self._plumber is None and not self._plumber_failed:
            try:
                self._plumber = self._stack.enter_context(pdf_text.open_pdf(self._path))
            except Exception as e:
                self._plumber_failed = True
                log.warning("pdfplumber cannot read %s (%s); its pages are OCR-ed", self._path.name, e)
        return self._plumber

    def read(self, i: int) -> tuple[TextLayer, Callable[[], tuple[list[Ruling], bool]], str] | None:
        """``(layer, drawing, reader)`` of page ``i`` (0-based): ``drawing()``
        reads the page's ruled lines when they are wanted, and whether the page
        may draw flowchart symbols (curved or slanted strokes; always True from
        pdfplumber, which is not asked); ``None`` when the file has no readable
        text layer. A broken page raises what the library raised."""
        if self._reader == "pdfium":
            with self._renderer.page(i) as page:
                if pdfium_text.supported(page):
                    layer, drawing = pdfium_text.read_text_layer(page), pdfium_text.read_drawing(page)
                    return layer, lambda: (list(drawing.rulings), drawing.figure_segments > 0), "pdfium"
        plumber = self._plumber_pdf()
        if plumber is None:
            return None
        page = plumber.pages[i]
        return pdf_text.read_text_layer(page), lambda: (pdf_text.read_rulings(page), True), "pdfplumber"


def pdf_pages(path: Path, settings: Settings, ocr: TesseractOcr, label: str | None = None) -> Iterator[PageResult]:
    """Pages of a PDF, in order. Per page: a page that draws nothing is blank
    (not rendered); a text layer (read as ``settings.text_layer_reader`` says,
    see :class:`TextLayers`) with at least :data:`MIN_TEXT_LAYER_CHARS`
    characters, upright, and whose quality (:func:`text_layer_quality`)
    reaches ``settings.text_layer_min_quality`` (``scanner_layer_min_quality``
    for a scanner's layer under a page image, :func:`is_scanned`) is used as is; otherwise the
    page is rendered at ``settings.ocr_dpi`` with pypdfium2 and OCR-ed, up to
    ``settings.workers`` pages at once (:func:`pipeline.parallel.ordered`;
    at most ``workers + 1`` page images in memory). Emits ``file_opened``
    (``label``, default the file name, and the page count). Raises
    :class:`EncryptedPdfError`, :class:`CorruptFileError` or :class:`NoPagesError`."""
    with _open_pdf(path) as renderer, TextLayers(path, renderer, settings.text_layer_reader) as layers:
        n = len(renderer)
        if n == 0:
            raise NoPagesError(f"'{path.name}' has no pages.")
        emit("file_opened", name=label or path.name, pages=n)
        decorations = Decorations(renderer)
        yield from ordered((_pdf_page_job(path, renderer, layers, decorations, i, settings, ocr)
                            for i in range(n)), settings.workers)


def _pdf_page_job(path: Path, renderer: PdfRenderer, layers: TextLayers, decorations: Decorations, i: int,
                  settings: Settings, ocr: TesseractOcr) -> Callable[[], PageResult]:
    """Read page ``i`` as far as needs PDFium or pdfplumber (neither is
    thread-safe: this runs in the caller's thread) and return the rest as a job:
    for a text-layer page its ink marks, tables and weak signature blocks read
    again (:func:`_finish_layer_page`), else the OCR of its rendered image."""
    notes: list[str] = []
    if renderer.is_empty(i):
        w, h = renderer.page_size(i)
        page = PageResult(page_no=i + 1, width_pt=w, height_pt=h, text_source="ocr", ink_ratio=0.0,
                          notes=["blank page (nothing drawn on it): not rendered"], marks_checked=True)
        return lambda: page
    read = None
    try:
        read = layers.read(i)
    except Exception as e:  # a single broken page content stream
        notes.append(f"text layer unreadable: {type(e).__name__}")
    quality = None
    if read is not None and read[0].char_count >= MIN_TEXT_LAYER_CHARS:
        layer, drawing_of, reader = read
        quality = round(text_layer_quality(layer.words), 3)
        scanned = is_scanned(layer)
        least = settings.scanner_layer_min_quality if scanned else settings.text_layer_min_quality
        if layer.rotation:
            notes.append("text layer printed sideways: OCR instead")
        elif quality >= least:
            rulings, figures = ([], False) if scanned else drawing_of()
            symbols = _vector_shapes(renderer, i) if figures and len(rulings) >= SHAPE_MIN_RULINGS else []
            page = PageResult(page_no=i + 1, width_pt=layer.width_pt, height_pt=layer.height_pt,
                              text_source="text_layer", text_reader=reader, text_layer_quality=quality,
                              words=list(layer.words), rulings=rulings, shapes=symbols,
                              notes=notes + (["scanner text layer accepted"] if scanned else []))
            return partial(_finish_layer_page, page, _ink_image(renderer, i, layer, scanned, decorations),
                           _block_crops(renderer, i, layer) if scanned else [], ocr, scanned)
        else:
            notes.append(f"{'scanner ' if scanned else ''}text layer rejected (quality {quality:.2f} < {least})")
    try:
        rgb = renderer.render(i, settings.ocr_dpi)
    except pdfium.PdfiumError as e:
        raise CorruptFileError(f"Page {i + 1} of '{path.name}' cannot be rendered.", detail=str(e)) from e
    return partial(ocr_page, rgb, settings.ocr_dpi, i + 1, settings, ocr, notes, quality)


def image_pages(path: Path, settings: Settings, ocr: TesseractOcr, label: str | None = None) -> Iterator[PageResult]:
    """Pages (frames) of a raster file, OCR-ed ``settings.workers`` at a time
    (frames are decoded one by one as the window moves on). Emits
    ``file_opened`` as :func:`pdf_pages` does. Raises :class:`ImageUnreadableError`
    (broken, truncated or tiny image) or :class:`TooLargeError`."""
    try:
        info = images.probe(path)
        if min(info.width, info.height) < MIN_IMAGE_SIDE:
            raise ImageUnreadableError(
                f"'{path.name}' is only {info.width} x {info.height} pixels: far too small to contain a readable page.")
        emit("file_opened", name=label or path.name, pages=info.frames)
        yield from ordered((partial(ocr_page, rgb, dpi, k + 1, settings, ocr)
                            for k, (rgb, dpi) in enumerate(images.iter_frames(path))), settings.workers)
    except images.ImageTooLargeError as e:
        raise TooLargeError(f"'{path.name}' is too large to process ({e}).", detail=str(e)) from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as e:
        raise ImageUnreadableError(f"'{path.name}' is damaged or incomplete and cannot be read.", detail=str(e)) from e
