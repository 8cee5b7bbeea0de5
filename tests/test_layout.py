"""Layout helpers on OCR words: cutting a word Tesseract read through a ruled line."""
from __future__ import annotations

from extractors.records import BBox, Ruling, Word
from pipeline.layout import split_at_rules


def test_word_read_through_a_column_rule_is_cut_at_the_glyph():
    """'dan/1.1.2' as Tesseract gave it on the Bunikasih PK (the sasaran's
    last word, the rule read as '/', the indicator's number): word box and
    rule position in PDF points as on that page."""
    rule = Ruling(272.0, 160.0, 272.5, 240.0)
    w = Word("dan/1.1.2", BBox(249.6, 165.1, 303.1, 173.5), 68.0, 20, 1, 3)
    left, right = split_at_rules([w], [rule])
    assert (left.text, right.text) == ("dan", "1.1.2")
    assert left.bbox.x1 < 272.0 < right.bbox.x0 and left.confidence == right.confidence == 68.0
    assert (left.block, left.line) == (20, 3)


def test_word_is_left_whole_without_a_glyph_or_a_rule_across_it():
    rule = Ruling(272.0, 160.0, 272.5, 240.0)
    whole = Word("Nilai2024x", BBox(249.6, 165.1, 303.1, 173.5))
    assert split_at_rules([whole], [rule]) == [whole]                     # no rule glyph at the rule
    slash = Word("s/d", BBox(250.0, 165.1, 290.0, 173.5))
    assert split_at_rules([slash], [Ruling(100.0, 160.0, 100.5, 240.0)]) == [slash]   # rule elsewhere
    below = Word("dan/1.1.2", BBox(249.6, 265.1, 303.1, 273.5))
    assert split_at_rules([below], [rule]) == [below]                     # rule ends above the word
    assert split_at_rules([below], [Ruling(200.0, 269.0, 320.0, 269.5)]) == [below]   # horizontal
