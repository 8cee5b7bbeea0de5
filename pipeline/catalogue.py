"""The indicator catalogue (``dim_indicators``): one entry per year, unit and
indicator, built from

1. the secretariat's indicator file (CSV or XLSX, :func:`read_indicator_file`;
   it wins on every attribute it sets, including polarity, formula and
   aggregation overrides),
2. ingested Perjanjian Kinerja target tables (annual target, satuan, sasaran),
3. ingested Rencana Aksi tables (quarterly targets TW I..IV; ``-`` = not
   measured that quarter).

Sources are merged in that order: a PK or Rencana Aksi row joins an existing
entry of the same year and unit when the mapping matcher
(:mod:`pipeline.mapping`) calls it ``matched``; otherwise it opens a new entry.
Two rows of the same document (or of the same indicator file) are never
merged by the matcher: a PK lists each indicator once, and two of its
indicators may read alike (the Bunikasih PK's *prosentase kelahiran* and
*prosentase kematian ternak sapi perah di UPTD*).
Polarity and aggregation not set by the file come from
:mod:`pipeline.indicator_rules`, with the rule's name kept.
"""
from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path

from pydantic import BaseModel, Field

from .errors import IndicatorFileError
from .indicator_rules import aggregation, formula_for, polarity
from .mapping import CatalogueItem, Match, match_indicator, normalise, one_row_per_indicator, unit_key
from .values import decide_convention, parse_value

SOURCE_ORDER = {"file": 0, "perjanjian_kinerja": 1, "rencana_aksi": 2}
POLARITIES = {"positive", "negative"}
FORMULAS = {"standard", "negative_2t", "target_over_realisasi"}
AGGREGATIONS = {"cumulative", "last_value", "ratio"}


class Targets(BaseModel):
    """Targets of an indicator: the annual one and TW I..IV as numbers (``None``
    = no value; a quarter present with ``None`` was printed ``-``, not measured),
    ``*_raw`` the text as printed, ``target_kind`` the annual value's kind."""

    target_year: float | None = None
    target_year_raw: str | None = None
    target_kind: str | None = None
    targets_q: dict[int, float | None] = Field(default_factory=dict)
    targets_q_raw: dict[int, str] = Field(default_factory=dict)


class CatalogueSource(Targets):
    """One row offered to the catalogue. ``ref``: ``document_id:line_no`` of a
    PK / Rencana Aksi line, or ``file:<import_id>:<row>``. ``polarity``,
    ``formula`` and ``aggregation`` are set only by the indicator file;
    ``target_comparator`` is the annual target's bound (``≤ 4``: ``le``), the
    evidence of polarity when the file sets none."""

    source: str
    ref: str
    year: int | None
    opd: str | None = None
    unit: str | None = None
    sasaran: str | None = None
    indicator: str
    satuan: str | None = None
    target_comparator: str | None = None
    polarity: str | None = None
    formula: str | None = None
    aggregation: str | None = None


class CatalogueEntry(Targets):
    """One indicator of one unit in one year, with where each attribute came from."""

    indicator_id: str
    year: int
    opd: str | None
    unit: str | None
    unit_key: str
    sasaran: str | None
    indicator: str
    indicator_key: str
    satuan: str | None
    polarity: str
    polarity_rule: str
    formula: str
    aggregation: str
    aggregation_rule: str
    sources: list[str] = Field(default_factory=list)
    members: list[str] = Field(default_factory=list)


def indicator_id(year: int, ukey: str, indicator: str) -> str:
    """Stable id of a catalogue entry: hash of year, unit key and normalised indicator."""
    return hashlib.sha1(f"{year}|{ukey}|{normalise(indicator)}".encode()).hexdigest()[:16]


def _new_entry(s: CatalogueSource) -> CatalogueEntry:
    ukey = unit_key(s.opd, s.unit)
    pol, pol_rule = (s.polarity, "file") if s.polarity else polarity(s.indicator, s.target_comparator)
    agg, agg_rule = (s.aggregation, "file") if s.aggregation else aggregation(s.indicator, s.satuan, s.target_kind)
    return CatalogueEntry(
        indicator_id=indicator_id(s.year or 0, ukey, s.indicator), year=s.year or 0, opd=s.opd, unit=s.unit,
        unit_key=ukey, sasaran=s.sasaran, indicator=s.indicator, indicator_key=normalise(s.indicator),
        satuan=s.satuan, **s.model_dump(include=set(Targets.model_fields)), polarity=pol, polarity_rule=pol_rule,
        formula=s.formula or formula_for(pol), aggregation=agg, aggregation_rule=agg_rule,
        sources=[s.source], members=[s.ref])


def _merge(e: CatalogueEntry, s: CatalogueSource) -> None:
    """Fill what ``e`` lacks from ``s`` (earlier sources keep what they set)."""
    for attr in ("sasaran", "satuan", "target_year", "target_year_raw", "target_kind"):
        if getattr(e, attr) is None and getattr(s, attr) is not None:
            setattr(e, attr, getattr(s, attr))
    for q, v in s.targets_q.items():
        if q not in e.targets_q:
            e.targets_q[q] = v
            if q in s.targets_q_raw:
                e.targets_q_raw[q] = s.targets_q_raw[q]
    if s.source not in e.sources:
        e.sources.append(s.source)
    e.members.append(s.ref)


def build_catalogue(sources: list[CatalogueSource]) -> list[CatalogueEntry]:
    """Merge catalogue sources (order and rules in the module docstring).
    Sources without a year cannot be keyed and are left out (their documents
    are already flagged ``year_not_found``)."""
    entries: dict[str, CatalogueEntry] = {}
    items: list[CatalogueItem] = []
    origins: dict[str, set[str]] = {}        # indicator_id -> documents (or file imports) of its rows
    for s in sorted((s for s in sources if s.year), key=lambda s: (SOURCE_ORDER.get(s.source, 9), s.ref)):
        origin = s.ref.rsplit(":", 1)[0]
        pool = [it for it in items if origin not in origins[it.indicator_id]]
        m = match_indicator(s.indicator, s.satuan, s.year, unit_key(s.opd, s.unit), pool)
        if m.mapped:
            key = m.indicator_id
            _merge(entries[key], s)
        else:
            e = _new_entry(s)
            key = e.indicator_id
            if key in entries:      # same id = same text, unit and year: never overwrite
                _merge(entries[key], s)
            else:
                entries[key] = e
                items.append(_item(e))
        origins.setdefault(key, set()).add(origin)
    return list(entries.values())


def _item(e: CatalogueEntry) -> CatalogueItem:
    return CatalogueItem(e.indicator_id, e.year, e.unit_key, e.indicator, e.satuan)


def map_report_lines(entries: list[CatalogueEntry], lines: list[tuple[int, int, str, str | None, int | None, str]]
                     ) -> list[tuple[int, int, Match]]:
    """Match report lines ``(document_id, line_no, indicator, satuan, year,
    unit_key)`` to the catalogue; one :class:`Match` per line."""
    items = [_item(e) for e in entries]
    return one_row_per_indicator(
        [(d, n, match_indicator(text, satuan, year, ukey, items)) for d, n, text, satuan, year, ukey in lines])


# ------------------------------------------------------------------ indicator file
FILE_COLUMNS = {
    "tahun": "year", "year": "year", "opd": "opd", "perangkat_daerah": "opd", "unit": "unit", "unit_kerja": "unit",
    "bidang": "unit", "sasaran": "sasaran", "sasaran_strategis": "sasaran", "indikator": "indicator",
    "indikator_kinerja": "indicator", "indicator": "indicator", "satuan": "satuan", "target": "target_year",
    "target_tahunan": "target_year", "target_tw1": "tw1", "target_tw2": "tw2", "target_tw3": "tw3",
    "target_tw4": "tw4", "tw1": "tw1", "tw2": "tw2", "tw3": "tw3", "tw4": "tw4", "polaritas": "polarity",
    "polarity": "polarity", "formula": "formula", "rumus": "formula", "agregasi": "aggregation",
    "aggregation": "aggregation",
}
_POLARITY_WORDS = {"positif": "positive", "positive": "positive", "+": "positive", "negatif": "negative",
                   "negative": "negative", "-": "negative"}
_AGG_WORDS = {"kumulatif": "cumulative", "cumulative": "cumulative", "akumulatif": "cumulative",
              "nilai_terakhir": "last_value", "terakhir": "last_value", "last_value": "last_value",
              "rasio": "ratio", "ratio": "ratio"}


def _rows(path: Path) -> list[dict[str, str]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook
        ws = load_workbook(path, read_only=True, data_only=True).active
        it = ws.iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(it, [])]
        return [{header[k]: "" if v is None else str(v) for k, v in enumerate(r) if k < len(header)} for r in it]
    if path.suffix.lower() == ".csv":
        text = path.read_text(encoding="utf-8-sig")
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t")
        return list(csv.DictReader(text.splitlines(), dialect=dialect))
    raise IndicatorFileError(f"'{path.name}' is not a CSV or XLSX file.")


def read_indicator_file(path: Path, import_id: int) -> list[CatalogueSource]:
    """Rows of the secretariat's indicator file as catalogue sources.

    Columns (case-insensitive, Indonesian or English): ``tahun``, ``opd``,
    ``unit``, ``sasaran``, ``indikator`` (required), ``satuan``, ``target``,
    ``target_tw1`` .. ``target_tw4``, ``polaritas`` (positif/negatif),
    ``rumus`` (standard / negative_2t / target_over_realisasi), ``agregasi``
    (kumulatif / nilai_terakhir / rasio). Raises :class:`IndicatorFileError`
    naming the row and column of a bad value.
    """
    rows = _rows(path)
    if not rows:
        raise IndicatorFileError(f"'{path.name}' has no rows.")
    norm = [{FILE_COLUMNS.get(re.sub(r"\W+", "_", k.strip().lower()).strip("_"), ""): (v or "").strip()
             for k, v in r.items() if k} for r in rows]
    if not any("indicator" in r for r in norm) or not any("year" in r for r in norm):
        raise IndicatorFileError(f"'{path.name}' needs at least the columns 'tahun' and 'indikator'.")
    conv = decide_convention(v for r in norm for k, v in r.items() if k in ("target_year", "tw1", "tw2", "tw3", "tw4"))
    out = []
    for i, r in enumerate(norm, start=2):
        if not r.get("indicator"):
            continue
        def bad(col: str, val: str) -> IndicatorFileError:
            return IndicatorFileError(f"'{path.name}' row {i}: column '{col}' has '{val}', which is not allowed.")
        try:
            year = int(float(r.get("year", "")))
        except ValueError:
            raise bad("tahun", r.get("year", "")) from None
        pol = r.get("polarity", "").lower()
        if pol and pol not in _POLARITY_WORDS:
            raise bad("polaritas", pol)
        agg = re.sub(r"\s+", "_", r.get("aggregation", "").lower())
        if agg and agg not in _AGG_WORDS:
            raise bad("agregasi", agg)
        formula = r.get("formula", "").lower() or None
        if formula and formula not in FORMULAS:
            raise bad("rumus", formula)
        target = parse_value(r.get("target_year"), conv)
        tq = {q: parse_value(r.get(f"tw{q}"), conv) for q in range(1, 5) if r.get(f"tw{q}")}
        out.append(CatalogueSource(
            source="file", ref=f"file:{import_id}:{i}", year=year, opd=r.get("opd") or None,
            unit=r.get("unit") or None, sasaran=r.get("sasaran") or None, indicator=r["indicator"],
            satuan=r.get("satuan") or None, target_year=target.value, target_year_raw=r.get("target_year") or None,
            target_kind=target.kind, target_comparator=target.comparator, targets_q={q: v.value for q, v in tq.items()},
            targets_q_raw={q: v.raw for q, v in tq.items()}, polarity=_POLARITY_WORDS.get(pol),
            formula=formula, aggregation=_AGG_WORDS.get(agg)))
    return out
