"""Expected signature blocks and whether they were signed, stamped and initialled.

A signature block (*blok tanda tangan*) is printed as: a heading (role such as
``PIHAK KEDUA,`` / ``Mengetahui,`` / ``Disahkan oleh`` and the jabatan), a
blank space where the pen goes, the printed name, the pangkat / golongan and
``NIP. ...`` (PermenPAN-RB 53/2014 for the PK letter; PermenPAN-RB 35/2012 for
the SOP AP approval; the report's jabatan + name + NIP block follows the same
tata naskah dinas, Permendagri 54/2009).

Blocks are found from the page's text (the NIP line, upward to the name and
heading; role headings with no NIP under them; the SOP header's *Disahkan
oleh* fields), then the ink marks of the page (:mod:`extractors.ink`) are
matched to each block's pen zone: a handwriting mark in the zone is the
signature, a stamp ring overlapping the zone is the stamp, a small
handwriting mark beside the block is a paraf.

Tables with a *Paraf* column (a distribution sheet, a review list, an SOP's
hand-over table) expect initials on every body row: each row is one expected
``paraf`` with the name and jabatan printed in the same row, and the paraf is
there when a handwriting mark sits in the row's Paraf cell.

Geometry is in PDF points, top-left origin.
"""
from __future__ import annotations

import re
from collections import defaultdict

from extractors.records import BBox, InkMark
from rapidfuzz import fuzz

from .layout import Line, Segment
from .models import NipCheck, PageResult, Provenance, SignatureCheck, SopHeader, Table, TableCell
from .nip import check_nip
from .signatory import _JABATAN_HEAD, _is_pangkat, _looks_like_name

#: Blank height above a printed name that counts as room for a pen, points.
MIN_PEN_GAP_PT = 22.0
#: Height of the pen zone assumed when the heading is not found, points (about 1 inch).
DEFAULT_ZONE_PT = 72.0
#: Widening of the zone beyond the printed block on each side, points (signatures overhang).
ZONE_MARGIN_PT = 30.0
#: How far beside a block a paraf is looked for, points.
PARAF_REACH_PT = 90.0
#: A small mark nearer than this to the signature (points) is a piece of its
#: stroke cut off by the printed line it crosses (erased as print), not a paraf.
PARAF_MIN_GAP_PT = 15.0
#: Lowest confidence of a handwriting mark accepted inside a pen zone.
ZONE_MIN_CONFIDENCE = 0.3
#: A NIP whose digits were read by OCR below this confidence (percent) is
#: flagged for review even when it checks out: a digit under a pen stroke can
#: come back as another digit that still forms a valid NIP (``19670903`` read
#: ``19670908`` at 78 % on a Jabar PK). Every NIP read cleanly in the corpus
#: scans comes back at 90 % or more.
NIP_MIN_CONFIDENCE = 85.0
#: Roles that require the official stamp (cap dinas) next to the signature: the
#: approval of an SOP (PermenPAN-RB 35/2012, the SOP AP identity sheet).
STAMP_REQUIRED_ROLES = frozenset({"disahkan_oleh"})

_NIP_LABEL = re.compile(r"\bN\s?I\s?P\b\.?\s*[:.]?\s*(.*)$", re.I)
_ROLES = [
    ("pihak_pertama", re.compile(r"\bPIHAK\s+(PERTAMA|KESATU|I)\b", re.I)),
    ("pihak_kedua", re.compile(r"\bPIHAK\s+(KEDUA|II)\b", re.I)),
    ("disahkan_oleh", re.compile(r"\bdisahkan\b", re.I)),
    ("mengetahui", re.compile(r"\bmengetahui\b", re.I)),
]
_PLACE_DATE = re.compile(r"^[A-Z][A-Za-z .]+,\s*(\d{1,2}\s+)?(?P<month>Januari|Februari|Pebruari|Maret|April|Mei|Juni|Juli|"
                         r"Agustus|September|Oktober|Nopember|November|Desember)?\s*(?P<year>\d{4})?\s*$", re.I)
_FORM_LABEL = re.compile(r"\b(NAMA\s+SOP|Nomor|Tanggal|Disahkan)\b", re.I)


def _is_place_date(text: str) -> bool:
    """``Bandung, 22 April 2016`` / ``Bandung,      2016`` / ``Bandung, 6 Januari``."""
    m = _PLACE_DATE.match(text.strip())
    return bool(m and (m.group("month") or m.group("year")))


def _name_like(text: str) -> bool:
    """A printed name: not a form label (``NAMA SOP``), not a place line (``Bandung,``)."""
    t = text.strip()
    return (_looks_like_name(t) and not _FORM_LABEL.search(t) and not _is_place_date(t)
            and not re.match(r"^[A-Z][a-z]+\s*,", t))


def _role(text: str) -> str | None:
    return next((name for name, rx in _ROLES if rx.search(text)), None)


#: The jabatan of an elected regional head (kepala daerah): no NIP is printed
#: under it (a Gubernur, Bupati or Wali Kota is not a civil servant, UU 23/2014).
_REGIONAL_HEAD = re.compile(r"^\s*(a\.?n\.?\s+)?(wakil\s+)?(gubernur|bupati|wali\s*kota)\b", re.I)


def _own_regional_head_title(text: str) -> bool:
    """A jabatan that is a regional head's own title (``GUBERNUR JAWA BARAT``,
    ``Wakil Bupati Landak``), not one signed *a.n.* (atas nama, on behalf of:
    ``a.n. GUBERNUR JAWA BARAT`` is signed by a civil servant, the Sekda, who
    has a NIP; Permendagri 54/2009 on tata naskah dinas)."""
    m = _REGIONAL_HEAD.match(text or "")
    return bool(m) and not m.group(1)


def _regional_head_heading(text: str) -> bool:
    """A signature heading naming a regional head: ``GUBERNUR JAWA BARAT,``,
    ``a.n. BUPATI LANDAK`` (the title upper case or ending with a comma; not a
    sentence mentioning one)."""
    t = text.strip()
    m = _REGIONAL_HEAD.match(t)
    title = t[m.end(1):] if m and m.group(1) else t
    return bool(m) and len(t) < 60 and (t.endswith(",") or title.upper() == title)


def _clean(s: str | None) -> str | None:
    if not s:
        return None
    s = re.sub(r"\s+", " ", s).strip(" ,;:|")
    return s or None


def _overlaps_band(seg: Segment, x0: float, x1: float) -> bool:
    b = seg.bbox
    return min(b.x1, x1) - max(b.x0, x0) > 0.3 * min(b.width, x1 - x0)


#: A word this many times taller than the other words of its segment was read off a pen stroke.
STROKE_WORD_HEIGHT = 2.5


def _clip(seg: Segment, x0: float, x1: float) -> Segment | None:
    """The words of ``seg`` whose centre lies in the band widened by 20 points
    (two signature columns printed on one line come as one segment), less
    OCR noise read off the pen strokes: confidence below 40 %, or a word
    :data:`STROKE_WORD_HEIGHT` times taller than the shortest other word (a
    scanner's text layer gives no confidence, and reads a signature crossing
    the name as ``A-`` 72 points tall beside the 10-point name)."""
    words = [w for w in seg.words if x0 - 20 <= w.bbox.cx <= x1 + 20
             and (w.confidence is None or w.confidence >= 40)]
    if len(words) > 1:
        words = [w for w in words if w.bbox.height <= STROKE_WORD_HEIGHT * min(
            o.bbox.height for o in words if o is not w)]
    return Segment(tuple(words)) if words else None


def _segments_above(lines: list[Line], y: float, x0: float, x1: float, tables: list[BBox]) -> list[Segment]:
    """Segments above ``y`` overlapping the band ``[x0, x1]``, clipped to it,
    outside tables, nearest first."""
    segs = []
    for ln in lines:
        for s in ln.segments:
            if s.bbox.y1 <= y + 1 and _overlaps_band(s, x0, x1):
                c = _clip(s, x0, x1)
                if c is not None and not any(t.holds_centre_of(c.bbox) for t in tables):
                    segs.append(c)
    return sorted(segs, key=lambda s: -s.bbox.y1)


class _Block:
    """A signature block under construction."""

    def __init__(self, page_no: int, role: str | None, heading: list[Segment], name: Segment | None,
                 pangkat: Segment | None, nip_seg: Segment | None, nip_raw: str | None):
        self.page_no, self.role, self.heading = page_no, role, heading
        self.name, self.pangkat, self.nip_seg, self.nip_raw = name, pangkat, nip_seg, nip_raw

    @property
    def expects_nip(self) -> bool:
        """Whether a NIP belongs under this block: not under an SOP's approver
        or a regional head (Bupati, Gubernur) signing under his own title, who
        print none. Under an *a.n.* heading one is expected: a civil servant
        signs on the head's behalf."""
        return self.role != "disahkan_oleh" and not any(_own_regional_head_title(h.text) for h in self.heading)

    @property
    def printed(self) -> BBox:
        segs = [s for s in [*self.heading, self.name, self.pangkat, self.nip_seg] if s is not None]
        return BBox.enclosing([s.bbox for s in segs])

    def zone(self) -> BBox:
        """Where the pen goes: between the heading and the name, across the block."""
        p = self.printed
        top_name = self.name.bbox.y0 if self.name else (self.nip_seg.bbox.y0 if self.nip_seg else p.y1)
        above = [s for s in self.heading if s.bbox.y1 <= top_name - MIN_PEN_GAP_PT]
        y0 = max(s.bbox.y1 for s in above) if above else top_name - DEFAULT_ZONE_PT
        return BBox(p.x0 - ZONE_MARGIN_PT, y0, p.x1 + ZONE_MARGIN_PT, top_name + 4)


def _joined(seg: Segment, others: list[Segment]) -> Segment:
    """``seg`` with the words of ``others`` printed on its line, left to right."""
    words = [*seg.words, *(w for o in others if o.bbox.v_overlap(seg.bbox) > 0.5 for w in o.words)]
    return Segment(tuple(sorted(words, key=lambda w: w.bbox.x0)))


def _block_from_nip(nip_seg: Segment, raw: str, lines: list[Line], page_no: int, tables: list[BBox]) -> _Block:
    b = nip_seg.bbox
    x0, x1 = b.x0 - 20, b.x1 + 20
    name = pangkat = None
    heading: list[Segment] = []
    last_y = b.y0
    pieces: list[Segment] = []  # pieces of a line cut by a pen stroke (``P`` and ``ina`` for Pembina)
    for s in _segments_above(lines, b.y0, x0, x1, tables):
        gap = last_y - s.bbox.y1
        text = s.text
        if name is None:
            if gap > 60:
                break
            if pangkat is None and _is_pangkat(text) and not _looks_like_name(text):
                pangkat = s
            elif re.search(r"[A-Za-z]{3}", text) and re.search(r"[A-Z]", text):
                name = _joined(s, pieces)
            else:
                pieces.append(s)
            last_y = s.bbox.y0
            continue
        if s.bbox.v_overlap(name.bbox) > 0.5:  # the rest of the name's line (cut by a pen stroke)
            name = _joined(name, [s])
            last_y = min(last_y, s.bbox.y0)
            continue
        # above the name: the pen gap, then the heading lines (role, jabatan)
        if heading and gap > 24:
            break
        if not heading and gap > 170:
            break
        if re.search(r"[a-z]{2}\.$", text.strip()):
            break  # the last sentence of the body above the block (``... penghargaan dan sanksi.``)
        if _is_place_date(text) or _NIP_LABEL.search(text) or re.fullmatch(r"[A-Z][a-z]+,|\d{4}", text.strip()) \
                or sum(c.isdigit() for c in text) > 0.3 * len(text):
            break
        if heading and _JABATAN_HEAD.match(heading[-1].text) and not _role(text) and not re.match(r"\s*(a\.?n\.?|plt|plh)\b", text, re.I):
            break  # the jabatan's first line was reached; above it is the page's body
        heading.append(s)
        last_y = s.bbox.y0
        if len(heading) >= 5:
            break
    heading.reverse()
    role = next((r for r in (_role(s.text) for s in heading) if r), None)
    return _Block(page_no, role, heading, name, pangkat, nip_seg, raw)


def _block_from_heading(seg: Segment, role: str | None, lines: list[Line], page_no: int) -> _Block | None:
    """A role heading (or a regional head's jabatan, ``role`` None) with no NIP
    under it: the first name-like segment below it after a pen-sized gap
    (within about 2 inches)."""
    b = seg.bbox
    below = sorted((s for ln in lines for s in ln.segments
                    if s.bbox.y0 >= b.y1 and s.bbox.y0 - b.y1 < 150 and _overlaps_band(s, b.x0 - 40, b.x1 + 40)),
                   key=lambda s: s.bbox.y0)
    heading = [seg]
    last = b.y1
    for s in below:
        if s.bbox.y0 - last < MIN_PEN_GAP_PT:
            heading.append(s)  # jabatan lines right under the role
            last = s.bbox.y1
            continue
        if _name_like(s.text):
            return _Block(page_no, role, heading, s, None, None, None)
        return None
    return None


#: Widest gap (in line heights) between a NIP and a group of its digits printed after it on the same line.
NIP_GAP_LINES = 3.0


def _nip_continued(nip_seg: Segment, raw: str, after: tuple[Segment, ...]) -> tuple[Segment, str]:
    """The NIP segment and its number, with the digit groups that follow it on
    the same line when the number is short of 18 digits: a scanner's text
    layer can box one group too narrow (``NIP. 195812131997031`` then ``003``
    17 points further right), and the line is then cut there into two
    segments. A following segment joins only while it is digits alone, starts
    within :data:`NIP_GAP_LINES` line heights of the previous one, and keeps
    the count at 18 or less; the next block's ``NIP.`` never joins."""
    digits = len(re.sub(r"\D", "", raw))
    words = list(nip_seg.words)
    for seg in after:
        more = len(re.sub(r"\D", "", seg.text))
        if (digits >= 18 or not re.fullmatch(r"[\d .]+", seg.text) or digits + more > 18
                or seg.bbox.x0 - words[-1].bbox.x1 > NIP_GAP_LINES * nip_seg.bbox.height):
            break
        words += seg.words
        raw = f"{raw} {seg.text}"
        digits += more
    return Segment(tuple(words)), raw


def find_blocks(lines: list[Line], page_no: int, tables: list[BBox] | None = None) -> list[_Block]:
    """Signature blocks printed on one page (see the module docstring); text
    inside ``tables`` (bboxes in points) is not part of a block printed
    outside them (a target table right above a PK's signatures)."""
    tables = tables or []
    blocks: list[_Block] = []
    for ln in lines:
        for j, s in enumerate(ln.segments):
            m = _NIP_LABEL.search(s.text)
            if m and not re.search(r"\bNama\b", s.text, re.I):
                at = next((k for k, w in enumerate(s.words) if w.text.upper().startswith("NIP")), 0)
                nip_seg = _clip(s, s.words[at].bbox.x0, s.bbox.x1) or s
                nip_seg, raw = _nip_continued(nip_seg, m.group(1).strip(), ln.segments[j + 1:])
                # a block printed inside a table (an SOP identity sheet) keeps its own table's text
                others = [t for t in tables if not t.holds_centre_of(nip_seg.bbox)]
                blocks.append(_block_from_nip(nip_seg, raw, lines, page_no, others))
    for ln in lines:
        for s in ln.segments:
            role = _role(s.text)
            if (role and len(s.text) < 60 and not re.search(r"selanjutnya|disebut|selaku", s.text, re.I)
                    or _regional_head_heading(s.text)):
                blk = _block_from_heading(s, role, lines, page_no)
                if blk and not any(_same_name_box(blk, o) for o in blocks):
                    blocks.append(blk)
    blocks = [b for b in blocks if b.name is not None or b.nip_seg is not None]
    _complete_pk_roles(blocks)
    return blocks


def _same_name_box(a: _Block, b: _Block) -> bool:
    """Both blocks print their name in the same place (one block found twice)."""
    return (a.name is not None and b.name is not None and a.name.bbox.v_overlap(b.name.bbox) > 0.5
            and a.name.bbox.h_overlap(b.name.bbox) > 0.5)


def _complete_pk_roles(blocks: list[_Block]) -> None:
    """Two blocks side by side where only one shows its PIHAK heading (the
    other was lost under a pen stroke): the other is the other party."""
    other = {"pihak_pertama": "pihak_kedua", "pihak_kedua": "pihak_pertama"}
    for a in blocks:
        if a.role not in other or a.name is None:
            continue
        for b in blocks:
            if b is not a and b.role is None and b.name is not None and a.name.bbox.v_overlap(b.name.bbox) > 0.5:
                b.role = other[a.role]


def _heading_text(block: _Block) -> str | None:
    parts = []
    for s in block.heading:
        t = s.text
        for _, rx in _ROLES:
            t = rx.sub("", t)
        t = re.sub(r"^\W+|\s*[,:]+\s*$", "", t.replace("Mengetahui", "")).strip()
        if t:
            parts.append(t)
    return _clean(" ".join(parts))


def _mark_in(zone: BBox, m: InkMark, share: float = 0.3) -> bool:
    ix = max(0.0, min(zone.x1, m.bbox.x1) - max(zone.x0, m.bbox.x0))
    iy = max(0.0, min(zone.y1, m.bbox.y1) - max(zone.y0, m.bbox.y0))
    area = m.bbox.width * m.bbox.height
    return area > 0 and ix * iy >= share * area


def _gap(a: BBox, b: BBox) -> float:
    """Distance between two boxes (0 when they touch or overlap), points."""
    dx = max(0.0, max(a.x0, b.x0) - min(a.x1, b.x1))
    dy = max(0.0, max(a.y0, b.y0) - min(a.y1, b.y1))
    return (dx * dx + dy * dy) ** 0.5


def _handwriting_in(zone: BBox, page: PageResult, share: float) -> InkMark | None:
    """The largest handwriting mark (signature or paraf, confidence at least
    :data:`ZONE_MIN_CONFIDENCE`) with at least ``share`` of its area in ``zone``."""
    hand = [m for m in page.marks if m.kind in ("signature", "paraf") and m.confidence >= ZONE_MIN_CONFIDENCE
            and _mark_in(zone, m, share)]
    return max(hand, key=lambda m: m.bbox.width * m.bbox.height, default=None)


def check_block(block: _Block, page: PageResult, extractor: str, not_parafs: tuple[BBox, ...] = ()) -> SignatureCheck:
    """Match the page's ink marks to one block and check its NIP; marks at
    ``not_parafs`` (see :func:`_paper_marks`) are never its paraf."""
    zone = block.zone()
    sig = _handwriting_in(zone, page, 0.3)
    wide = BBox(zone.x0 - 36, zone.y0 - 36, zone.x1 + 36, (block.nip_seg.bbox.y1 if block.nip_seg else zone.y1) + 20)
    stamps = [m for m in page.marks if m.kind == "stamp" and _mark_in(wide, m, 0.25)]
    printed = block.printed
    reach = BBox(printed.x0 - PARAF_REACH_PT, printed.y0 - 20, printed.x1 + PARAF_REACH_PT, printed.y1 + 20)
    parafs = [m for m in page.marks if m.kind == "paraf" and m is not sig and _mark_in(reach, m, 0.5)
              and not (sig and _gap(sig.bbox, m.bbox) < PARAF_MIN_GAP_PT) and m.bbox not in not_parafs]
    flags: list[str] = []
    nip_check = None
    if block.nip_raw:
        nip_check = _with_confidence(check_nip(block.nip_raw), block.nip_seg)
        if nip_check.status != "valid":
            flags.append("nip_invalid" if nip_check.status == "invalid" else "nip_flagged")
    elif block.expects_nip:
        flags.append("no_nip")
    examined = page.marks_checked
    if not examined:
        flags.append("ink_not_checked")
    role = block.role or "penandatangan"
    if sig is None and examined:
        flags.append("unsigned")
    if role in STAMP_REQUIRED_ROLES and not stamps and examined:
        flags.append("stamp_missing")
    name_words = list(block.name.words) if block.name else []
    if any(w.confidence is not None for w in name_words):
        extractor = "tesseract"  # read again by OCR on a scanner-text-layer page (pipeline.block_ocr)
    stamp = stamps[0] if stamps else None
    return SignatureCheck(
        role=role, page_no=block.page_no, jabatan=_heading_text(block),
        nama=_clean(block.name.text) if block.name else None,
        pangkat=_clean(block.pangkat.text) if block.pangkat else None,
        nip_raw=block.nip_raw or None, nip_check=nip_check,
        zone=_tuple(zone), name_provenance=Provenance.of_words(name_words, block.page_no, extractor),
        signed=(sig is not None) if examined else None,
        signed_confidence=_signed_confidence(sig, examined, page),
        signature_bbox=_tuple(sig.bbox) if sig else None, signature_colour=sig.colour if sig else None,
        pasted=bool(sig and sig.pasted),
        stamp=(stamp is not None) if examined else None, stamp_required=role in STAMP_REQUIRED_ROLES,
        stamp_confidence=stamp.confidence if stamp else None,
        stamp_bbox=_tuple(stamp.bbox) if stamp else None, stamp_colour=stamp.colour if stamp else None,
        paraf=bool(parafs) if examined else None, paraf_bbox=_tuple(parafs[0].bbox) if parafs else None,
        flags=flags)


def _with_confidence(check: NipCheck, nip_seg: Segment | None) -> NipCheck:
    """``check`` turned from ``valid`` to ``flag`` when a digit word of the NIP
    was read by OCR below :data:`NIP_MIN_CONFIDENCE` (text-layer words carry
    no confidence and are left alone)."""
    low = min((w.confidence for w in (nip_seg.words if nip_seg else ()) if w.confidence is not None
               and any(c.isdigit() for c in w.text)), default=None)
    if low is None or low >= NIP_MIN_CONFIDENCE:
        return check
    reason = f"digits read by OCR at only {low:.0f} % confidence: check them on the page"
    return check.model_copy(update={"status": "flag" if check.status == "valid" else check.status,
                                    "reasons": [*check.reasons, reason]})


def _signed_confidence(sig: InkMark | None, examined: bool, page: PageResult) -> float | None:
    """Confidence (0..1) of the signed / unsigned decision: the mark's own
    confidence when signed; for an empty zone, high on a text-layer page (a
    born-digital page has no ink but its pasted images) and a little lower on
    an OCR-ed scan (faint ink can be lost)."""
    if not examined:
        return None
    if sig is not None:
        return sig.confidence
    return 0.95 if page.text_source == "text_layer" else 0.8


def _tuple(b: BBox) -> tuple[float, float, float, float]:
    return (round(b.x0, 1), round(b.y0, 1), round(b.x1, 1), round(b.y1, 1))


def _sop_block(header: SopHeader, lines: list[Line]) -> _Block | None:
    """The SOP's *Disahkan oleh* block from the parsed identity sheet."""
    nama = header.fields.get("disahkan_nama")
    if not nama or not nama.value or not nama.provenance.bbox:
        return None
    if _FORM_LABEL.search(nama.value):  # the identity sheet was misread (a label taken for the name)
        return None

    def segment(field: str) -> Segment | None:
        f = header.fields.get(field)
        return _segment_at(lines, BBox(*f.provenance.bbox)) if f and f.provenance.bbox else None

    nip = header.fields.get("disahkan_nip")
    heading = segment("disahkan_jabatan")
    return _Block(header.page_no, "disahkan_oleh", [heading] if heading else [], segment("disahkan_nama"),
                  segment("disahkan_pangkat"), segment("disahkan_nip"), nip.raw if nip and nip.raw else None)


def _segment_at(lines: list[Line], box: BBox) -> Segment | None:
    """The segment whose words lie in ``box`` (a field's provenance), as one segment."""
    words = [w for ln in lines for w in ln.words if box.holds_centre_of(w.bbox, margin=1)]
    return Segment(tuple(words)) if words else None


_PARAF_HEADER = re.compile(r"\b(paraf|ttd|tanda\s*tangan)\b", re.I)
_NAME_HEADER = re.compile(r"\bnama\b", re.I)
_JABATAN_HEADER = re.compile(r"\b(jabatan|pelaksana|pejabat)\b", re.I)


def _header_col(table: Table, pattern: re.Pattern) -> int | None:
    hits = [c.col for c in table.cells if c.header and pattern.search(c.text)]
    return hits[0] if hits else None


def check_paraf_columns(page: PageResult, extractor: str) -> list[SignatureCheck]:
    """One ``paraf`` check per body row of every table on ``page`` whose header
    has a *Paraf* (or *TTD* / *Tanda tangan*) column: the row's Nama and
    Jabatan cells name who initials, the Paraf cell is the zone, and a
    handwriting mark (signature or paraf, confidence at least
    :data:`ZONE_MIN_CONFIDENCE`) covering at least half its area inside the
    cell is the paraf. Rows with nothing printed are skipped (blank rows left
    for additions). Flag ``paraf_missing`` when the cell is empty."""
    out: list[SignatureCheck] = []
    for t in page.tables:
        col = _header_col(t, _PARAF_HEADER)
        if col is None:
            continue
        name_col, jab_col = _header_col(t, _NAME_HEADER), _header_col(t, _JABATAN_HEADER)
        rows: dict[int, list[TableCell]] = defaultdict(list)
        for c in t.cells:
            if not c.header:
                rows[c.row].append(c)
        for r in sorted(rows):
            cells = rows[r]
            zone_cell = next((c for c in cells if c.col <= col < c.col + c.col_span), None)
            others = [c for c in cells if c is not zone_cell and c.text.strip()]
            if zone_cell is None or not others:
                continue
            name = next((c for c in others if c.col == name_col), None)
            jab = next((c for c in others if c.col == jab_col), None)
            zone = BBox(*zone_cell.bbox)
            mark = _handwriting_in(zone, page, 0.5)
            examined = page.marks_checked
            flags = [] if examined else ["ink_not_checked"]
            if examined and mark is None:
                flags.append("paraf_missing")
            out.append(SignatureCheck(
                role="paraf", page_no=page.page_no, jabatan=_clean(jab.text) if jab else None,
                nama=_clean(name.text) if name else None, zone=_tuple(zone),
                name_provenance=Provenance.of_words(list(name.words) if name else [], page.page_no, extractor),
                paraf=(mark is not None) if examined else None,
                paraf_bbox=_tuple(mark.bbox) if mark else None, flags=flags))
    return out


def check_signatures(pages: list[PageResult], page_lines: list[tuple[int, str, list[Line]]],
                     sop_header: SopHeader | None = None) -> list[SignatureCheck]:
    """Every expected signature block of a document with its signature, stamp,
    paraf and NIP check, and every row of a Paraf column
    (:func:`check_paraf_columns`); then the name check across pages: blocks of one
    signatory (same role, or same NIP) printing different names get
    ``name_differs_between_pages`` (seed 004 prints NUBLATI and NURIA NI for
    one Camat)."""
    by_page = {p.page_no: p for p in pages}
    paper = _paper_marks(pages)
    out: list[SignatureCheck] = []
    for page_no, extractor, lines in page_lines:
        page = by_page[page_no]
        tables = [BBox(*t.bbox) for t in page.tables if t.bbox] if page.tables else []
        blocks = find_blocks(lines, page_no, tables)
        if sop_header is not None and sop_header.page_no == page_no:
            sop = _sop_block(sop_header, lines)
            if sop is not None and sop.name is not None:
                blocks = [b for b in blocks if not _same_name_box(b, sop)] + [sop]
        out += [check_block(b, page, extractor, paper.get(page_no, ())) for b in blocks]
        out += check_paraf_columns(page, extractor)
    _regional_heads_have_no_nip(out)
    flag_name_variants(out)
    return out


def _regional_heads_have_no_nip(checks: list[SignatureCheck]) -> None:
    """Drop (in place) ``no_nip`` from a block whose printed name is that of a
    regional head signing under his own title elsewhere in the document
    (``GUBERNUR JAWA BARAT,`` above the same name, not *a.n.*, on behalf of):
    an elected head has no NIP (UU 23/2014), whatever the heading of the
    block. ``jabar-datapk-pk-tahun-2016.pdf`` prints AHMAD HERYAWAN under
    ``PIHAK KEDUA,`` alone on page 2 and under ``GUBERNUR JAWA BARAT,`` on
    page 3."""
    heads = set()
    for c in checks:
        if _own_regional_head_title(c.jabatan) and c.nip_raw is None and _norm_name(c.nama):
            heads.add(_norm_name(c.nama))
    for c in checks:
        name = _norm_name(c.nama)
        if "no_nip" in c.flags and name and any(fuzz.ratio(name, h) >= SAME_NAME_RATIO for h in heads):
            c.flags.remove("no_nip")


#: Two small marks on different pages of a document within this many points
#: of each other on every side are one artefact of the paper (a punch hole's
#: shadow, a staple), not handwriting: a hand never puts initials twice on
#: exactly the same spot.
REPEAT_PT = 6.0
#: Filing holes (ISO 838): two holes 80 mm apart, their centres 12 mm from the
#: sheet's edge. Two small marks whose centres lie within
#: :data:`HOLE_EDGE_PT` of the left edge and 80 mm +- :data:`HOLE_PAIR_TOL_PT`
#: apart, one above the other, are the holes' shadows on the scan.
HOLE_PAIR_PT = 80 * 72 / 25.4
HOLE_PAIR_TOL_PT = 4 * 72 / 25.4
HOLE_EDGE_PT = 25 * 72 / 25.4


def _paper_marks(pages: list[PageResult]) -> dict[int, tuple[BBox, ...]]:
    """Per page number, the boxes of its small handwriting marks (``paraf``)
    that are the paper's, not a hand's: recurring at the same place
    (:data:`REPEAT_PT`) on another page of the document, or a pair of filing
    holes in the left margin (:data:`HOLE_PAIR_PT`).
    ``jabar-datapk-pk-tahun-2016.pdf`` shows the two punch holes of a binder,
    80 mm apart, 13 mm from the left edge, on all three pages; on a page
    where one of them is too faint to be found, the other page's still tells."""
    small = [(p.page_no, m.bbox) for p in pages for m in p.marks if m.kind == "paraf"]
    out: dict[int, list[BBox]] = defaultdict(list)
    for page_no, box in small:
        repeated = any(n != page_no and max(abs(box.x0 - o.x0), abs(box.y0 - o.y0), abs(box.x1 - o.x1),
                                            abs(box.y1 - o.y1)) <= REPEAT_PT for n, o in small)
        hole = box.cx < HOLE_EDGE_PT and any(
            n == page_no and o.cx < HOLE_EDGE_PT and abs(abs(o.cy - box.cy) - HOLE_PAIR_PT) <= HOLE_PAIR_TOL_PT
            for n, o in small)
        if repeated or hole:
            out[page_no].append(box)
    return {k: tuple(v) for k, v in out.items()}


_DEGREES = re.compile(r"\b(Prof|Dr|Drs|Dra|Ir|H|Hj|S\.?\s?[A-Za-z]{1,4}|M\.?\s?[A-Za-z]{1,4}|SE|SH|ST|MM|MT|MH|MSi|MAP|Ak)\b\.?", re.I)
#: Two printed names of one signatory are the same when their letters agree this much (rapidfuzz ratio, 0-100).
SAME_NAME_RATIO = 85


def _norm_name(name: str | None) -> str:
    """Letters of the name without academic titles (OCR and comma slips ignored)."""
    return re.sub(r"[^A-Z]", "", _DEGREES.sub(" ", name or "").upper())


def _pen_across_name(c: SignatureCheck) -> bool:
    """The signature covers at least half the height of the printed name: what
    was read of the name under the stroke says little about how it is printed."""
    if not (c.signature_bbox and c.name_provenance.bbox):
        return False
    s, n = BBox(*c.signature_bbox), BBox(*c.name_provenance.bbox)
    return n.h_overlap(s) > 0 and min(s.y1, n.y1) - max(s.y0, n.y0) >= 0.5 * n.height


def flag_name_variants(checks: list[SignatureCheck]) -> None:
    """Flag (in place) blocks of one signatory that print different names:
    grouped by NIP digits when printed, else by role (one PIHAK KEDUA per
    document). Names with the pen across them (:func:`_pen_across_name`) are
    not compared: a scanner read ``Ir. R. ABO H FATHUL ALlM`` on one page and
    ``Ir. R. ULLAH FATHUL ALlM`` on the next under the same signature."""
    groups: dict[str, list[SignatureCheck]] = defaultdict(list)
    for c in checks:
        key = f"nip:{c.nip_check.digits}" if c.nip_check and len(c.nip_check.digits) >= 15 else f"role:{c.role}"
        if c.role in ("penandatangan", "paraf") and key.startswith("role:"):
            continue  # many different people share these roles
        groups[key].append(c)
    for members in groups.values():
        names = sorted({_norm_name(c.nama) for c in members
                        if c.nama and _norm_name(c.nama) and not _pen_across_name(c)})
        if any(fuzz.ratio(a, b) < SAME_NAME_RATIO for i, a in enumerate(names) for b in names[i + 1:]):
            variants = sorted({c.nama for c in members if c.nama})
            for c in members:
                c.flags.append("name_differs_between_pages")
                c.name_variants = variants
