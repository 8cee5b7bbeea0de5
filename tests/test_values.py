"""Number, percent, Rupiah, range and predicate parsing; capaian rules in SQL;
polarity/aggregation rules; indicator text normalisation and matching."""
from __future__ import annotations

import pytest

from pipeline.indicator_rules import aggregation, polarity
from pipeline.mapping import CatalogueItem, Match, match_indicator, normalise, one_row_per_indicator
from pipeline.values import decide_convention, parse_column, parse_value


@pytest.mark.parametrize("raw, kind, value", [
    ("8.866.374.688", "number", 8866374688.0),
    ("23,16%", "percent", 23.16),
    ("55,56 %", "percent", 55.56),
    ("452,750,000.00", "number", 452750000.0),
    ("Rp 2.330.877.000,00", "rupiah", 2330877000.0),
    ("0", "number", 0.0),
    ("0,00%", "percent", 0.0),
    ("35 orang", "number", 35.0),
])
def test_numbers_that_prove_their_convention(raw, kind, value):
    v = parse_value(raw)
    assert (v.kind, v.value, v.flag) == (kind, value, None)


def test_no_value_is_not_zero():
    for raw in ("-", "", "N/A", "NA", "–"):
        v = parse_value(raw)
        assert v.kind == "none" and v.value is None and v.is_missing
    assert parse_value("0").value == 0.0 and not parse_value("0").is_missing


def test_lone_ambiguous_number_is_never_guessed():
    v = parse_value("1.250")
    assert v.value is None and v.flag == "ambiguous_number"
    # the column decides: another cell proves the Indonesian convention
    assert [p.value for p in parse_column(["1.250", "8.866.374", "13,5"])] == [1250.0, 8866374.0, 13.5]
    # ... or the English one
    assert [p.value for p in parse_column(["1,250", "452,750,000.00"])] == [1250.0, 452750000.0]
    assert decide_convention(["18", "10.400", "3"]) is None


def test_range_and_predicate():
    r = parse_value("7-8")
    assert (r.kind, r.low, r.high, r.value) == ("range", 7.0, 8.0, 8.0)
    assert parse_value("WTP").predicate == "WTP" and parse_value("BB").kind == "predicate"
    assert parse_value("tdk dpt diprediksi").flag == "unparsed"


@pytest.fixture
def sql(tmp_path):
    from warehouse.store import Warehouse
    from pipeline.config import Settings
    wh = Warehouse(tmp_path / "w.duckdb")
    wh.migrate()
    wh.set_bands(Settings(home=tmp_path).bands())

    def q(expr: str):
        with wh.connect(read_only=True) as con:
            return con.execute(f"SELECT {expr}").fetchone()[0]
    return q


def test_capaian_rules(sql):
    assert sql("capaian_pct(80, 80, 60, 'standard')") == 75.0
    assert sql("capaian_pct(10, 10, 8, 'negative_2t')") == 120.0          # lower is better: (2T - R) / T
    assert sql("capaian_pct(10, 10, 8, 'target_over_realisasi')") == 125.0
    assert sql("capaian_pct(0, 0, 5, 'standard')") is None                  # zero target: no capaian, not 0
    assert sql("capaian_pct(NULL, NULL, 5, 'standard')") is None
    assert sql("capaian_pct(7, 8, 9, 'standard')") == 112.5                 # range: upper bound when above
    assert round(sql("capaian_pct(7, 8, 6, 'standard')"), 2) == 85.71       # lower bound when below
    assert sql("capaian_pct(7, 8, 7.5, 'standard')") == 100.0               # inside the range
    assert sql("capaian_clamped(250.0)") == 200 and sql("capaian_clamped(-3.0)") == 0


def test_bands_are_half_open(sql):
    assert sql("capaian_band(91)") == "Sangat Tinggi"
    assert sql("capaian_band(90.5)") == "Tinggi"
    assert sql("capaian_band(75.9)") == "Sedang"
    assert sql("capaian_band(50.5)") == "Sangat Rendah"
    assert sql("capaian_band(NULL)") is None


@pytest.mark.parametrize("raw, kind, value, comparator, flag", [
    ("≤ 4", "number", 4.0, "le", None),
    ("<=5 %", "percent", 5.0, "le", None),
    ("< 1,5", "number", 1.5, "lt", None),
    ("≥ 80%", "percent", 80.0, "ge", None),
    ("> 0", "number", 0.0, "gt", None),
    ("maks. 4", "number", 4.0, "le", None),
    ("Minimal 90 persen", "percent", 90.0, "ge", None),
    ("paling sedikit 3 orang", "number", 3.0, "ge", None),
    ("s4", "number", 4.0, "le", "comparator_from_ocr"),     # Tesseract's reading of '≤4' (Bunikasih PK)
    ("S1", "text", None, None, "unparsed"),                  # a degree, not a bound
    ("sesuai jadwal", "text", None, None, "unparsed"),
    ("1 s.d. 4", "range", 4.0, None, None),
    ("≤ tinggi", "text", None, None, "unparsed"),         # a bound needs a number
])
def test_targets_printed_as_bounds(raw, kind, value, comparator, flag):
    v = parse_value(raw, "id")
    assert (v.kind, v.value, v.comparator, v.flag) == (kind, value, comparator, flag)


@pytest.mark.parametrize("raw, kind, value, unit", [
    ("III", "number", 3.0, "level"),               # 'Level kapabilitas Inspektorat', Jabar PK 2016 annex
    ("Level III", "number", 3.0, "level"),
    ("level 3", "number", 3.0, "level"),
    ("100 % (Hijau)", "percent", 100.0, "Hijau"),  # 'kualitas nilai indikator RAD-PPK', same annex
    ("Rp 1.000.000 (APBD)", "rupiah", 1000000.0, "APBD"),
    ("I", "text", None, None),                     # a lone I, II or V may be a rule or a tick read by OCR
    ("V", "text", None, None),
    ("Level 6", "text", None, None),
    ("(3)", "text", None, None),                   # a bracket without words is no note
])
def test_levels_and_bracketed_notes(raw, kind, value, unit):
    v = parse_value(raw, "id")
    assert (v.kind, v.value, v.unit) == (kind, value, unit)


def test_polarity_from_a_bound_outranks_the_name():
    assert polarity("Prosentase kematian ternak", "le") == ("negative", "target_comparator:le")
    assert polarity("Persentase kasus yang ditangani", "ge") == ("positive", "target_comparator:ge")
    assert polarity("Persentase kasus yang ditangani") == ("negative", "negative_term:kasus")
    assert polarity("Indeks kepuasan", None) == ("positive", "default_positive")


def test_catalogue_keeps_two_alike_rows_of_one_document_apart():
    """The Bunikasih PK lists 'Prosentase kelahiran ...' and 'Prosentase
    kematian ternak sapi perah di UPTD (persen)': alike enough for the
    matcher, but one document never lists an indicator twice. The same row
    in another document (the Rencana Aksi) still joins its entry."""
    from pipeline.catalogue import CatalogueSource, build_catalogue

    def src(ref, text, form="perjanjian_kinerja", target=None, cmp=None):
        return CatalogueSource(source=form, ref=ref, year=2016, unit="BALAI", indicator=text, target_year=target,
                               target_comparator=cmp)
    born = "Prosentase kelahiran ternak sapi perah di UPTD (persen)"
    died = "Prosentase kematian ternak sapi perah di UPTD (persen)"
    entries = build_catalogue([src("7:2", born, target=64.0), src("7:4", died, target=4.0, cmp="le"),
                               src("9:1", "Prosentase kematian ternak sapi perah di UPTD", "rencana_aksi")])
    by_text = {e.indicator: e for e in entries}
    assert set(by_text) == {born, died}
    assert (by_text[died].polarity, by_text[died].polarity_rule) == ("negative", "target_comparator:le")
    assert by_text[died].members == ["7:4", "9:1"] and by_text[born].members == ["7:2"]


def test_polarity_and_aggregation_rules():
    assert polarity("Angka kemiskinan") == ("negative", "negative_term:kemiskinan")
    assert polarity("Persentase kasus DBD")[0] == "negative"
    assert polarity("Rata-rata waktu penyelesaian izin")[0] == "negative"
    assert polarity("Persentase penurunan jumlah temuan") == ("positive", "penurunan_is_achievement")
    assert aggregation("Jumlah dokumen perencanaan")[0] == "cumulative"
    assert aggregation("Persentase PPKS yang ditangani")[0] == "last_value"
    assert aggregation("Opini BPK")[0] == "last_value"
    assert aggregation("Pemeliharaan gedung", satuan="unit")[0] == "cumulative"
    assert aggregation("Sesuatu yang tak dikenal") == ("last_value", "default_last_value")


def test_normalise_expands_abbreviations_and_keeps_meaningful_stop_words():
    assert normalise("Jml Orang yg Mendapatkan Layanan") == normalise("Jumlah orang yang mendapatkan layanan")
    assert normalise("% kasus ditangani") == normalise("Persentase kasus ditangani")
    assert "jumlah" in normalise("Jumlah kasus") and "kasus" in normalise("Jumlah kasus")


def test_matching_statuses():
    cat = [CatalogueItem("a", 2024, "DINAS SOSIAL / DINSOS", "Jumlah orang yang mendapatkan layanan kedaruratan", "orang"),
           CatalogueItem("b", 2024, "DINAS SOSIAL / DINSOS", "Persentase data yang akurat", "%")]
    m = match_indicator("Jml Orang yg Mendapatkan Layanan Kedaruratan", "orang", 2024, "DINSOS", cat)
    assert (m.status, m.indicator_id, m.method) == ("matched", "a", "exact")
    assert match_indicator("Jumlah sekolah yang dibangun", None, 2024, "DINSOS", cat).status == "unmatched"
    assert match_indicator("Persentase data yang akurat", None, 2023, "DINSOS", cat).status == "no_catalogue"
    assert match_indicator("Persentase data yang akurat", None, 2024, "DINAS PERTANIAN", cat).status == "no_catalogue"


def test_one_row_per_indicator():
    rows = [(1, 1, Match("matched", "a", 95.0)), (1, 2, Match("matched", "a", 90.0)), (2, 1, Match("matched", "a", 90.0)),
            (3, 1, Match("matched", "b", 90.0)), (3, 2, Match("matched", "b", 90.0))]
    out = {(d, n): m.status for d, n, m in one_row_per_indicator(rows)}
    assert out == {(1, 1): "matched", (1, 2): "ambiguous", (2, 1): "matched", (3, 1): "ambiguous", (3, 2): "ambiguous"}
