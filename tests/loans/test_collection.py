"""Collection escalation: a case per overdue loan climbs the ladder on timers; repayment ends it."""
from datetime import date, timedelta
from decimal import Decimal

from app.close_of_business import run_cob_through
from app.extensions import db
from app.loans.models import CustomerMessage

from .helpers import act, confirm, new_loan, open_task, pay


def tasks(api, key):
    return sorted(t["task_spec_id"] for t in open_task(api, key) if t["process_key"] == "collection_escalation")


def overdue_case(app, api, days):
    """A new loan closed of business `days` past its first due date."""
    loan = new_loan(api)
    due = date.fromisoformat(loan["schedule"][0]["due_date"])
    with app.app_context():
        run_cob_through(due + timedelta(days=days))
    return loan, loan["business_key"], due


def case_at_phone_stage(app, api):
    """Four days past due: reminded, and now waiting for a phone call."""
    return overdue_case(app, api, 4)


def test_reminder_then_phone_then_repayment_closes_the_case(app, api, fresh_dates):
    loan, key, due = overdue_case(app, api, 1)
    first = loan["schedule"][0]
    with app.app_context():
        messages = db.session.execute(db.select(CustomerMessage).where(
            CustomerMessage.loan_id == loan["id"], CustomerMessage.kind == "overdue_notice")).scalars().all()
        assert len(messages) == 1 and "逾期1天" in messages[0].text
    assert tasks(api, key) == []  # the SMS went out; the phone call waits three days
    with app.app_context():
        run_cob_through(due + timedelta(days=4))
    assert tasks(api, key) == ["phone_collection"]
    assert open_task(api, key, "phone_collection")["roles"] == ["collector"]

    with app.app_context():
        penalty = db.session.execute(db.text("select accrued_penalty from loan where id = :i"), {"i": loan["id"]}).scalar()
    pay(api, loan, str(Decimal(first["total_due"]) + Decimal(str(penalty))), (due + timedelta(days=4)).isoformat())
    confirm(api, loan)
    assert tasks(api, key) == []
    with app.app_context():
        run_cob_through(due + timedelta(days=5))
    assert api.get(f"/api/loans/{loan['id']}", "collector").get_json()["dpd"] == 0
    assert tasks(api, key) == []  # no new case while the loan is current


def test_unhandled_calls_climb_to_field_visit_and_legal(app, api, fresh_dates):
    loan, key, due = case_at_phone_stage(app, api)
    assert tasks(api, key) == ["phone_collection"]
    with app.app_context():
        run_cob_through(due + timedelta(days=7))  # three days without a call: escalated
    assert tasks(api, key) == ["field_visit"]
    act(api, key, "field_visit", "collector", {"outcome": "refused", "notes": "拒绝还款"})
    assert tasks(api, key) == ["legal_action"]
    assert open_task(api, key, "legal_action")["roles"] == ["legal_officer"]


def test_a_broken_promise_escalates(app, api, fresh_dates):
    loan, key, due = case_at_phone_stage(app, api)
    promise = (due + timedelta(days=6)).isoformat()
    missing = act(api, key, "phone_collection", "collector", {"outcome": "promise_to_pay"}, expect=422)
    assert "promise_date" in missing.get_json()["error"]["details"]
    past = act(api, key, "phone_collection", "collector",
               {"outcome": "promise_to_pay", "promise_date": due.isoformat(), "promise_amount": "5000"}, expect=422)
    assert "承诺还款日不能早于今天" in past.get_json()["error"]["details"]["promise_date"][0]
    act(api, key, "phone_collection", "collector",
        {"outcome": "promise_to_pay", "promise_date": promise, "promise_amount": "5000"})
    with app.app_context():
        run_cob_through(due + timedelta(days=6))
    assert tasks(api, key) == []
    with app.app_context():
        run_cob_through(due + timedelta(days=7))  # the promised day passed unpaid
    assert tasks(api, key) == ["field_visit"]


def test_ten_days_behind_then_repaid_ends_the_case_with_dpd_zero(app, api, fresh_dates):
    loan, key, due = overdue_case(app, api, 10)
    assert api.get(f"/api/loans/{loan['id']}", "collector").get_json()["dpd"] == 10
    case = api.get(f"/api/tasks?scope=all&process_key=collection_escalation&business_key={key}", "supervisor").get_json()
    assert case["total"] == 1
    owed = api.get(f"/api/loans/{loan['id']}", "collector").get_json()
    pay(api, loan, str(Decimal(owed["overdue_amount"]) + Decimal(owed["accrued_penalty"])), (due + timedelta(days=10)).isoformat())
    confirm(api, loan)
    with app.app_context():
        run_cob_through(due + timedelta(days=11))
    assert api.get(f"/api/loans/{loan['id']}", "collector").get_json()["dpd"] == 0
    instances = api.get(f"/api/tasks?scope=all&status=cancelled&business_key={key}", "supervisor").get_json()["items"]
    assert [t["process_key"] for t in instances if t["process_key"] == "collection_escalation"]
    assert tasks(api, key) == []
