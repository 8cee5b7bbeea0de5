"""The generated year of performance documents (samples/performance.py): every
PK, Rencana Aksi and simple quarterly report, born-digital and scanned, read
back against the generator's ground truth (values converted from the printed
text by the convention the content is written in, not by the code under test)."""
from __future__ import annotations

import json

import pytest
from rapidfuzz import fuzz

from .conftest import SAMPLES

TRUTH = sorted(p for p in (SAMPLES / "truth").glob("*.json") if not p.name.startswith("sop-"))


def _truth(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _measure(line, measure, quarter=None):
    m = next((m for m in line.measures if m.measure == measure and m.quarter == quarter), None)
    return m.value if m is not None else None


def test_the_year_is_there():
    names = [p.name for p in TRUTH]
    assert len([n for n in names if n.startswith("pk-")]) == 4
    assert len([n for n in names if n.startswith("renaksi-")]) == 4
    assert len([n for n in names if n.startswith("lapkin-")]) == 14
    assert any(n.endswith(".tiff.json") for n in names) and any("-scan.pdf" in n for n in names)


@pytest.mark.parametrize("truth_path", TRUTH, ids=[p.name[:-5] for p in TRUTH])
def test_sample_document_against_truth(processed, truth_path):
    t = _truth(truth_path)
    r = processed(SAMPLES / "inbox" / t["file"])
    assert r.classification.doc_type == t["form"]
    doc = r.performance
    assert (doc.form, doc.year, doc.quarter, doc.opd, doc.unit) == (t["form"], t["year"], t["quarter"], t["opd"], t["unit"])
    assert doc.flags == []
    indicator_lines = [ln for ln in doc.lines if ln.indicator]
    assert len(indicator_lines) == len(t["lines"])
    for got, want in zip(indicator_lines, t["lines"]):
        assert fuzz.ratio(got.indicator, want["indicator"]) >= 95, (got.indicator, want["indicator"])
        assert fuzz.ratio(got.sasaran, want["sasaran"]) >= 95, (got.sasaran, want["sasaran"])
        assert got.satuan == want["satuan"]
        target = _measure(got, "target")
        assert (target.value, target.low if target.kind == "range" else target.value) == (want["target"], want["target_low"])
        if t["form"] == "rencana_aksi":
            assert {str(q): _measure(got, "target", q).value for q in range(1, 5)} == want["targets_q"]
        if t["quarter"]:
            q = t["quarter"]
            assert _measure(got, "target", q).raw == want["target_q_raw"]
            assert _measure(got, "realisasi", q).value == want["realisasi"], (got.indicator, want["realisasi_raw"])
            printed = _measure(got, "capaian", q).value
            assert (printed is None and want["capaian"] is None) or printed == pytest.approx(want["capaian"], abs=0.01)
    if t["form"] == "perjanjian_kinerja":
        parties = {p.pihak: p for p in doc.parties}
        for pihak, person in t["parties"].items():
            assert fuzz.ratio(parties[pihak].nama.value, person["nama"]) >= 95
            assert parties[pihak].nip.value == person["nip"]
            assert parties[pihak].nip_check.status == "valid"
        assert doc.place == t["place"]
        budget = [ln for ln in doc.lines if ln.level == "budget"]
        assert [(b.program, _measure(b, "anggaran").value) for b in budget] == \
            [(b["program"], b["anggaran"]) for b in t["budget"]]
