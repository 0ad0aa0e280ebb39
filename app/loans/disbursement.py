"""Disbursing an approved application: the loan on its signed terms, its schedule, one ledger posting."""
from datetime import date
from decimal import Decimal

from ..errors import ValidationFailed
from ..extensions import db
from . import ledger
from .models import Installment, Loan
from .products import terms_of
from .schedule import generate_schedule


def disburse_loan(application, contract_number, payout_amount: Decimal | None, posted_by, on: date):
    """Create the loan once; a retried call returns the loan already posted."""
    if application.loan is not None:
        return application.loan
    if application.status != "approved":  # a disbursement started on its own must not skip the approval
        raise ValidationFailed("only an approved application can be disbursed",
                               {"application": [f"status is {application.status}"]})
    principal = application.amount if payout_amount is None else payout_amount
    if principal <= 0 or principal > application.amount:
        raise ValidationFailed("the payout must be positive and not above the approved amount",
                               {"payout_amount": [f"must be between 0.01 and {application.amount}"]})
    terms = terms_of(application.product_code, application.product_version)
    rows = generate_schedule(principal, terms["annual_rate"], application.term_months, terms["repayment_method"], on)
    loan = Loan(
        application=application, business_key=application.number, customer_id=application.customer_id,
        product_code=application.product_code, product_version=application.product_version,
        contract_number=contract_number, principal=principal, annual_rate=terms["annual_rate"],
        term_months=application.term_months, repayment_method=terms["repayment_method"],
        penalty_rate_multiplier=terms["penalty_rate_multiplier"], grace_days=terms["grace_days"],
        prepayment_rule=terms["prepayment_rule"], due_day=on.day, disbursed_on=on,
        maturity_date=rows[-1].due_date, status="active", outstanding_principal=principal, dpd=0,
        overdue_amount=Decimal("0.00"), overdue_as_of=on, classification="normal", version=0,
        schedule=[Installment(number=r.number, due_date=r.due_date, principal=r.principal,
                              interest=r.interest, paid_principal=0, paid_interest=0) for r in rows],
    )
    db.session.add(loan)
    db.session.flush()
    ledger.post(loan.id, "disbursement", principal, f"disbursement:{application.number}", posted_by, on)
    application.status = "disbursed"
    db.session.flush()
    return loan
