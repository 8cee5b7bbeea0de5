"""Known words of Indonesian and English, to tell real text from garbage (a
broken font encoding, a scanner's poor OCR layer).

From the word lists that ship with the ``wordfreq`` library (frequencies
gathered from Wikipedia, subtitles, news, the web; no download at run time):
every Indonesian word it lists (about 31,000, among them the function words
and the administrative vocabulary of SAKIP forms: *dan*, *kabupaten*,
*indikator*, *realisasi*, place names such as *Pangandaran*) and the
:data:`ENGLISH_WORDS` most frequent English words (documents quote English
terms, and some tables are in English); plus the inflected Indonesian forms
of spacy-lookups-data's lemma table (*pengembangan*, *dilaksanakan*), which
the frequency lists hold only when they are frequent.
"""
from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources

#: How many of the most frequent English words count as known.
ENGLISH_WORDS = 50_000


@lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Lower-case alphabetic word forms, Indonesian and English (about
    110,000; loading takes about 0.5 s, once per process)."""
    from wordfreq import top_n_list

    words = set(top_n_list("id", 10**6)) | set(top_n_list("en", ENGLISH_WORDS))
    data = resources.files("spacy_lookups_data") / "data" / "id_lemma_lookup.json.gz"
    with gzip.open(data.open("rb"), "rt", encoding="utf-8") as fh:
        table = json.load(fh)
    words |= {k.lower() for k in table} | {v.lower() for v in table.values()}
    return frozenset(w for w in words if w.isalpha())
