"""Write-off (核销): the loan leaves the books, and what is recovered later is still recorded (账销案存)."""
from decimal import Decimal

from .. import clock
from ..errors import Conflict
from ..extensions import db
from .models import LedgerEntry, Loan


def amount_owed(loan: Loan) -> Decimal:
    """Principal still outstanding, interest fallen due and unpaid, and penalty interest."""
    today = clock.business_date()
    due_interest = sum((r.interest - r.paid_interest for r in loan.schedule if r.due_date <= today), Decimal("0.00"))
    return loan.outstanding_principal + due_interest + loan.accrued_penalty


def write_off_loan(loan: Loan, posted_by):
    if loan.status != "active":
        raise Conflict(f"the loan is {loan.status}; only an active loan can be written off")
    amount = amount_owed(loan)
    db.session.add(LedgerEntry(loan_id=loan.id, entry_type="write_off", amount=amount, posted_on=clock.business_date(),
                               reference=f"write_off:{loan.id}", posted_by=posted_by, created_at=clock.now()))
    loan.status, loan.written_off_on, loan.written_off_amount = "written_off", clock.business_date(), amount
    return amount


def record_recovery(loan: Loan, amount: Decimal, reference, posted_by):
    """Money collected after the write-off: income, kept against the case."""
    loan.recovered_amount += amount
    db.session.add(LedgerEntry(loan_id=loan.id, entry_type="recovery", amount=amount, posted_on=clock.business_date(),
                               reference=reference, posted_by=posted_by, created_at=clock.now()))
