"""Allocation as of a value date, on plain installment rows: penalty, then interest and principal of
what was due, oldest first; then what fell due since; then principal ahead."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.loans.allocation import allocate

D = Decimal


@dataclass
class Row:
    number: int
    due_date: date
    principal: Decimal
    interest: Decimal
    paid_principal: Decimal = D("0.00")
    paid_interest: Decimal = D("0.00")


def rows():
    return [Row(1, date(2027, 2, 28), D("800.00"), D("200.00")), Row(2, date(2027, 3, 31), D("810.00"), D("190.00")),
            Row(3, date(2027, 4, 30), D("820.00"), D("180.00"))]


def paid(schedule):
    return [(r.paid_interest, r.paid_principal) for r in schedule]


def test_penalty_first_then_the_oldest_installment():
    schedule = rows()
    split = allocate(schedule, D("1250.00"), D("30.00"), date(2027, 4, 5), date(2027, 4, 5))
    assert (split.penalty, split.interest, split.principal, split.prepaid) == (D("30"), D("390.00"), D("830.00"), 0)
    assert paid(schedule) == [(D("200.00"), D("800.00")), (D("190.00"), D("30.00")), (0, 0)]


def test_the_newer_installment_waits_for_the_older_one():
    schedule = rows()
    allocate(schedule, D("500.00"), D("0"), date(2027, 4, 5), date(2027, 4, 5))
    assert paid(schedule) == [(D("200.00"), D("300.00")), (0, 0), (0, 0)]


def test_an_installment_due_after_the_value_date_is_paid_before_principal_ahead():
    schedule = rows()
    split = allocate(schedule, D("2100.00"), D("0"), date(2027, 3, 1), date(2027, 4, 2))
    assert paid(schedule)[:2] == [(D("200.00"), D("800.00")), (D("190.00"), D("810.00"))]
    assert split.prepaid == D("100.00") and paid(schedule)[2] == (0, 0)


def test_money_beyond_the_principal_is_an_overpayment():
    schedule = rows()
    split = allocate(schedule, D("3000.00"), D("0"), date(2027, 3, 1), date(2027, 3, 1))
    assert split.prepaid == D("1630.00") and split.overpaid == D("370.00")


def test_coming_installments_paid_early_as_they_stand():
    schedule = rows()
    split = allocate(schedule, D("1500.00"), D("0"), date(2027, 2, 1), date(2027, 2, 1), pay_coming_installments=True)
    assert paid(schedule) == [(D("200.00"), D("800.00")), (D("190.00"), D("310.00")), (0, 0)]
    assert split.prepaid == 0
