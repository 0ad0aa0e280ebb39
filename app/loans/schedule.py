"""Repayment schedules, exact to the cent.

Three methods: equal installment (等额本息), equal principal (等额本金) and interest only then
principal (先息后本). Interest each month is the remaining principal times the monthly rate,
rounded half up; the last installment takes whatever rounding left over, so the principals
always add up to the loan to the cent.
"""
import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, localcontext

from .money import quantize_money

REPAYMENT_METHODS = {"equal_installment": "等额本息", "equal_principal": "等额本金", "interest_only": "先息后本"}


@dataclass(frozen=True)
class Installment:
    number: int
    due_date: date
    principal: Decimal
    interest: Decimal

    @property
    def total_due(self) -> Decimal:
        return self.principal + self.interest


def add_months(start: date, months: int, anchor_day: int | None = None) -> date:
    """The same day `months` later, clamped to the month's end (Jan 31 → Feb 28 → Mar 31)."""
    years, month_index = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month_index + 1
    day = min(anchor_day or start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def _level_payment(principal: Decimal, rate: Decimal, term: int) -> Decimal:
    if rate == 0:
        return quantize_money(principal / term)
    with localcontext() as ctx:
        ctx.prec = 34
        growth = (1 + rate) ** term
        return quantize_money(principal * rate * growth / (growth - 1))


def _principal_parts(method, principal, rate, term):
    """A function giving the principal due in a month from the balance before it."""
    payment = _level_payment(principal, rate, term) if method == "equal_installment" else None
    part = quantize_money(principal / term)

    def principal_for(month, remaining):
        if month == term:
            return remaining
        if method == "equal_installment":
            return payment - quantize_money(remaining * rate)
        if method == "equal_principal":
            return part
        return Decimal("0.00")
    return principal_for


def generate_schedule(principal: Decimal, annual_rate: Decimal, term_months: int, method: str,
                      first_due_date: date) -> list[Installment]:
    if method not in REPAYMENT_METHODS:
        raise ValueError(f"unknown repayment method '{method}'")
    if term_months < 1:
        raise ValueError("the term must be at least one month")
    if principal <= 0:
        raise ValueError("the principal must be positive")
    if annual_rate < 0:
        raise ValueError("the rate cannot be negative")
    rate = Decimal(annual_rate) / 12
    principal_for = _principal_parts(method, principal, rate, term_months)
    rows, remaining = [], quantize_money(principal)
    for month in range(1, term_months + 1):
        interest = quantize_money(remaining * rate)
        part = principal_for(month, remaining)
        rows.append(Installment(month, add_months(first_due_date, month - 1, first_due_date.day), part, interest))
        remaining -= part
    return rows
