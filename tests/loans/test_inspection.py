"""Post-loan inspections open on the schedule table; a warning signal leads into a class review."""
from datetime import date, timedelta

from app.cob import run_cob_through

from .helpers import act, new_loan, open_task


def test_first_inspection_then_warning_opens_a_classification_review(app, api, fresh_dates):
    loan = new_loan(api)
    key = loan["business_key"]
    disbursed = date.fromisoformat(loan["disbursed_on"])
    with app.app_context():
        run_cob_through(disbursed + timedelta(days=19))
    assert [t for t in open_task(api, key) if t["process_key"] == "post_loan_inspection"] == []
    with app.app_context():
        run_cob_through(disbursed + timedelta(days=20))
    task = open_task(api, key, "record_inspection")
    assert task["roles"] == ["loan_officer"] and task["due_at"]
    act(api, key, "record_inspection", "loan_officer", {
        "use_of_funds": "diverted", "business_condition": "poor", "collateral_condition": "fair",
        "warning_signals": True, "findings": "资金被挪用于股票投资"})
    act(api, key, "review_inspection", "risk_officer", {"decision": "approve"})
    assert open_task(api, key, "propose_classification")["process_key"] == "classification_review"
    with app.app_context():
        run_cob_through(disbursed + timedelta(days=21))  # filed: the next one is not due yet
    assert [t for t in open_task(api, key) if t["task_spec_id"] == "record_inspection"] == []
