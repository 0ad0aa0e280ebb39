"""Finding a loan by id, for every step that acts on one."""
from ..errors import NotFound
from ..extensions import db
from .models import Loan


def get_loan(loan_id):
    loan = db.session.get(Loan, loan_id)
    if loan is None:
        raise NotFound(f"loan {loan_id} does not exist")
    return loan
