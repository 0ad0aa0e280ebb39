"""Loan cases brought to the step a reliability test races on, and what their books say."""
from app.extensions import db
from app.loans.models import LedgerEntry, Loan, LoanApplication

from ..loans.helpers import APPROVE, COMPLETE_DOCUMENTS, act, apply, open_task, payout


def case_at_payout_check(api, claim=True):
    """An approved, signed application with its payout prepared; the finance manager has claimed the check."""
    created = apply(api, "80000", term_months=12)
    key = created["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", APPROVE)
    act(api, key, "sign_contract", "loan_officer", {"contract_number": f"HT-{key}", "signed_on": "2026-11-23"})
    act(api, key, "prepare_payout", "cashier", payout("80000"))
    task = open_task(api, key, "check_payout")
    if claim:
        assert api.post(f"/api/tasks/{task['id']}/claim", "finance_manager").status_code == 200
    return created, task


def books(app, application_id):
    """The application's status, how many loans it has and how many disbursement postings."""
    with app.app_context():
        application = db.session.get(LoanApplication, application_id)
        loans = db.session.execute(db.select(db.func.count()).select_from(Loan)
                                   .where(Loan.application_id == application_id)).scalar()
        postings = db.session.execute(db.select(db.func.count()).select_from(LedgerEntry).where(
            LedgerEntry.reference == f"disbursement:{application.number}")).scalar()
        status = application.status
        db.session.remove()
    return status, loans, postings
