"""`flask --app wsgi books verify` recomputes each loan from its installments and ledger and names
the loans whose stored figures differ."""
from decimal import Decimal

import pytest

from app.extensions import db
from app.loans.models import Installment, Loan

from .helpers import confirm, new_loan, pay

TAMPERING = [
    ("accrued_penalty", lambda loan, rows: setattr(loan, "accrued_penalty", loan.accrued_penalty + Decimal("1.87"))),
    ("outstanding_principal", lambda loan, rows: setattr(loan, "outstanding_principal",
                                                         loan.outstanding_principal + Decimal("100.00"))),
    ("installment principal paid", lambda loan, rows: setattr(rows[0], "paid_principal",
                                                              rows[0].paid_principal + Decimal("0.01"))),
    ("dpd", lambda loan, rows: setattr(loan, "dpd", 40)),
]


@pytest.mark.parametrize("figure, tamper", TAMPERING, ids=[t[0] for t in TAMPERING])
def test_books_verify_names_a_loan_whose_figures_differ(app, api, move_clock, figure, tamper):
    loan = new_loan(api, "24000")
    move_clock(31)
    pay(api, loan, loan["schedule"][0]["total_due"], loan["schedule"][0]["due_date"])
    confirm(api, loan)
    runner = app.test_cli_runner()
    with app.app_context():
        kept = db.session.get(Loan, loan["id"])
        rows = db.session.execute(db.select(Installment).where(Installment.loan_id == loan["id"])
                                  .order_by(Installment.number)).scalars().all()
        before = (kept.accrued_penalty, kept.outstanding_principal, kept.dpd, rows[0].paid_principal)
        first_row = rows[0].id
        tamper(kept, rows)
        db.session.commit()
    try:
        result = runner.invoke(args=["books", "verify"])
        assert result.exit_code == 1, result.output
        assert f"loan {loan['id']} ({loan['business_key']}): {figure}" in result.output
    finally:
        with app.app_context():
            kept = db.session.get(Loan, loan["id"])
            kept.accrued_penalty, kept.outstanding_principal, kept.dpd = before[:3]
            db.session.get(Installment, first_row).paid_principal = before[3]
            db.session.commit()
    assert runner.invoke(args=["books", "verify"]).exit_code == 0
