"""Field types of the API schemas: exact money, ids the database can hold, times with offsets."""
import re
from datetime import timedelta, timezone
from decimal import Decimal

from marshmallow import ValidationError, fields, validate

from ..money import parse_money

MONEY_RANGE = validate.Range(min=0, min_inclusive=False, max=10**12)
MONEY_DOC = {"pattern": r"^(0|[1-9]\d{0,12})(\.\d{1,2})?$", "example": "50000.00",
             "description": "a decimal string in yuan, at most two decimals (a JSON number is accepted too)"}
MAX_ID = 2**31 - 1  # ids are 32-bit integer columns in PostgreSQL


class Money(fields.Decimal):
    """Amounts travel as decimal strings (numbers are accepted) and stay exact, to the cent;
    they are read by the one money parser every entry point uses."""

    def __init__(self, **kwargs):
        super().__init__(places=None, as_string=True, allow_nan=False,
                         metadata={**MONEY_DOC, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return parse_money(value)
        except ValueError as err:
            raise ValidationError(str(err)) from err


class Rate(fields.Decimal):
    """A rate as a decimal fraction written out (0.065 for 6.5 %), at most six decimals."""

    PATTERN = re.compile(r"(0|[1-9][0-9]?)(\.[0-9]{1,6})?", re.ASCII)

    def __init__(self, **kwargs):
        super().__init__(as_string=True, allow_nan=False, metadata={"pattern": r"^(0|[1-9]\d?)(\.\d{1,6})?$",
                                                                     "example": "0.065", **kwargs.pop("metadata", {})},
                         **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = repr(value) if isinstance(value, float) else str(value) if isinstance(value, (str, int)) else ""
        if isinstance(value, bool) or not self.PATTERN.fullmatch(text):
            raise ValidationError("must be a decimal fraction such as 0.065 (at most six decimals)")
        return Decimal(text)


class IsoDate(fields.Date):
    """A calendar date written YYYY-MM-DD; week and ordinal forms (2026-W48-1) are not dates here."""

    PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not self.PATTERN.fullmatch(value):
            raise ValidationError("Not a valid date.")
        return super()._deserialize(value, attr, data, **kwargs)


class Moment(fields.AwareDateTime):
    """A moment with its UTC offset (one a real clock can show, within ±14 hours), kept in UTC."""

    def __init__(self, **kwargs):
        super().__init__(default_timezone=timezone.utc, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        if abs(moment.utcoffset()) > timedelta(hours=14):
            raise ValidationError("The UTC offset must be within ±14 hours.")
        return moment.astimezone(timezone.utc)


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


