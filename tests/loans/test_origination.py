"""The origination story over HTTP: application, approval levels from the DMN, disbursement."""
from decimal import Decimal

import pytest

from app.extensions import db
from app.loans.models import LedgerEntry

from .helpers import APPROVE, COMPLETE_DOCUMENTS, act, apply, disburse, open_task


def application(api, application_id):
    return api.get(f"/api/loan-applications/{application_id}", "loan_officer").get_json()


def test_two_million_passes_three_levels_and_is_disbursed(api, app):
    created = apply(api, "2000000.00")
    key = created["business_key"]
    assert created["status"] == "submitted" and created["process_instance_id"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    first = open_task(api, key, "branch_manager_review")
    assert first["roles"] == ["branch_manager"] and first["process_key"] == "loan_approval"
    act(api, key, "branch_manager_review", "branch_manager", APPROVE)
    assert open_task(api, key, "risk_review")["roles"] == ["risk_officer"]
    act(api, key, "risk_review", "risk_officer", APPROVE)
    assert open_task(api, key, "committee_review")["roles"] == ["credit_committee"]
    act(api, key, "committee_review", "credit_committee", APPROVE)
    disburse(api, key, "2000000.00")

    final = application(api, created["id"])
    assert final["status"] == "disbursed" and final["loan_id"]
    loan = api.get(f"/api/loans/{final['loan_id']}", "loan_officer").get_json()
    assert loan["status"] == "active" and loan["dpd"] == 0 and loan["classification"] == "normal"
    assert Decimal(loan["principal"]) == Decimal("2000000.00") == Decimal(loan["outstanding_principal"])
    assert len(loan["schedule"]) == 36
    assert sum(Decimal(row["principal"]) for row in loan["schedule"]) == Decimal("2000000.00")
    instance = api.get(f"/api/process-instances/{created['process_instance_id']}", "loan_officer").get_json()
    assert instance["status"] == "completed"
    with app.app_context():
        postings = db.session.execute(db.select(LedgerEntry).where(
            LedgerEntry.loan_id == final["loan_id"])).scalars().all()
        assert [(p.entry_type, p.amount) for p in postings] == [("disbursement", Decimal("2000000.00"))]


def test_fifty_thousand_needs_only_the_branch_manager(api):
    created = apply(api, "50000", term_months=12)
    key = created["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", APPROVE)
    [next_task] = open_task(api, key)
    assert next_task["task_spec_id"] == "sign_contract" and next_task["roles"] == ["loan_officer"]
    disburse(api, key, "50000")
    assert application(api, created["id"])["status"] == "disbursed"


def test_rejected_application_gets_no_loan(api):
    created = apply(api, "800000")
    key = created["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", {"decision": "approve", "comment": "ok"})
    act(api, key, "risk_review", "risk_officer", {"decision": "reject", "comment": "负债过高"})
    final = application(api, created["id"])
    assert final["status"] == "rejected" and final["loan_id"] is None
    assert open_task(api, key) == []


def test_poor_credit_is_rejected_by_the_scoring_table(api):
    created = apply(api, "50000", customer_id=3, term_months=12)
    act(api, created["business_key"], "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    assert application(api, created["id"])["status"] == "auto_rejected"
    assert open_task(api, created["business_key"]) == []


def test_return_for_more_information_goes_back_to_the_officer(api):
    created = apply(api, "50000", term_months=12)
    key = created["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", {"decision": "return", "comment": "补充流水"})
    act(api, key, "supplement_information", "loan_officer", {"supplement_notes": "已补充银行流水"})
    act(api, key, "branch_manager_review", "branch_manager", APPROVE)
    assert open_task(api, key, "sign_contract")


def test_incomplete_documents_loop_until_complete(api):
    created = apply(api, "50000", term_months=12)
    key = created["business_key"]
    act(api, key, "check_completeness", "loan_officer", {"documents_complete": False, "missing_documents": "营业执照"})
    act(api, key, "supplement_documents", "loan_officer", {"supplement_notes": "已收营业执照"})
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    assert open_task(api, key, "branch_manager_review")


@pytest.mark.parametrize("product_code, method", [
    ("PERSONAL_EI", "equal_installment"), ("SME_EP", "equal_principal"), ("BRIDGE_IO", "interest_only")])
def test_disbursed_schedule_sums_to_the_principal_for_each_method(api, product_code, method):
    created = apply(api, "123456.78", product_code=product_code, term_months=12)
    key = created["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "branch_manager", APPROVE)
    act(api, key, "risk_review", "risk_officer", APPROVE)
    disburse(api, key, "123456.78")
    loan = api.get(f"/api/loans/{application(api, created['id'])['loan_id']}", "loan_officer").get_json()
    assert loan["repayment_method"] == method
    assert sum(Decimal(row["principal"]) for row in loan["schedule"]) == Decimal("123456.78")
    assert all(Decimal(r["total_due"]) == Decimal(r["principal"]) + Decimal(r["interest"]) for r in loan["schedule"])
