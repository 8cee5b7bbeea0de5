"""Typed records shared by the extractors (frozen dataclasses for geometry).

Coordinates: every :class:`BBox` given to or returned by the extractors is in
PDF points (1/72 inch) measured from the top-left corner of the upright page,
unless a docstring says pixels. A raster page at ``dpi`` converts with
``points = pixels * 72 / dpi``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class BBox:
    """Axis-aligned box ``(x0, y0, x1, y1)`` with ``x0 <= x1`` and ``y0 <= y1``."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    def union(self, other: "BBox") -> "BBox":
        return BBox(min(self.x0, other.x0), min(self.y0, other.y0),
                    max(self.x1, other.x1), max(self.y1, other.y1))

    def scaled(self, factor: float) -> "BBox":
        """The same box with every coordinate multiplied by ``factor`` (unit change)."""
        return BBox(self.x0 * factor, self.y0 * factor, self.x1 * factor, self.y1 * factor)

    def v_overlap(self, other: "BBox") -> float:
        """Vertical overlap as a share (0..1) of the shorter box's height."""
        inter = min(self.y1, other.y1) - max(self.y0, other.y0)
        h = min(self.height, other.height)
        return max(0.0, inter) / h if h > 0 else 0.0

    def h_overlap(self, other: "BBox") -> float:
        """Horizontal overlap as a share (0..1) of the narrower box's width."""
        inter = min(self.x1, other.x1) - max(self.x0, other.x0)
        w = min(self.width, other.width)
        return max(0.0, inter) / w if w > 0 else 0.0

    def area_within(self, width: float, height: float) -> float:
        """Area of the part of this box inside ``(0, 0, width, height)`` (a page), 0 when outside it."""
        return (max(0.0, min(self.x1, width) - max(self.x0, 0.0))
                * max(0.0, min(self.y1, height) - max(self.y0, 0.0)))

    def holds_centre_of(self, other: "BBox", margin: float = 0.0) -> bool:
        """True when ``other``'s centre lies in this box widened by ``margin`` on every side."""
        return (self.x0 - margin <= other.cx <= self.x1 + margin
                and self.y0 - margin <= other.cy <= self.y1 + margin)

    def contains(self, other: "BBox") -> bool:
        """True when ``other`` lies wholly inside this box (edges may touch)."""
        return self.x0 <= other.x0 and self.y0 <= other.y0 and other.x1 <= self.x1 and other.y1 <= self.y1

    @staticmethod
    def enclosing(boxes: "list[BBox]") -> "BBox":
        """Smallest box around ``boxes``; raises ``ValueError`` on an empty list."""
        if not boxes:
            raise ValueError("no boxes to enclose")
        return BBox(min(b.x0 for b in boxes), min(b.y0 for b in boxes),
                    max(b.x1 for b in boxes), max(b.y1 for b in boxes))


@dataclass(frozen=True)
class Word:
    """One word on a page.

    ``bbox`` in PDF points (top-left origin). ``confidence`` is Tesseract's word
    confidence in percent (0-100) for OCR words and ``None`` for words read from a
    PDF text layer, which carries no confidence. ``block``/``par``/``line`` are
    Tesseract's layout ids (``-1`` for text-layer words).
    """

    text: str
    bbox: BBox
    confidence: float | None = None
    block: int = -1
    par: int = -1
    line: int = -1


def mean_confidence(words: "Iterable[Word]") -> float | None:
    """Mean OCR confidence (percent) of the words that carry one; ``None`` when
    none does (text-layer words, or no words)."""
    confs = [w.confidence for w in words if w.confidence is not None]
    return sum(confs) / len(confs) if confs else None


@dataclass(frozen=True)
class TextLayer:
    """Words of a PDF page's text layer plus the facts needed to judge it.

    ``image_coverage`` is the share (0..1) of the page area covered by embedded
    raster images; a value near 1 means the page is a scan, and its text (if any)
    was added by the scanner's OCR. ``image_boxes``: where images smaller than
    half the page sit (pasted signatures, stamps, logos), in points.
    ``hidden_text_share``: the share (0..1) of the page's text objects that
    nobody sees (invisible render mode, or painted under an image covering
    half the page), as in a scanner's OCR layer; ``None`` when the reader
    cannot tell (pdfplumber does not report render modes) or there is no text.
    """

    words: tuple[Word, ...]
    width_pt: float
    height_pt: float
    char_count: int
    image_coverage: float
    rotation: int = 0
    image_boxes: tuple[BBox, ...] = ()
    hidden_text_share: float | None = None


@dataclass(frozen=True)
class Orientation:
    """Result of orientation detection: ``rotate`` is the clockwise rotation in
    degrees (0, 90, 180, 270) that makes the page upright; ``confidence`` is
    Tesseract OSD's orientation confidence (0 when OSD could not decide)."""

    rotate: int
    confidence: float


@dataclass(frozen=True)
class OcrResult:
    """Words of one OCR pass over an image at ``dpi`` (bboxes already in points)."""

    words: tuple[Word, ...]
    dpi: int
    settings: str
    cached: bool = False

    @property
    def mean_confidence(self) -> float | None:
        return mean_confidence(self.words)


@dataclass(frozen=True)
class Entity:
    """A rule-based entity found in text: ``label`` is one of PERIOD, DATE, NIP,
    JABATAN, AGENCY; offsets are character offsets into the analysed text."""

    label: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Preprocessed:
    """A page image after OpenCV preprocessing.

    ``gray``: upright, deskewed 8-bit grayscale image (pixels at ``dpi``).
    ``rotation``: clockwise quarter turn applied (0, 90, 180, 270).
    ``skew_angle``: degrees the original was rotated counter-clockwise to deskew.
    ``dewarped``: True when a photographed page outline was found and rectified.
    ``colour``: the same page in RGB (H, W, 3), with the same geometry as
    ``gray`` but its coloured ink kept (for signatures and stamps); ``None``
    for a gray source (also a gray page stored as RGB, :func:`preprocess.is_gray`).
    ``colour_dpi``: the resolution of ``colour`` (pixels per inch; at most ``dpi``).
    """

    gray: "object"  # numpy.ndarray (H, W) uint8; typed loosely to keep numpy out of the signature
    dpi: int
    rotation: int = 0
    skew_angle: float = 0.0
    dewarped: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)
    colour: "object" = None
    colour_dpi: int | None = None


@dataclass(frozen=True)
class Ruling:
    """A ruled line segment (table border or rule) in PDF points, top-left origin.

    Horizontal when it is wider than tall. ``x0 == x1`` (vertical) or
    ``y0 == y1`` (horizontal) for vector lines; scanned lines keep their
    thickness.
    """

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.y1 - self.y0)

    @property
    def length(self) -> float:
        return max(self.x1 - self.x0, self.y1 - self.y0)

    @property
    def pos(self) -> float:
        """The line's position across its direction (y of a horizontal line, x of a vertical one)."""
        return (self.y0 + self.y1) / 2 if self.horizontal else (self.x0 + self.x1) / 2


#: Flowchart symbol kinds (SOP AP, PermenPAN-RB 35/2012): capsule = start/end,
#: rectangle = process, diamond = decision, wavy-bottomed sheet = document.
SHAPE_KINDS = ("terminator", "process", "decision", "document")


@dataclass(frozen=True)
class Shape:
    """A closed flowchart symbol found on a page image: ``kind`` one of
    :data:`SHAPE_KINDS`, ``bbox`` in PDF points, ``confidence`` 0..1 (how
    cleanly the outline matched the kind)."""

    kind: str
    bbox: BBox
    confidence: float


#: Kinds of ink mark (:class:`InkMark`): a handwritten signature, a paraf
#: (small handwritten initials), an official stamp (round or oval ring).
MARK_KINDS = ("signature", "paraf", "stamp")
#: Page context of a handwriting mark (:attr:`InkMark.context`): ``letterhead``
#: (in the band at the top of the page where the kop surat - logo, agency name,
#: address - is printed), ``note`` (one line of a block of handwritten lines:
#: a note or a handwritten letter, not a signature).
MARK_CONTEXTS = ("letterhead", "note")


@dataclass(frozen=True)
class InkMark:
    """Non-print ink found on a page image.

    ``kind`` one of :data:`MARK_KINDS`; ``bbox`` in PDF points (top-left
    origin); ``confidence`` 0..1; ``colour`` the ink colour (``black``,
    ``blue``, ``purple``, ``red``, ``green``); ``pasted`` True when the mark
    lies inside an image pasted into a born-digital PDF; ``stroke_pt`` the
    mean stroke width in points (0 for stamps). ``context``: why the
    whole-page detector does not count a handwriting mark as a signature
    although it looks like one (one of :data:`MARK_CONTEXTS`), empty when
    nothing on the page speaks against it. ``signature_score``: probability
    (0..1) that a handwriting mark is a signature, from the whole-page model
    (:mod:`extractors.signature_model`); ``None`` for stamps.
    """

    kind: str
    bbox: BBox
    confidence: float
    colour: str = "black"
    pasted: bool = False
    stroke_pt: float = 0.0
    context: str = ""
    signature_score: float | None = None
