"""Reading-order layout from positioned words: page-wide lines, each cut into
segments at wide horizontal gaps (table cells, label/value columns).

Works the same on text-layer words, OCR words, and the pseudo-geometry that
:func:`lines_from_transcription` gives a plain-text transcription.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, replace

from extractors.records import BBox, Ruling, Word


@dataclass(frozen=True)
class Segment:
    """Consecutive words of a line with no wide gap between them."""

    words: tuple[Word, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def bbox(self) -> BBox:
        return BBox.enclosing([w.bbox for w in self.words])


@dataclass(frozen=True)
class Line:
    """Words sharing a baseline across the whole page, split into segments left to right."""

    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        return "  ".join(s.text for s in self.segments)

    @property
    def bbox(self) -> BBox:
        return BBox.enclosing([s.bbox for s in self.segments])

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]


#: Characters Tesseract makes of a ruled line it reads through.
RULE_GLYPHS = "|/\\![]"


def split_at_rules(words: list[Word], rulings: list[Ruling]) -> list[Word]:
    """OCR ``words`` cut where one runs through a vertical ruling and a rule
    glyph (``|``, ``/``, ``!``, ...) sits at that place in its text: Tesseract
    read two table cells and the line between them as one word (the Bunikasih
    PK's ``dan/1.1.2``: a sasaran's last word, the rule, the indicator's
    number; the Landak SOP's ``tentang|1.``: the end of Dasar Hukum, the rule,
    the first item of the next box). Character positions are estimated in
    proportion to the word's width (Tesseract's TSV gives word boxes only);
    the glyph is dropped, both pieces keep the word's confidence. Words and
    rulings in PDF points; for OCR words only (a text layer's words are
    exact)."""
    verticals = [r for r in rulings if not r.horizontal]
    if not verticals:
        return words
    return [piece for w in words for piece in _split_word(w, verticals)]


def _split_word(w: Word, verticals: list[Ruling]) -> list[Word]:
    n, b = len(w.text), w.bbox
    if n < 3 or b.width <= 0:
        return [w]
    char = b.width / n
    for r in verticals:
        x = (r.x0 + r.x1) / 2
        if not (b.x0 + char < x < b.x1 - char and r.y0 - 2 <= b.cy <= r.y1 + 2):
            continue
        k = round((x - b.x0) / char)
        for i in (k, k - 1, k + 1, k - 2):
            if 0 < i < n - 1 and w.text[i] in RULE_GLYPHS:
                left = replace(w, text=w.text[:i], bbox=BBox(b.x0, b.y0, b.x0 + i * char, b.y1))
                right = replace(w, text=w.text[i + 1:], bbox=BBox(b.x0 + (i + 1) * char, b.y0, b.x1, b.y1))
                return [left, *_split_word(right, verticals)]
    return [w]


def build_lines(words: list[Word], gap_factor: float = 1.2) -> list[Line]:
    """Group ``words`` into lines (vertical overlap >= 50 % of the smaller word)
    and cut each line into segments where the gap between two words exceeds
    ``gap_factor`` x the line's median word height (a space is about 0.3 x)."""
    words = [w for w in words if w.text.strip() and w.bbox.height > 0]
    if not words:
        return []
    words.sort(key=lambda w: (w.bbox.cy, w.bbox.x0))
    rows: list[list[Word]] = []
    row_box: list[BBox] = []
    for w in words:
        placed = False
        # compare with the last few open rows only: words are sorted by centre y
        for i in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
            rb = row_box[i]
            if rb.v_overlap(w.bbox) >= 0.5 and abs(rb.cy - w.bbox.cy) <= 0.6 * max(rb.height, w.bbox.height):
                rows[i].append(w)
                placed = True
                break
        if not placed:
            rows.append([w])
            row_box.append(w.bbox)
    lines = []
    for row in rows:
        row.sort(key=lambda w: w.bbox.x0)
        h = statistics.median(w.bbox.height for w in row)
        segs: list[list[Word]] = [[row[0]]]
        for prev, cur in zip(row, row[1:]):
            if cur.bbox.x0 - prev.bbox.x1 > gap_factor * h:
                segs.append([cur])
            else:
                segs[-1].append(cur)
        lines.append(Line(tuple(Segment(tuple(s)) for s in segs)))
    lines.sort(key=lambda ln: ln.bbox.y0)
    return lines


#: Pseudo-geometry of :func:`lines_from_transcription`, in points.
TRANSCRIPT_LINE_PT = 12.0
TRANSCRIPT_COLUMN_PT = 6000.0
TRANSCRIPT_CHAR_PT = 5.0


def lines_from_transcription(text: str) -> list[Line]:
    """Lines of a plain-text transcription (one text line per line, table cells
    separated by tabs) with pseudo-geometry: line ``i`` at y = 12 i points,
    tab column ``c`` starting at x = 6000 c points (wider than any line), 5 points per character.
    Blank lines are kept as vertical space. Words carry no confidence."""
    out = []
    for i, raw in enumerate(text.splitlines()):
        segs = []
        for c, cell in enumerate(raw.split("\t")):
            x = c * TRANSCRIPT_COLUMN_PT
            words = []
            pos = 0
            for tok in cell.split(" "):
                if tok:
                    x0 = x + pos * TRANSCRIPT_CHAR_PT
                    words.append(Word(tok, BBox(x0, i * TRANSCRIPT_LINE_PT, x0 + len(tok) * TRANSCRIPT_CHAR_PT,
                                                i * TRANSCRIPT_LINE_PT + 10)))
                pos += len(tok) + 1
            if words:
                segs.append(Segment(tuple(words)))
        if segs:
            out.append(Line(tuple(segs)))
    return out


def page_text(lines: list[Line]) -> str:
    """Text of the lines, one per line, segments joined by two spaces."""
    return "\n".join(ln.text for ln in lines)
