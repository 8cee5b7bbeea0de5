"""Parser for the SOP AP identity sheet (PermenPAN-RB 35/2012, ../shared/DOMAIN.md).

Works on layout lines (:mod:`pipeline.layout`) so that text-layer words, OCR
words and plain-text transcriptions go through the same code. Handles the list
form (``Label : value`` one under another, boxes as headings) and the table form
(label cell next to value cell, boxes two by two). A field that is not printed
is ``None``; nothing is invented.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from extractors.records import Word

from .dates import parse_date
from .layout import Line, Segment
from .models import FieldValue, ListItem, Provenance, SopHeader
from .nip import check_nip
from .signatory import parse_signatory

FIELD_LABELS: dict[str, list[str]] = {
    "nomor_sop": ["nomor standar operasional prosedur", "nomor standar operasional", "nomor sop", "no sop"],
    "tanggal_pembuatan": ["tanggal pembuatan", "tgl pembuatan"],
    "tanggal_revisi": ["tanggal revisi", "tgl revisi"],
    "tanggal_efektif": ["tanggal efektifitas", "tanggal efektif", "tanggal pengesahan", "tanggal berlaku", "tgl efektif"],
    "disahkan_oleh": ["disahkan oleh"],
    "nama_sop": ["nama sop"],
}
BOX_LABELS: dict[str, list[str]] = {
    "dasar_hukum": ["dasar hukum"],
    "kualifikasi_pelaksana": ["kualifikasi pelaksanaan", "kualifikasi pelaksana", "klasifikasi pelaksana"],
    "keterkaitan": ["keterkaitan sop", "keterkaitan"],
    "peralatan_perlengkapan": ["peralatan perlengkapan", "peralatan", "perlengkapan"],
    "peringatan": ["peringatan"],
    "pencatatan_pendataan": ["pencatatan dan pendataan", "pencacatan dan pendataan", "pencatatan pendataan"],
}
#: Text that ends the identity sheet (start of the flowchart part).
END_MARKERS = re.compile(r"dokumen\s+dasar\s+sop|uraian\s+prosedur|^\s*no\.?\s+kegiatan\b|mutu\s+baku|^\s*prosedur\s+\w+", re.I)
_TITLE = re.compile(r"^\W*standar\s+op\w*\s+prosedur\s*(\(\s*sop\s*\))?\W*(.*)$", re.I)
_AGENCY = re.compile(r"\b(pemerintah|kabupaten|kota|provinsi|dinas|badan|inspektorat|kecamatan|kelurahan|sekretariat|"
                     r"satuan|kantor|balai|uptd|rsud|biro|bappeda)\b", re.I)
_ADDRESS = re.compile(r"\b(jl|jln|jalan|telp|telepon|fax|faks|laman|posel|email|e-mail|website|kode\s+pos|www)\b", re.I)
SCALAR_FIELDS = ["nomor_sop", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "nama_sop"]
DATE_FIELDS = {"tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif"}
SIGNATORY_FIELDS = ["disahkan_jabatan", "disahkan_nama", "disahkan_pangkat", "disahkan_nip"]
ALL_FIELDS = ["agency"] + SCALAR_FIELDS + SIGNATORY_FIELDS
BOXES = list(BOX_LABELS)


def _norm_tokens(word: Word) -> list[str]:
    return [t for t in re.split(r"[^0-9a-z]+", word.text.lower()) if t]


@dataclass
class _Label:
    kind: str  # "field" | "box"
    name: str
    line_no: int
    words: list[Word]  # the label's own words
    rest: list[Word]  # words after the label in the same segment (inline value)

    @property
    def x0(self) -> float:
        return self.words[0].bbox.x0

    @property
    def x1(self) -> float:
        return self.words[-1].bbox.x1


@dataclass
class _Sheet:
    lines: list[Line]
    labels: list[_Label] = field(default_factory=list)

    def labels_on(self, line_no: int) -> list[_Label]:
        return [lb for lb in self.labels if lb.line_no == line_no]


def _label_entry(kind: str, name: str, phrase: str) -> tuple[str, str, str, int, int]:
    n = len(phrase.split())
    # single words need a near-exact match ("kelengkapan" is not "perlengkapan")
    threshold = 100 if len(phrase) <= 6 else (92 if n == 1 else 86)
    return kind, name, phrase, n, threshold


#: ``(kind, name, phrase, words in the phrase, fuzz.ratio threshold)``, longest phrase first.
_ALL_LABELS = sorted([_label_entry("field", n, p) for n, ps in FIELD_LABELS.items() for p in ps] +
                     [_label_entry("box", n, p) for n, ps in BOX_LABELS.items() for p in ps],
                     key=lambda t: -len(t[2]))


def _match_at(tokens: list[tuple[str, int]], i: int) -> tuple[str, str, int] | None:
    """Label starting at token ``i``: (kind, name, index of the last word used).
    A phrase whose length rules out the threshold (``fuzz.ratio`` is at most
    ``200 * shorter / (len_a + len_b)``) is not compared; this test runs on
    every token of every page."""
    joined: dict[int, str | None] = {}
    for kind, name, phrase, n, threshold in _ALL_LABELS:
        if n not in joined:
            joined[n] = " ".join(t for t, _ in tokens[i:i + n]) if i + n <= len(tokens) else None
        text = joined[n]
        if text is None:
            continue
        lt, lp = len(text), len(phrase)
        if text == phrase or (200 * min(lt, lp) >= threshold * (lt + lp)
                              and fuzz.ratio(text, phrase, score_cutoff=threshold)):
            return kind, name, tokens[i + n - 1][1]
    return None


_RULE_GLYPHS = re.compile(r"^([|\[\]{}—–]+|[_-]{2,})$")


def _without_rules(lines: list[Line]) -> list[Line]:
    """Drop 'words' that are OCR readings of table rules (``|``, ``[``, ``——``) and
    strip a rule glyph stuck to a word (``tentang|``)."""
    out = []
    for ln in lines:
        segs = []
        for sg in ln.segments:
            ws = tuple(Word(w.text.strip("|"), w.bbox, w.confidence, w.block, w.par, w.line)
                       for w in sg.words if not _RULE_GLYPHS.match(w.text) and w.text.strip("|"))
            if ws:
                segs.append(Segment(ws))
        if segs:
            out.append(Line(tuple(segs)))
    return out


def _find_labels(lines: list[Line]) -> list[_Label]:
    found: list[_Label] = []
    for ln_no, line in enumerate(lines):
        for seg in line.segments:
            words = list(seg.words)
            tokens = [(t, wi) for wi, w in enumerate(words) for t in _norm_tokens(w)]
            starts: list[tuple[int, str, str, int]] = []  # (first word, kind, name, last word)
            ti = 0
            while ti < len(tokens):
                m = _match_at(tokens, ti)
                if m:
                    first_w = tokens[ti][1]
                    ok = first_w == 0 or first_w <= 2 or (starts and starts[-1][3] == first_w - 1)
                    last_w = m[2]
                    follows_colon = last_w + 1 < len(words) and words[last_w + 1].text.startswith(":") \
                        or words[last_w].text.endswith(":")
                    if ok or follows_colon:
                        starts.append((first_w, m[0], m[1], last_w))
                        ti = next((k for k, (_, wi) in enumerate(tokens) if wi > last_w), len(tokens))
                        continue
                ti += 1
            for k, (first_w, kind, name, last_w) in enumerate(starts):
                end = starts[k + 1][0] if k + 1 < len(starts) else len(words)
                found.append(_Label(kind, name, ln_no, words[first_w:last_w + 1], words[last_w + 1:end]))
    return found


def _strip_colon(words: list[Word]) -> list[Word]:
    out = list(words)
    while out and out[0].text.strip(":;.| ") == "":
        out.pop(0)
    if out and out[0].text.startswith(":"):
        w = out[0]
        out[0] = Word(w.text.lstrip(": "), w.bbox, w.confidence, w.block, w.par, w.line)
    return [w for w in out if w.text]


def _text(words: list[Word]) -> str:
    return re.sub(r"\s+", " ", " ".join(w.text.replace("«", "").replace("»", "") for w in words)).strip(" :;|*")


def _is_stop_line(sheet: _Sheet, line_no: int) -> bool:
    return bool(sheet.labels_on(line_no)) or bool(END_MARKERS.search(sheet.lines[line_no].text))


def _right_of(sheet: _Sheet, lb: _Label) -> list[Word]:
    """Words right of label ``lb`` on its line, up to the next label."""
    nxt = [o.x0 for o in sheet.labels_on(lb.line_no) if o.x0 > lb.x1]
    limit = min(nxt) if nxt else float("inf")
    return [w for w in sheet.lines[lb.line_no].words if lb.x1 < w.bbox.x0 < limit and w not in lb.rest]


def _value_words(sheet: _Sheet, lb: _Label) -> list[Word]:
    return _strip_colon(lb.rest) or _strip_colon(_right_of(sheet, lb))


def _block_below(sheet: _Sheet, lb: _Label, x_min: float, max_lines: int, stop_after_nip: bool = False) -> list[list[Word]]:
    """Lines below ``lb`` (words with x0 >= x_min) until a label or end marker."""
    out = []
    for ln_no in range(lb.line_no + 1, min(len(sheet.lines), lb.line_no + 1 + max_lines)):
        if _is_stop_line(sheet, ln_no):
            break
        words = [w for w in sheet.lines[ln_no].words if w.bbox.x0 >= x_min]
        if words and words[0].text.startswith(":"):
            continue  # a value of the flattened list form, paired with its label elsewhere
        if words:
            out.append(words)
            if stop_after_nip and re.search(r"\bNIP\b", _text(words), re.I):
                break
    return out


def _column_split(sheet: _Sheet, left: _Label, right: _Label, last_line: int) -> float:
    """x where the right-hand box's column starts: the right header's own left
    edge when no word below straddles it; otherwise (centred headers) the leftmost word left edge between the headers
    that the fewest words straddle and where at least two lines start (a
    column's aligned left margin, e.g. its item numbers). Falls back to the
    right label's x0."""
    lo, hi = left.x1, right.x0
    words = [w for ln_no in range(left.line_no + 1, last_line) for w in sheet.lines[ln_no].words]
    starts = [w.bbox.x0 for w in words if lo <= w.bbox.x0 <= hi]
    if not starts:
        return right.x0

    def straddle(x: float) -> int:
        return sum(1 for w in words if w.bbox.x0 < x - 1 < w.bbox.x1 - 2)

    if straddle(right.x0) == 0:  # the usual case: the header sits at its column's left edge
        return right.x0 - 2
    aligned = [x for x in starts if sum(1 for a in starts if abs(a - x) <= 4) >= 2] or starts
    least = min(straddle(x) for x in aligned)
    return min(x for x in aligned if straddle(x) == least) - 2


def _is_title_repeat(text: str, title: str | None) -> bool:
    """True for a line that repeats the SOP's name (the flowchart part's heading)."""
    if not title:
        return False
    strip = lambda t: re.sub(r"\b(sop|prosedur|standar|operasional)\b|[^a-z ]", " ", t.lower()).split()
    a, b = " ".join(strip(text)), " ".join(strip(title))
    return bool(a) and fuzz.ratio(a, b) >= 90


def _box_lines(sheet: _Sheet, lb: _Label, title: str | None) -> list[list[Word]]:
    """Text lines (as word lists) inside box ``lb``'s column, below its header,
    up to the next label, an end marker, or a line repeating the SOP title."""
    same = sorted((o for o in sheet.labels_on(lb.line_no) if o.kind == "box"), key=lambda o: o.x0)
    idx = same.index(lb)
    end_line = next((k for k in range(lb.line_no + 1, len(sheet.lines))
                     if _is_stop_line(sheet, k) or _is_title_repeat(sheet.lines[k].text, title)), len(sheet.lines))
    x_lo = _column_split(sheet, same[idx - 1], lb, end_line) if idx > 0 else float("-inf")
    x_hi = _column_split(sheet, lb, same[idx + 1], end_line) if idx + 1 < len(same) else float("inf")
    out = []
    if _strip_colon(lb.rest):
        out.append(_strip_colon(lb.rest))
    for ln_no in range(lb.line_no + 1, end_line):
        words = [w for w in sheet.lines[ln_no].words if x_lo <= w.bbox.cx < x_hi]
        if words:
            out.append(words)
    return out


_ITEM_START = re.compile(r"^\(?(\d{1,2})\s*[.),]\s*$|^\(?(\d{1,2})[.)]$")


def _split_items(lines: list[list[Word]]) -> list[tuple[int, list[Word]]]:
    """Numbered items (``1.``, ``2)``, OCR's ``4,``) with continuation lines; an
    unnumbered box is one item per bullet, else one item for the paragraph."""
    words = [w for ln in lines for w in ln]
    starts = [i for i, w in enumerate(words) if _ITEM_START.match(w.text) and i + 1 < len(words)]
    # numbering must begin at 1 and mostly increase; otherwise treat as a paragraph
    if starts:
        nums = [int(re.sub(r"\D", "", words[i].text)) for i in starts]
        keep, expect = [], 1
        for i, n in zip(starts, nums):
            if n == expect:
                keep.append(i)
                expect += 1
        starts = keep
    if starts:
        items = []
        if starts[0] > 0 and _text(words[:starts[0]]):
            items.append((0, words[:starts[0]]))
        for k, i in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(words)
            items.append((k + 1, words[i + 1:end]))
        return [(n, ws) for n, ws in items if _text(ws)]
    bullets = [ln for ln in lines if ln and ln[0].text in ("-", "•", "*", "o")]
    if bullets and len(bullets) == len(lines):
        return [(k + 1, ln[1:]) for k, ln in enumerate(lines) if _text(ln[1:])]
    return [(1, words)] if _text(words) else []


def _agency(sheet: _Sheet) -> list[Word]:
    """Words of the agency name: runs of upper-case lines naming a government
    body (an address line or a vertical gap of over two line heights ends a run)
    above the first box or left of the field labels; the run with the most
    agency words wins (a logo caption such as ``KABUPATEN`` loses)."""
    first_box = min((lb.line_no for lb in sheet.labels if lb.kind == "box"), default=len(sheet.lines))
    field_x = min((lb.x0 for lb in sheet.labels if lb.kind == "field"), default=float("inf"))
    first_field_line = min((lb.line_no for lb in sheet.labels if lb.kind == "field"), default=first_box)
    runs: list[list[Word]] = [[]]
    seen: set[str] = set()
    for ln_no in range(0, first_box):
        line = sheet.lines[ln_no]
        words = line.words if ln_no < first_field_line else [w for w in line.words if w.bbox.x1 <= field_x]
        if not words:
            continue
        text = _text(words)
        letters = [c for c in text if c.isalpha()]
        upper = bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.85
        run = runs[-1]
        if run:
            h = max(w.bbox.height for w in run[-3:])
            if words[0].bbox.y0 - max(w.bbox.y1 for w in run[-3:]) > 2.5 * h:
                runs.append([])
                run = runs[-1]
        key = text.upper()
        if upper and not _ADDRESS.search(text) and (_AGENCY.search(text) or run) and key not in seen \
                and not _TITLE.match(text) and "SOP" not in key.split():
            run.extend(words)
            seen.add(key)
        elif run:
            runs.append([])
    return max(runs, key=lambda r: (len(_AGENCY.findall(_text(r))), len(r)))


def _prov(words: list[Word], page_no: int, extractor: str) -> Provenance:
    return Provenance.of_words(words, page_no, extractor)


def parse_sop_header(lines: list[Line], page_no: int, extractor: str, low_confidence: float = 60.0) -> SopHeader | None:
    """Parse one page's lines as an SOP identity sheet.

    Returns ``None`` when fewer than three identity labels are on the page.
    Dates become ISO strings (``None`` when blank; flagged ``unparsed`` when a
    date-like text cannot be read); the NIP is checked with
    :func:`pipeline.nip.check_nip` and flagged ``invalid`` when it fails; a field
    whose words' mean OCR confidence is below ``low_confidence`` percent is
    flagged ``low_confidence``. Bboxes are in PDF points (see :class:`Provenance`).
    """
    lines = _without_rules(lines)
    sheet = _Sheet(lines=lines, labels=_find_labels(lines))
    if len({lb.name for lb in sheet.labels}) < 3:
        return None
    first: dict[str, _Label] = {}
    for lb in sheet.labels:
        first.setdefault(lb.name, lb)
    fields: dict[str, FieldValue] = {}

    def put(name: str, words: list[Word], value: str | None = None, flag: str | None = None,
            raw: str | None = None) -> None:
        raw = raw or _text(words) or None
        prov = _prov(words, page_no, extractor)
        if flag is None and prov.confidence is not None and prov.confidence < low_confidence and raw:
            flag = "low_confidence"
        if not raw:
            fields[name] = FieldValue(name=name, value=None, provenance=prov)
            return
        if value is None and name not in DATE_FIELDS:
            value = raw  # text fields keep the printed text; dates stay None when unparsed
        fields[name] = FieldValue(name=name, value=value, raw=raw, provenance=prov, flag=flag)

    # values printed as a block of ': value' lines after a block of bare labels (flattened list form)
    pending = [lb for lb in sheet.labels if lb.kind == "field" and lb.name != "disahkan_oleh" and not _value_words(sheet, lb)]
    colon_lines = [ln_no for ln_no, ln in enumerate(lines) if ln.text.lstrip().startswith(":") and not sheet.labels_on(ln_no)]
    paired: dict[str, list[Word]] = {}
    for lb in pending:
        nxt = next((c for c in colon_lines if c > lb.line_no), None)
        if nxt is None:
            continue
        if any(o.kind == "field" and o.line_no > lb.line_no and o.line_no < nxt and _value_words(sheet, o) for o in sheet.labels):
            continue  # a label with its own value sits between: not the flattened form
        paired[lb.name] = _strip_colon(lines[nxt].words)
        colon_lines.remove(nxt)

    for name in SCALAR_FIELDS:
        lb = first.get(name)
        words = (_value_words(sheet, lb) or paired.get(name, [])) if lb else []
        if lb and name == "nama_sop":
            x_min = (words[0].bbox.x0 if words else lb.x1) - 2
            for extra in _block_below(sheet, lb, x_min, max_lines=3):
                words = words + extra
        if name in DATE_FIELDS:
            parsed = parse_date(_text(words))
            put(name, words, parsed.value.isoformat() if parsed.value else None,
                "unparsed" if words and parsed.value is None and _text(words) else None)
        else:
            put(name, words)

    if fields["nama_sop"].value is None:
        first_box = min((lb.line_no for lb in sheet.labels if lb.kind == "box"), default=len(lines))
        for ln_no in range(first_box):
            m = _TITLE.match(lines[ln_no].text)
            if m:
                words = [w for w in lines[ln_no].words if w.text.strip("*")][-len(m.group(2).split()):] if m.group(2).strip(" *") else []
                if not words and ln_no + 1 < first_box:
                    words = lines[ln_no + 1].words
                put("nama_sop", [Word(w.text.strip("*"), w.bbox, w.confidence) for w in words])
                break

    nip_check = None
    lb = first.get("disahkan_oleh")
    block: list[list[Word]] = []
    if lb:
        head = _value_words(sheet, lb)
        if head:
            block.append(head)
        if not head or not re.search(r"\bNIP\b", _text(head), re.I):
            if head:
                x_min = min(w.bbox.x0 for w in head) - 40
            else:  # table form: the block sits right of the label; list form: under it
                below = _block_below(sheet, lb, float("-inf"), max_lines=10)
                in_value_column = any(ws[0].bbox.x0 >= lb.x1 - 2 for ws in below)
                x_min = lb.x1 - 2 if in_value_column else lb.x0 - 40
            block += _block_below(sheet, lb, x_min, max_lines=10, stop_after_nip=True)
        block = [ws for ws in ([w for w in ln if _is_legible(w)] for ln in block) if ws]
    sig = parse_signatory([" ".join(w.text for w in ws) if len(ws) < 2 else _join_gapped(ws) for ws in block])

    def words_for(text: str | None) -> list[Word]:
        if not text:
            return []
        toks = set(re.split(r"\s+", text))
        return [w for ws in block for w in ws if w.text.strip(",.") in {t.strip(",.") for t in toks}]

    put("disahkan_jabatan", words_for(sig.jabatan), sig.jabatan)
    put("disahkan_nama", words_for(sig.nama), sig.nama)
    put("disahkan_pangkat", words_for(sig.pangkat), sig.pangkat)
    if sig.nip_raw:
        nip_check = check_nip(sig.nip_raw)
        nip_words = [w for ws in block for w in ws if (d := re.sub(r"\D", "", w.text)) and d in nip_check.digits]
        put("disahkan_nip", nip_words, nip_check.digits, None if nip_check.status == "valid" else
            ("invalid" if nip_check.status == "invalid" else "pppk"), raw=sig.nip_raw)
    else:
        put("disahkan_nip", [])

    agency_words = _agency(sheet)
    put("agency", agency_words)

    items: list[ListItem] = []
    for box in BOXES:
        lb = first.get(box)
        if not lb:
            continue
        for n, ws in _split_items(_box_lines(sheet, lb, fields["nama_sop"].value)):
            items.append(ListItem(box=box, item_no=n, text=_text(ws), provenance=_prov(ws, page_no, extractor)))
    return SopHeader(page_no=page_no, fields={k: fields[k] for k in ALL_FIELDS}, items=items, nip_check=nip_check)


def _is_legible(w: Word) -> bool:
    """False for OCR noise from a signature or stamp: confidence below 40 %, or
    no letter or digit at all."""
    if w.confidence is not None and w.confidence < 40:
        return False
    return bool(re.search(r"[A-Za-z0-9]", w.text))


def _join_gapped(words: list[Word]) -> str:
    """Join words, keeping a double space where the gap is wider than a word's height
    (separates jabatan and name when a table flattens a signature block). A normal
    space is about 0.3 x the word height."""
    out = words[0].text
    for prev, cur in zip(words, words[1:]):
        gap = cur.bbox.x0 - prev.bbox.x1
        out += ("  " if gap > 0.8 * max(prev.bbox.height, 1) else " ") + cur.text
    return out


def boxes_found(header: SopHeader) -> dict[str, list[str]]:
    """``{box: [item text, ...]}`` for every box (empty list when absent or empty)."""
    return {b: header.box(b) for b in BOXES}
