"""Closing one business date for a whole book, set-based: days past due, penalty interest, accrual.

Only loans with unpaid installments due before the date need arithmetic. They are read in chunks
as rows (one query for their installments, one bulk update, one bulk insert of penalty postings);
every other active loan is brought to the date by a single UPDATE. Each loan remembers the last
date it was closed for (`last_cob_date`), so a run cut off half way resumes where it stopped and a
date run twice changes nothing; the penalty posting's unique ledger reference backs that up.
The rules are those of overdue.py, which a single posting uses for one loan.
"""
from datetime import date
from decimal import Decimal

from .. import clock
from ..extensions import db
from .lookup import lock_loans
from .models import Installment, LedgerEntry, Loan
from .overdue import penalty_for_day

ZERO = Decimal("0.00")
LOANS = Loan.__table__


def _not_closed_for(on: date, held=(), only=None):
    """Active loans not closed for `on` yet: but those whose business key is `held` back, and of the
    loan ids `only` names (when given)."""
    condition = db.and_(Loan.status == "active", db.or_(Loan.last_cob_date.is_(None), Loan.last_cob_date < on))
    if held:
        condition = db.and_(condition, Loan.business_key.notin_(held))
    if only is not None:
        condition = db.and_(condition, Loan.id.in_(only))
    return condition


def unpaid_before(on: date):
    """Installments due before `on` and not fully paid. Compared part by part, never as sums:
    SQLite adds decimals as floats."""
    return db.and_(Installment.due_date < on, db.or_(Installment.paid_principal < Installment.principal,
                                                     Installment.paid_interest < Installment.interest))


def overdue_loan_ids(on: date, limit: int, held=(), only=None):
    """The next `limit` loans with something overdue that are not closed for `on` yet."""
    return db.session.execute(
        db.select(Installment.loan_id).join(Loan, Loan.id == Installment.loan_id)
        .where(_not_closed_for(on, held, only), unpaid_before(on))
        .group_by(Installment.loan_id).order_by(Installment.loan_id).limit(limit)).scalars().all()


def _overdue_positions(loan_ids, on: date):
    """{loan id: (oldest unpaid due date, amount overdue)} from the installment rows."""
    positions = {}
    rows = db.session.execute(db.select(
        Installment.loan_id, Installment.due_date, Installment.principal, Installment.interest,
        Installment.paid_principal, Installment.paid_interest,
    ).where(Installment.loan_id.in_(loan_ids), unpaid_before(on)))
    for row in rows:
        first, owed = positions.get(row.loan_id, (row.due_date, ZERO))
        owed += row.principal + row.interest - row.paid_principal - row.paid_interest
        positions[row.loan_id] = (min(first, row.due_date), owed)
    return positions


def close_overdue_loans(on: date, limit: int, held=(), only=None) -> int:
    """Bring the next `limit` loans with something overdue to `on`; return how many (0: none left)."""
    ids = overdue_loan_ids(on, limit, held, only)
    if not ids:
        return 0
    # Locked before they are read: a repayment posted meanwhile waits, or is seen whole.
    lock_loans(ids)
    loans = db.session.execute(db.select(
        Loan.id, Loan.accrued_penalty, Loan.annual_rate, Loan.penalty_rate_multiplier, Loan.grace_days,
    ).where(Loan.id.in_(ids), _not_closed_for(on))).all()
    positions = _overdue_positions(ids, on)
    updates, postings, created = [], [], clock.now()
    for loan in loans:
        if loan.id not in positions:
            continue  # repaid since the chunk was chosen: closed with the current loans
        first_due, overdue = positions[loan.id]
        penalty = penalty_for_day(on, first_due, overdue, loan)
        updates.append({"loan_id": loan.id, "dpd": (on - first_due).days, "last_cob_date": on,
                        "overdue_amount": overdue, "overdue_as_of": on,
                        "accrued_penalty": loan.accrued_penalty + penalty})
        if penalty > 0:
            postings.append({"loan_id": loan.id, "entry_type": "penalty", "amount": penalty, "posted_on": on,
                             "value_date": on, "reference": f"penalty:{loan.id}:{on.isoformat()}",
                             "posted_by": "cob", "created_at": created})
    if updates:
        db.session.execute(LOANS.update().where(LOANS.c.id == db.bindparam("loan_id")).values(
            dpd=db.bindparam("dpd"), last_cob_date=db.bindparam("last_cob_date"),
            overdue_amount=db.bindparam("overdue_amount"), overdue_as_of=db.bindparam("overdue_as_of"),
            accrued_penalty=db.bindparam("accrued_penalty")), updates)
    if postings:
        db.session.execute(db.insert(LedgerEntry), postings)
    return len(ids)


def post_interest_falling_due(on: date) -> int:
    """Accrual: the interest of each installment falling due on `on` becomes income receivable.

    One posting per installment; its unique reference keeps a rerun from posting it twice.
    """
    due = db.session.execute(db.select(Installment.id, Installment.loan_id, Installment.interest).join(
        Loan, Loan.id == Installment.loan_id).where(
        Loan.status == "active", Installment.due_date == on, Installment.interest > 0)).all()
    references = [f"interest:{row.id}" for row in due]
    posted = set(db.session.execute(db.select(LedgerEntry.reference).where(
        LedgerEntry.entry_type == "interest_accrual", LedgerEntry.posted_on == on)).scalars())
    created = clock.now()
    postings = [{"loan_id": row.loan_id, "entry_type": "interest_accrual", "amount": row.interest, "posted_on": on,
                 "value_date": on, "reference": reference, "posted_by": "cob", "created_at": created}
                for row, reference in zip(due, references) if reference not in posted]
    if postings:
        db.session.execute(db.insert(LedgerEntry), postings)
    return len(postings)


def close_loan(on: date, loan_id: int) -> None:
    """Close one loan for `on`, as the whole book's close would have: overdue or current."""
    close_overdue_loans(on, 1, only=[loan_id])
    close_current_loans(on, only=[loan_id])


def close_current_loans(on: date, held=(), only=None) -> int:
    """Every loan with nothing overdue, in one statement: zero days past due, closed for `on`.

    Runs after the overdue chunks, so what is left not closed for `on` owes nothing overdue; a loan
    held back (whose overdue close failed) stays as it was.
    """
    return db.session.execute(
        db.update(Loan).where(_not_closed_for(on, held, only))
        .values(dpd=0, overdue_amount=ZERO, overdue_as_of=on, last_cob_date=on)
        .execution_options(synchronize_session=False)).rowcount
