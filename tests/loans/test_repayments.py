"""Repayments: the cashier enters, finance confirms in the inbox, the money is allocated exactly as of
its value date — penalty accrued to that date, then interest, then principal, oldest first."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from app import clock
from app.close_of_business import run_cob_through
from app.extensions import db
from app.loans import repayments
from app.loans.models import LedgerEntry, Loan, Repayment
from app.loans.sign_off import Decision, SignOffMissing

from .helpers import act, confirm, new_loan, open_task, pay

ZERO = Decimal("0.00")


def postings(app, loan_id, *types):
    with app.app_context():
        rows = db.session.execute(db.select(LedgerEntry).where(
            LedgerEntry.loan_id == loan_id, LedgerEntry.entry_type.in_(types)).order_by(LedgerEntry.id)).scalars().all()
        db.session.expunge_all()
        return rows


def total(entries):
    return sum((e.amount for e in entries), ZERO)


def overdue_loan(app, api, days_after_due, amount="50000", installment=0):
    """A loan closed of business `days_after_due` days after installment number `installment + 1` fell due."""
    loan = new_loan(api, amount)
    due = date.fromisoformat(loan["schedule"][installment]["due_date"])
    with app.app_context():
        run_cob_through(due + timedelta(days=days_after_due))
    return loan, due


def shown(api, loan):
    return api.get(f"/api/loans/{loan['id']}", "cashier").get_json()


def test_confirmed_payment_settles_the_first_installment(app, api, move_clock):
    loan = new_loan(api)
    first = loan["schedule"][0]
    move_clock(31)
    entered = pay(api, loan, first["total_due"], first["due_date"])
    assert entered.status_code == 201, entered.get_json()
    assert entered.get_json()["status"] == "pending"
    assert shown(api, loan)["outstanding_principal"] == loan["outstanding_principal"]  # nothing moves before the check

    confirm(api, loan)
    after = shown(api, loan)
    assert after["schedule"][0]["paid"] == first["total_due"]
    assert Decimal(after["outstanding_principal"]) == Decimal(loan["principal"]) - Decimal(first["principal"])
    paid = {e.entry_type: e.amount for e in postings(app, loan["id"], "repayment_interest", "repayment_principal")}
    assert paid == {"repayment_interest": Decimal(first["interest"]), "repayment_principal": Decimal(first["principal"])}


def test_penalty_then_interest_then_principal(app, api, fresh_dates):
    loan, _ = overdue_loan(app, api, 10)
    penalty = total(postings(app, loan["id"], "penalty"))
    assert penalty > 0
    with app.app_context():
        today = clock.business_date().isoformat()
    pay(api, loan, str(penalty + Decimal("50.00")), today)
    confirm(api, loan)
    after = shown(api, loan)
    assert after["accrued_penalty"] == "0.00"
    assert total(postings(app, loan["id"], "repayment_penalty")) == penalty
    with app.app_context():
        first = db.session.get(Loan, loan["id"]).schedule[0]
        assert (first.paid_interest, first.paid_principal) == (Decimal("50.00"), ZERO)


def test_two_installments_due_are_paid_oldest_first(app, api, fresh_dates):
    loan, _ = overdue_loan(app, api, 2, installment=1)
    first, second = loan["schedule"][0], loan["schedule"][1]
    penalty = shown(api, loan)["accrued_penalty"]
    with app.app_context():
        today = clock.business_date().isoformat()
    amount = Decimal(penalty) + Decimal(first["total_due"]) + Decimal(second["interest"]) + Decimal("1.00")
    pay(api, loan, str(amount), today)
    confirm(api, loan)
    with app.app_context():
        rows = db.session.get(Loan, loan["id"]).schedule
        assert (rows[0].paid_interest, rows[0].paid_principal) == (Decimal(first["interest"]), Decimal(first["principal"]))
        assert (rows[1].paid_interest, rows[1].paid_principal) == (Decimal(second["interest"]), Decimal("1.00"))


def test_a_back_dated_payment_takes_only_the_penalty_accrued_by_its_value_date(app, api, fresh_dates):
    loan, due = overdue_loan(app, api, 20)
    value_date = due + timedelta(days=5)
    penalties = postings(app, loan["id"], "penalty")
    by_then = total(e for e in penalties if e.value_date <= value_date)
    later = total(e for e in penalties if e.value_date > value_date)
    assert by_then > 0 and later > 0
    owed = Decimal(loan["schedule"][0]["total_due"]) + by_then
    pay(api, loan, str(owed), value_date.isoformat())
    confirm(api, loan)
    assert total(postings(app, loan["id"], "repayment_penalty")) == by_then
    # Paid on day five: the penalty charged since on what it cleared goes back, and nothing is overdue now.
    assert total(postings(app, loan["id"], "penalty_reversal")) == later
    after = shown(api, loan)
    assert (after["accrued_penalty"], after["dpd"], after["overdue_amount"]) == ("0.00", 0, "0.00")


def test_a_back_dated_payment_pays_interest_of_an_installment_that_fell_due_since(app, api, fresh_dates):
    loan, due = overdue_loan(app, api, 3, installment=1)
    first, second = loan["schedule"][0], loan["schedule"][1]
    value_date = date.fromisoformat(first["due_date"]) + timedelta(days=1)
    penalty_by_then = total(e for e in postings(app, loan["id"], "penalty") if e.value_date <= value_date)
    pay(api, loan, str(penalty_by_then + Decimal(first["total_due"]) + Decimal(second["total_due"])),
        value_date.isoformat())
    confirm(api, loan)
    after = shown(api, loan)
    assert [row["paid"] for row in after["schedule"][:2]] == [first["total_due"], second["total_due"]]
    assert postings(app, loan["id"], "prepayment") == []
    assert (after["dpd"], after["overdue_amount"]) == (0, "0.00")


def test_paying_what_is_overdue_clears_the_overdue_figures_at_once(app, api, fresh_dates):
    loan, _ = overdue_loan(app, api, 40)
    before = shown(api, loan)
    assert before["dpd"] == 40
    with app.app_context():
        today = clock.business_date().isoformat()
    pay(api, loan, str(Decimal(before["overdue_amount"]) + Decimal(before["accrued_penalty"])), today)
    confirm(api, loan)
    after = shown(api, loan)
    assert (after["dpd"], after["overdue_amount"], after["accrued_penalty"]) == (0, "0.00", "0.00")


def test_early_full_repayment_closes_the_loan_and_records_the_overpayment(app, api, move_clock):
    loan = new_loan(api, "20000")
    move_clock(31)
    first = loan["schedule"][0]
    payoff = Decimal(loan["principal"]) + Decimal(first["interest"])
    refused = pay(api, loan, str(payoff + Decimal("5.00")), first["due_date"])
    assert refused.status_code == 422 and "amount" in refused.get_json()["error"]["details"]
    entered = api.post(f"/api/loans/{loan['id']}/repayments", "cashier", json={
        "amount": str(payoff + Decimal("5.00")), "paid_on": first["due_date"], "overpayment_reason": "客户多转5元，待退"})
    assert entered.status_code == 201, entered.get_json()
    confirm(api, loan)
    closed = shown(api, loan)
    assert closed["status"] == "closed" and closed["outstanding_principal"] == "0.00"
    # Interest not yet due is not owed: the schedule ends with the installment that was due.
    assert [row["due_date"] for row in closed["schedule"]] == [first["due_date"]]
    assert len(closed["schedule_versions"][-1]["installments"]) == 12
    assert [e.amount for e in postings(app, loan["id"], "overpayment")] == [Decimal("5.00")]
    assert pay(api, loan, "1.00", first["due_date"]).status_code == 422  # a closed loan takes no more


def test_a_repayment_beyond_what_can_be_owed_needs_a_reason(app, api):
    loan = new_loan(api, "100000")
    with app.app_context():
        today = clock.business_date().isoformat()
    absurd = pay(api, loan, "1000000000000", today)
    assert absurd.status_code == 422
    assert "owed" in absurd.get_json()["error"]["details"]["amount"][0]
    assert [t for t in open_task(api, loan["business_key"]) if t["task_spec_id"] == "confirm_repayment"] == []


def test_rejected_entry_moves_no_money(api, move_clock):
    loan = new_loan(api)
    move_clock(31)
    pay(api, loan, "500.00", loan["schedule"][0]["due_date"])
    confirm(api, loan, decision="reject")
    assert shown(api, loan)["schedule"][0]["paid"] == "0.00"


def test_retried_request_with_the_same_key_returns_the_first_record_whole(api, move_clock):
    loan = new_loan(api)
    move_clock(31)
    headers = {"Idempotency-Key": f"pay-{loan['id']}-1"}
    first = pay(api, loan, "300.00", loan["schedule"][0]["due_date"], **headers).get_json()
    second = pay(api, loan, "300.00", loan["schedule"][0]["due_date"], **headers).get_json()
    assert second == first and first["process_instance_id"] is not None
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


def test_the_domain_itself_refuses_a_confirmation_by_the_cashier_who_entered_it(app, api, move_clock,
                                                                               cashier_who_checks):
    """Whatever the inbox lets through, posting checks maker-checker on its own."""
    loan = new_loan(api)
    move_clock(31)
    entered = pay(api, loan, "300.00", loan["schedule"][0]["due_date"], user=cashier_who_checks).get_json()
    own = [Decision(cashier_who_checks, frozenset({"finance_manager"}), "confirm")]
    other = [Decision("finance_manager", frozenset({"finance_manager"}), "reject")]
    with app.app_context():
        for decisions in (own, other, []):
            with pytest.raises(SignOffMissing):
                repayments.post_repayment(entered["id"], entered["process_instance_id"], decisions,
                                          clock.business_date())
            db.session.rollback()
        assert db.session.get(Repayment, entered["id"]).status == "pending"


@pytest.mark.parametrize("body, field", [
    ({"amount": "-1", "paid_on": "2026-01-01"}, "amount"),
    ({"amount": "100", "paid_on": "2999-01-01"}, "paid_on"),
    ({"amount": "100", "paid_on": "2026-02-30"}, "paid_on"),
    ({"amount": "１００", "paid_on": "2026-12-01"}, "amount"),
    ({"amount": " 100 ", "paid_on": "2026-12-01"}, "amount"),
    ({"amount": "100\n", "paid_on": "2026-12-01"}, "amount"),
    ({"amount": "1_000", "paid_on": "2026-12-01"}, "amount"),
    ({"amount": "100.100", "paid_on": "2026-12-01"}, "amount"),
    ({"amount": "100", "paid_on": "2026-12-01", "prepayment_choice": "skip_a_month"}, "prepayment_choice"),
])
def test_bad_repayments_are_refused(api, body, field):
    loan = new_loan(api)
    response = api.post(f"/api/loans/{loan['id']}/repayments", "cashier", json=body)
    assert response.status_code == 422 and field in response.get_json()["error"]["details"], response.get_json()
    assert api.post(f"/api/loans/{loan['id']}/repayments", "loan_officer", json=body).status_code == 403


def test_a_payment_dated_before_one_already_posted_is_refused_at_the_check(app, api, fresh_dates):
    loan, due = overdue_loan(app, api, 10)
    earlier, later = (due + timedelta(days=2)).isoformat(), (due + timedelta(days=6)).isoformat()
    first = pay(api, loan, "10.00", earlier).get_json()
    second = pay(api, loan, "10.00", later).get_json()
    checks = {t["instance_id"]: t for t in open_task(api, loan["business_key"])
              if t["task_spec_id"] == "confirm_repayment"}
    for entered, expect in ((second, 200), (first, 422)):
        task = checks[entered["process_instance_id"]]
        api.post(f"/api/tasks/{task['id']}/claim", "finance_manager")
        answer = api.post(f"/api/tasks/{task['id']}/complete", "finance_manager", json={"data": {"decision": "confirm"}})
        assert answer.status_code == expect, answer.get_json()
    assert "paid_on" in answer.get_json()["error"]["details"]
    with app.app_context():
        assert db.session.get(Repayment, first["id"]).status == "pending"
    assert pay(api, loan, "10.00", earlier).status_code == 422  # and a new entry says so at once
