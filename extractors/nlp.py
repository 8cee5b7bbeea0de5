"""Rule-based Indonesian text analysis with spaCy (``spacy.blank("id")``; no model
downloads): entities for periods, dates, NIP, jabatan and agency names, phrase
counting for document classification."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from .records import Entity

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MONTHS = ["januari", "februari", "pebruari", "maret", "april", "mei", "juni", "juli", "agustus", "september",
          "oktober", "november", "nopember", "desember",
          "jan", "feb", "peb", "mar", "apr", "jun", "jul", "agt", "agu", "ags", "agus", "sep", "sept", "okt", "nov",
          "nop", "des"]
ROMAN = ["i", "ii", "iii", "iv"]

_JABATAN_HEADS = [
    ["kepala"], ["sekretaris"], ["kasubag"], ["kasubbag"], ["kabid"], ["kasi"], ["kasie"], ["kadis"], ["kadin"],
    ["camat"], ["lurah"], ["bupati"], ["walikota"], ["wali", "kota"], ["gubernur"], ["inspektur"], ["irban"],
    ["sekda"], ["staf"], ["staff"], ["bendahara"], ["pptk"], ["plt"], ["plh"],
]
_AGENCY_HEADS = ["dinas", "badan", "inspektorat", "kecamatan", "kelurahan", "sekretariat", "satuan", "kantor",
                 "rsud", "bappeda", "bapelitbangda", "bpkad", "bkpsdm", "uptd", "balai", "biro"]


def _patterns() -> list[dict]:
    pats: list[dict] = []
    # Periods: Triwulan / TW / Trw I-IV (Roman or Arabic), Semester I/II, Tahun YYYY, s.d.
    for head in ("triwulan", "tw", "trw", "tw.", "triw"):
        pats.append({"label": "PERIOD", "pattern": [{"LOWER": head}, {"LOWER": {"IN": ROMAN + ["1", "2", "3", "4"]}}]})
        pats.append({"label": "PERIOD", "pattern": [{"LOWER": {"REGEX": f"^{head.rstrip('.')}[-.]?(i{{1,3}}|iv|[1-4])$"}}]})
        pats.append({"label": "PERIOD", "pattern": [{"LOWER": head.rstrip(".")}, {"TEXT": "-"}, {"LOWER": {"IN": ROMAN + ["1", "2", "3", "4"]}}]})
    pats.append({"label": "PERIOD", "pattern": [{"LOWER": "semester"}, {"LOWER": {"IN": ["i", "ii", "1", "2"]}}]})
    pats.append({"label": "PERIOD", "pattern": [{"LOWER": {"IN": ["tahun", "ta", "ta.", "t.a."]}},
                                                 {"TEXT": {"REGEX": r"^(19|20)\d\d$"}}]})
    # Dates: 24 Januari 2024, 4 JULI 2022, 08 januari 2025, 3 Agt 2023
    pats.append({"label": "DATE", "pattern": [{"TEXT": {"REGEX": r"^\d{1,2}$"}}, {"LOWER": {"IN": MONTHS}},
                                               {"IS_PUNCT": True, "OP": "?"}, {"TEXT": {"REGEX": r"^(19|20)\d\d$"}}]})
    # NIP: the label, optional punctuation, then digit groups (18 digits when valid; checked in pipeline.nip)
    pats.append({"label": "NIP", "pattern": [{"LOWER": {"REGEX": r"^nip\.?:?$"}}, {"IS_PUNCT": True, "OP": "*"},
                                              {"TEXT": {"REGEX": r"^\d+$"}, "OP": "+"}]})
    pats.append({"label": "NIP", "pattern": [{"TEXT": {"REGEX": r"^(?i:nip)[.:]?\d{6,}$"}}, {"TEXT": {"REGEX": r"^\d+$"}, "OP": "*"}]})
    # Jabatan: a role word, optionally followed by its unit (up to 5 title-case words)
    for head in _JABATAN_HEADS:
        toks = [{"LOWER": t} for t in head]
        pats.append({"label": "JABATAN", "pattern": toks + [{"LOWER": {"IN": ["sub", "bagian", "bidang", "seksi", "dinas", "badan", "uptd", "balai", "subbagian", "sub-bagian"]}, "OP": "*"},
                                                             {"TEXT": {"REGEX": r"^(?!NIP)([A-Z][\w.]*|dan|&)$"}, "OP": "*"}]})
    # Agencies: PEMERINTAH KABUPATEN/KOTA/PROVINSI X and Dinas/Badan/... X
    pats.append({"label": "AGENCY", "pattern": [{"LOWER": "pemerintah"}, {"LOWER": {"IN": ["kabupaten", "kota", "provinsi", "kab.", "prov."]}},
                                                 {"IS_ALPHA": True, "OP": "+"}]})
    for head in _AGENCY_HEADS:
        pats.append({"label": "AGENCY", "pattern": [{"LOWER": head}, {"IS_ALPHA": True, "OP": "+"}]})
    return pats


_HYPHENATED = re.compile(r"^\w+(?:-\w+)+$")


def _fast_indonesian() -> "Language":
    """``spacy.blank("id")`` with the same tokens, built in 0.1 s instead of
    1.5 s: its hyphenated-word exceptions (about 15,600 reduplications such as
    ``anak-anak``, ``bergesa-gesa``; each a single ORTH, no other attribute)
    are matched as whole tokens by ``token_match`` instead of being loaded one
    by one as special cases. Checked token for token against
    ``spacy.blank("id")`` on the seeds, the golden files and cached OCR text.
    spaCy is imported here, on first need (about 0.5 s), not with this module."""
    from spacy.lang.id import Indonesian, IndonesianDefaults

    hyphenated = frozenset(k for k in IndonesianDefaults.tokenizer_exceptions if _HYPHENATED.match(k))

    class _FastIndonesianDefaults(IndonesianDefaults):
        tokenizer_exceptions = {k: v for k, v in IndonesianDefaults.tokenizer_exceptions.items()
                                if k not in hyphenated}
        token_match = hyphenated.__contains__

    class _FastIndonesian(Indonesian):
        Defaults = _FastIndonesianDefaults

    return _FastIndonesian()


@lru_cache(maxsize=1)
def get_nlp() -> "Language":
    """The process-wide pipeline: a blank Indonesian spaCy pipeline
    (:func:`_fast_indonesian`) plus an EntityRuler with the patterns above."""
    nlp = _fast_indonesian()
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(_patterns())
    return nlp


@lru_cache(maxsize=2)
def _tokenised(text: str) -> "Doc":
    """``text`` tokenised, remembered for the next call: a document's text is
    counted for phrases (classification) and searched for entities, and
    tokenising is most of the cost of either."""
    return get_nlp().make_doc(text)


def entities(text: str, max_chars: int = 200_000) -> list[Entity]:
    """Entities (PERIOD, DATE, NIP, JABATAN, AGENCY) in ``text``; overlapping
    matches resolve to the longest span. Text beyond ``max_chars`` is ignored."""
    doc = _tokenised(text[:max_chars])
    for _name, component in get_nlp().pipeline:    # the entity ruler: sets doc.ents afresh each time
        doc = component(doc)
    return [Entity(label=e.label_, text=e.text, start=e.start_char, end=e.end_char) for e in doc.ents]


class PhraseCounter:
    """Counts case-insensitive phrase hits per label with spaCy's PhraseMatcher.

    ``phrases``: ``{label: [phrase, ...]}``. :meth:`count` returns
    ``{label: {phrase: hits}}`` for phrases that occur; where hits overlap, only
    the longest counts.
    """

    def __init__(self, phrases: dict[str, list[str]]):
        from spacy.matcher import PhraseMatcher

        nlp = get_nlp()
        self._matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._phrase_of: dict[int, tuple[str, str]] = {}
        for label, items in phrases.items():
            for p in items:
                key = f"{label}::{p}"
                self._matcher.add(key, [nlp.make_doc(p)])
                self._phrase_of[nlp.vocab.strings[key]] = (label, p)

    def count(self, text: str, max_chars: int = 200_000) -> dict[str, dict[str, int]]:
        from spacy.util import filter_spans

        doc = _tokenised(text[:max_chars])
        out: dict[str, dict[str, int]] = {}
        # overlapping hits: the longest wins ("monitoring rencana aksi" is not also "rencana aksi")
        for span in filter_spans(self._matcher(doc, as_spans=True)):
            label, phrase = self._phrase_of[span.label]
            out.setdefault(label, {}).setdefault(phrase, 0)
            out[label][phrase] += 1
        return out


def content_tokens(text: str, keep: frozenset[str] = frozenset()) -> list[str]:
    """Lower-case tokens of ``text`` from spaCy's Indonesian tokenizer, without
    punctuation, spaces and Indonesian stop words (spaCy's ``id`` list) except
    the words in ``keep``; ``%`` is kept (it carries meaning in indicator names)."""
    doc = get_nlp().make_doc(text)
    return [t.lower_ for t in doc
            if t.text == "%" or t.lower_ in keep or not (t.is_punct or t.is_space or t.is_stop)]
