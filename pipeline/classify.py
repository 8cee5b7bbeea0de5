"""Document-type classification by weighted phrase rules (spaCy PhraseMatcher)
plus structure cues, with the evidence kept.

Types (../shared/DOMAIN.md): ``sop``, ``perjanjian_kinerja``, ``rencana_aksi``,
``laporan_triwulan``, ``monev``, ``lkjip``, ``unknown``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.nlp import PhraseCounter

from .models import Classification

#: phrase -> weight per type. Titles weigh most; generic table words little.
RULES: dict[str, dict[str, float]] = {
    "sop": {
        "standar operasional prosedur": 4, "standar oprasional prosedur": 4, "sop ap": 3, "nomor sop": 4,
        "nama sop": 4, "tanggal pembuatan": 3, "tanggal revisi": 3, "tanggal efektif": 2, "disahkan oleh": 2,
        "dasar hukum": 1.5, "kualifikasi pelaksana": 4, "klasifikasi pelaksana": 3, "keterkaitan": 1.5,
        "peralatan/perlengkapan": 2, "pencatatan dan pendataan": 4, "mutu baku": 3, "pelaksana": 0.5,
    },
    "perjanjian_kinerja": {
        "perjanjian kinerja": 4, "pihak pertama": 3, "pihak kedua": 3, "berjanji akan mewujudkan": 4,
        "sasaran strategis": 0.5, "indikator kinerja": 0.3, "anggaran": 0.3,
    },
    "rencana_aksi": {
        "rencana aksi": 4, "target tw": 2, "trw i": 1.5, "trw ii": 1.5, "trw iii": 1.5, "trw iv": 1.5,
        "tw i": 1, "tw ii": 1, "tw iii": 1, "tw iv": 1, "target kinerja sasaran": 2, "renaksi": 4,
    },
    "laporan_triwulan": {
        "laporan kinerja triwulan": 5, "laporan triwulan": 4, "realisasi kinerja pada triwulan": 5,
        "evaluasi terhadap hasil renja": 5, "realisasi": 0.5, "capaian": 0.5, "triwulan": 1,
        "indikator kinerja program": 1.5, "indikator kinerja kegiatan": 1.5, "penanggung jawab": 0.3,
        "urusan/program/kegiatan": 2,
    },
    "monev": {
        "monitoring rencana aksi": 6, "monev": 5, "monitoring dan evaluasi": 4, "laporan monitoring": 4,
        "evaluasi rencana aksi": 5,
    },
    "lkjip": {
        "laporan kinerja instansi pemerintah": 5, "lkjip": 4, "lakip": 2, "lkip": 2, "akuntabilitas kinerja": 3,
        "bab iii": 2, "bab i": 1, "pengukuran kinerja": 1, "analisis capaian": 2,
    },
}
#: Below this total the document is ``unknown``.
MIN_SCORE = 6.0
#: Phrases in the heading (first lines of the first page) count this many times in all.
TITLE_BOOST = 4.0
TITLE_LINES = 3


@lru_cache(maxsize=1)
def _counter() -> PhraseCounter:
    return PhraseCounter({t: list(p) for t, p in RULES.items()})


def _scores(text: str, factor: float, evidence: list[str], where: str) -> dict[str, float]:
    out: dict[str, float] = {t: 0.0 for t in RULES}
    for doc_type, hits in _counter().count(text).items():
        for phrase, n in hits.items():
            w = RULES[doc_type][phrase] * factor * min(n, 3)
            out[doc_type] += w
            evidence.append(f"{doc_type}: '{phrase}' x{n} in {where} (+{w:g})")
    return out


def classify(page_texts: list[str], sop_labels: int = 0) -> Classification:
    """Classify a document from its pages' text (reading order).

    ``sop_labels``: number of distinct SOP identity labels the SOP parser found
    (a structure cue; each adds 2 to ``sop``). The ``score`` is the winner's
    share of all points, scaled down when the total is small; ``unknown`` when
    the best total is below :data:`MIN_SCORE`.
    """
    evidence: list[str] = []
    first = page_texts[0] if page_texts else ""
    title = "\n".join(first.splitlines()[:TITLE_LINES])
    body = "\n".join(page_texts)
    totals = _scores(body, 1.0, evidence, "text")
    for t, v in _scores(title, TITLE_BOOST - 1.0, evidence, "title").items():
        totals[t] += v
    if sop_labels:
        totals["sop"] += 2.0 * sop_labels
        evidence.append(f"sop: {sop_labels} identity-sheet labels parsed (+{2.0 * sop_labels:g})")
    if re.search(r"pihak\s+pertama", body, re.I) and re.search(r"pihak\s+kedua", body, re.I):
        totals["perjanjian_kinerja"] += 3
        evidence.append("perjanjian_kinerja: both PIHAK PERTAMA and PIHAK KEDUA present (+3)")
    if re.search(r"\bK\s+Rp\s+K\s+Rp\b", body):
        totals["laporan_triwulan"] += 4
        evidence.append("laporan_triwulan: K / Rp realisation columns per quarter (+4)")
    best = max(totals, key=lambda t: totals[t])
    total = sum(totals.values())
    if totals[best] < MIN_SCORE:
        evidence.append(f"best total {totals[best]:.1f} below {MIN_SCORE}: unknown")
        return Classification(doc_type="unknown", score=0.0, scores={k: round(v, 2) for k, v in totals.items()},
                              evidence=evidence[:40])
    share = totals[best] / total
    confidence = share * min(1.0, totals[best] / (3 * MIN_SCORE))
    evidence.sort(key=lambda e: (not e.startswith(best), e))
    return Classification(doc_type=best, score=round(confidence, 3), scores={k: round(v, 2) for k, v in totals.items()},
                          evidence=evidence[:40])
