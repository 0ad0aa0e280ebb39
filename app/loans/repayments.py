"""Repayments: entry by the cashier, posting once finance has confirmed it on the repayment's case.

A payment is allocated as of its value date (`paid_on`, see allocation.py). Penalty interest the
close of business charged after the value date on what the payment cleared is reversed, and
the loan's overdue figures are brought to the business date at once. Principal paid ahead
reschedules what is not yet due; paying off the principal closes the loan.
"""
from datetime import date
from decimal import Decimal

from .. import clock
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..upsert import insert_unless_present
from . import ledger
from .allocation import allocate
from .lookup import lock_loan
from .models import Repayment
from .overdue import overdue_position, penalty_for_day, refresh_overdue
from .rescheduling import (
    PAY_COMING_INSTALLMENTS,
    prepayment_choice,
    reschedule_after_prepayment,
)
from .sign_off import Decision, SignOffMissing, require_sign_off
from .write_off import record_recovery

ZERO = Decimal("0.00")
CHECKING_ROLE = "finance_manager"  # maker-checker: the cashier enters, finance confirms
CONFIRMED = ("confirm",)


def payoff_amount(loan, on: date) -> Decimal:
    """What settles the loan on `on`: principal outstanding, interest fallen due, penalty owed."""
    due_interest = sum((r.interest - r.paid_interest for r in loan.schedule if r.due_date <= on), ZERO)
    return loan.outstanding_principal + due_interest + loan.accrued_penalty


def most_owed(loan, on: date) -> Decimal:
    """The most a payment can settle: the payoff, or after a write-off what was written off and not recovered."""
    if loan.status == "written_off":
        return loan.written_off_amount - loan.recovered_amount
    return payoff_amount(loan, on)


def _latest_value_date(loan_id):
    return db.session.execute(db.select(db.func.max(Repayment.paid_on)).where(
        Repayment.loan_id == loan_id, Repayment.status == "posted")).scalar()


def _entry_errors(loan, amount, paid_on, on, overpayment_reason):
    errors = {}
    if loan.status not in ("active", "written_off"):  # after a write-off, recoveries are still recorded
        errors["loan"] = [f"the loan is {loan.status}"]
    if amount <= 0:
        errors["amount"] = ["must be positive"]
    elif amount > most_owed(loan, on) and not (overpayment_reason or "").strip():
        errors["amount"] = [f"is more than the {most_owed(loan, on)} owed; give an overpayment reason to record it"]
    if paid_on > on:
        errors["paid_on"] = ["cannot be after the business date"]
    elif paid_on < loan.disbursed_on:
        errors["paid_on"] = ["cannot be before the disbursement"]
    elif (latest := _latest_value_date(loan.id)) and paid_on < latest:
        errors["paid_on"] = [f"a repayment dated {latest} is posted already; enter this one dated {latest} or later"]
    return errors


def _by_key(idempotency_key, loan, amount):
    earlier = db.session.execute(db.select(Repayment).where(
        Repayment.idempotency_key == idempotency_key)).scalar_one_or_none()
    if earlier is not None and (earlier.loan_id != loan.id or earlier.amount != amount):
        raise Conflict("this Idempotency-Key was used for another repayment")
    return earlier


def enter_repayment(loan, amount, paid_on, entered_by, on, idempotency_key=None, prepayment_choice_wanted=None,
                    overpayment_reason=None):
    """Record a payment as pending; (repayment, created). The same idempotency key returns the first record."""
    if idempotency_key:
        earlier = _by_key(idempotency_key, loan, amount)
        if earlier is not None:
            return earlier, False
    errors = _entry_errors(loan, amount, paid_on, on, overpayment_reason)
    if errors:
        raise ValidationFailed("the repayment cannot be recorded", errors)
    values = dict(loan_id=loan.id, amount=amount, paid_on=paid_on, status="pending", entered_by=entered_by,
                  idempotency_key=idempotency_key, created_at=clock.now(),
                  prepayment_choice=prepayment_choice(loan.prepayment_rule, prepayment_choice_wanted),
                  overpayment_reason=(overpayment_reason or "").strip() or None)
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


def _pending(repayment_id, case_id):
    repayment = db.session.get(Repayment, repayment_id)
    if repayment is None:
        raise NotFound(f"repayment {repayment_id} does not exist")
    if repayment.process_instance_id != case_id:
        raise SignOffMissing(f"repayment {repayment_id} is checked on its own case, not this one",
                             {"repayment_id": ["belongs to another case"]})
    if repayment.status != "pending":
        raise Conflict(f"repayment {repayment_id} is already {repayment.status}")
    return repayment


def _reverse_penalty_after(loan, value_date, on, reference):
    """Penalty charged for days after the value date on what this payment has now cleared goes back."""
    for day, charged in sorted(ledger.penalty_by_day(loan.id, value_date).items()):
        first, owed = overdue_position(loan.schedule, day)
        excess = charged - penalty_for_day(day, first, owed, loan)
        if excess > 0:
            ledger.post(loan.id, ledger.PENALTY_REVERSED, excess, f"{reference}:penalty_reversal:{day.isoformat()}",
                        "system", on, value_date=day)


def _settle(loan, repayment, on, checker):
    split = allocate(loan.schedule, repayment.amount, ledger.penalty_owed_on(loan.id, repayment.paid_on),
                     repayment.paid_on, on, repayment.prepayment_choice == PAY_COMING_INSTALLMENTS)
    reference = f"repayment:{repayment.id}"
    for part, entry_type in (("penalty", "repayment_penalty"), ("interest", "repayment_interest"),
                             ("principal", "repayment_principal"), ("prepaid", "prepayment"),
                             ("overpaid", "overpayment")):
        amount = getattr(split, part)
        if amount > 0:
            ledger.post(loan.id, entry_type, amount, f"{reference}:{part}", checker, on, value_date=repayment.paid_on)
    loan.outstanding_principal -= split.principal + split.prepaid
    if split.prepaid > 0:
        reschedule_after_prepayment(loan, on, repayment.prepayment_choice, checker, split.prepaid)
    db.session.flush()
    _reverse_penalty_after(loan, repayment.paid_on, on, reference)
    db.session.flush()
    loan.accrued_penalty = ledger.penalty_balance(loan.id)
    refresh_overdue(loan, on)
    if loan.outstanding_principal == 0 and loan.accrued_penalty == 0 and not any(
            r.paid_interest < r.interest for r in loan.schedule):
        loan.status, loan.closed_on, loan.dpd, loan.overdue_amount = "closed", on, 0, ZERO
    return split.as_text()


def post_repayment(repayment_id, case_id, decisions: list[Decision], on: date):
    """Allocate and post a payment, once, when its own case carries finance's confirmation by
    someone other than the cashier who entered it."""
    repayment = _pending(repayment_id, case_id)
    checker = require_sign_off(decisions, (CHECKING_ROLE,), CONFIRMED, not_by=(repayment.entered_by,),
                               what=f"repayment {repayment.id}")[CHECKING_ROLE]
    loan = lock_loan(repayment.loan_id)
    if loan.status == "written_off":
        record_recovery(loan, repayment.amount, f"repayment:{repayment.id}:recovery", checker, on,
                        repayment.paid_on)
        allocation = {"recovery": str(repayment.amount)}
    elif loan.status != "active":
        raise Conflict(f"the loan is {loan.status}; the payment cannot be posted",
                       {"loan": [f"status is {loan.status}"]})
    else:
        latest = _latest_value_date(loan.id)
        if latest and repayment.paid_on < latest:
            raise ValidationFailed("a later-dated repayment is posted already", {"paid_on": [
                f"a repayment dated {latest} is posted; reject this entry and enter it dated {latest} or later"]})
        allocation = _settle(loan, repayment, on, checker)
    repayment.status, repayment.checked_by, repayment.allocation = "posted", checker, allocation
    db.session.flush()
    return repayment


def reject_repayment(repayment_id, case_id, checked_by):
    repayment = _pending(repayment_id, case_id)
    if checked_by == repayment.entered_by:
        raise Forbidden("maker-checker: the cashier who entered a payment cannot decide on it", code="four_eyes")
    repayment.status, repayment.checked_by = "rejected", checked_by
    return repayment

