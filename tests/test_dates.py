from datetime import date

import pytest

from pipeline.dates import parse_date


@pytest.mark.parametrize("text,expected", [
    ("24 Januari 2024", date(2024, 1, 24)),
    ("4 JULI 2022", date(2022, 7, 4)),
    ("08 januari 2025", date(2025, 1, 8)),
    ("Selong, 10 April 2024", date(2024, 4, 10)),
    ("3 Agt 2023", date(2023, 8, 3)),
    ("1 Nopember 2016", date(2016, 11, 1)),
    ("24/01/2024", date(2024, 1, 24)),
])
def test_indonesian_dates(text, expected):
    assert parse_date(text).value == expected


def test_blank_day_and_impossible_date_are_reported_not_guessed():
    blank = parse_date("Selong,      Januari 2024")
    assert blank.value is None and "blank" in blank.problem
    bad = parse_date("31 Februari 2023")
    assert bad.value is None and "not a real date" in bad.problem


def test_no_date():
    assert parse_date("").value is None and parse_date("Tanggal Revisi :").raw is None
