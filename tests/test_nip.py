from datetime import date

from pipeline.nip import check_nip, extract_nip


def test_valid_spaced_nip_decodes_its_parts():
    n = check_nip("19760701 200901 1 005")
    assert n.status == "valid" and n.reasons == []
    assert n.digits == "197607012009011005"
    assert n.birth_date == date(1976, 7, 1) and n.appointment == "2009-01"
    assert n.gender == "L" and n.sequence == "005"


def test_seed_004_broken_nip_is_invalid_for_length_and_date():
    # seed 004 prints "NIP. 1969024199003 2 002": 17 digits and day 41
    n = check_nip("1969024199003 2 002")
    assert n.status == "invalid"
    assert any("17 digits" in r for r in n.reasons)
    assert any("not a real date" in r for r in n.reasons)


def test_pppk_number_is_flagged_not_rejected():
    n = check_nip("19850101 202121 1 001")
    assert n.status == "flag"
    assert "PPPK" in n.reasons[0]


def test_impossible_month_gender_and_age():
    assert check_nip("197607012009131005").status == "invalid"   # month 13
    assert any("gender" in r for r in check_nip("197607012009013005").reasons)
    assert any("age" in r for r in check_nip("197607011980011005").reasons)  # appointed at 4


def test_future_appointment_is_invalid():
    n = check_nip("199001012030011001", today=date(2026, 1, 1))
    assert n.status == "invalid" and any("future" in r for r in n.reasons)


def test_ocr_letters_inside_the_number_are_undone():
    assert check_nip("1976O7O1 2009O1 1 OO5").digits == "197607012009011005"


def test_letters_read_inside_the_number_flag_it_for_review():
    """A 3 under a pen stroke read as B (a Jabar PK prints 19670903, the OCR
    reads 1967090B): the number decodes, but a letter stood for a digit."""
    n = check_nip("1967090B 199303 2 006")
    assert n.digits == "196709081993032006" and n.status == "flag"
    assert n.reasons == ["letters read inside the number (B as 8): check the digits on the page"]
    assert check_nip("1967O9O8 199303 2 OO6").status == "flag"
    assert check_nip("1967090B 199313 2 006").status == "invalid"  # a failed rule still wins


def test_extract_nip_from_signature_lines():
    assert extract_nip("NUBLATI, SE, M.Si NIP. 1969024199003 2 002") == "1969024199003 2 002"
    assert extract_nip("NIP.19690241990032002") == "19690241990032002"
    assert extract_nip("Kepala Dinas") is None
