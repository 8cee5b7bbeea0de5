"""Typed records at the pipeline's boundaries (pydantic). Geometry stays in the
extractors' frozen dataclasses (:mod:`extractors.records`)."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from extractors.records import BBox, Word

DocType = Literal["sop", "perjanjian_kinerja", "rencana_aksi", "laporan_triwulan", "monev", "lkjip", "unknown"]
TextSource = Literal["text_layer", "ocr", "none"]


class Provenance(BaseModel):
    """Where a value came from: 1-based page number, bbox in PDF points
    (top-left origin), the extractor that read it and its confidence (percent;
    ``None`` for a PDF text layer, which carries none)."""

    model_config = ConfigDict(frozen=True)

    page_no: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    extractor: str = ""
    confidence: float | None = None

    @staticmethod
    def of_words(words: list[Word], page_no: int, extractor: str) -> "Provenance":
        """Provenance covering ``words`` (mean confidence of those that have one)."""
        if not words:
            return Provenance(page_no=page_no, extractor=extractor)
        box = BBox.enclosing([w.bbox for w in words])
        confs = [w.confidence for w in words if w.confidence is not None]
        return Provenance(page_no=page_no, bbox=(round(box.x0, 2), round(box.y0, 2), round(box.x1, 2), round(box.y1, 2)),
                          extractor=extractor, confidence=round(sum(confs) / len(confs), 1) if confs else None)


class FieldValue(BaseModel):
    """One extracted field: normalised ``value`` (ISO date, digits for a NIP, text),
    the ``raw`` text as printed, provenance, and ``flag`` when it needs review
    (``low_confidence``, ``unparsed``, ``invalid``)."""

    name: str
    value: str | None
    raw: str | None = None
    provenance: Provenance = Field(default_factory=Provenance)
    flag: str | None = None


class ListItem(BaseModel):
    """One numbered item of an SOP identity box (e.g. one regulation of Dasar Hukum)."""

    box: str
    item_no: int
    text: str
    provenance: Provenance = Field(default_factory=Provenance)


class NipCheck(BaseModel):
    """Result of checking a NIP (Nomor Induk Pegawai, BKN rules in ../shared/DOMAIN.md).

    ``status``: ``valid``; ``flag`` (18 digits that do not decode as a civil
    servant's NIP, e.g. a PPPK number: flagged, not rejected); ``invalid``
    (wrong length, impossible date). ``reasons`` says why in words.
    """

    raw: str
    digits: str
    status: Literal["valid", "flag", "invalid"]
    reasons: list[str] = Field(default_factory=list)
    birth_date: date | None = None
    appointment: str | None = None  # TMT CPNS as YYYY-MM
    gender: Literal["L", "P"] | None = None
    sequence: str | None = None


class SopHeader(BaseModel):
    """The SOP AP identity sheet (PermenPAN-RB 35/2012): scalar fields by name and
    the six boxes as item lists. Absent fields are missing from ``fields``' values
    (value ``None``), never invented."""

    page_no: int
    fields: dict[str, FieldValue]
    items: list[ListItem] = Field(default_factory=list)
    nip_check: NipCheck | None = None

    def value(self, name: str) -> str | None:
        f = self.fields.get(name)
        return f.value if f else None

    def box(self, name: str) -> list[str]:
        return [i.text for i in self.items if i.box == name]


class PageResult(BaseModel):
    """One page after acquisition: its words (bboxes in PDF points) and how they
    were obtained. ``rotation``: clockwise quarter turn applied (degrees);
    ``skew_angle``: deskew correction (degrees); ``dpi``: raster resolution
    used for OCR (``None`` for text-layer pages)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    page_no: int
    width_pt: float
    height_pt: float
    text_source: TextSource
    text_layer_quality: float | None = None
    rotation: int = 0
    skew_angle: float = 0.0
    dpi: int | None = None
    mean_confidence: float | None = None
    ink_ratio: float | None = None
    words: list[Word] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def extractor(self) -> str:
        return "tesseract" if self.text_source == "ocr" else "pdfplumber"


class Classification(BaseModel):
    """Document type with its score (0..1), the runner-up scores, and the evidence
    (matched phrases and structure cues) that decided it."""

    doc_type: DocType
    score: float
    scores: dict[str, float] = Field(default_factory=dict)
    evidence: list[str] = Field(default_factory=list)


class DocumentResult(BaseModel):
    """Everything extracted from one input file, ready for the warehouse loader."""

    sha256: str
    original_name: str
    file_type: str
    size_bytes: int
    pages: list[PageResult]
    classification: Classification
    sop_header: SopHeader | None = None
    year: int | None = None
    periods: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    seconds: float = 0.0
