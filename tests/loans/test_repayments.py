"""Repayments: the cashier enters, finance confirms in the inbox, the money is allocated exactly."""
from decimal import Decimal

import pytest

from app.extensions import db
from app.loans.models import LedgerEntry, Loan

from .helpers import act, confirm, new_loan, open_task, pay


def test_confirmed_payment_settles_the_first_installment(app, api, move_clock):
    loan = new_loan(api)
    first = loan["schedule"][0]
    move_clock(31)
    entered = pay(api, loan, first["total_due"], first["due_date"])
    assert entered.status_code == 201, entered.get_json()
    assert entered.get_json()["status"] == "pending"
    unchanged = api.get(f"/api/loans/{loan['id']}", "cashier").get_json()
    assert unchanged["outstanding_principal"] == loan["outstanding_principal"]  # nothing moves before the check

    confirm(api, loan)
    after = api.get(f"/api/loans/{loan['id']}", "cashier").get_json()
    assert after["schedule"][0]["paid"] == first["total_due"]
    assert Decimal(after["outstanding_principal"]) == Decimal(loan["principal"]) - Decimal(first["principal"])
    with app.app_context():
        postings = {e.entry_type: e.amount for e in db.session.execute(db.select(LedgerEntry).where(
            LedgerEntry.loan_id == loan["id"], LedgerEntry.entry_type.like("repayment%"))).scalars()}
    assert postings == {"repayment_interest": Decimal(first["interest"]), "repayment_principal": Decimal(first["principal"])}


def test_penalty_then_interest_then_principal(app, api, move_clock):
    loan = new_loan(api)
    with app.app_context():
        db.session.get(Loan, loan["id"]).accrued_penalty = Decimal("10.00")
        db.session.commit()
    move_clock(31)
    pay(api, loan, "100.00", loan["schedule"][0]["due_date"])
    confirm(api, loan)
    with app.app_context():
        refreshed = db.session.get(Loan, loan["id"])
        assert refreshed.accrued_penalty == Decimal("0.00")
        assert refreshed.schedule[0].paid_interest == Decimal("90.00")
        assert refreshed.schedule[0].paid_principal == Decimal("0.00")


def test_early_full_repayment_closes_the_loan_and_records_overpayment(app, api, move_clock):
    loan = new_loan(api, "20000")
    move_clock(31)
    first = loan["schedule"][0]
    payoff = Decimal(loan["principal"]) + Decimal(first["interest"])
    pay(api, loan, str(payoff + Decimal("5.00")), first["due_date"])
    confirm(api, loan)
    closed = api.get(f"/api/loans/{loan['id']}", "cashier").get_json()
    assert closed["status"] == "closed" and closed["outstanding_principal"] == "0.00"
    assert sum(Decimal(r["interest"]) for r in closed["schedule"][1:]) == Decimal("0.00")  # waived
    with app.app_context():
        overpaid = db.session.execute(db.select(LedgerEntry).where(
            LedgerEntry.loan_id == loan["id"], LedgerEntry.entry_type == "overpayment")).scalar_one()
        assert overpaid.amount == Decimal("5.00")
    assert pay(api, loan, "1.00", first["due_date"]).status_code == 422  # a closed loan takes no more


def test_rejected_entry_moves_no_money(api, move_clock):
    loan = new_loan(api)
    move_clock(31)
    pay(api, loan, "500.00", loan["schedule"][0]["due_date"])
    confirm(api, loan, decision="reject")
    assert api.get(f"/api/loans/{loan['id']}", "cashier").get_json()["schedule"][0]["paid"] == "0.00"


def test_retried_request_with_the_same_key_records_one_payment(api, move_clock):
    loan = new_loan(api)
    move_clock(31)
    headers = {"Idempotency-Key": f"pay-{loan['id']}-1"}
    first = pay(api, loan, "300.00", loan["schedule"][0]["due_date"], **headers).get_json()
    second = pay(api, loan, "300.00", loan["schedule"][0]["due_date"], **headers).get_json()
    assert first["id"] == second["id"]
    checks = [t for t in open_task(api, loan["business_key"]) if t["task_spec_id"] == "confirm_repayment"]
    assert len(checks) == 1


@pytest.fixture(scope="module")
def cashier_who_checks(make_user):
    return make_user("till_and_books", ["cashier", "finance_manager"])


def test_the_cashier_cannot_confirm_their_own_entry(api, move_clock, cashier_who_checks):
    loan = new_loan(api)
    move_clock(31)
    pay(api, loan, "300.00", loan["schedule"][0]["due_date"], user=cashier_who_checks)
    refused = act(api, loan["business_key"], "confirm_repayment", cashier_who_checks, {"decision": "confirm"}, expect=403)
    assert refused.get_json()["error"]["code"] == "four_eyes"


@pytest.mark.parametrize("body, field", [
    ({"amount": "-1", "paid_on": "2026-01-01"}, "amount"),
    ({"amount": "100", "paid_on": "2999-01-01"}, "paid_on"),
    ({"amount": "100", "paid_on": "2026-02-30"}, "paid_on"),
])
def test_bad_repayments_are_refused(api, body, field):
    loan = new_loan(api)
    response = api.post(f"/api/loans/{loan['id']}/repayments", "cashier", json=body)
    assert response.status_code == 422 and field in response.get_json()["error"]["details"]
    assert api.post(f"/api/loans/{loan['id']}/repayments", "loan_officer", json=body).status_code == 403
