"""JSON as RFC 8259 has it: NaN and Infinity are not JSON, so the app neither reads nor writes them.

Python's json module takes and emits them by default; a client could not parse such an answer,
and a NaN taken in makes every comparison with it false (or, as a Decimal, raise).
"""
import json
from datetime import date

from flask.json.provider import DefaultJSONProvider


class NotJson(ValueError):
    """NaN, Infinity or -Infinity in a JSON text."""


def refuse_constant(name):
    raise NotJson(f"{name} is not a JSON value")


def loads(text):
    """Parse JSON text; NotJson for NaN and Infinity, JSONDecodeError for the rest."""
    return json.loads(text, parse_constant=refuse_constant)


def _iso_dates(value):
    """Dates and times as ISO 8601 (what the API's own fields write), not Flask's HTTP-date form:
    task data may hold them (scripts' today() and now())."""
    if isinstance(value, date):
        return value.isoformat()
    return DefaultJSONProvider.default(value)


class StrictJSONProvider(DefaultJSONProvider):
    default = staticmethod(_iso_dates)

    def dumps(self, obj, **kwargs):
        kwargs.setdefault("allow_nan", False)  # a ValueError, never a body no client can parse
        return super().dumps(obj, **kwargs)

    def loads(self, s, **kwargs):
        kwargs.setdefault("parse_constant", refuse_constant)
        return super().loads(s, **kwargs)
