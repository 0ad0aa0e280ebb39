"""Money is an exact Decimal rounded to the cent, half up, as Chinese lenders round."""
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def quantize_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)
