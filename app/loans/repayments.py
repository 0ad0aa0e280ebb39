"""Repayments: entry, and posting once finance confirms.

Allocation order: penalty interest first, then for each installment, oldest first, its
interest and then its principal. Money left after every due installment is settled pays
principal ahead (next installments first); paying off the whole principal closes the loan and
waives interest not yet due; anything beyond that is an overpayment to refund.
"""
from datetime import date
from decimal import Decimal

from .. import clock
from ..errors import Conflict, NotFound, ValidationFailed
from ..extensions import db
from ..upsert import insert_unless_present
from .lookup import get_loan
from .models import LedgerEntry, Repayment
from .write_off import record_recovery

ZERO = Decimal("0.00")


def _by_key(idempotency_key, loan, amount):
    earlier = db.session.execute(db.select(Repayment).where(
        Repayment.idempotency_key == idempotency_key)).scalar_one_or_none()
    if earlier is not None and (earlier.loan_id != loan.id or earlier.amount != amount):
        raise Conflict("this Idempotency-Key was used for another repayment")
    return earlier


def enter_repayment(loan, amount, paid_on, entered_by, idempotency_key=None):
    """Record a payment as pending; the same idempotency key returns the first record."""
    if idempotency_key:
        earlier = _by_key(idempotency_key, loan, amount)
        if earlier is not None:
            return earlier, False
    errors = {}
    if loan.status not in ("active", "written_off"):  # after a write-off, recoveries are still recorded
        errors["loan"] = [f"the loan is {loan.status}"]
    if amount <= 0:
        errors["amount"] = ["must be positive"]
    if paid_on > clock.business_date():
        errors["paid_on"] = ["cannot be after the business date"]
    if paid_on < loan.disbursed_on:
        errors["paid_on"] = ["cannot be before the disbursement"]
    if errors:
        raise ValidationFailed("the repayment cannot be recorded", errors)
    values = dict(loan_id=loan.id, amount=amount, paid_on=paid_on, status="pending", entered_by=entered_by,
                  idempotency_key=idempotency_key, created_at=clock.now())
    if not idempotency_key:
        repayment = Repayment(**values)
        db.session.add(repayment)
        db.session.flush()
        return repayment, True
    # A retry racing the first request (a client that timed out and resent) gets the first record.
    new_id = insert_unless_present(Repayment, values, Repayment.idempotency_key)
    if new_id is None:
        return _by_key(idempotency_key, loan, amount), False
    return db.session.get(Repayment, new_id), True


def _pending(repayment_id):
    repayment = db.session.get(Repayment, repayment_id)
    if repayment is None:
        raise NotFound(f"repayment {repayment_id} does not exist")
    if repayment.status != "pending":
        raise Conflict(f"repayment {repayment_id} is already {repayment.status}")
    return repayment


def _allocate(loan, amount, paid_on):
    left, split = amount, {"penalty": ZERO, "interest": ZERO, "principal": ZERO}
    paid = min(left, loan.accrued_penalty)
    loan.accrued_penalty -= paid
    split["penalty"], left = paid, left - paid
    for row in loan.schedule:
        if row.due_date > paid_on or left <= 0:
            continue
        for part in ("interest", "principal"):
            owed = getattr(row, part) - getattr(row, f"paid_{part}")
            paid = min(left, owed)
            setattr(row, f"paid_{part}", getattr(row, f"paid_{part}") + paid)
            split[part], left = split[part] + paid, left - paid
    for row in loan.schedule:  # principal paid ahead, next installment first
        if left <= 0:
            break
        paid = min(left, row.principal - row.paid_principal)
        row.paid_principal += paid
        split["principal"], left = split["principal"] + paid, left - paid
    loan.outstanding_principal -= split["principal"]
    split["overpaid"] = left
    return split


def _close_if_settled(loan, on: date):
    if loan.outstanding_principal == 0 and loan.accrued_penalty == 0:
        for row in loan.schedule:
            if row.due_date > on:
                row.interest = row.paid_interest  # interest not yet due is waived on early payoff
        if all(row.paid_interest == row.interest for row in loan.schedule):
            loan.status, loan.closed_on, loan.dpd = "closed", on, 0


def post_repayment(repayment_id, checked_by):
    """Allocate a confirmed payment and post it to the ledger, once."""
    repayment = _pending(repayment_id)
    if checked_by == repayment.entered_by:
        raise ValidationFailed("maker-checker: the person who entered a payment cannot confirm it",
                               {"checked_by": ["must differ from the cashier who entered it"]})
    loan = get_loan(repayment.loan_id)
    if loan.status == "written_off":
        record_recovery(loan, repayment.amount, f"repayment:{repayment.id}:recovery", checked_by)
        repayment.status, repayment.checked_by = "posted", checked_by
        repayment.allocation = {"recovery": str(repayment.amount)}
        return repayment
    split = _allocate(loan, repayment.amount, repayment.paid_on)
    for part, amount in split.items():
        if amount > 0:
            db.session.add(LedgerEntry(
                loan_id=loan.id, entry_type="overpayment" if part == "overpaid" else f"repayment_{part}",
                amount=amount, posted_on=clock.business_date(), reference=f"repayment:{repayment.id}:{part}",
                posted_by=checked_by, created_at=clock.now()))
    _close_if_settled(loan, repayment.paid_on)
    repayment.status, repayment.checked_by = "posted", checked_by
    repayment.allocation = {k: str(v) for k, v in split.items()}
    db.session.flush()
    return repayment


def reject_repayment(repayment_id, checked_by):
    repayment = _pending(repayment_id)
    repayment.status, repayment.checked_by = "rejected", checked_by
    return repayment
