"""Imported once by the fork server of :mod:`pipeline.workers`, before it
forks any worker: the pipeline's modules (OpenCV, PDFium, pdfplumber, spaCy)
and the word lists it builds on first use, so that every extraction process
starts warm (about 1.2 s saved per process). Everything loaded here is then
frozen out of the garbage collector (``gc.freeze``, as Python's documentation
advises before forking): a worker's collections no longer walk the libraries'
objects, and their memory pages stay shared with the fork server (born-digital
extraction about 10 % faster)."""
import gc

from extractors.lexicon import known_words
from extractors.nlp import get_nlp
from extractors.ocr import tesseract_version
from pipeline import process  # noqa: F401  (the import is the point)

get_nlp()
known_words()
try:
    tesseract_version()
except Exception:  # noqa: BLE001 - Tesseract missing: the worker reports it when OCR is needed
    pass

gc.freeze()
