"""Checking the books: every loan's stored figures recomputed from its installments and ledger.

What is compared, per loan:
- the outstanding principal: the unpaid principal of its installments, and the loan less the
  principal its ledger received (repaid and prepaid);
- what the installments record as paid against the repayment postings of the ledger;
- the penalty interest owed: charged, less reversed, less paid;
- days past due and the overdue amount, as of the date they were computed for;
- the class against the objective floor of those days, for a loan closed on that date;
- after a write-off: the amount written off and what was recovered since.
"""
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from ..extensions import db
from .classification import SEVERITY
from .models import Installment, LedgerEntry, Loan
from .overdue import overdue_position

ZERO = Decimal("0.00")
CHUNK = 1000


@dataclass(frozen=True)
class Difference:
    loan_id: int
    business_key: str
    figure: str
    stored: object
    recomputed: object

    def __str__(self):
        return (f"loan {self.loan_id} ({self.business_key}): {self.figure} stored {self.stored}, "
                f"recomputed {self.recomputed}")


def _ledger_sums(loan_ids):
    sums = defaultdict(lambda: defaultdict(lambda: ZERO))
    for loan_id, entry_type, amount in db.session.execute(db.select(
            LedgerEntry.loan_id, LedgerEntry.entry_type, LedgerEntry.amount).where(LedgerEntry.loan_id.in_(loan_ids))):
        sums[loan_id][entry_type] += amount
    return sums


def _installments(loan_ids):
    rows = defaultdict(list)
    for row in db.session.execute(db.select(Installment).where(Installment.loan_id.in_(loan_ids))).scalars():
        rows[row.loan_id].append(row)
    return rows


def _recomputed(loan, schedule, ledger, floor_of):
    """(figure, stored, recomputed) for each figure of one loan."""
    paid_principal = sum((r.paid_principal for r in schedule), ZERO)
    yield "outstanding_principal", loan.outstanding_principal, \
        sum((r.principal - r.paid_principal for r in schedule), ZERO)
    yield "outstanding_principal (ledger)", loan.outstanding_principal, \
        loan.principal - ledger["repayment_principal"] - ledger["prepayment"]
    yield "installment principal paid", paid_principal, ledger["repayment_principal"]
    yield "installment interest paid", sum((r.paid_interest for r in schedule), ZERO), ledger["repayment_interest"]
    yield "accrued_penalty", loan.accrued_penalty, \
        ledger["penalty"] - ledger["penalty_reversal"] - ledger["repayment_penalty"]
    yield "recovered_amount", loan.recovered_amount, ledger["recovery"]
    if loan.status == "written_off":
        yield "written_off_amount", loan.written_off_amount, ledger["write_off"]
    if loan.status == "active" and loan.overdue_as_of is not None:
        first, owed = overdue_position(schedule, loan.overdue_as_of)
        dpd = (loan.overdue_as_of - first).days if first else 0
        yield "dpd", loan.dpd, dpd
        yield "overdue_amount", loan.overdue_amount, owed
        floor = floor_of(dpd)
        if loan.last_cob_date == loan.overdue_as_of and floor in SEVERITY \
                and SEVERITY[loan.classification] < SEVERITY[floor]:
            yield "classification (floor)", loan.classification, floor


def verify_books(floor_of, loan_ids=None):
    """Every difference between a loan's stored figures and what its installments and ledger say
    (of every loan, or of the loans named)."""
    differences, last_id = [], 0
    while True:
        query = db.select(Loan).where(Loan.id > last_id).order_by(Loan.id).limit(CHUNK)
        if loan_ids is not None:
            query = query.where(Loan.id.in_(list(loan_ids)))
        loans = db.session.execute(query).scalars().all()
        if not loans:
            return differences
        ids = [loan.id for loan in loans]
        ledger, schedules = _ledger_sums(ids), _installments(ids)
        for loan in loans:
            for figure, stored, recomputed in _recomputed(loan, schedules[loan.id], ledger[loan.id], floor_of):
                if stored != recomputed:
                    differences.append(Difference(loan.id, loan.business_key, figure, stored, recomputed))
        last_id = ids[-1]
        db.session.expunge_all()
