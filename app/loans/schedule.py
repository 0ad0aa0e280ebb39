"""Temporary: replaced by the full schedule generator."""
import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, ROUND_HALF_UP

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Installment:
    number: int
    due_date: date
    principal: Decimal
    interest: Decimal


def add_months(d, months, anchor_day=None):
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    day = min(anchor_day or d.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def generate_schedule(principal, annual_rate, term_months, method, first_due_date):
    r = Decimal(annual_rate) / 12
    part = (principal / term_months).quantize(CENT, ROUND_HALF_UP)
    rows, remaining = [], principal
    for n in range(1, term_months + 1):
        p = remaining if n == term_months else part
        rows.append(Installment(n, add_months(first_due_date, n - 1, first_due_date.day), p, (remaining * r).quantize(CENT, ROUND_HALF_UP)))
        remaining -= p
    return rows
