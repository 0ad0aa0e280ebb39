"""What task data may hold: what the saved state (JSON, through the engine's serializer) carries.

Plain values, lists and objects with text keys, and the types the serializer writes out: Decimal,
date, datetime, timedelta. Not NaN or Infinity (JSON has no such numbers), not sets or times of day.
"""
import math
from datetime import date, datetime, timedelta
from decimal import Decimal

SCALARS = (type(None), bool, int, str, date, datetime, timedelta)


def storage_problem(value):
    """Why `value` cannot be saved as task data, or None. Iterative: the data may nest deeply."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, float) and not math.isfinite(item) or isinstance(item, Decimal) and not item.is_finite():
            return f"{item}, a number JSON cannot carry"
        if isinstance(item, (list, tuple)):
            pending.extend(item)
        elif isinstance(item, dict):
            if not all(isinstance(key, str) for key in item):
                return "an object whose keys are not all text"
            pending.extend(item.values())
        elif not isinstance(item, (*SCALARS, float, Decimal)):
            return f"a {type(item).__name__}, which cannot be saved"
    return None
