"""Finding a loan by id, for every step that acts on one."""
from ..errors import NotFound
from ..extensions import db
from .models import Loan


def get_loan(loan_id):
    loan = db.session.get(Loan, loan_id)
    if loan is None:
        raise NotFound(f"loan {loan_id} does not exist")
    return loan


def delinquent_loans():
    """Active loans with days past due, as light rows (id, business_key, dpd, classification)."""
    return db.session.execute(
        db.select(Loan.id, Loan.business_key, Loan.dpd, Loan.classification)
        .where(Loan.status == "active", Loan.dpd > 0).order_by(Loan.id)).all()
