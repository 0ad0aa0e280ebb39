"""Five-level classification (五级分类): floors from overdue days, reviewed changes, provisions."""
from decimal import Decimal

from .. import clock
from ..errors import ValidationFailed
from ..extensions import db
from .models import ClassificationChange, Loan
from .money import quantize_money

CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")  # mildest first
SEVERITY = {name: rank for rank, name in enumerate(CLASSES)}


def is_worse(proposed, current):
    return SEVERITY[proposed] > SEVERITY[current]


def check_proposal(proposed, floor):
    """An officer may propose a class as bad as they judge, never milder than the objective floor."""
    if proposed not in SEVERITY:
        raise ValidationFailed("unknown class", {"proposed_class": [f"must be one of {', '.join(CLASSES)}"]})
    if SEVERITY[proposed] < SEVERITY[floor]:
        raise ValidationFailed("the class is milder than the overdue days allow",
                               {"proposed_class": [f"must be {floor} or worse"]})
    return proposed


def apply_classification(loan: Loan, new_class, reasons, approved_by, provision_rate: Decimal):
    """Record the approved class with its provision; the history keeps every change."""
    change = ClassificationChange(
        loan_id=loan.id, previous=loan.classification, classification=new_class, reasons=reasons,
        approved_by=approved_by, decided_on=clock.business_date(), provision_rate=provision_rate,
        provision_amount=quantize_money(loan.outstanding_principal * provision_rate), created_at=clock.now())
    loan.classification = new_class
    db.session.add(change)
    return change
