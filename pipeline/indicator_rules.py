"""Polarity, capaian formula and aggregation of an indicator when the
secretariat's indicator file does not set them (../shared/DOMAIN.md, "Capaian").

Each rule is named, and the name is stored next to the value so a reader can
see why an indicator was read as lower-is-better or as cumulative.

Polarity (``positive``: higher is better; ``negative``: lower is better):

- ``target_comparator:<op>``: the target is printed as a bound, which says
  the direction outright: ``≤ 4`` / ``maks. 4`` (at most: negative), ``≥ 80 %``
  / ``minimal 80`` (at least: positive). It outranks the name rules below
  (*persentase kasus yang ditangani ≥ 90 %* is higher-is-better).
- ``penurunan_is_achievement``: the indicator counts a decrease achieved
  (*persentase penurunan ...*, *menurunnya ...*): positive.
- ``negative_term:<term>``: the indicator measures something bad - poverty,
  unemployment, cases, deaths, prevalence, findings, violations, waiting time.
- ``default_positive``.

Capaian formula: ``standard`` (R / T x 100) for positive indicators,
``negative_2t`` ((2T - R) / T x 100) for negative ones (the alternative
``target_over_realisasi``, T / R x 100, is set per indicator in the file).

Aggregation over quarters (never add percentages):

- ``last_value`` for percentages, indices, ratios, rates, scores, predicates
  (rule ``level_measure:<term>``), and by default (``default_last_value``:
  adding up is only done when a rule says the indicator is a count).
- ``cumulative`` for counts and amounts (``count_measure:<term>``: *jumlah*,
  *banyaknya*, tonnage, length, area, money, or a count satuan).
- ``ratio`` (recomputed from numerator and denominator) only from the file.
"""
from __future__ import annotations

import re

NEGATIVE_TERMS = [
    "kemiskinan", "penduduk miskin", "pengangguran", "kematian", "kasus", "prevalensi", "stunting", "gizi buruk",
    "inflasi", "temuan", "pelanggaran", "kecelakaan", "kejadian kebakaran", "putus sekolah", "gini", "tunggakan",
    "kerugian", "genangan", "banjir", "kumuh", "pengaduan", "waktu penyelesaian", "waktu pelayanan", "lama waktu",
    "rata-rata waktu", "waktu tanggap", "response time", "keterlambatan", "sisa lebih", "silpa", "kerusakan",
]
ACHIEVED_DECREASE = re.compile(r"\b(penurunan|menurunnya|berkurangnya|pengurangan|turunnya|menurun)\b", re.I)
LEVEL_TERMS = ["persentase", "prosentase", "presentase", "persen", "%", "indeks", "indek", "rasio", "rata-rata",
               "nilai", "predikat", "opini", "tingkat", "angka", "level", "skor", "cakupan", "proporsi", "kategori"]
COUNT_TERMS = ["jumlah", "banyaknya", "total", "volume", "panjang", "luas", "produksi", "realisasi pendapatan"]
COUNT_UNITS = {"orang", "dokumen", "laporan", "unit", "paket", "kali", "ton", "km", "ha", "hektar", "rupiah", "rp",
               "kegiatan", "buah", "lokasi", "kelompok", "desa", "kelurahan", "ekor", "set", "event", "peserta",
               "sekolah", "kk", "rumah", "bangunan", "meter", "m", "m2", "m3", "liter", "kendaraan", "perda",
               "perkada", "berkas", "izin", "ijin", "surat"}


def polarity(indicator: str, target_comparator: str | None = None) -> tuple[str, str]:
    """``(polarity, rule)`` for an indicator name and, when its target is a
    bound, the bound's comparator (``le``, ``lt``, ``ge``, ``gt``, see
    :func:`pipeline.values.split_comparator`)."""
    if target_comparator in ("le", "lt"):
        return "negative", f"target_comparator:{target_comparator}"
    if target_comparator in ("ge", "gt"):
        return "positive", f"target_comparator:{target_comparator}"
    low = indicator.lower()
    if ACHIEVED_DECREASE.search(low):
        return "positive", "penurunan_is_achievement"
    for term in NEGATIVE_TERMS:
        if term in low:
            return "negative", f"negative_term:{term}"
    return "positive", "default_positive"


def formula_for(polarity_value: str) -> str:
    """Default capaian formula of a polarity."""
    return "negative_2t" if polarity_value == "negative" else "standard"


def aggregation(indicator: str, satuan: str | None = None, target_kind: str | None = None) -> tuple[str, str]:
    """``(aggregation, rule)`` for an indicator name, its satuan and the kind
    of its target value (``percent`` targets are never cumulative)."""
    low = indicator.lower()
    sat = (satuan or "").lower().strip(" ()")
    if target_kind == "percent" or sat in ("%", "persen", "persentase"):
        return "last_value", "level_measure:%"
    for term in LEVEL_TERMS:
        if re.search(rf"(^|\W){re.escape(term)}(\W|$)", low):
            return "last_value", f"level_measure:{term}"
    for term in COUNT_TERMS:
        if re.search(rf"\b{term}\b", low):
            return "cumulative", f"count_measure:{term}"
    if sat and sat.split("/")[0].strip() in COUNT_UNITS:
        return "cumulative", f"count_measure:satuan {sat}"
    return "last_value", "default_last_value"
