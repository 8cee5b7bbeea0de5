"""One input file -> :class:`DocumentResult`: sniff the type, acquire pages,
build layout lines, classify, parse what the type calls for."""
from __future__ import annotations

import re
import threading
import time
from pathlib import Path

from extractors.nlp import entities
from extractors.ocr import TesseractOcr

from .classify import classify
from .config import Settings
from .errors import NoPagesError
from .events import emit
from .filetypes import sniff
from .layout import build_lines, page_text
from .models import DocumentResult, SopHeader
from .pages import image_pages, pdf_pages
from .performance import parse_performance
from .sop_header import parse_sop_header
from .signatures import check_signatures
from .sop_steps import parse_sop_steps
from .tables import stitch


#: One semaphore per worker count, shared by every OCR engine of the process.
_OCR_SLOTS: dict[int, threading.BoundedSemaphore] = {}
_SLOTS_LOCK = threading.Lock()


def make_ocr(settings: Settings, slots=None) -> TesseractOcr:
    """The OCR engine configured for ``settings``: cache under the data home, and
    at most ``settings.workers`` Tesseract processes at once in this process
    (documents and pages both run in parallel; the CPU has that many cores),
    or as many as ``slots`` (a semaphore shared with other processes) allows."""
    if slots is None:
        with _SLOTS_LOCK:
            slots = _OCR_SLOTS.setdefault(settings.workers, threading.BoundedSemaphore(settings.workers))
    return TesseractOcr(lang=settings.ocr_lang, cache_dir=settings.cache / "ocr", slots=slots)


def _header_score(h: SopHeader) -> int:
    return sum(1 for f in h.fields.values() if f.value) + len({i.box for i in h.items})


def process_file(path: Path, sha256: str, original_name: str, settings: Settings,
                 ocr: TesseractOcr | None = None) -> DocumentResult:
    """Extract everything this version knows how to read from ``path``.

    Raises a :class:`pipeline.errors.InputFileError` subclass for files that can
    never be read (the caller quarantines them) and
    :class:`pipeline.errors.TransientError` when OCR died (retry).
    """
    t0 = time.perf_counter()
    ocr = ocr or make_ocr(settings)
    file_type = sniff(path)
    read_pages = pdf_pages if file_type == "pdf" else image_pages
    pages_iter = read_pages(path, settings, ocr, original_name)
    pages, texts, headers, tables, page_lines = [], [], [], [], []
    for page in pages_iter:
        tables.extend(page.tables)
        lines = build_lines(page.words)
        page_lines.append((page.page_no, page.extractor, lines))
        texts.append(page_text(lines))
        header = parse_sop_header(lines, page.page_no, page.extractor, settings.low_confidence)
        if header:
            headers.append(header)
        pages.append(page)
        emit("page_done", name=original_name, page_no=page.page_no, text_source=page.text_source)
    if not pages:
        raise NoPagesError(f"'{original_name}' has no pages.")
    tables = stitch(tables, {p.page_no: p.height_pt for p in pages})
    header = max(headers, key=_header_score) if headers else None
    sop_labels = _header_score(header) if header else 0
    classification = classify(texts, sop_labels=sop_labels)
    warnings = []
    if all(not p.words for p in pages):
        warnings.append("no text found on any page (blank or unreadable scan)")
    low = [p.page_no for p in pages if p.mean_confidence is not None and p.mean_confidence < settings.low_confidence]
    if low:
        warnings.append(f"low OCR confidence on page(s) {', '.join(map(str, low))}")
    steps = []
    if classification.doc_type == "sop":
        steps = parse_sop_steps(tables, {p.page_no: p.shapes for p in pages}, settings.working_day_minutes)
        if not steps:
            warnings.append("no SOP flowchart table found")
    performance = parse_performance(classification.doc_type, tables, page_lines, texts, original_name)
    if performance is not None and performance.flags:
        warnings.append("performance data needs review: " + ", ".join(performance.flags))
    sop_header = header if classification.doc_type == "sop" else None
    signatures = check_signatures(pages, page_lines, sop_header)
    ents = entities("\n".join(texts))
    periods = sorted({re.sub(r"\s+", " ", e.text.upper()) for e in ents if e.label == "PERIOD" and not e.text.lower().startswith(("tahun", "ta"))})
    years = [int(m) for e in ents if e.label in ("PERIOD", "DATE") for m in re.findall(r"(?:19|20)\d\d", e.text)]
    year = max(set(years), key=years.count) if years else None
    return DocumentResult(
        sha256=sha256, original_name=original_name, file_type=file_type, size_bytes=path.stat().st_size,
        pages=pages, classification=classification,
        sop_header=sop_header, tables=tables, sop_steps=steps, performance=performance, signatures=signatures,
        year=year, periods=periods, warnings=warnings, seconds=round(time.perf_counter() - t0, 3))
