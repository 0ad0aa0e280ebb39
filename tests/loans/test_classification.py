"""Five-level classification: COB proposes from the floor table, people review, worse needs two levels."""
from datetime import date, timedelta

from app.cob import run_cob_through
from app.extensions import db
from app.loans.models import Loan

from .helpers import act, new_loan, open_task

REVIEW = {"decision": "approve", "comment": "同意"}


def overdue_loan(app, api):
    """A new loan, closed of business one day past its first due date."""
    loan = new_loan(api)
    due = date.fromisoformat(loan["schedule"][0]["due_date"])
    with app.app_context():
        run_cob_through(due + timedelta(days=1))
    return loan, due


def test_overdue_loan_gets_a_reviewed_special_mention_class(app, api, fresh_dates):
    loan, due = overdue_loan(app, api)
    key = loan["business_key"]
    proposal = open_task(api, key, "propose_classification")
    assert proposal["roles"] == ["loan_officer"]
    milder = api.post(f"/api/tasks/{proposal['id']}/complete", "loan_officer",
                      json={"data": {"proposed_class": "normal", "reasons": "客户承诺还款"}})
    assert milder.status_code == 422 and "proposed_class" in milder.get_json()["error"]["details"]
    act(api, key, "propose_classification", "loan_officer",
        {"proposed_class": "special_mention", "reasons": "逾期1天"})
    act(api, key, "review_classification", "risk_officer", REVIEW)
    shown = api.get(f"/api/loans/{loan['id']}", "risk_officer").get_json()
    assert shown["classification"] == "special_mention"
    assert shown["provision_rate"] == "0.0200"
    assert shown["classification_history"][-1]["approved_by"] == "risk_officer"
    with app.app_context():  # the next day proposes nothing new: the class already meets the floor
        run_cob_through(due + timedelta(days=2))
    assert [t for t in open_task(api, key) if t["task_spec_id"] == "propose_classification"] == []


def test_downgrade_to_substandard_needs_a_second_level(app, api, fresh_dates):
    loan, due = overdue_loan(app, api)
    key = loan["business_key"]
    act(api, key, "propose_classification", "loan_officer",
        {"proposed_class": "substandard", "reasons": "经营恶化，现金流断裂"})
    act(api, key, "review_classification", "risk_officer", REVIEW)
    second = open_task(api, key, "second_review_classification")
    assert second["roles"] == ["credit_committee"]
    with app.app_context():
        assert db.session.get(Loan, loan["id"]).classification == "normal"  # not before the second level
    act(api, key, "second_review_classification", "credit_committee", REVIEW)
    shown = api.get(f"/api/loans/{loan['id']}", "risk_officer").get_json()
    assert shown["classification"] == "substandard" and shown["provision_rate"] == "0.2500"
