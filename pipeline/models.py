"""Typed records at the pipeline's boundaries (pydantic). Geometry stays in the
extractors' frozen dataclasses (:mod:`extractors.records`)."""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from extractors.records import POINTS_PER_INCH, BBox, InkMark, Ruling, Shape, Word, mean_confidence

from .values import ParsedValue

DocType = Literal["sop", "perjanjian_kinerja", "rencana_aksi", "laporan_triwulan", "monev", "lkjip", "unknown"]
TextSource = Literal["text_layer", "ocr", "none"]
#: The library that read a PDF text layer (the fast PDFium reader, or pdfplumber; config ``text_layer_reader``).
TextReader = Literal["pdfium", "pdfplumber"]


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
        conf = mean_confidence(words)
        return Provenance(page_no=page_no, bbox=(round(box.x0, 2), round(box.y0, 2), round(box.x1, 2), round(box.y1, 2)),
                          extractor=extractor, confidence=round(conf, 1) if conf is not None else None)


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
    used for OCR (``None`` for text-layer pages). ``text_reader``: the library
    that read a text layer (``pdfium`` or ``pdfplumber``). ``marks``: signatures,
    parafs and stamps on the page image (:mod:`extractors.ink`);
    ``marks_checked`` is False when the page was never looked at as an image."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    page_no: int
    width_pt: float
    height_pt: float
    text_source: TextSource
    text_layer_quality: float | None = None
    text_reader: TextReader = "pdfplumber"
    rotation: int = 0
    skew_angle: float = 0.0
    dpi: int | None = None
    mean_confidence: float | None = None
    ink_ratio: float | None = None
    words: list[Word] = Field(default_factory=list)
    rulings: list[Ruling] = Field(default_factory=list)
    shapes: list[Shape] = Field(default_factory=list)
    tables: list["Table"] = Field(default_factory=list)
    marks: list[InkMark] = Field(default_factory=list)
    marks_checked: bool = False
    notes: list[str] = Field(default_factory=list)

    @property
    def extractor(self) -> str:
        """Where the words came from: ``tesseract``, ``pdfium`` or ``pdfplumber``."""
        return "tesseract" if self.text_source == "ocr" else self.text_reader


TableMethod = Literal["ruled", "text", "transcription"]


class TableCell(BaseModel):
    """One cell of a :class:`Table`: 0-based ``row``/``col`` of its top-left
    grid position, spans, ``bbox`` in PDF points (top-left origin) on page
    ``page_no``, its ``text`` (lines joined by newlines), the words inside,
    and the mean OCR ``confidence`` of those words (percent; ``None`` for a
    text layer or an empty cell). ``header`` marks header-row cells."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    row: int
    col: int
    row_span: int = 1
    col_span: int = 1
    page_no: int
    bbox: tuple[float, float, float, float]
    text: str = ""
    words: list[Word] = Field(default_factory=list, exclude=True)
    confidence: float | None = None
    header: bool = False

    def bbox_px(self, dpi: int) -> tuple[int, int, int, int]:
        """The cell's bbox in pixels of a raster of the page at ``dpi``."""
        k = dpi / POINTS_PER_INCH
        return tuple(int(round(v * k)) for v in self.bbox)  # type: ignore[return-value]


class Table(BaseModel):
    """A table on one or more pages (stitched when it continues).

    ``method``: ``ruled`` (grid from ruled lines: vector edges of the text layer,
    or lines found by OpenCV on a scan), ``text`` (columns from word alignment,
    for borderless tables or tables ruled only horizontally), ``transcription``
    (tab-separated plain text). ``extractor``: ``pdfium``, ``pdfplumber`` or ``tesseract``
    (where the words came from). ``dpi``: raster resolution of the OCR-ed page
    (``None`` for text-layer pages); cell bboxes are in points either way.
    ``header_rows``: number of leading header rows (column-number rows such as
    ``1 2 3 ...`` included). ``flags``: ``empty_grid``, ``cut_at_page_edge``,
    ``continued`` (stitched across pages), ``repeated_header_dropped``.
    """

    table_no: int = 0
    pages: list[int]
    bbox: tuple[float, float, float, float]
    method: TableMethod
    extractor: str
    dpi: int | None = None
    n_rows: int
    n_cols: int
    header_rows: int = 0
    cells: list[TableCell] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)

    def cell_at(self, row: int, col: int) -> "TableCell | None":
        """The cell covering grid position (``row``, ``col``), spans included."""
        for c in self.cells:
            if c.row <= row < c.row + c.row_span and c.col <= col < c.col + c.col_span:
                return c
        return None

    def grid(self) -> list[list[str]]:
        """Text matrix ``n_rows`` x ``n_cols``; a spanning cell's text appears
        at its top-left position and ``""`` in the positions it covers."""
        out = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for c in self.cells:
            out[c.row][c.col] = c.text
        return out

    def rows(self, body_only: bool = True) -> list[list["TableCell | None"]]:
        """Cells per row (a spanning cell repeated in every position it covers);
        header rows left out when ``body_only``."""
        idx: dict[tuple[int, int], TableCell] = {}
        for c in self.cells:
            for r in range(c.row, c.row + c.row_span):
                for k in range(c.col, c.col + c.col_span):
                    idx[(r, k)] = c
        start = self.header_rows if body_only else 0
        return [[idx.get((r, k)) for k in range(self.n_cols)] for r in range(start, self.n_rows)]


class Performer(BaseModel):
    """Who carries out an SOP step: the swimlane column's label as printed,
    its canonical role (:mod:`pipeline.roles`), the flowchart symbol kind
    found in that column (``terminator``, ``process``, ``decision``,
    ``document``; ``None`` when only text marks the column) and its bbox."""

    role_label: str
    role: str
    symbol: str | None = None
    bbox: tuple[float, float, float, float] | None = None


class SopStep(BaseModel):
    """One step of an SOP flowchart table (SOP AP, PermenPAN-RB 35/2012):
    ``step_no`` as printed (``None`` when unreadable), *kegiatan* (activity),
    performers, *mutu baku* (kelengkapan, waktu as printed and parsed, output)
    and *keterangan*. ``duration_minutes`` is working time
    (:mod:`pipeline.durations`). ``flags``: ``no_performer``, ``no_duration``,
    ``step_no_inferred``, ``duration_unparsed``, ``duration_corrected`` (a range's
    upper bound taken, or OCR letters in the number read as digits)."""

    step_no: int | None
    kegiatan: str
    performers: list[Performer] = Field(default_factory=list)
    kelengkapan: str | None = None
    waktu_raw: str | None = None
    waktu_value: float | None = None
    waktu_unit: str | None = None
    duration_minutes: float | None = None
    output: str | None = None
    keterangan: str | None = None
    provenance: Provenance = Field(default_factory=Provenance)
    flags: list[str] = Field(default_factory=list)


MeasureName = Literal["target", "realisasi", "capaian", "anggaran", "realisasi_anggaran"]
LineLevel = Literal["opd", "urusan", "program", "kegiatan", "sub_kegiatan", "sasaran", "budget"]
PerformanceForm = Literal["perjanjian_kinerja", "rencana_aksi", "laporan_triwulan", "renja_evaluasi", "monev"]


class Measure(BaseModel):
    """One value of a performance line: ``measure`` (``target``, ``realisasi``
    (kinerja, K), ``capaian`` (as printed, percent), ``anggaran`` (budget,
    Rupiah), ``realisasi_anggaran`` (Rp spent)), for ``quarter`` 1..4 or the
    whole year (``None``), with the parsed value and the cell's provenance."""

    measure: MeasureName
    quarter: int | None = None
    value: ParsedValue
    provenance: Provenance = Field(default_factory=Provenance)


class PerformanceLine(BaseModel):
    """One logical row of a performance table (grid rows joined where a cell's
    text ran on): an indicator with its measures, or a budget line.

    ``level``: ``sasaran`` (indicator of a sasaran strategis, PK / Rencana
    Aksi / simple report), ``program`` / ``kegiatan`` / ``sub_kegiatan`` /
    ``urusan`` / ``opd`` (rows of the Permendagri 86/2017 Renja form, or
    activity-level indicators), ``budget`` (programme budget table of a PK).
    ``level_rule`` says which rule decided the level. ``parent_line`` points
    to the line this one belongs to (a kegiatan's programme).
    ``flags``: ``no_indicator``, ``no_label`` (figures only, e.g. an unlabelled total), ``unparsed_value``, ``ambiguous_number``,
    ``comparator_from_ocr`` (a target's ``≤`` read from an OCR ``s``, see :mod:`pipeline.values`).
    """

    line_no: int
    table_no: int
    row: int
    level: LineLevel
    level_rule: str | None = None
    parent_line: int | None = None
    sasaran: str | None = None
    program: str | None = None
    indicator: str | None = None
    satuan: str | None = None
    penanggung_jawab: str | None = None
    keterangan: str | None = None
    measures: list[Measure] = Field(default_factory=list)
    provenance: Provenance = Field(default_factory=Provenance)
    flags: list[str] = Field(default_factory=list)

    def get(self, measure: str, quarter: int | None = None) -> "Measure | None":
        return next((m for m in self.measures if m.measure == measure and m.quarter == quarter), None)


class Party(BaseModel):
    """A signatory of a Perjanjian Kinerja: ``pihak`` ``pertama`` (promises the
    targets; also printed *PIHAK KESATU*) or ``kedua`` (the superior), with
    name, jabatan, pangkat and NIP (checked)."""

    pihak: Literal["pertama", "kedua"]
    nama: FieldValue | None = None
    jabatan: FieldValue | None = None
    pangkat: FieldValue | None = None
    nip: FieldValue | None = None
    nip_check: NipCheck | None = None


class PerformanceDoc(BaseModel):
    """What a PK, Rencana Aksi, quarterly report or Monev says, ready for the
    catalogue and the facts. ``opd`` (agency) and ``unit`` (bidang / seksi /
    subbagian), ``year`` and ``quarter`` (1..4; ``None`` for a yearly document
    or a form covering TW I..IV) each carry their source in ``sources``
    (``document``, ``file_name``); ``reported_quarters`` lists the quarters
    with at least one realisation. ``flags`` (for review): ``unit_not_found``,
    ``year_not_found``, ``quarter_not_found``, ``quarter_out_of_range``,
    ``no_lines``."""

    form: PerformanceForm
    opd: str | None = None
    unit: str | None = None
    year: int | None = None
    quarter: int | None = None
    reported_quarters: list[int] = Field(default_factory=list)
    sources: dict[str, str] = Field(default_factory=dict)
    place: str | None = None
    signed_date: str | None = None
    parties: list[Party] = Field(default_factory=list)
    lines: list[PerformanceLine] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)


Box = tuple[float, float, float, float]


class SignatureCheck(BaseModel):
    """One expected signature block on one page and what was found in it.

    ``role``: ``pihak_pertama`` / ``pihak_kedua`` (PK), ``disahkan_oleh``
    (SOP approval), ``mengetahui`` (countersignature), ``penandatangan``
    (any other jabatan + name + NIP block). Boxes are PDF points, top-left
    origin: ``zone`` is where the pen goes. ``signed`` / ``stamp`` /
    ``paraf`` are ``None`` when the page was not examined as an image.
    Confidences are 0..1. ``flags``: ``unsigned``, ``stamp_missing``,
    ``no_nip``, ``nip_invalid``, ``nip_flagged``, ``ink_not_checked``,
    ``name_differs_between_pages`` (with ``name_variants``)."""

    role: str
    page_no: int
    jabatan: str | None = None
    nama: str | None = None
    pangkat: str | None = None
    nip_raw: str | None = None
    nip_check: NipCheck | None = None
    zone: Box
    name_provenance: Provenance = Field(default_factory=Provenance)
    signed: bool | None = None
    signed_confidence: float | None = None
    signature_bbox: Box | None = None
    signature_colour: str | None = None
    pasted: bool = False
    stamp: bool | None = None
    stamp_required: bool = False
    stamp_confidence: float | None = None
    stamp_bbox: Box | None = None
    stamp_colour: str | None = None
    paraf: bool | None = None
    paraf_bbox: Box | None = None
    name_variants: list[str] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)


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
    tables: list[Table] = Field(default_factory=list)
    sop_steps: list[SopStep] = Field(default_factory=list)
    performance: PerformanceDoc | None = None
    signatures: list[SignatureCheck] = Field(default_factory=list)
    year: int | None = None
    periods: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    seconds: float = 0.0


PageResult.model_rebuild()
