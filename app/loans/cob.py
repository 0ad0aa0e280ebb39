"""Close of business for one loan and one business date: days past due and penalty interest.

Each loan remembers the last date it was closed for, so a run cut off half way resumes where it
stopped, and running a date twice changes nothing; the penalty posting's unique ledger
reference backs that up.
"""
from datetime import date
from decimal import Decimal

from .. import clock
from ..extensions import db
from .models import LedgerEntry, Loan
from .money import quantize_money

DAYS_IN_YEAR = Decimal("360")  # the day count Chinese lenders use for daily rates


def days_past_due(loan, on: date) -> int:
    unpaid = [row.due_date for row in loan.schedule if row.due_date < on and row.paid < row.total_due]
    return (on - min(unpaid)).days if unpaid else 0


def overdue_base(loan, on: date) -> Decimal:
    return sum((row.total_due - row.paid for row in loan.schedule if row.due_date < on), Decimal("0.00"))


def close_loan_day(loan, on: date):
    """Bring one loan to business date `on`; a loan already closed for `on` is left alone."""
    if loan.last_cob_date is not None and loan.last_cob_date >= on:
        return False
    loan.dpd = days_past_due(loan, on)
    base = overdue_base(loan, on)
    if base > 0:
        daily_rate = loan.annual_rate * loan.product.penalty_rate_multiplier / DAYS_IN_YEAR
        penalty = quantize_money(base * daily_rate)
        if penalty > 0:
            loan.accrued_penalty += penalty
            db.session.add(LedgerEntry(loan_id=loan.id, entry_type="penalty", amount=penalty, posted_on=on,
                                       reference=f"penalty:{loan.id}:{on.isoformat()}", posted_by="cob",
                                       created_at=clock.now()))
    loan.last_cob_date = on
    return True


def loans_to_close(on: date, limit: int):
    return db.session.execute(db.select(Loan).where(
        Loan.status == "active", db.or_(Loan.last_cob_date.is_(None), Loan.last_cob_date < on))
        .order_by(Loan.id).limit(limit)).scalars().all()
