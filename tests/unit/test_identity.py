from datetime import date

import pytest

from app.loans.identity import (
    resident_id_check_char,
    uscc_check_char,
    validate_phone,
    validate_resident_id,
    validate_unified_social_credit_code,
)


def test_published_resident_id_example_is_valid():
    assert validate_resident_id("11010519491231002X") is None
    assert validate_resident_id("11010519491231002x") is None  # lowercase x is accepted


@pytest.mark.parametrize("value, reason", [
    ("110105194912310021", "check digit mismatch"),
    ("11010519491231002", "must be 18 characters"),
    ("1101051949123100AX", "must be 17 digits and a digit or X"),
    ("110105199902300011", "invalid birth date"),   # 30 February
    ("110105189901010011", "invalid birth date"),   # before 1900
])
def test_bad_resident_ids_say_why(value, reason):
    assert validate_resident_id(value) == reason


def test_future_birth_date_is_refused():
    first17 = "11010520300101001"
    assert validate_resident_id(first17 + resident_id_check_char(first17), today=date(2026, 11, 23)) == "invalid birth date"


def test_published_credit_code_example_is_valid():
    assert validate_unified_social_credit_code("91350100M000100Y43") is None


@pytest.mark.parametrize("value, reason", [
    ("91350100M000100Y44", "check character mismatch"),
    ("91350100M000100Y4", "must be 18 characters"),
    ("91350100M0001O0Y43", "contains a character not used in credit codes (I, O, S, V, Z or punctuation)"),
    ("913A0100M000100Y43", "characters 3 to 8 must be the administrative division code"),
])
def test_bad_credit_codes_say_why(value, reason):
    assert validate_unified_social_credit_code(value) == reason


def test_check_characters_complete_built_codes():
    assert validate_unified_social_credit_code("91330106MA27XK3P0" + uscc_check_char("91330106MA27XK3P0")) is None


@pytest.mark.parametrize("phone, ok", [("13812345678", True), ("0571-88886666", True), ("01088886666", True),
                                       ("12812345678", False), ("1381234567", False), ("call me", False)])
def test_phone_numbers(phone, ok):
    assert (validate_phone(phone) is None) is ok


@pytest.mark.parametrize("region", ["000000", "999999", "990101", "110000", "000101"])
def test_a_resident_id_must_start_with_a_real_division_code(region):
    first17 = region + "19800101123"
    assert validate_resident_id(first17 + resident_id_check_char(first17)) == \
        "the first six digits are not an administrative division code"


def test_full_width_digits_are_not_digits_of_an_id():
    first17 = "11010519800101123"
    wide = "".join(chr(ord(c) + 0xFEE0) for c in first17)
    assert validate_resident_id(wide + resident_id_check_char(first17)) == "must be 17 digits and a digit or X"
