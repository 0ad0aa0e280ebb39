"""Write-off: eligibility from its table, three approval levels, off the books, recoveries still recorded."""
from decimal import Decimal

from app.extensions import db
from app.loans.models import LedgerEntry, Loan

from .helpers import act, attach, confirm, new_loan, open_task, pay

REVIEW = {"decision": "approve", "comment": "同意核销"}


def classed_as_loss(app, loan_id):
    with app.app_context():
        db.session.get(Loan, loan_id).classification = "loss"
        db.session.commit()


def request(api, loan, user="risk_officer", evidence=True):
    if evidence:
        attach(api, loan["business_key"], user=user)
    return api.post(f"/api/loans/{loan['id']}/write-off", user,
                    json={"reason": "借款人失联，诉讼终结", "evidence": "判决书、执行终结裁定"})


def test_loss_loan_is_written_off_after_three_levels_and_recoveries_are_kept(app, api, move_clock):
    loan = new_loan(api, "20000")
    classed_as_loss(app, loan["id"])
    started = request(api, loan)
    assert started.status_code == 201, started.get_json()
    key = loan["business_key"]
    refused = act(api, key, "risk_write_off_review", "risk_officer", REVIEW, expect=403)  # the requester
    assert refused.get_json()["error"]["code"] == "four_eyes"
    act(api, key, "risk_write_off_review", "risk_officer2", REVIEW)
    act(api, key, "finance_write_off_review", "finance_manager", REVIEW)
    act(api, key, "committee_write_off_approval", "credit_committee", REVIEW)
    shown = api.get(f"/api/loans/{loan['id']}", "risk_officer").get_json()
    assert shown["status"] == "written_off" and Decimal(shown["written_off_amount"]) == Decimal("20000.00")

    move_clock(1)
    pay(api, loan, "1500.00", shown["written_off_on"])
    confirm(api, loan)
    after = api.get(f"/api/loans/{loan['id']}", "risk_officer").get_json()
    assert after["status"] == "written_off" and after["recovered_amount"] == "1500.00"
    with app.app_context():
        kinds = sorted(e.entry_type for e in db.session.execute(db.select(LedgerEntry).where(
            LedgerEntry.loan_id == loan["id"])).scalars())
    assert kinds == ["disbursement", "recovery", "write_off"]


def test_a_current_loan_is_not_eligible(api):
    loan = new_loan(api)
    started = request(api, loan)
    assert started.status_code == 201
    assert started.get_json()["status"] == "completed" and started.get_json()["active_tasks"] == []
    assert api.get(f"/api/loans/{loan['id']}", "risk_officer").get_json()["status"] == "active"
    assert [t for t in open_task(api, loan["business_key"]) if t["process_key"] == "write_off"] == []
    assert request(api, loan, user="loan_officer").status_code == 403


def test_the_risk_review_waits_for_the_evidence_on_the_case(app, api):
    loan = new_loan(api, "20000")
    classed_as_loss(app, loan["id"])
    assert request(api, loan, evidence=False).status_code == 201
    refused = act(api, loan["business_key"], "risk_write_off_review", "risk_officer2", REVIEW, expect=422)
    assert "documents" in refused.get_json()["error"]["details"]
    attach(api, loan["business_key"], user="risk_officer2")
    act(api, loan["business_key"], "risk_write_off_review", "risk_officer2", REVIEW)
