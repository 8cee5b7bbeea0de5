"""Steps of an SOP flowchart table (the *Dokumen Dasar SOP* sheet of the SOP
AP format, PermenPAN-RB 35/2012): No, Kegiatan, one swimlane column per
performer (*Pelaksana*), *Mutu Baku* (Kelengkapan/Persyaratan, Waktu, Output)
and Keterangan.

The table is found by its header: a column labelled *kegiatan* (or
*uraian*) plus swimlane or *waktu* columns. Header rows are the rows above
the first row numbered ``1``; the column-number row (``1 2 3 ...``) some
agencies print is skipped. Each column is labelled from its header cells top
to bottom; group labels (*Pelaksana*, *Mutu Baku*) are set aside, so a
swimlane column is labelled by its own role header even when the group label
above it is misprinted (the Landak scan prints *Mutu Baku* over the
swimlanes).

The performer of a step is the swimlane column in which the step's flowchart
symbol sits (``page.shapes``: symbol centre inside the column and inside
the step's row). Without symbols (text-layer pages whose symbols were not
found, transcriptions) a swimlane cell holding a mark counts: ``Mulai`` /
``Selesai`` (terminator), ``[]`` (process), ``Ya`` / ``Tidak`` (the exits
of a decision), or a word printed inside the symbol.
"""
from __future__ import annotations

import re
import statistics

from extractors.records import BBox, Shape

from .durations import WORKING_DAY_MINUTES, parse_duration
from .models import Performer, Provenance, SopStep, Table, TableCell
from .roles import canonical_role

_COLUMN_RULES = [
    ("no", re.compile(r"^(no|nomor|no\.)$", re.I)),
    ("kegiatan", re.compile(r"kegiatan|uraian|aktivitas|prosedur", re.I)),
    ("kelengkapan", re.compile(r"kelengkapan|persyaratan|syarat", re.I)),
    ("waktu", re.compile(r"waktu", re.I)),
    ("output", re.compile(r"output|keluaran", re.I)),
    ("keterangan", re.compile(r"^ket\b|keterangan", re.I)),
]
_GROUP = re.compile(r"^(pelaksana|mutu\s*baku)$", re.I)
_MARKS = {"mulai": "terminator", "selesai": "terminator", "start": "terminator", "end": "terminator",
          "[]": "process", "ya": "decision", "tidak": "decision"}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _int(text: str) -> int | None:
    m = re.fullmatch(r"\(?(\d{1,3})[.)]?", _norm(text))
    return int(m.group(1)) if m else None


def _body_start(rows: list[list[TableCell | None]]) -> int | None:
    """Index of the first step row of the grid ``rows``: the first row
    numbered ``1`` (or, when OCR lost that number, the row just above a row
    numbered ``2``) that holds some text which is not a column number."""

    def number(r: int) -> int | None:
        first = rows[r][0] if 0 <= r < len(rows) else None
        return _int(first.text) if first is not None and first.row == r else None

    for r, row in enumerate(rows):
        if number(r) != 1 and not (r > 0 and number(r + 1) == 2 and number(r) is None):
            continue
        others = [c for c in row[1:] if c is not None and c.row == r and _norm(c.text)]
        if others and not all(_int(c.text) is not None for c in others):
            return r
    return None


def _columns(rows: list[list[TableCell | None]], body: int) -> dict[int, tuple[str, str]]:
    """Column index -> (kind, label as printed); kind ``role`` for swimlanes."""
    out: dict[int, tuple[str, str]] = {}
    for c in range(len(rows[0]) if rows else 0):
        parts, seen = [], set()
        for r in range(body):
            cell = rows[r][c]
            if cell is None or id(cell) in seen:
                continue
            seen.add(id(cell))
            text = _norm(cell.text)
            if text and _int(text) is None:
                parts.append(text)
        kind = None
        for part in reversed(parts):
            for name, rx in _COLUMN_RULES:
                if rx.search(part):
                    kind = name
                    break
            if kind:
                break
        if kind:
            out[c] = (kind, parts[-1])
            continue
        own = [p for p in parts if not _GROUP.match(p)]
        if own:
            out[c] = ("role", own[-1])
    return out


def flowchart_layout(t: Table) -> tuple[int, dict[int, tuple[str, str]], list[list[TableCell | None]]] | None:
    """(first step row, column map, grid rows with spans repeated) when ``t``
    has the SOP flowchart header (kegiatan plus swimlanes or waktu), else ``None``."""
    rows = t.rows(body_only=False)
    body = _body_start(rows)
    if not body:
        return None
    cols = _columns(rows, body)
    kinds = {k for k, _ in cols.values()}
    return (body, cols, rows) if "kegiatan" in kinds and kinds & {"role", "waktu"} else None


def _mark(text: str) -> str | None:
    t = _norm(text).lower()
    if t in _MARKS:
        return _MARKS[t]
    return None


def _performers(row: list[TableCell | None], r: int, roles: dict[int, str], shapes: dict[int, list[Shape]]) -> list[Performer]:
    out = []
    for c, label in roles.items():
        cell = row[c]
        if cell is None:
            continue
        x0, y0, x1, y1 = cell.bbox
        # the step's row band: use the row's own cells, not a swimlane cell spanning several steps
        band = [k for k in row if k is not None and k.row == r and k.row_span == 1]
        if band:
            y0, y1 = min(k.bbox[1] for k in band), max(k.bbox[3] for k in band)
        band_box = BBox(x0, y0, x1, y1)
        found = [s for s in shapes.get(cell.page_no, []) if band_box.holds_centre_of(s.bbox)]
        for s in found:
            out.append(Performer(role_label=label, role=canonical_role(label), symbol=s.kind,
                                 bbox=(round(s.bbox.x0, 2), round(s.bbox.y0, 2), round(s.bbox.x1, 2), round(s.bbox.y1, 2))))
        if found or cell.row != r:
            continue
        text = _norm(cell.text)
        mark = _mark(text)
        if mark or len(re.sub(r"[^A-Za-z]", "", text)) >= 3:
            out.append(Performer(role_label=label, role=canonical_role(label), symbol=mark))
    return out


def parse_sop_steps(tables: list[Table], shapes: dict[int, list[Shape]] | None = None,
                    working_day_minutes: int = WORKING_DAY_MINUTES) -> list[SopStep]:
    """Steps of every SOP flowchart table in ``tables`` (in order; a flowchart
    printed as two tables on two pages gives one list). ``shapes``: flowchart
    symbols per page number (``PageResult.shapes``). Returns ``[]`` when no
    table has the flowchart header."""
    shapes = shapes or {}
    steps: list[SopStep] = []
    for t in tables:
        layout = flowchart_layout(t)
        if layout is None:
            continue
        body, cols, rows = layout
        kinds = {k: c for c, (k, _) in sorted(cols.items(), reverse=True)}  # leftmost column of a kind
        roles = {c: label for c, (k, label) in cols.items() if k == "role"}
        for r in range(body, t.n_rows):
            row = rows[r]

            def text(kind: str) -> str | None:
                c = kinds.get(kind)
                cell = row[c] if c is not None else None
                if cell is None or cell.row != r:
                    return None
                return _norm(cell.text) or None

            kegiatan = text("kegiatan")
            if kegiatan and kegiatan.lower() == cols[kinds["kegiatan"]][1].lower():
                continue  # the header repeated where the table continues on another page
            no = _int(text("no") or "") if "no" in kinds else None
            if not kegiatan and no is None:
                if steps and any(text(k) for k in ("kelengkapan", "waktu", "output", "keterangan")):
                    prev = steps[-1]  # a continuation line of the previous step
                    for k in ("kelengkapan", "output", "keterangan"):
                        extra = text(k)
                        if extra:
                            setattr(prev, k, _norm(f"{getattr(prev, k) or ''} {extra}"))
                continue
            step = _step(row, r, no, kegiatan or "", text, roles, shapes, working_day_minutes)
            if step.step_no is None and (not steps or steps[-1].step_no is not None):
                step.step_no = steps[-1].step_no + 1 if steps else 1
                step.flags.append("step_no_inferred")
            steps.append(step)
    return steps


def _step(row: list[TableCell | None], r: int, no: int | None, kegiatan: str, text, roles: dict[int, str],
          shapes: dict[int, list[Shape]], working_day_minutes: int) -> SopStep:
    performers = _performers(row, r, roles, shapes)
    dur = parse_duration(text("waktu"), working_day_minutes)
    own = [c for c in row if c is not None and c.row == r]
    page_no = own[0].page_no if own else None
    confs = [c.confidence for c in own if c.confidence is not None]
    bbox = (min(c.bbox[0] for c in own), min(c.bbox[1] for c in own),
            max(c.bbox[2] for c in own), max(c.bbox[3] for c in own)) if own else None
    flags = []
    if not performers and roles:
        flags.append("no_performer")
    if dur is None:
        flags.append("no_duration")
    elif dur.minutes is None:
        flags.append("duration_unparsed")
    elif dur.problem:
        flags.append("duration_corrected")
    return SopStep(
        step_no=no, kegiatan=kegiatan, performers=performers,
        kelengkapan=text("kelengkapan"), waktu_raw=dur.raw if dur else None,
        waktu_value=dur.value if dur else None, waktu_unit=dur.unit if dur else None,
        duration_minutes=dur.minutes if dur else None, output=text("output"), keterangan=text("keterangan"),
        provenance=Provenance(page_no=page_no, bbox=tuple(round(v, 2) for v in bbox) if bbox else None,
                              extractor="table", confidence=round(statistics.fmean(confs), 1) if confs else None),
        flags=flags)
