"""Repayment schedules, exact to the cent.

Three methods: equal installment (等额本息), equal principal (等额本金) and interest only then
principal (先息后本). Each month's interest is the balance times the monthly rate, rounded half
up. Installments fall on the contract day of each month, clamped to the end of shorter months
(Jan 31 → Feb 28 → Mar 31). The rounding rule guarantees that no installment is negative and that
the balance reaches exactly zero on the last one:
- equal installment: the level payment is the exact annuity rounded half up to the cent, and the
  last installment takes what rounding left over. When that rounding would pay the loan off
  before its last month (only at very high rates over very long terms, where a cent a month
  grows into hundreds), each month's payment is instead recomputed from the balance and the
  months left, rounded half up, so payments differ by a cent or two and nothing piles up;
- equal principal: the monthly part is the principal over the term rounded half up, or rounded
  down when rounding up would leave the last month nothing;
- every month's principal is never below zero; the last installment pays the remaining balance.
"""
import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal, localcontext

from ..money import CENT, quantize_money

REPAYMENT_METHODS = {"equal_installment": "等额本息", "equal_principal": "等额本金", "interest_only": "先息后本"}
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ScheduledInstallment:
    """One planned installment, before it is stored on a loan."""
    number: int
    due_date: date
    principal: Decimal
    interest: Decimal

    @property
    def total_due(self) -> Decimal:
        return self.principal + self.interest


def add_months(start: date, months: int, anchor_day: int | None = None) -> date:
    """The anchor day `months` later, clamped to the month's end (Jan 31 → Feb 28 → Mar 31)."""
    years, month_index = divmod(start.month - 1 + months, 12)
    year, month = start.year + years, month_index + 1
    day = min(anchor_day or start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def monthly_rate(annual_rate: Decimal) -> Decimal:
    return Decimal(annual_rate) / 12


def _annuity(balance: Decimal, rate: Decimal, term: int) -> Decimal:
    """The exact level payment (not rounded)."""
    if rate == 0:
        return balance / term
    with localcontext() as ctx:
        ctx.prec = 34
        growth = (1 + rate) ** term
        return balance * rate * growth / (growth - 1)


def _fixed_payment_parts(balance, rate, term, payment):
    """(principal, interest) per month for a fixed payment; None if it pays off before the last month."""
    parts = []
    for month in range(1, term + 1):
        interest = quantize_money(balance * rate)
        principal = balance if month == term else max(payment - interest, ZERO)
        if month < term and principal >= balance:
            return None
        parts.append((principal, interest))
        balance -= principal
    return parts


def _reamortized_parts(balance, rate, term):
    """Each month's payment recomputed from the balance and the months left, rounded half up:
    rounding cannot pile up, so the payments stay within a cent or two of each other."""
    parts = []
    for month in range(1, term + 1):
        interest = quantize_money(balance * rate)
        payment = quantize_money(_annuity(balance, rate, term - month + 1))
        principal = balance if month == term else min(max(payment - interest, ZERO), balance)
        parts.append((principal, interest))
        balance -= principal
    return parts


def _equal_installment_parts(balance, rate, term):
    payment = quantize_money(_annuity(balance, rate, term))
    return _fixed_payment_parts(balance, rate, term, payment) or _reamortized_parts(balance, rate, term)


def _equal_principal_parts(balance, rate, term, part=None):
    if part is None:
        part = quantize_money(balance / term)
        if part * (term - 1) >= balance:
            part = (balance / term).quantize(CENT, ROUND_DOWN)
    parts = []
    for month in range(1, term + 1):
        principal = balance if month == term else min(part, balance)
        parts.append((principal, quantize_money(balance * rate)))
        balance -= principal
    return parts


def _interest_only_parts(balance, rate, term):
    interest = quantize_money(balance * rate)
    return [(balance if month == term else ZERO, interest) for month in range(1, term + 1)]


def _check(principal, annual_rate, term_months, method):
    if method not in REPAYMENT_METHODS:
        raise ValueError(f"unknown repayment method '{method}'")
    if term_months < 1:
        raise ValueError("the term must be at least one month")
    if principal <= 0:
        raise ValueError("the principal must be positive")
    if annual_rate < 0:
        raise ValueError("the rate cannot be negative")


def _rows(parts, start: date, due_day: int, first_number: int):
    return [ScheduledInstallment(first_number + i, add_months(start, first_number + i, due_day), principal, interest)
            for i, (principal, interest) in enumerate(parts)]


def generate_schedule(principal: Decimal, annual_rate: Decimal, term_months: int, method: str,
                      start: date, due_day: int | None = None, first_number: int = 1) -> list[ScheduledInstallment]:
    """The schedule of `principal` over `term_months` from the contract `start` (the disbursement).

    Installment n falls n months after `start` on `due_day` (default: the day of `start`).
    `first_number` > 1 plans the rest of a loan whose first installments are behind it.
    """
    _check(principal, annual_rate, term_months, method)
    balance, rate = quantize_money(principal), monthly_rate(annual_rate)
    parts = {"equal_installment": _equal_installment_parts, "equal_principal": _equal_principal_parts,
             "interest_only": _interest_only_parts}[method](balance, rate, term_months)
    return _rows(parts, start, due_day or start.day, first_number)


def shortened_schedule(balance: Decimal, annual_rate: Decimal, method: str, regular_amount: Decimal,
                       max_months: int, start: date, due_day: int, first_number: int) -> list[ScheduledInstallment]:
    """The rest of a loan after a prepayment that shortens the term (缩期): the regular payment
    (equal installment) or principal part (equal principal) stays and is paid until the balance
    is gone, the last month taking what is left. An interest-only loan keeps its term: only its
    interest falls."""
    _check(balance, annual_rate, max_months, method)
    if method == "interest_only":
        return generate_schedule(balance, annual_rate, max_months, method, start, due_day, first_number)
    rate, parts = monthly_rate(annual_rate), []
    while balance > 0:
        interest = quantize_money(balance * rate)
        principal = max(regular_amount - interest, ZERO) if method == "equal_installment" else regular_amount
        if principal >= balance or len(parts) + 1 == max_months:
            principal = balance
        parts.append((principal, interest))
        balance -= principal
    return _rows(parts, start, due_day, first_number)
