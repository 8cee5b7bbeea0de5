"""Configuration: the data home and processing settings.

Defaults are embedded; the data home comes from ``--home``, else ``KINERJA_HOME``,
else ``./data``. Nothing here is read from files by the extractors.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from .errors import ConfigurationError


#: Permendagri 86/2017 capaian bands: >= 91 Sangat Tinggi, 76-90 Tinggi, 66-75 Sedang, 51-65 Rendah, <= 50 Sangat Rendah.
DEFAULT_BANDS = "91:Sangat Tinggi,76:Tinggi,66:Sedang,51:Rendah,0:Sangat Rendah"


#: Documents each unit owes every year, and the default days allowed (see ``Settings.deadlines``).
DEADLINE_DOCUMENTS = ("perjanjian_kinerja", "rencana_aksi", "laporan_triwulan")
DEFAULT_DEADLINES = "perjanjian_kinerja=30,rencana_aksi=30,laporan_triwulan=10"


class Settings(BaseModel):
    """Paths and knobs of one run.

    ``ocr_dpi``: render/resample dpi for OCR (300). ``text_layer_min_quality``:
    share (0..1) of a born-digital text layer's words that must be real words
    (or numbers, :func:`pipeline.text_quality.text_layer_quality`) to trust it;
    below that (a broken font encoding) the page is OCR-ed.
    ``scanner_layer_min_quality``: the same for the OCR text a scanner laid
    under its page image, stricter, because a scanner's OCR errors are often
    real words (*lemak* for *ternak*, *Ulama* for *Utama*, on a corpus PK
    whose layer scores 0.79 while its scanner's clean pages score 0.91-0.95).
    ``settle_seconds``: an inbox file younger than this (or still growing) is
    left for the next run. ``inbox_interval_minutes`` and ``nightly_cron``:
    the schedules of ``kinerja serve`` (``KINERJA_INBOX_INTERVAL_MINUTES``,
    default 5; ``KINERJA_NIGHTLY_CRON``, default ``0 1 * * *``, 01:00). ``low_confidence``: OCR confidence (percent) below
    which an extracted field is flagged for review. ``cell_reocr_confidence``:
    a scanned table cell whose words average below this confidence (percent)
    is OCR-ed again on its own. ``working_day_minutes``:
    length of one working day used to turn SOP times in days into minutes
    (450 = 7.5 h, Perpres 21/2023's 37.5 h week over 5 days; ``KINERJA_WORKING_DAY_MINUTES``). ``workers``: pages/documents
    processed in parallel (Tesseract runs as a subprocess, so threads use both cores; default: up to
    two, one per core; ``KINERJA_WORKERS``); it also bounds the Tesseract processes running at once.
    ``worker_processes``: processes that extract whole documents side by side
    (:mod:`pipeline.workers`; ``KINERJA_WORKER_PROCESSES``, default ``workers``
    when it is above 1); 0 extracts in the run's own process, in ``workers``
    threads. ``dask_address``: a Dask
    scheduler (``tcp://host:8786``, ``KINERJA_DASK_ADDRESS``) whose workers
    extract the documents instead of local threads; see the README section
    "Several machines".
    ``text_layer_reader``: the library that reads born-digital pages' text
    layer and ruled lines (``KINERJA_TEXT_LAYER_READER``): ``pdfium``
    (default; PDFium parses the page in C, about 17 times faster, and
    pdfplumber forms the words) or ``pdfplumber`` (pdfminer parses the page).
    Pages PDFium's reader does not take (rotated, cropped) are read by
    pdfplumber either way.
    ``capaian_bands``: capaian category bands as ``lower_bound:name`` pairs,
    half-open upwards (``KINERJA_CAPAIAN_BANDS``, e.g.
    ``91:Sangat Tinggi,76:Tinggi,66:Sedang,51:Rendah,0:Sangat Rendah``); the
    default is the Permendagri 86/2017 scale, and values below the lowest
    bound take the lowest band. ``deadlines``: when each document is due, as
    ``document=days`` pairs (``KINERJA_DEADLINES``): the PK and the Rencana Aksi
    ``days`` after 1 January of their year (default 30: by 31 January, a
    month after the DPA is approved, ../shared/DOMAIN.md), each quarterly
    report ``days`` after its quarter ends (default 10).
    """

    home: Path = Field(default_factory=lambda: Path(os.environ.get("KINERJA_HOME", "data")))
    inbox_override: Path | None = None
    ocr_lang: str = "ind+eng"
    ocr_dpi: int = 300
    text_layer_min_quality: float = 0.6
    scanner_layer_min_quality: float = 0.85
    settle_seconds: float = 2.0
    inbox_interval_minutes: float = Field(
        default_factory=lambda: float(os.environ.get("KINERJA_INBOX_INTERVAL_MINUTES", "5")))
    nightly_cron: str = Field(default_factory=lambda: os.environ.get("KINERJA_NIGHTLY_CRON", "0 1 * * *"))
    low_confidence: float = 60.0
    cell_reocr_confidence: float = 75.0
    working_day_minutes: int = Field(default_factory=lambda: int(os.environ.get("KINERJA_WORKING_DAY_MINUTES", "450")))
    capaian_bands: str = Field(default_factory=lambda: os.environ.get("KINERJA_CAPAIAN_BANDS", DEFAULT_BANDS))
    deadlines: str = Field(default_factory=lambda: os.environ.get("KINERJA_DEADLINES", DEFAULT_DEADLINES))
    workers: int = Field(default_factory=lambda: int(os.environ.get("KINERJA_WORKERS", 0)) or
                         max(1, min(2, os.cpu_count() or 1)))
    worker_processes: int | None = Field(
        default_factory=lambda: int(os.environ["KINERJA_WORKER_PROCESSES"])
        if os.environ.get("KINERJA_WORKER_PROCESSES") else None)
    text_layer_reader: Literal["pdfium", "pdfplumber"] = Field(
        default_factory=lambda: os.environ.get("KINERJA_TEXT_LAYER_READER", "pdfium"))
    dask_address: str | None = Field(default_factory=lambda: os.environ.get("KINERJA_DASK_ADDRESS") or None)

    @property
    def extraction_processes(self) -> int:
        """``worker_processes``, or its default: ``workers`` when above 1, else 0."""
        if self.worker_processes is not None:
            return max(0, self.worker_processes)
        return self.workers if self.workers > 1 else 0

    @property
    def inbox(self) -> Path:
        return self.inbox_override or self.home / "inbox"

    @property
    def archive(self) -> Path:
        return self.home / "archive"

    @property
    def quarantine(self) -> Path:
        return self.home / "quarantine"

    @property
    def outputs(self) -> Path:
        return self.home / "outputs"

    @property
    def cache(self) -> Path:
        return self.home / "cache"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def database(self) -> Path:
        return self.home / "kinerja.duckdb"

    @property
    def prefect_home(self) -> Path:
        return self.home / "prefect"

    def deadline_days(self) -> list[tuple[str, int]]:
        """``deadlines`` parsed; raises :class:`ConfigurationError` for a malformed value or an unknown document."""
        try:
            pairs = [(a.strip(), int(b)) for a, b in (p.split("=", 1) for p in self.deadlines.split(","))]
        except ValueError:
            raise ConfigurationError(f"KINERJA_DEADLINES is not a list of 'document=days' pairs: "
                                     f"'{self.deadlines}'") from None
        unknown = {a for a, _ in pairs} - set(DEADLINE_DOCUMENTS)
        if unknown:
            raise ConfigurationError(f"KINERJA_DEADLINES names unknown documents {sorted(unknown)}; "
                                     f"known: {', '.join(DEADLINE_DOCUMENTS)}")
        return pairs

    def bands(self) -> list[tuple[float, str]]:
        """``capaian_bands`` parsed, ascending; the lowest band opens downwards.
        Raises :class:`ConfigurationError` for a malformed value."""
        try:
            pairs = sorted((float(a), b.strip()) for a, b in (p.split(":", 1) for p in self.capaian_bands.split(",")))
        except ValueError:
            raise ConfigurationError(f"KINERJA_CAPAIAN_BANDS is not a list of 'lower_bound:name' pairs: "
                                     f"'{self.capaian_bands}'") from None
        return [(-1e308, pairs[0][1])] + pairs[1:]

    def ensure_dirs(self) -> None:
        """Create the data home's folders (idempotent)."""
        for p in (self.home, self.inbox, self.archive, self.quarantine, self.outputs, self.cache, self.logs):
            p.mkdir(parents=True, exist_ok=True)
