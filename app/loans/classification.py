"""Five-level classification (五级分类): floors from overdue days, reviewed changes, provisions.

The floor applies every day: close of business raises a loan to it at once, class and provision.
A review then confirms the class or goes further. A reviewed class is never milder than the
floor on the day it is proposed nor on the day it is approved, and it needs the approvals the
rules ask for: the risk officer, and for 次级 or worse the credit committee too, each a different
person from the one who proposed it.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .. import clock
from ..errors import ValidationFailed
from ..extensions import db
from ..money import quantize_money
from .lookup import lock_loans
from .models import ClassificationChange, Loan
from .sign_off import SignOffMissing, require_sign_off

CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")  # mildest first
SEVERITY = {name: rank for rank, name in enumerate(CLASSES)}
PROPOSING_ROLES = frozenset({"loan_officer", "risk_officer"})
REVIEWING_ROLES = ("risk_officer",)
SECOND_LEVEL_ROLES = ("credit_committee",)  # for substandard or worse
SECOND_LEVEL_FROM = "substandard"
APPROVED = ("approve",)


@dataclass(frozen=True)
class Proposal:
    by: str
    roles: frozenset
    proposed_class: str
    reasons: str | None


def is_worse(proposed, current):
    return SEVERITY[proposed] > SEVERITY[current]


def check_proposal(proposed, floor):
    """An officer may propose a class as bad as they judge, never milder than the objective floor."""
    if proposed not in SEVERITY:
        raise ValidationFailed("unknown class", {"proposed_class": [f"must be one of {', '.join(CLASSES)}"]})
    if floor in SEVERITY and SEVERITY[proposed] < SEVERITY[floor]:
        raise ValidationFailed("the class is milder than the overdue days allow",
                               {"proposed_class": [f"must be {floor} or worse"]})
    return proposed


def _record(loan, new_class, reasons, approved_by, provision_rate, on, source):
    change = ClassificationChange(
        loan_id=loan.id, previous=loan.classification, classification=new_class, reasons=reasons,
        approved_by=approved_by, decided_on=on, provision_rate=provision_rate, source=source,
        provision_amount=quantize_money(loan.outstanding_principal * provision_rate), created_at=clock.now())
    loan.classification = new_class
    db.session.add(change)
    return change


def raise_to_floors(loan_ids, floor_of, rate_of, on: date):
    """Raise each loan whose floor (from its days past due now) is worse than its class; return their ids."""
    lock_loans(loan_ids)
    raised = []
    loans = db.session.execute(db.select(Loan).where(Loan.id.in_(list(loan_ids)))
                               .execution_options(populate_existing=True)).scalars()
    for loan in loans:
        floor = floor_of(loan.dpd)
        if loan.status == "active" and floor in SEVERITY and is_worse(floor, loan.classification):
            _record(loan, floor, f"{loan.dpd} days past due: floor {floor}", "system", rate_of(floor), on, "floor")
            raised.append(loan.id)
    return raised


def apply_classification(loan: Loan, proposal: Proposal, decisions, floor, provision_rate: Decimal, on: date):
    """Record a reviewed class with its provision (the loan locked by the caller)."""
    if not proposal.roles & PROPOSING_ROLES:
        raise SignOffMissing("a class is proposed by a loan officer or a risk officer",
                             {"proposed_class": [f"{proposal.by} proposed it in no proposing role"]})
    check_proposal(proposal.proposed_class, floor)
    levels = REVIEWING_ROLES + (SECOND_LEVEL_ROLES if not is_worse(SECOND_LEVEL_FROM, proposal.proposed_class)
                                else ())
    approvers = require_sign_off(decisions, levels, APPROVED, not_by=(proposal.by,),
                                 what=f"the class {proposal.proposed_class}")
    return _record(loan, proposal.proposed_class, proposal.reasons, approvers[levels[-1]], provision_rate, on,
                   "review")
