"""The steps that open a loan's cases: an application, a repayment to confirm, a write-off request.

Each checks the loan domain's rules and starts the case's process under the loan's business key:
one transaction records the case's rows and starts its process.
"""
from . import clock
from .errors import ValidationFailed
from .inbox import service
from .loans import applications, lookup, repayments
from .transaction import transactional

APPLICATION_PROCESS = "loan_application"
REPAYMENT_PROCESS = "repayment_check"
WRITE_OFF_PROCESS = "write_off"


@transactional
def submit_application(body, actor):
    """Start `loan_application` for a new application; return the application row."""
    errors = applications.application_errors(body["customer_id"], body["product_code"],
                                             body["amount"], body["term_months"])
    if errors:
        raise ValidationFailed("the application breaks the product's rules", errors)
    data = dict(body, amount=str(body["amount"]), collateral=[
        dict(c, value=str(c["value"])) if "value" in c else c for c in body.get("collateral", [])])
    # The number is allocated in the transaction that starts the case, so both commit or neither.
    number = applications.next_application_number(clock.business_date())
    service.launch_process(APPLICATION_PROCESS, data, actor, business_key=number)
    return applications.get_application(number=number)


@transactional
def record_repayment(loan_id, amount, paid_on, actor, idempotency_key=None, prepayment_choice=None,
                     overpayment_reason=None):
    """The cashier enters a payment; `repayment_check` has finance confirm it before it is posted.
    A retry with the same key returns the first repayment, with its case, and starts nothing."""
    loan = lookup.get_loan(loan_id)
    repayment, created = repayments.enter_repayment(loan, amount, paid_on, actor.username, clock.business_date(),
                                                    idempotency_key, prepayment_choice, overpayment_reason)
    if created:
        instance, _ = service.launch_process(REPAYMENT_PROCESS, {
            "repayment_id": repayment.id, "loan_id": loan.id, "amount": repayment.amount,
            "paid_on": repayment.paid_on.isoformat(), "loan": lookup.loan_facts(loan)}, actor,
            business_key=loan.business_key)
        repayment.process_instance_id = instance.id
    return repayment


@transactional
def request_write_off(loan_id, reason, evidence, actor):
    """Open `write_off` for a loan: its eligibility table and three approval levels decide."""
    loan = lookup.get_loan(loan_id)
    instance, _ = service.launch_process(WRITE_OFF_PROCESS, {"loan_id": loan.id, "reason": reason,
                                                            "evidence": evidence}, actor,
                                        business_key=loan.business_key)
    return instance
