"""Postings to one loan at the same moment from two gunicorn workers: every payment counts once,
a close of business in the middle loses nothing, and the books agree afterwards."""
from datetime import date, timedelta
from decimal import Decimal

from app import clock
from app.close_of_business import run_cob, run_cob_through
from app.extensions import db
from app.loans.models import LedgerEntry

from ..loans.helpers import books_agree, new_loan, open_task, pay

CONFIRM = {"data": {"decision": "confirm"}}


def checks_claimed_by(api, business_key, users):
    """The open repayment checks of a case, each claimed by the next of `users` (round robin)."""
    tasks = [t for t in open_task(api, business_key) if t["task_spec_id"] == "confirm_repayment"]
    for index, task in enumerate(tasks):
        user = users[index % len(users)]
        assert api.post(f"/api/tasks/{task['id']}/claim", user).status_code == 200
        task["claimed_by"] = user
    return tasks


def repaid(app, loan_id):
    """What the ledger says repayments paid, by part."""
    with app.app_context():
        rows = db.session.execute(db.select(LedgerEntry.entry_type, LedgerEntry.amount).where(
            LedgerEntry.loan_id == loan_id, LedgerEntry.entry_type.in_(
                ("repayment_penalty", "repayment_interest", "repayment_principal", "prepayment")))).all()
        db.session.remove()
    totals = {}
    for entry_type, amount in rows:
        totals[entry_type] = totals.get(entry_type, Decimal("0")) + amount
    return totals


def test_two_finance_managers_confirming_two_payments_of_one_loan_both_count(app, api, http):
    loan = new_loan(api, "12000")
    with app.app_context():
        today = clock.business_date().isoformat()
    for _ in range(2):
        assert pay(api, loan, "100.00", today).status_code == 201
    tasks = checks_claimed_by(api, loan["business_key"], ["finance_manager", "finance_manager2"])
    results = http.race([("POST", f"/api/tasks/{t['id']}/complete", t["claimed_by"], CONFIRM) for t in tasks])
    assert [status for status, _ in results] == [200, 200], results
    after = api.get(f"/api/loans/{loan['id']}", "cashier").get_json()
    assert Decimal(loan["principal"]) - Decimal(after["outstanding_principal"]) == Decimal("200.00")
    assert sum(repaid(app, loan["id"]).values()) == Decimal("200.00")
    assert books_agree(app)


def test_twenty_confirmations_with_a_close_of_business_in_the_middle(app, api, http, fresh_dates):
    loan = new_loan(api, "50000")
    first_due = date.fromisoformat(loan["schedule"][0]["due_date"])
    with app.app_context():
        run_cob_through(first_due + timedelta(days=3))  # three days overdue, penalty accruing
        paid_on = clock.business_date().isoformat()
    for _ in range(20):
        assert pay(api, loan, "10.00", paid_on).status_code == 201
    tasks = checks_claimed_by(api, loan["business_key"], ["finance_manager", "finance_manager2"])

    def close_the_next_date():
        with app.app_context():
            run, ran = run_cob()
            closed = run.business_date
            db.session.remove()
            return 200 if ran else 500, closed

    calls = [("POST", f"/api/tasks/{t['id']}/complete", t["claimed_by"], CONFIRM) for t in tasks]
    calls.insert(10, close_the_next_date)
    results = http.race(calls)
    assert [status for status, _ in results] == [200] * 21, results
    assert sum(repaid(app, loan["id"]).values()) == Decimal("200.00")
    shown = api.get(f"/api/loans/{loan['id']}", "cashier").get_json()
    assert shown["dpd"] == 4  # the close ran: the first installment is four days behind
    assert books_agree(app)
