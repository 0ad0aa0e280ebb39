from datetime import date
from decimal import Decimal

import pytest

from app.loans.schedule import add_months, generate_schedule

METHODS = ["equal_installment", "equal_principal", "interest_only"]
CASES = [("2000000.00", "0.065", 36), ("50000", "0.12", 12), ("10000.01", "0.0435", 7),
         ("99999.99", "0.0888", 60), ("30000", "0", 5)]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("principal, rate, term", CASES)
def test_principals_sum_to_the_loan_to_the_cent(method, principal, rate, term):
    rows = generate_schedule(Decimal(principal), Decimal(rate), term, method, date(2025, 12, 31))
    assert len(rows) == term
    assert sum(r.principal for r in rows) == Decimal(principal)
    assert all(r.principal.as_tuple().exponent == -2 and r.interest.as_tuple().exponent == -2 for r in rows)
    assert all(r.principal >= 0 and r.interest >= 0 for r in rows)


@pytest.mark.parametrize("principal, rate, term", CASES)
def test_equal_installments_are_level_but_for_the_last(principal, rate, term):
    rows = generate_schedule(Decimal(principal), Decimal(rate), term, "equal_installment", date(2026, 3, 15))
    payments = {r.total_due for r in rows[:-1]}
    assert len(payments) <= 1
    if payments:
        # Rounding the payment to the cent drifts at most a cent a month into the last one.
        assert abs(rows[-1].total_due - payments.pop()) <= Decimal("0.01") * term


def test_known_equal_installment_payment():
    # 100,000 at 12% a year over 12 months: the textbook payment is 8,884.88.
    rows = generate_schedule(Decimal("100000"), Decimal("0.12"), 12, "equal_installment", date(2026, 1, 1))
    assert rows[0].total_due == Decimal("8884.88")
    assert rows[0].interest == Decimal("1000.00")


def test_hand_checked_equal_principal():
    rows = generate_schedule(Decimal("1200"), Decimal("0.12"), 3, "equal_principal", date(2026, 1, 10))
    assert [(r.principal, r.interest) for r in rows] == [
        (Decimal("400.00"), Decimal("12.00")), (Decimal("400.00"), Decimal("8.00")), (Decimal("400.00"), Decimal("4.00"))]


def test_interest_only_repays_principal_at_the_end():
    rows = generate_schedule(Decimal("500000"), Decimal("0.085"), 6, "interest_only", date(2026, 1, 10))
    assert [r.principal for r in rows[:-1]] == [Decimal("0.00")] * 5
    assert rows[-1].principal == Decimal("500000.00")
    assert {r.interest for r in rows} == {Decimal("3541.67")}


def test_due_dates_keep_the_contract_day():
    # Disbursed on the 31st: the 31st where the month has one, else the month's last day.
    rows = generate_schedule(Decimal("12000"), Decimal("0.1"), 12, "equal_installment", date(2027, 1, 31))
    assert [r.due_date for r in rows] == [
        date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30), date(2027, 5, 31), date(2027, 6, 30),
        date(2027, 7, 31), date(2027, 8, 31), date(2027, 9, 30), date(2027, 10, 31), date(2027, 11, 30),
        date(2027, 12, 31), date(2028, 1, 31)]
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_disbursed_on_the_30th_falls_due_on_the_30th_after_february():
    rows = generate_schedule(Decimal("1200"), Decimal("0.1"), 4, "equal_principal", date(2027, 1, 30))
    assert [r.due_date for r in rows] == [date(2027, 2, 28), date(2027, 3, 30), date(2027, 4, 30), date(2027, 5, 30)]
    rows = generate_schedule(Decimal("1200"), Decimal("0.1"), 3, "equal_principal", date(2027, 3, 31))
    assert [r.due_date for r in rows] == [date(2027, 4, 30), date(2027, 5, 31), date(2027, 6, 30)]


@pytest.mark.parametrize("principal, rate, term", [
    ("1000", "0.24", 360), ("50000.01", "0.36", 360), ("10000", "0.36", 600), ("0.60", "0.05", 60),
    ("3000000", "0.24", 480), ("1.00", "0.12", 60)])
@pytest.mark.parametrize("method", METHODS)
def test_no_installment_is_negative_and_the_balance_ends_at_zero(method, principal, rate, term):
    rows = generate_schedule(Decimal(principal), Decimal(rate), term, method, date(2027, 1, 31))
    assert len(rows) == term
    assert all(r.principal >= 0 and r.interest >= 0 for r in rows), [r for r in rows if r.total_due < 0][:3]
    assert sum(r.principal for r in rows) == Decimal(principal)
    balance = Decimal(principal)
    for row in rows[:-1]:
        balance -= row.principal
        assert balance > 0  # not paid off before the last month


@pytest.mark.parametrize("principal, rate", [("1000", "0.24"), ("50000.01", "0.36")])
def test_long_expensive_loans_keep_level_payments(principal, rate):
    """Where a level payment rounded to the cent cannot end the loan, payments vary by cents, not hundreds."""
    totals = [r.total_due for r in generate_schedule(Decimal(principal), Decimal(rate), 360, "equal_installment",
                                                     date(2027, 1, 31))]
    assert max(totals) - min(totals) <= Decimal("0.02")


@pytest.mark.parametrize("args", [
    (Decimal("0"), Decimal("0.1"), 12, "equal_principal"),
    (Decimal("100"), Decimal("-0.1"), 12, "equal_principal"),
    (Decimal("100"), Decimal("0.1"), 0, "equal_principal"),
    (Decimal("100"), Decimal("0.1"), 12, "balloon"),
])
def test_impossible_schedules_are_refused(args):
    with pytest.raises(ValueError):
        generate_schedule(*args, date(2026, 1, 1))
