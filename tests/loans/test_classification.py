"""Five-level classification: close of business raises a loan to its floor at once and opens a
review, people confirm or go further, worse needs two levels, never milder than the floor."""
from datetime import date, timedelta
from decimal import Decimal

from app.close_of_business import run_cob_through
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
        assert db.session.get(Loan, loan["id"]).classification == "special_mention"  # the floor, until approved
    act(api, key, "second_review_classification", "credit_committee", REVIEW)
    shown = api.get(f"/api/loans/{loan['id']}", "risk_officer").get_json()
    assert shown["classification"] == "substandard" and shown["provision_rate"] == "0.2500"


def test_the_floor_applies_at_close_of_business_while_a_review_stays_open(app, api, fresh_dates):
    loan, due = overdue_loan(app, api)
    shown = api.get(f"/api/loans/{loan['id']}", "risk_officer").get_json()
    assert shown["classification"] == "special_mention" and shown["provision_rate"] == "0.0200"
    assert Decimal(shown["provision_amount"]) == (Decimal(shown["outstanding_principal"]) * Decimal("0.02")).quantize(
        Decimal("0.01"))
    assert shown["classification_history"][-1]["approved_by"] == "system"
    with app.app_context():  # 91 days behind, the review still untouched: 次级 and 25 % that night
        run_cob_through(due + timedelta(days=92))
    shown = api.get(f"/api/loans/{loan['id']}", "risk_officer").get_json()
    assert shown["dpd"] == 92 and shown["classification"] == "substandard" and shown["provision_rate"] == "0.2500"
    reviews = [t for t in open_task(api, loan["business_key"]) if t["task_spec_id"] == "propose_classification"]
    assert len(reviews) == 1  # the open review confirms or goes further; no second one


def test_a_review_is_checked_against_the_floor_on_the_day_it_is_decided(app, api, fresh_dates):
    loan, due = overdue_loan(app, api)
    key = loan["business_key"]
    act(api, key, "propose_classification", "loan_officer", {"proposed_class": "special_mention", "reasons": "逾期1天"})
    with app.app_context():  # the review waits while the loan slides to 361 days past due
        run_cob_through(due + timedelta(days=362))
    refused = act(api, key, "review_classification", "risk_officer", REVIEW, expect=422)
    assert "proposed_class" in refused.get_json()["error"]["details"]
    shown = api.get(f"/api/loans/{loan['id']}", "risk_officer").get_json()
    assert shown["classification"] == "loss" and shown["provision_rate"] == "1.0000"
    act(api, key, "review_classification", "risk_officer", {"decision": "return", "comment": "已逾期超过360天"})
    milder = api.post(f"/api/tasks/{open_task(api, key, 'propose_classification')['id']}/complete", "loan_officer",
                      json={"data": {"proposed_class": "doubtful", "reasons": "有抵押"}})
    assert milder.status_code == 422 and "loss" in str(milder.get_json()["error"]["details"])
