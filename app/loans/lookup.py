"""Finding a loan, and locking it, for every step that acts on one."""
from ..errors import NotFound
from ..extensions import db
from ..rows import get_row
from .models import Installment, Loan


def get_loan(loan_id):
    return get_row(Loan, loan_id, "loan")


def lock_loans(loan_ids):
    """Take the row locks of loans for this transaction by bumping their version.

    An UPDATE is the one row lock both databases honour: PostgreSQL makes a second locker wait
    for the first to commit, and SQLite holds its single writer lock from the first write. So
    two postings to one loan, or a posting and the close of business, run one after the other
    and each reads what the other committed.
    """
    return db.session.execute(db.update(Loan.__table__).where(Loan.__table__.c.id.in_(list(loan_ids)))
                              .values(version=Loan.__table__.c.version + 1)).rowcount


def lock_loan(loan_id):
    """The loan locked for this transaction and read afresh, with its schedule.

    Whoever changes a loan's money or class calls this before reading anything of it.
    """
    if not lock_loans([loan_id]):
        raise NotFound(f"loan {loan_id} does not exist")
    loan = db.session.execute(db.select(Loan).where(Loan.id == loan_id)
                              .execution_options(populate_existing=True)).scalar_one()
    db.session.execute(db.select(Installment).where(Installment.loan_id == loan_id)
                       .execution_options(populate_existing=True)).scalars().all()
    return loan


def loan_facts(loan):
    """What a case about the loan shows of it: its task list columns and its eligibility tables read these."""
    return {"loan_id": loan.id, "customer_name": loan.application.customer.name, "product_code": loan.product_code,
            "product_name": loan.product.name, "outstanding_principal": loan.outstanding_principal,
            "dpd": loan.dpd, "classification": loan.classification}


def delinquent_loans():
    """Active loans with days past due, as light rows (id, business_key, dpd, classification)."""
    return db.session.execute(
        db.select(Loan.id, Loan.business_key, Loan.dpd, Loan.classification)
        .where(Loan.status == "active", Loan.dpd > 0).order_by(Loan.id)).all()
