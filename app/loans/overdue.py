"""Overdue figures of a loan: what fell due and is unpaid, days past due, daily penalty interest.

Close of business computes them for a whole book at once (daily_close.py); a posting and the
books check compute them for one loan with these same rules.
"""
from datetime import date
from decimal import Decimal

from ..money import quantize_money

DAYS_IN_YEAR = Decimal("360")  # the day count Chinese lenders use for daily rates
ZERO = Decimal("0.00")


def daily_penalty(overdue: Decimal, annual_rate: Decimal, multiplier: Decimal) -> Decimal:
    """Penalty interest for one day on what is overdue: the contract rate raised by the product's multiplier."""
    return quantize_money(overdue * (annual_rate * multiplier / DAYS_IN_YEAR))


def penalty_for_day(day: date, first_unpaid_due: date | None, overdue: Decimal, terms) -> Decimal:
    """The penalty interest a loan owes for `day`: none within its grace days (宽限期)."""
    if first_unpaid_due is None or (day - first_unpaid_due).days <= terms.grace_days:
        return ZERO
    return daily_penalty(overdue, terms.annual_rate, terms.penalty_rate_multiplier)


def is_unpaid(row) -> bool:
    """Compared part by part, never as sums."""
    return row.paid_principal < row.principal or row.paid_interest < row.interest


def overdue_position(installments, on: date):
    """(oldest unpaid due date or None, amount unpaid) of the installments due before `on`."""
    first, owed = None, ZERO
    for row in installments:
        if row.due_date < on and is_unpaid(row):
            first = row.due_date if first is None else min(first, row.due_date)
            owed += row.principal + row.interest - row.paid_principal - row.paid_interest
    return first, owed


def refresh_overdue(loan, on: date):
    """Bring the loan's stored days past due and overdue amount to business date `on`."""
    first, owed = overdue_position(loan.schedule, on)
    loan.dpd, loan.overdue_amount, loan.overdue_as_of = ((on - first).days if first else 0), owed, on
