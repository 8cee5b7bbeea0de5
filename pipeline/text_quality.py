"""Judging a PDF text layer: is it real text, or a scanner's poor OCR / a broken
font encoding that should be OCR-ed again?"""
from __future__ import annotations

import re

from extractors.nlp import indonesian_lexicon
from extractors.records import Word

# Frequent English words (ICDAR and bilingual forms); Indonesian comes from the lexicon.
_ENGLISH = frozenset("the of and to in for is on that by with as at from this be are or an was it not which all have has "
                     "total year per table source number data".split())


def text_layer_quality(words: list[Word] | tuple[Word, ...]) -> float:
    """Share (0..1) of the layer's tokens that are real words: numbers, or
    alphabetic tokens of 3+ letters found in the Indonesian word list (or a few
    common English words), also after stripping common affixes. Tokens of 1-2
    letters are not judged. A page with fewer than 5 judged tokens scores 0."""
    lex = indonesian_lexicon()
    good = total = 0
    for w in words:
        for tok in re.findall(r"[A-Za-z]+|\d[\d.,]*", w.text):
            if tok[0].isdigit():
                good += 1
                total += 1
                continue
            if len(tok) < 3:
                continue
            total += 1
            t = tok.lower()
            if t in lex or t in _ENGLISH or _stem(t) in lex:
                good += 1
    return good / total if total >= 5 else 0.0


def _stem(t: str) -> str:
    for suf in ("nya", "kan", "an", "i", "lah", "kah"):
        if t.endswith(suf) and len(t) - len(suf) >= 3:
            t = t[: -len(suf)]
            break
    for pre in ("meng", "peng", "mem", "pem", "men", "pen", "me", "pe", "ber", "ter", "di", "ke", "se"):
        if t.startswith(pre) and len(t) - len(pre) >= 3:
            return t[len(pre):]
    return t
