"""Hierarchy of the Renja evaluation form (Permendagri 86/2017, lampiran:
"Evaluasi terhadap hasil Renja Perangkat Daerah"): urusan > perangkat daerah >
program > kegiatan > sub kegiatan, one indicator per row, K (kinerja) and Rp
realisation per quarter.

The form as exported by agencies often drops the code column, and kegiatan and
sub kegiatan rows look alike (same font), so the level of each row is decided
by ordered rules and the deciding rule is recorded in ``level_rule``:

- ``before_first_program``: rows above the first programme are the urusan
  (text starting ``URUSAN``) or the agency (``opd``).
- ``program_prefix``: the name starts with ``PROGRAM``.
- ``same_entity``: a row without a name of its own is a further indicator of
  the row above (same level and parent).
- ``first_after_program``: the first row under a programme is a kegiatan.
- ``budget_sum_closed``: the Rp realisations of the sub kegiatan rows under
  the current kegiatan already add up to the kegiatan's own, so this row,
  which has Rp of its own, opens a new kegiatan (a kegiatan's budget is the
  sum of its sub kegiatan; a row without Rp changes no sum and stays a sub
  kegiatan).
- ``budget_overshoot``: adding this row would exceed the current kegiatan's
  Rp in some quarter, so it cannot be one of its sub kegiatan.
- ``percent_outcome``: the row reports its kinerja in percent while the open
  kegiatan's budget is not yet covered by sub kegiatan rows - kegiatan carry
  outcome indicators (persentase / cakupan), sub kegiatan output counts.
- ``budget_within``: otherwise a sub kegiatan of the current kegiatan.
"""
from __future__ import annotations

import re

from .models import PerformanceLine

#: Rupiah difference still treated as equal (rounding in the source sheet).
SUM_TOLERANCE = 1.0


def _rp(line: PerformanceLine) -> dict[int, float]:
    return {m.quarter: m.value.value for m in line.measures
            if m.measure == "realisasi_anggaran" and m.quarter and m.value.value is not None}


def _percent_k(line: PerformanceLine) -> bool:
    return any(m.measure == "realisasi" and m.value.kind == "percent" and m.value.value for m in line.measures)


def assign_renja_levels(lines: list[PerformanceLine]) -> None:
    """Set ``level``, ``level_rule`` and ``parent_line`` of the lines of one
    Renja form in place (rules in the module docstring)."""
    seen_program = False
    opd = program = kegiatan = None
    budget: dict[int, float] = {}
    covered: dict[int, float] = {}
    subs = 0
    prev: PerformanceLine | None = None
    for ln in lines:
        name = (ln.program or "").strip()
        if not name and prev is not None:
            ln.level, ln.level_rule, ln.parent_line = prev.level, "same_entity", prev.parent_line
            ln.program = prev.program
            continue
        if re.match(r"^pro?g?ram\b", name, re.I):
            ln.level, ln.level_rule, ln.parent_line = "program", "program_prefix", opd.line_no if opd else None
            seen_program, program, kegiatan = True, ln, None
        elif not seen_program:
            ln.level = "urusan" if name.upper().startswith("URUSAN") else "opd"
            ln.level_rule = "before_first_program"
            if ln.level == "opd":
                opd = ln
        else:
            rp = _rp(ln)
            rule = None
            if kegiatan is None:
                rule = "first_after_program"
            elif rp and subs and budget and all(abs(covered.get(q, 0.0) - v) <= SUM_TOLERANCE for q, v in budget.items()):
                rule = "budget_sum_closed"
            elif any(covered.get(q, 0.0) + v > budget.get(q, float("inf")) + SUM_TOLERANCE for q, v in rp.items()):
                rule = "budget_overshoot"
            elif _percent_k(ln) and subs:
                rule = "percent_outcome"
            if rule:
                ln.level, ln.level_rule, ln.parent_line = "kegiatan", rule, program.line_no if program else None
                kegiatan, budget, covered, subs = ln, rp, {}, 0
            else:
                ln.level, ln.level_rule, ln.parent_line = "sub_kegiatan", "budget_within", kegiatan.line_no
                for q, v in rp.items():
                    covered[q] = covered.get(q, 0.0) + v
                subs += 1
        prev = ln
