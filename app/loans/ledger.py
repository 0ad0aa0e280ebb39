"""The ledger: every money movement of a loan, posted once, and the balances read back from it.

Sums are taken in Python: SQLite adds decimals as floats.
"""
from collections import defaultdict
from datetime import date
from decimal import Decimal

from .. import clock
from ..extensions import db
from .models import LedgerEntry

ZERO = Decimal("0.00")
PENALTY_CHARGED, PENALTY_REVERSED, PENALTY_PAID = "penalty", "penalty_reversal", "repayment_penalty"


def post(loan_id, entry_type, amount: Decimal, reference, posted_by, on: date, value_date: date | None = None):
    """One ledger entry; `reference` is unique, so the same business event cannot post twice."""
    entry = LedgerEntry(loan_id=loan_id, entry_type=entry_type, amount=amount, posted_on=on,
                        value_date=value_date or on, reference=reference, posted_by=posted_by,
                        created_at=clock.now())
    db.session.add(entry)
    return entry


def totals(loan_id, *entry_types, value_date_until: date | None = None):
    """{entry type: total amount} of a loan's entries of these types."""
    query = db.select(LedgerEntry.entry_type, LedgerEntry.amount).where(
        LedgerEntry.loan_id == loan_id, LedgerEntry.entry_type.in_(entry_types))
    if value_date_until is not None:
        query = query.where(LedgerEntry.value_date <= value_date_until)
    sums = dict.fromkeys(entry_types, ZERO)
    for entry_type, amount in db.session.execute(query):
        sums[entry_type] += amount
    return sums


def penalty_balance(loan_id) -> Decimal:
    """Penalty interest charged, less what was reversed and what was paid."""
    sums = totals(loan_id, PENALTY_CHARGED, PENALTY_REVERSED, PENALTY_PAID)
    return sums[PENALTY_CHARGED] - sums[PENALTY_REVERSED] - sums[PENALTY_PAID]


def penalty_owed_on(loan_id, value_date: date) -> Decimal:
    """The penalty a payment dated `value_date` takes: charged for days up to that date, net of
    reversals, less all penalty paid so far (payments take the oldest penalty first)."""
    charged = totals(loan_id, PENALTY_CHARGED, PENALTY_REVERSED, value_date_until=value_date)
    paid = totals(loan_id, PENALTY_PAID)[PENALTY_PAID]
    return max(charged[PENALTY_CHARGED] - charged[PENALTY_REVERSED] - paid, ZERO)


def penalty_by_day(loan_id, after: date):
    """{day: net penalty charged for it} for the days after `after`."""
    days = defaultdict(lambda: ZERO)
    for entry_type, day, amount in db.session.execute(
            db.select(LedgerEntry.entry_type, LedgerEntry.value_date, LedgerEntry.amount).where(
                LedgerEntry.loan_id == loan_id, LedgerEntry.value_date > after,
                LedgerEntry.entry_type.in_((PENALTY_CHARGED, PENALTY_REVERSED)))):
        days[day] += amount if entry_type == PENALTY_CHARGED else -amount
    return dict(days)
