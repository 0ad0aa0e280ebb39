"""Temporary: replaced by the full identity checks."""
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def resident_id_check_char(first17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def uscc_check_char(first17):
    return USCC_CHARS[(31 - sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS)) % 31) % 31]


def validate_resident_id(value):
    return None if len(value) == 18 and resident_id_check_char(value[:17]) == value[17].upper() else "check digit mismatch"


def validate_unified_social_credit_code(value):
    return None if len(value) == 18 and uscc_check_char(value[:17]) == value[17] else "check digit mismatch"


def validate_phone(value):
    return None
