"""Map report rows to indicators of the catalogue.

Text is normalised first (:func:`normalise`): spaCy's Indonesian tokenizer,
lower case, stop words and punctuation dropped, abbreviations and spelling
variants unified (``Jml`` -> ``jumlah``, ``%``/``prosentase``/``presentase``
-> ``persentase``, ``Kab`` -> ``kabupaten`` ...). Candidates are the
catalogue entries of the same year and unit (agency or bidang, compared
fuzzily); the score is rapidfuzz's ``token_sort_ratio`` blended with a
smaller share of ``token_set_ratio`` (0..100; the set ratio alone gives 100
whenever one name's words are a subset of the other's), plus :data:`SATUAN_BONUS` when the satuan
agrees and minus the same when both are printed and differ.

Outcome ``status``:

- ``matched``: best score >= :data:`MATCH_SCORE` and ahead of the runner-up
  by :data:`MARGIN`; method ``exact`` (same normalised text) or ``fuzzy``;
- ``ambiguous``: two candidates within :data:`MARGIN` of each other;
- ``weak``: best score between :data:`REVIEW_SCORE` and :data:`MATCH_SCORE`;
- ``unmatched``: nothing scores :data:`REVIEW_SCORE`;
- ``no_catalogue``: the catalogue holds nothing for that year and unit.

An indicator is reported once per report: when several rows of one document
match the same indicator, only a single best row keeps it and the others
become ``ambiguous`` (:func:`one_row_per_indicator`). Only ``matched`` rows
count as mapped; the others keep their best candidate
for the reviewer and are flagged ``needs_review`` downstream - never dropped,
never forced.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from extractors.nlp import content_tokens

MATCH_SCORE = 85.0
REVIEW_SCORE = 70.0
MARGIN = 3.0
SATUAN_BONUS = 5.0
UNIT_SCORE = 80.0

ABBREVIATIONS = {
    "jml": "jumlah", "jmlh": "jumlah", "%": "persentase", "prosentase": "persentase", "presentase": "persentase",
    "persen": "persentase", "kab": "kabupaten", "kab.": "kabupaten", "kota/kab": "kabupaten/kota",
    "prov": "provinsi", "prov.": "provinsi", "pemda": "pemerintah daerah", "opd": "perangkat daerah",
    "skpd": "perangkat daerah", "thn": "tahun", "dok": "dokumen", "lap": "laporan", "org": "orang",
    "ptgs": "petugas", "yg": "yang", "dgn": "dengan", "dlm": "dalam", "tdk": "tidak", "kel": "kelurahan",
    "kec": "kecamatan", "masy": "masyarakat", "pelayan": "pelayanan", "indek": "indeks",
}
#: Words of spaCy's Indonesian stop list that carry meaning in indicator names.
KEEP_WORDS = frozenset({"jumlah", "kasus", "waktu", "tahun", "tidak", "kurang", "baik", "lama", "panjang", "besar",
                        "akhir", "pertama", "kedua", "cukup", "naik", "turun", "jml", "jmlh", "yg"})
DROP_AFTER = {"yang", "dengan", "dalam"}   # stop words that appear once abbreviations are expanded
SATUAN_SYNONYMS = {"%": "persen", "persentase": "persen", "prosen": "persen", "org": "orang", "dok": "dokumen",
                   "keg": "kegiatan", "lap": "laporan", "ijin": "izin"}


@lru_cache(maxsize=20_000)
def normalise(text: str) -> str:
    """Normalised indicator text: content tokens, abbreviations expanded."""
    text = re.sub(r"(\d)\s*%", r"\1 %", text or "")
    out = []
    for tok in content_tokens(text.replace("/", " / "), KEEP_WORDS):
        word = ABBREVIATIONS.get(tok, ABBREVIATIONS.get(tok.rstrip("."), tok))
        if tok != "/" and word not in DROP_AFTER:
            out.append(word)
    return " ".join(out)


def normalise_satuan(satuan: str | None) -> str | None:
    if not satuan:
        return None
    s = re.sub(r"[^a-z%/ ]", "", satuan.lower()).strip()
    s = s.split("/")[0].strip()
    return SATUAN_SYNONYMS.get(s, s) or None


def unit_key(opd: str | None, unit: str | None) -> str:
    """A comparable key for an agency + unit pair (upper case, single spaces)."""
    return " / ".join(re.sub(r"\s+", " ", p).strip().upper() for p in (opd, unit) if p)


def same_unit(a: str, b: str) -> bool:
    """True when two unit keys name the same agency or unit (one may be an
    abbreviation or a part of the other: ``DINSOS`` vs ``DINAS SOSIAL / DINSOS``)."""
    if not a or not b:
        return False
    pa, pb = set(a.split(" / ")), set(b.split(" / "))
    if pa & pb:
        return True
    return max(fuzz.token_set_ratio(x, y) for x in pa for y in pb) >= UNIT_SCORE


@dataclass(frozen=True)
class CatalogueItem:
    """What the matcher needs of one catalogue entry."""

    indicator_id: str
    year: int
    unit_key: str
    indicator: str
    satuan: str | None = None


@dataclass
class Match:
    """The mapping of one report row: best candidate (also for rows not
    matched, for the reviewer), its score, the method and the status."""

    status: str
    indicator_id: str | None = None
    score: float | None = None
    method: str | None = None
    candidates: list[tuple[str, float]] = field(default_factory=list)

    @property
    def mapped(self) -> bool:
        return self.status == "matched"


def score(a: str, b: str) -> float:
    """Similarity (0..100) of two normalised indicator texts."""
    if not a or not b:
        return 0.0
    return 0.3 * fuzz.token_set_ratio(a, b) + 0.7 * fuzz.token_sort_ratio(a, b)


def match_indicator(indicator: str, satuan: str | None, year: int | None, unit: str,
                    catalogue: list[CatalogueItem]) -> Match:
    """Match one report row (rules in the module docstring)."""
    pool = [c for c in catalogue if c.year == year and same_unit(unit, c.unit_key)]
    if not pool:
        return Match(status="no_catalogue")
    text = normalise(indicator)
    sat = normalise_satuan(satuan)
    scored = []
    for c in pool:
        s = score(text, normalise(c.indicator))
        cs = normalise_satuan(c.satuan)
        if sat and cs:
            s += SATUAN_BONUS if sat == cs else -SATUAN_BONUS
        scored.append((c, min(100.0, s)))
    scored.sort(key=lambda t: -t[1])
    best, best_score = scored[0]
    cands = [(c.indicator_id, round(s, 1)) for c, s in scored[:3]]
    method = "exact" if normalise(best.indicator) == text else "fuzzy"
    if best_score < REVIEW_SCORE:
        return Match("unmatched", best.indicator_id, round(best_score, 1), method, cands)
    if best_score < MATCH_SCORE:
        return Match("weak", best.indicator_id, round(best_score, 1), method, cands)
    if len(scored) > 1 and best_score - scored[1][1] < MARGIN and method != "exact":
        return Match("ambiguous", best.indicator_id, round(best_score, 1), method, cands)
    return Match("matched", best.indicator_id, round(best_score, 1), method, cands)


def one_row_per_indicator(matches: list[tuple[int, int, Match]]) -> list[tuple[int, int, Match]]:
    """Within each document, keep ``matched`` only on the single best-scoring
    row of each indicator; other rows matching it (and all rows when the best
    score is tied) become ``ambiguous``."""
    best: dict[tuple[int, str], list[tuple[float, int]]] = {}
    for d, n, m in matches:
        if m.mapped:
            best.setdefault((d, m.indicator_id), []).append((m.score or 0.0, n))
    keep = set()
    for (d, _ind), rows in best.items():
        rows.sort(reverse=True)
        if len(rows) == 1 or rows[0][0] > rows[1][0]:
            keep.add((d, rows[0][1]))
    out = []
    for d, n, m in matches:
        if m.mapped and (d, n) not in keep:
            m = Match("ambiguous", m.indicator_id, m.score, m.method, m.candidates)
        out.append((d, n, m))
    return out
