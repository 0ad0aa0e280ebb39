"""Money: exact Decimals to the cent, rounded half up as Chinese lenders round, and the one way
an amount enters the system from outside (API fields, forms, files)."""
import re
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
MAX_WHOLE_DIGITS = 13  # up to 9,999,999,999,999.99 yuan
# ASCII digits only (no full-width １００), no spaces, separators or exponents, at most two decimals.
AMOUNT = re.compile(r"-?(0|[1-9][0-9]{0,%d})(\.[0-9]{1,2})?" % (MAX_WHOLE_DIGITS - 1), re.ASCII)


def quantize_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def parse_money(value) -> Decimal:
    """An amount written as a decimal string or a JSON number; ValueError with the reason otherwise."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValueError("must be an amount such as 1234.56")
    text = repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, float) and text.endswith(".0"):
        text = text[:-2]
    if not AMOUNT.fullmatch(text):
        raise ValueError("must be an amount such as 1234.56: digits, at most two decimals, "
                         f"at most {MAX_WHOLE_DIGITS} digits before the point")
    return Decimal(text)
