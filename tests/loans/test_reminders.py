"""Reminders before the due date: the days come from repayment_reminder.dmn, each goes out once."""
from datetime import date, timedelta

from app.close_of_business import _send_due_reminders, run_cob, run_cob_through
from app.extensions import db
from app.loans.models import CustomerMessage

from .helpers import new_loan


def due_reminders(app, loan_id):
    with app.app_context():
        return [(m.sent_on, m.text) for m in db.session.execute(db.select(CustomerMessage).where(
            CustomerMessage.loan_id == loan_id, CustomerMessage.kind == "due_reminder")
            .order_by(CustomerMessage.id)).scalars()]


def test_three_days_before_and_on_the_due_date(app, api, fresh_dates):
    loan = new_loan(api)
    first = loan["schedule"][0]
    due = date.fromisoformat(first["due_date"])
    with app.app_context():
        run_cob_through(due - timedelta(days=4))
    assert due_reminders(app, loan["id"]) == []
    with app.app_context():
        run_cob_through(due - timedelta(days=3))
    sent = due_reminders(app, loan["id"])
    assert [day for day, _ in sent] == [due - timedelta(days=3)]
    assert f"第1期将于{due.isoformat()}到期" in sent[0][1] and first["total_due"] in sent[0][1]
    with app.app_context():
        run_cob_through(due)
        assert run_cob(due)[1] is False  # the date is closed: nothing is sent again
    sent = due_reminders(app, loan["id"])
    assert [day for day, _ in sent] == [due - timedelta(days=3), due] and "今日到期" in sent[1][1]


def test_bridge_loans_are_also_reminded_a_week_ahead(app, api, fresh_dates):
    bridge, personal = new_loan(api, product_code="BRIDGE_IO"), new_loan(api)
    due = date.fromisoformat(bridge["schedule"][0]["due_date"])
    assert date.fromisoformat(personal["schedule"][0]["due_date"]) == due
    with app.app_context():
        run_cob_through(due - timedelta(days=7))
    assert [day for day, _ in due_reminders(app, bridge["id"])] == [due - timedelta(days=7)]
    assert due_reminders(app, personal["id"]) == []


def test_a_rerun_after_a_crash_sends_each_reminder_once(app, api, fresh_dates):
    loan = new_loan(api)
    due = date.fromisoformat(loan["schedule"][0]["due_date"])
    with app.app_context():
        run_cob_through(due - timedelta(days=3))
        assert _send_due_reminders(due - timedelta(days=3)) == 0  # as a resumed run would
    assert len(due_reminders(app, loan["id"])) == 1
