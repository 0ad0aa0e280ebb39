"""Checked identity numbers: the resident ID (GB 11643) and the unified social credit code (GB 32100).

Each validator returns None when the value is valid, otherwise a short reason for the user.
"""
import re
from datetime import date

RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_CHECK = "10X98765432"  # ISO 7064 MOD 11-2, indexed by the weighted sum mod 11
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# Province-level codes of GB/T 2260 (the first two digits of the administrative division code),
# with 71 Taiwan, 81 Hong Kong, 82 Macao and 83 for the residence permits of their residents.
PROVINCES = frozenset({"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
                       "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
                       "65", "71", "81", "82", "83"})
MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def resident_id_check_char(first17: str) -> str:
    return RESIDENT_CHECK[sum(int(c) * w for c, w in zip(first17, RESIDENT_WEIGHTS)) % 11]


def validate_resident_id(value: str, today: date | None = None) -> str | None:
    value = (value or "").upper()
    if len(value) != 18:
        return "must be 18 characters"
    if not (value[:17].isascii() and value[:17].isdigit()) or value[17] not in "0123456789X":
        return "must be 17 digits and a digit or X"
    if value[:2] not in PROVINCES or value[2:6] == "0000":
        return "the first six digits are not an administrative division code"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "invalid birth date"
    if born.year < 1900 or born > (today or date.today()):
        return "invalid birth date"
    if resident_id_check_char(value[:17]) != value[17]:
        return "check digit mismatch"
    return None


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def validate_unified_social_credit_code(value: str) -> str | None:
    value = (value or "").upper()
    if len(value) != 18:
        return "must be 18 characters"
    if any(c not in USCC_CHARS for c in value):
        return "contains a character not used in credit codes (I, O, S, V, Z or punctuation)"
    if not value[2:8].isdigit():
        return "characters 3 to 8 must be the administrative division code"
    if uscc_check_char(value[:17]) != value[17]:
        return "check character mismatch"
    return None


def validate_phone(value: str) -> str | None:
    if MOBILE.match(value or "") or LANDLINE.match(value or ""):
        return None
    return "must be a mainland mobile (11 digits) or a landline with area code"
