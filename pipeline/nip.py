"""NIP (Nomor Induk Pegawai) checks.

Structure (BKN; PP 11/2017 on civil-servant management): 18 digits =
birth date YYYYMMDD + TMT CPNS (appointment) YYYYMM + gender (1 man, 2 woman)
+ sequence NNN, usually printed spaced ``19760701 200901 1 005``. PPPK staff
carry an 18-digit NI PPPK whose month slot is ``21``; it is flagged, not
rejected (../shared/DOMAIN.md).
"""
from __future__ import annotations

import re
from datetime import date

from .models import NipCheck

#: Appointment (TMT CPNS) must fall this many years after birth (DOMAIN.md).
MIN_AGE_AT_APPOINTMENT = 15
MAX_AGE_AT_APPOINTMENT = 45
PPPK_MONTH_CODE = 21

#: Letters OCR reads for digits inside a number, and the digit each stands for.
_LETTER_DIGITS = {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8"}
_OCR_DIGITS = str.maketrans(_LETTER_DIGITS)


def extract_nip(text: str) -> str | None:
    """The NIP as printed after a ``NIP`` label (digits and spaces kept), or
    ``None`` when the text has no NIP label followed by digits."""
    m = re.search(r"\bN\s?I\s?P\b\.?\s*[:.]?\s*([0-9OoIl|\s.]{6,30})", text)
    if not m:
        return None
    raw = m.group(1).strip(" .")
    return raw if sum(c.isdigit() for c in raw) >= 6 else None


#: A letter read inside the number, next to a digit: an OCR confusion undone by :data:`_OCR_DIGITS`.
_LETTER = "[" + re.escape("".join(_LETTER_DIGITS)) + "]"
_LETTER_IN_NUMBER = re.compile(rf"(?<=\d){_LETTER}|{_LETTER}(?=\d)")


def check_nip(raw: str, today: date | None = None) -> NipCheck:
    """Check a printed NIP. Common OCR confusions (O->0, l/I->1, B->8) are
    undone inside the number first; a number that needed it and otherwise
    checks out is ``flag``, not ``valid``: the letter may stand for another
    digit (a ``3`` crossed by a pen stroke read as ``B``). Every failed rule
    is listed in ``reasons``."""
    today = today or date.today()
    digits = re.sub(r"\D", "", raw.translate(_OCR_DIGITS))
    reasons: list[str] = []
    status = "valid"
    letters = _LETTER_IN_NUMBER.findall(raw)
    if letters:
        read_as = ", ".join(f"{c} as {c.translate(_OCR_DIGITS)}" for c in dict.fromkeys(letters))
        reasons.append(f"letters read inside the number ({read_as}): check the digits on the page")
        status = "flag"
    if len(digits) != 18:
        reasons.append(f"has {len(digits)} digits; a NIP has 18")
        status = "invalid"
    birth = None
    if len(digits) >= 8:
        y, m, d = int(digits[0:4]), int(digits[4:6]), int(digits[6:8])
        try:
            birth = date(y, m, d)
        except ValueError:
            reasons.append(f"birth date {digits[0:4]}-{digits[4:6]}-{digits[6:8]} is not a real date")
            status = "invalid"
        if birth and not (1930 <= birth.year <= today.year - 15):
            reasons.append(f"birth year {birth.year} is not plausible")
            status = "invalid"
    appointment = gender = sequence = None
    if len(digits) == 18:
        ay, am = int(digits[8:12]), int(digits[12:14])
        g = digits[14]
        sequence = digits[15:18]
        if am == PPPK_MONTH_CODE:
            reasons.append("month slot is 21: looks like a PPPK number (NI PPPK), not a PNS NIP")
            if status == "valid":
                status = "flag"
        elif not 1 <= am <= 12:
            reasons.append(f"appointment month {am:02d} is not 01-12")
            status = "invalid"
        else:
            appointment = f"{ay:04d}-{am:02d}"
            if birth:
                age = ay - birth.year
                if not MIN_AGE_AT_APPOINTMENT <= age <= MAX_AGE_AT_APPOINTMENT:
                    reasons.append(f"appointed at age {age}; expected {MIN_AGE_AT_APPOINTMENT}-{MAX_AGE_AT_APPOINTMENT}")
                    status = "invalid"
            if date(ay, am, 1) > today:
                reasons.append(f"appointment {appointment} is in the future")
                status = "invalid"
        if g in "12":
            gender = "L" if g == "1" else "P"
        else:
            reasons.append(f"gender digit is {g}; expected 1 or 2")
            status = "invalid"
    return NipCheck(raw=raw, digits=digits, status=status, reasons=reasons,
                    birth_date=birth,
                    appointment=appointment, gender=gender, sequence=sequence)
