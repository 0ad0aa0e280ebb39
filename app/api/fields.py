"""Field types of the API schemas: exact money, ids the database can hold, times with offsets."""
from datetime import timezone

from marshmallow import ValidationError, fields, validate

MONEY_RANGE = validate.Range(min=0, min_inclusive=False, max=10**12)
MONEY_DOC = {"pattern": r"^\d{1,13}(\.\d{1,2})?$", "example": "50000.00",
             "description": "a decimal string in yuan, at most two decimals (a JSON number is accepted too)"}
MAX_ID = 2**31 - 1  # ids are 32-bit integer columns in PostgreSQL


def _whole_cents(value):
    if value.normalize().as_tuple().exponent < -2:
        raise ValidationError("Amounts have at most two decimal places.")


class Money(fields.Decimal):
    """Amounts travel as decimal strings (numbers are accepted) and stay exact, to the cent."""

    def __init__(self, **kwargs):
        super().__init__(places=None, as_string=True, allow_nan=False, metadata=MONEY_DOC, **kwargs)
        self.validators.append(_whole_cents)


class DecimalString(fields.Decimal):
    """A decimal amount or rate in a response: always a string, so no precision is lost."""

    def __init__(self, **kwargs):
        super().__init__(as_string=True, **kwargs)


class UtcDateTime(fields.DateTime):
    """Times leave with their offset. SQLite hands stored times back without one; they are UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


def Id(**kwargs):  # noqa: N802 - reads like a field class
    """An id sent in a body: a whole number the id columns can hold (larger ones do not exist)."""
    return fields.Int(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


