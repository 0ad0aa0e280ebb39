"""Write-off (核销): the loan leaves the books, and what is recovered later is still recorded (账销案存).

A write-off is posted only for a request recorded on its own case, once the case carries the
approval of each level (risk, finance, committee), each by a different person and none by the
person who asked for it.
"""
from datetime import date
from decimal import Decimal

from .. import clock
from ..errors import Conflict
from ..extensions import db
from . import ledger
from .lookup import lock_loan
from .models import Loan, WriteOffRequest
from .sign_off import SignOffMissing, require_sign_off

APPROVING_LEVELS = ("risk_officer", "finance_manager", "credit_committee")
APPROVED = ("approve",)


def amount_owed(loan: Loan, on: date) -> Decimal:
    """Principal still outstanding, interest fallen due and unpaid, and penalty interest."""
    due_interest = sum((r.interest - r.paid_interest for r in loan.schedule if r.due_date <= on), Decimal("0.00"))
    return loan.outstanding_principal + due_interest + loan.accrued_penalty


def open_write_off_request(loan: Loan, case_id, reason, evidence, requested_by, on: date):
    """Record the request its case decides on; the same case asking again gets the same request."""
    request = db.session.execute(db.select(WriteOffRequest).where(
        WriteOffRequest.process_instance_id == case_id)).scalar_one_or_none()
    if request is None:
        request = WriteOffRequest(loan_id=loan.id, process_instance_id=case_id, reason=reason, evidence=evidence,
                                  requested_by=requested_by, requested_on=on, status="requested",
                                  created_at=clock.now())
        db.session.add(request)
        db.session.flush()
    return request


def write_off_loan(case_id, decisions, on: date, posted_by):
    request = db.session.execute(db.select(WriteOffRequest).where(
        WriteOffRequest.process_instance_id == case_id)).scalar_one_or_none()
    if request is None:
        raise SignOffMissing("there is no write-off request on this case", {"write_off_request": ["missing"]})
    if request.status != "requested":
        raise Conflict(f"write-off request {request.id} is already {request.status}")
    require_sign_off(decisions, APPROVING_LEVELS, APPROVED, not_by=(request.requested_by,),
                     what=f"write-off request {request.id}")
    loan = lock_loan(request.loan_id)
    if loan.status != "active":
        raise Conflict(f"the loan is {loan.status}; only an active loan can be written off")
    amount = amount_owed(loan, on)
    ledger.post(loan.id, "write_off", amount, f"write_off:{loan.id}", posted_by, on)
    loan.status, loan.written_off_on, loan.written_off_amount = "written_off", on, amount
    request.status, request.posted_amount = "written_off", amount
    return amount


def record_recovery(loan: Loan, amount: Decimal, reference, posted_by, on: date, value_date: date):
    """Money collected after the write-off: income, kept against the case."""
    loan.recovered_amount += amount
    ledger.post(loan.id, "recovery", amount, reference, posted_by, on, value_date=value_date)
