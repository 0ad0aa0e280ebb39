"""One money parser for every way an amount comes in: API fields, form fields, handlers."""
from decimal import Decimal

import pytest

from app.errors import ValidationFailed
from app.inbox.forms import validated_form_data
from app.money import parse_money

FORM = {"type": "object", "properties": {"amount": {"type": ["string", "number"], "format": "money"}}}


@pytest.mark.parametrize("written, amount", [
    ("100", "100"), ("100.5", "100.5"), ("0.01", "0.01"), ("50000.00", "50000.00"), (100, "100"), (100.25, "100.25"),
    (1e5, "100000"), ("-12.30", "-12.30"), ("9999999999999.99", "9999999999999.99")])
def test_amounts_as_people_and_programs_write_them(written, amount):
    assert parse_money(written) == Decimal(amount)
    assert validated_form_data(FORM, {"amount": written})["amount"] == Decimal(amount)


@pytest.mark.parametrize("written", [
    "１００", " 100 ", "100\n", "1_000", "100.100", "50000.000", "1e3", "1,000", "0100", "", ".5", "100.",
    "NaN", "Infinity", "10000000000000", True, None, [], 1e20, 0.001, "٣"])
def test_anything_else_is_refused_the_same_way_everywhere(written):
    with pytest.raises(ValueError):
        parse_money(written)
    with pytest.raises(ValidationFailed):
        validated_form_data(FORM, {"amount": written})
