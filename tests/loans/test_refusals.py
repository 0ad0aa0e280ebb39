"""What the system refuses: wrong role, four-eyes, maker-checker, bad form data, bad applications."""
import pytest

from .helpers import APPROVE, COMPLETE_DOCUMENTS, act, apply, open_task, payout


def test_wrong_role_cannot_claim_or_complete(api):
    key = apply(api, "50000", term_months=12)["business_key"]
    task = open_task(api, key, "check_completeness")
    assert api.post(f"/api/tasks/{task['id']}/claim", "cashier").status_code == 403
    response = api.post(f"/api/tasks/{task['id']}/complete", "cashier", json={"data": COMPLETE_DOCUMENTS})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "wrong_role"
    assert api.get(f"/api/tasks/{task['id']}", "cashier").status_code == 403


def test_bad_form_data_is_refused_with_field_messages(api):
    key = apply(api, "50000", term_months=12)["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    task = open_task(api, key, "branch_manager_review")
    response = api.post(f"/api/tasks/{task['id']}/complete", "branch_manager", json={"data": {"decision": "maybe"}})
    assert response.status_code == 422
    assert "decision" in response.get_json()["error"]["details"]
    assert api.get(f"/api/tasks/{task['id']}", "branch_manager").get_json()["status"] == "open"


def test_one_person_cannot_act_on_two_approval_levels(api):
    key = apply(api, "2000000")["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "multi_approver", APPROVE)
    refused = act(api, key, "risk_review", "multi_approver", APPROVE, expect=403)
    assert refused.get_json()["error"]["code"] == "four_eyes"
    act(api, key, "risk_review", "risk_officer", APPROVE)
    assert act(api, key, "committee_review", "multi_approver", APPROVE, expect=403).status_code == 403
    act(api, key, "committee_review", "credit_committee", APPROVE)
    assert open_task(api, key, "sign_contract")


def test_supervisor_cannot_assign_across_four_eyes(api):
    key = apply(api, "2000000")["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "multi_approver", APPROVE)
    task = open_task(api, key, "risk_review")
    response = api.post(f"/api/tasks/{task['id']}/assign", "supervisor", json={"username": "multi_approver"})
    assert response.status_code == 403
    assert api.post(f"/api/tasks/{task['id']}/assign", "supervisor", json={"username": "cashier"}).status_code == 422
    assert api.post(f"/api/tasks/{task['id']}/assign", "branch_manager", json={"username": "risk_officer"}).status_code == 403
    assigned = api.post(f"/api/tasks/{task['id']}/assign", "supervisor", json={"username": "risk_officer2", "reason": "休假"})
    assert assigned.status_code == 200 and assigned.get_json()["assignee"] == "risk_officer2"
    assert api.post(f"/api/tasks/{task['id']}/claim", "risk_officer").status_code == 409


@pytest.fixture(scope="module")
def cashier_and_checker(make_user):
    return make_user("cash_and_check", ["cashier", "finance_manager"])


def test_cashier_cannot_check_own_payout(api, cashier_and_checker):
    key = apply(api, "50000", term_months=12)["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", APPROVE)
    act(api, key, "sign_contract", "loan_officer", {"contract_number": "HT-1", "signed_on": "2026-11-23"})
    act(api, key, "prepare_payout", cashier_and_checker, payout("50000"))
    refused = act(api, key, "check_payout", cashier_and_checker, {"decision": "approve"}, expect=403)
    assert refused.get_json()["error"]["code"] == "four_eyes"


@pytest.mark.parametrize("change, field", [
    ({"amount": "99999999"}, "amount"),
    ({"amount": "-5"}, "amount"),
    ({"amount": "abc"}, "amount"),
    ({"term_months": 0}, "term_months"),
    ({"term_months": 120}, "term_months"),
    ({"customer_id": 999999}, "customer_id"),
    ({"product_code": "NOPE"}, "product_code"),
    ({"purpose": ""}, "purpose"),
])
def test_invalid_applications_are_refused(api, change, field):
    body = {"customer_id": 1, "product_code": "PERSONAL_EI", "amount": "50000", "term_months": 12,
            "purpose": "经营周转", **change}
    before = api.get("/api/tasks?scope=all&process_key=loan_application", "supervisor").get_json()["total"]
    response = api.post("/api/loan-applications", "loan_officer", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["details"]
    assert api.get("/api/tasks?scope=all&process_key=loan_application", "supervisor").get_json()["total"] == before


def test_only_loan_officers_apply(api):
    response = api.post("/api/loan-applications", "cashier", json={
        "customer_id": 1, "product_code": "PERSONAL_EI", "amount": "50000", "term_months": 12, "purpose": "x"})
    assert response.status_code == 403
