"""A confirmation and the close of business on the same loan: whichever reads first, the penalty
the close accrues and the payment the confirmation posts both stay on the loan."""
import threading
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import event

from app import clock
from app.close_of_business import run_cob, run_cob_through
from app.extensions import db
from app.loans.models import LedgerEntry, Loan

from .helpers import books_agree, new_loan, open_task, pay

PATIENCE = 2  # seconds the confirmation waits, after reading the loan, for the close to finish


class PauseAfterReadingTheLoan:
    """In one thread only: the first time a Loan row is read, say so and wait for the close."""

    def __init__(self):
        self.read, self.closed, self.local = threading.Event(), threading.Event(), threading.local()

    def __call__(self, target, *args):
        if getattr(self.local, "armed", False):
            self.local.armed = False
            self.read.set()
            self.closed.wait(PATIENCE)


def test_a_close_between_a_confirmations_read_and_its_write_loses_no_penalty(app, api, fresh_dates):
    loan = new_loan(api, "30000")
    first_due = date.fromisoformat(loan["schedule"][0]["due_date"])
    with app.app_context():
        run_cob_through(first_due + timedelta(days=2))
        paid_on = clock.business_date().isoformat()
    pay(api, loan, "50.00", paid_on)
    task = next(t for t in open_task(api, loan["business_key"]) if t["task_spec_id"] == "confirm_repayment")
    api.post(f"/api/tasks/{task['id']}/claim", "finance_manager")
    pause = PauseAfterReadingTheLoan()
    event.listen(Loan, "load", pause)
    event.listen(Loan, "refresh", pause)
    outcome = {}

    def confirm():
        pause.local.armed = True
        outcome["status"] = api.post(f"/api/tasks/{task['id']}/complete", "finance_manager",
                                     json={"data": {"decision": "confirm"}}).status_code

    def close():
        pause.read.wait(10)
        with app.app_context():
            outcome["closed"] = run_cob()[1]
            db.session.remove()
        pause.closed.set()

    try:
        threads = [threading.Thread(target=confirm), threading.Thread(target=close)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        event.remove(Loan, "load", pause)
        event.remove(Loan, "refresh", pause)
    assert outcome == {"status": 200, "closed": True}
    with app.app_context():
        stored = db.session.get(Loan, loan["id"]).accrued_penalty
        postings = db.session.execute(db.select(LedgerEntry.entry_type, LedgerEntry.amount).where(
            LedgerEntry.loan_id == loan["id"])).all()
    charged = sum((a for t, a in postings if t == "penalty"), Decimal("0"))
    reversed_ = sum((a for t, a in postings if t == "penalty_reversal"), Decimal("0"))
    paid = sum((a for t, a in postings if t == "repayment_penalty"), Decimal("0"))
    assert charged > 0 and stored == charged - reversed_ - paid
    assert books_agree(app)
