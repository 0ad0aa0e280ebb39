"""Disbursing an approved application: the loan, its schedule, and one ledger posting."""
from decimal import Decimal

from .. import clock
from ..errors import ValidationFailed
from ..extensions import db
from .models import Installment, LedgerEntry, Loan
from .schedule import add_months, generate_schedule


def disburse_loan(application, contract_number, payout_amount, posted_by):
    """Create the loan once; a retried call returns the loan already posted."""
    if application.loan is not None:
        return application.loan
    if application.status != "approved":  # a disbursement started on its own must not skip the approval
        raise ValidationFailed("only an approved application can be disbursed",
                               {"application": [f"status is {application.status}"]})
    principal = Decimal(str(payout_amount)) if payout_amount not in (None, "") else application.amount
    if principal <= 0 or principal > application.amount:
        raise ValidationFailed("the payout must be positive and not above the approved amount",
                               {"payout_amount": [f"must be between 0.01 and {application.amount}"]})
    product = application.product
    today = clock.business_date()
    rows = generate_schedule(principal, product.annual_rate, application.term_months,
                             product.repayment_method, add_months(today, 1))
    loan = Loan(
        application=application, business_key=application.number, customer_id=application.customer_id,
        product_code=product.code, contract_number=contract_number, principal=principal,
        annual_rate=product.annual_rate, term_months=application.term_months,
        repayment_method=product.repayment_method, disbursed_on=today, maturity_date=rows[-1].due_date,
        status="active", outstanding_principal=principal, dpd=0, classification="normal",
        schedule=[Installment(number=r.number, due_date=r.due_date, principal=r.principal,
                              interest=r.interest, paid_principal=0, paid_interest=0) for r in rows],
    )
    db.session.add(loan)
    db.session.flush()
    db.session.add(LedgerEntry(
        loan_id=loan.id, entry_type="disbursement", amount=principal, posted_on=today,
        reference=f"disbursement:{application.number}", posted_by=posted_by, created_at=clock.now(),
    ))
    application.status = "disbursed"
    db.session.flush()
    return loan
