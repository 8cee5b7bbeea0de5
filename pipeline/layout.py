"""Reading-order layout from positioned words: page-wide lines, each cut into
segments at wide horizontal gaps (table cells, label/value columns).

Works the same on text-layer words, OCR words, and the pseudo-geometry that
:func:`lines_from_transcription` gives a plain-text transcription.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass

from extractors.records import BBox, Word


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
