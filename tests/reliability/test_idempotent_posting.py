"""Money moves once: a double-submitted payout check, a retried repayment and a double-confirmed
repayment each post one set of ledger entries, and the database itself refuses a second one."""
import threading
import time
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.loans.models import LedgerEntry, Loan, Repayment

from ..loans.helpers import new_loan, open_task
from .cases import books, case_at_payout_check
from .conftest import ERROR_KEYS, assert_one_winner


def test_a_double_submitted_payout_check_disburses_once(app, api, http):
    created, task = case_at_payout_check(api)
    complete = ("POST", f"/api/tasks/{task['id']}/complete", "finance_manager",
                {"data": {"decision": "approve", "comment": "核对无误"}})
    assert_one_winner(http.race([complete] * 3))
    assert books(app, created["id"]) == ("disbursed", 1, 1)


def repayment_rows(app, loan_id):
    with app.app_context():
        rows = db.session.execute(db.select(Repayment.id, Repayment.status).where(Repayment.loan_id == loan_id)).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def postings(app, repayment_id):
    """{reference: amount} of every ledger entry a repayment posted."""
    with app.app_context():
        rows = db.session.execute(db.select(LedgerEntry.reference, LedgerEntry.amount).where(
            LedgerEntry.reference.like(f"repayment:{repayment_id}:%"))).all()
        db.session.remove()
    assert len(rows) == len({reference for reference, _ in rows})
    return dict(rows)


@pytest.fixture()
def loan(api):
    return new_loan(api, "20000")


def test_a_retried_repayment_is_recorded_and_posted_once(app, api, http, loan):
    business_date = api.get("/api/business-date", "cashier").get_json()["business_date"]
    pay = ("POST", f"/api/loans/{loan['id']}/repayments", "cashier", {"amount": "500.00", "paid_on": business_date},
           {"Idempotency-Key": f"bank-ref-{loan['id']}"})

    # The client gave up waiting and sent the same payment again while the first was in flight.
    results = http.race([pay, pay])
    assert [status for status, _ in results] == [201, 201], results
    first = results[0][1]
    assert results[1][1]["id"] == first["id"]
    assert repayment_rows(app, loan["id"]) == [(first["id"], "pending")]
    checks = [t for t in open_task(api, loan["business_key"]) if t["task_spec_id"] == "confirm_repayment"]
    assert len(checks) == 1

    # Finance double-clicks the confirmation: one posting.
    confirm = ("POST", f"/api/tasks/{checks[0]['id']}/complete", "finance_manager", {"data": {"decision": "confirm"}})
    assert_one_winner(http.race([confirm, confirm]))
    posted = postings(app, first["id"])
    assert sum(posted.values()) == Decimal("500.00"), posted

    # A retry long after still answers with the first record, now posted, and moves nothing.
    status, again = http.call(*pay)
    assert (status, again["id"], again["status"]) == (201, first["id"], "posted")
    assert postings(app, first["id"]) == posted
    assert repayment_rows(app, loan["id"]) == [(first["id"], "posted")]

    status, reused = http.call(pay[0], pay[1], pay[2], {**pay[3], "amount": "501.00"}, pay[4])
    assert status == 409 and set(reused["error"]) == ERROR_KEYS, reused


def test_a_retry_arriving_while_the_first_request_is_uncommitted_returns_the_first(app, api, loan):
    """Deterministic form of the race above: the first request's row is written but not yet
    committed (its own connection) when the retry arrives; the retry waits, then answers with it."""
    key = f"in-flight-{loan['id']}"
    with app.app_context():
        engine, now, today = db.engine, clock.now(), clock.business_date()
    written, first = threading.Event(), {}

    def first_request():
        with engine.connect() as connection, connection.begin():
            first["id"] = connection.execute(db.insert(Repayment).values(
                loan_id=loan["id"], amount=Decimal("300.00"), paid_on=today, status="pending",
                entered_by="cashier", idempotency_key=key, created_at=now).returning(Repayment.id)).scalar_one()
            written.set()
            time.sleep(0.5)  # still working on its process when the retry comes in

    thread = threading.Thread(target=first_request)
    thread.start()
    assert written.wait(10)
    retry = api.post(f"/api/loans/{loan['id']}/repayments", "cashier", json={"amount": "300.00",
                     "paid_on": today.isoformat()}, headers={"Idempotency-Key": key})
    thread.join()
    assert retry.status_code == 201, retry.get_json()
    assert retry.get_json()["id"] == first["id"]
    assert repayment_rows(app, loan["id"]) == [(first["id"], "pending")]
    assert not [t for t in open_task(api, loan["business_key"]) if t["task_spec_id"] == "confirm_repayment"]


def refused(app, make_row):
    """True when the database itself rejects the row `make_row()` builds."""
    with app.app_context():
        db.session.add(make_row())
        try:
            db.session.flush()
        except IntegrityError:
            return True
        finally:
            db.session.rollback()
            db.session.remove()
    return False


def test_the_database_refuses_a_second_posting_of_one_event(app, api, loan):
    """The checks in code are backed by unique constraints, for the writer that skips them."""
    with app.app_context():
        original = db.session.get(Loan, loan["id"])
        number = original.application.number
        loan_columns = {c.key: getattr(original, c.key) for c in Loan.__table__.columns if c.key != "id"}
        now, today = clock.now(), clock.business_date()
        db.session.remove()
    paid_on = api.get("/api/business-date", "cashier").get_json()["business_date"]
    entered = api.post(f"/api/loans/{loan['id']}/repayments", "cashier", json={"amount": "10.00", "paid_on": paid_on},
                       headers={"Idempotency-Key": f"dup-{loan['id']}"})
    assert entered.status_code == 201, entered.get_json()

    def ledger_entry(reference):
        return lambda: LedgerEntry(loan_id=loan["id"], entry_type="disbursement", amount=Decimal("1.00"),
                                   posted_on=today, value_date=today, reference=reference, posted_by="x",
                                   created_at=now)

    def repayment(key):
        return lambda: Repayment(loan_id=loan["id"], amount=Decimal("10.00"), paid_on=today, status="pending",
                                 entered_by="cashier", idempotency_key=key, created_at=now)

    assert refused(app, ledger_entry(f"disbursement:{number}"))
    assert refused(app, lambda: Loan(**loan_columns))  # a second loan for the same application
    assert refused(app, repayment(f"dup-{loan['id']}"))
    # Controls: the same rows with a fresh reference, application or key are accepted (then rolled back).
    assert not refused(app, ledger_entry(f"disbursement:{number}-control"))
    assert not refused(app, repayment(f"dup-{loan['id']}-control"))
