"""Rule-based Indonesian text analysis (extractors.nlp) on real seed text."""
from __future__ import annotations

import spacy

from extractors.nlp import entities, get_nlp

from .conftest import need, SEEDS


def test_tokens_equal_spacy_blank_indonesian():
    """The fast pipeline tokenises exactly as ``spacy.blank("id")``: hyphenated
    reduplications whole, other hyphens split, abbreviations and degrees kept."""
    texts = ["(Anak-anak), masing-masing; bergesa-gesa. Kepala Sub-Bagian Umum Non-PNS TW-II 2023-2024",
             "Drs. H. ABDUL ROZAK, S.H., M.Si. dll. Kab. Landak :-) e-kinerja"]
    texts += [p.read_text(errors="ignore") for p in sorted(need(SEEDS).glob("*"))]
    reference = spacy.blank("id")
    for text in texts:
        assert [t.text for t in get_nlp().make_doc(text)] == [t.text for t in reference.make_doc(text)]


def test_entities_of_a_signature_block():
    found = {(e.label, e.text) for e in entities("Kepala Dinas Sosial NIP. 19700101 199001 1 001 Triwulan II Tahun 2024")}
    assert ("NIP", "NIP. 19700101 199001 1 001") in found
    assert ("PERIOD", "Triwulan II") in found and ("PERIOD", "Tahun 2024") in found
    assert any(label == "JABATAN" and text.startswith("Kepala Dinas") for label, text in found)
