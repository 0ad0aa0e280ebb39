"""Post-loan inspections open on the schedule table; a warning signal leads into a class review."""
from datetime import date, timedelta
from decimal import Decimal

from app.close_of_business import run_cob_through

from .helpers import act, confirm, new_loan, open_task


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


def inspection_open(api, key):
    return any(t["task_spec_id"] == "record_inspection" for t in open_task(api, key))


def test_the_period_follows_the_product(app, api, fresh_dates):
    """inspection_schedule.dmn: bridge loans every 60 days, other normal loans every 90."""
    bridge, personal = new_loan(api, product_code="BRIDGE_IO"), new_loan(api)
    disbursed = date.fromisoformat(bridge["disbursed_on"])
    for loan in (bridge, personal):  # paid four installments ahead: current, so the class stays normal
        ahead = sum(Decimal(row["total_due"]) for row in loan["schedule"][:4])
        entered = api.post(f"/api/loans/{loan['id']}/repayments", "cashier", json={
            "amount": str(ahead), "paid_on": loan["disbursed_on"], "prepayment_choice": "coming_installments"})
        assert entered.status_code == 201, entered.get_json()
        confirm(api, loan)
    with app.app_context():
        run_cob_through(disbursed + timedelta(days=20))
    for loan in (bridge, personal):
        act(api, loan["business_key"], "record_inspection", "loan_officer", {
            "use_of_funds": "as_agreed", "business_condition": "good", "collateral_condition": "good",
            "warning_signals": False, "findings": "经营正常"})
        act(api, loan["business_key"], "review_inspection", "risk_officer", {"decision": "approve"})
    seen = {}
    for day in (79, 80, 109, 110):
        with app.app_context():
            run_cob_through(disbursed + timedelta(days=day))
        seen[day] = (inspection_open(api, bridge["business_key"]), inspection_open(api, personal["business_key"]))
    assert seen == {79: (False, False), 80: (True, False), 109: (True, False), 110: (True, True)}
