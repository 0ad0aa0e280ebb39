"""Close of business: days past due and penalty grow day by day; a date runs once; a cut-off run resumes."""
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from app import clock
from app import close_of_business as cob_module
from app.close_of_business import run_cob, run_cob_through
from app.extensions import db
from app.loans.models import CobRun, LedgerEntry, Loan
from app.workflow.models import ProcessInstance
from app.workflow.runtime import ProcessError

from .helpers import confirm, new_loan, pay


def loan_state(app, loan_id):
    with app.app_context():
        loan = db.session.get(Loan, loan_id)
        entries = db.session.execute(db.select(db.func.count(LedgerEntry.id)).where(LedgerEntry.loan_id == loan_id)).scalar_one()
        return loan.dpd, loan.accrued_penalty, loan.last_cob_date, entries


def test_dpd_and_penalty_grow_then_repayment_ends_them(app, api, fresh_dates):
    loan = new_loan(api)
    first = loan["schedule"][0]
    due = date.fromisoformat(first["due_date"])
    with app.app_context():
        run_cob_through(due + timedelta(days=10))
    dpd, penalty, closed_on, _ = loan_state(app, loan["id"])
    daily = (Decimal(first["total_due"]) * Decimal("0.065") * Decimal("1.5") / 360).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert (dpd, closed_on) == (10, due + timedelta(days=10))
    assert penalty == daily * 10
    shown = api.get(f"/api/loans/{loan['id']}", "loan_officer").get_json()
    assert shown["dpd"] == 10 and shown["overdue_amount"] == first["total_due"]

    pay(api, loan, str(Decimal(first["total_due"]) + penalty), (due + timedelta(days=10)).isoformat())
    confirm(api, loan)
    with app.app_context():
        run_cob(due + timedelta(days=11))
    assert loan_state(app, loan["id"])[:2] == (0, Decimal("0.00"))


def test_a_date_closed_twice_changes_nothing(app, api, fresh_dates):
    loan = new_loan(api)
    target = date.fromisoformat(loan["schedule"][0]["due_date"]) + timedelta(days=3)
    with app.app_context():
        run_cob_through(target)
    before = loan_state(app, loan["id"])
    result = app.test_cli_runner().invoke(args=["cob", "run", "--date", target.isoformat()])
    assert result.exit_code == 0 and "already closed" in result.output
    assert loan_state(app, loan["id"]) == before
    earlier = app.test_cli_runner().invoke(args=["cob", "run", "--date", "2000-01-01"])
    assert earlier.exit_code == 1 and "already later" in earlier.output


def test_a_close_to_a_date_far_ahead_closes_every_date_in_between(app, api, fresh_dates):
    loan = new_loan(api)
    start = date.fromisoformat(loan["disbursed_on"])
    target = date.fromisoformat(loan["schedule"][3]["due_date"]) + timedelta(days=5)
    result = app.test_cli_runner().invoke(args=["cob", "run", "--date", target.isoformat()])
    assert result.exit_code == 0, result.output
    assert len(result.output.strip().splitlines()) == (target - start).days
    with app.app_context():
        closed = set(db.session.execute(db.select(CobRun.business_date).where(
            CobRun.business_date > start, CobRun.business_date <= target, CobRun.finished_at.is_not(None))).scalars())
        postings = db.session.execute(db.select(LedgerEntry.entry_type, LedgerEntry.value_date).where(
            LedgerEntry.loan_id == loan["id"])).all()
    assert closed == {start + timedelta(days=n) for n in range(1, (target - start).days + 1)}
    first_due = date.fromisoformat(loan["schedule"][0]["due_date"])
    assert sorted(d for t, d in postings if t == "penalty") == [
        first_due + timedelta(days=n) for n in range(1, (target - first_due).days + 1)]
    assert sorted(d for t, d in postings if t == "interest_accrual") == [
        date.fromisoformat(row["due_date"]) for row in loan["schedule"][:4]]
    assert api.get(f"/api/loans/{loan['id']}", "risk_officer").get_json()["dpd"] == (target - first_due).days


def test_a_run_cut_off_half_way_finishes_when_run_again(app, api, fresh_dates, monkeypatch):
    loans = [new_loan(api) for _ in range(3)]
    target = max(date.fromisoformat(l["schedule"][0]["due_date"]) for l in loans) + timedelta(days=2)
    with app.app_context():
        run_cob_through(target - timedelta(days=1))
        monkeypatch.setitem(app.config, "COB_CHUNK_SIZE", 1)
        real_close = cob_module._close_overdue_chunk
        calls = {"n": 0}

        def dying_close(on):
            calls["n"] += 1
            if calls["n"] == 2:
                raise KeyboardInterrupt("killed")  # the process dies after the first chunk committed
            return real_close(on)
        monkeypatch.setattr(cob_module, "_close_overdue_chunk", dying_close)
        with pytest.raises(KeyboardInterrupt):
            run_cob(target)
        assert db.session.get(CobRun, target).finished_at is None
        monkeypatch.setattr(cob_module, "_close_overdue_chunk", real_close)
        run_cob(target)
        assert db.session.get(CobRun, target).finished_at is not None
        assert clock.business_date() == target
        for loan in loans:
            refs = db.session.execute(db.select(LedgerEntry.reference).where(
                LedgerEntry.loan_id == loan["id"], LedgerEntry.entry_type == "penalty",
                LedgerEntry.posted_on == target)).scalars().all()
            assert refs == [f"penalty:{loan['id']}:{target.isoformat()}"]
            assert db.session.get(Loan, loan["id"]).last_cob_date == target


def test_interest_is_accrued_when_an_installment_falls_due(app, api, fresh_dates):
    loan = new_loan(api)
    first, second = loan["schedule"][:2]
    with app.app_context():
        run_cob_through(date.fromisoformat(second["due_date"]))
        cob_module._close_current_loans(date.fromisoformat(first["due_date"]))  # as a resumed run would: nothing twice
        accruals = db.session.execute(db.select(LedgerEntry.posted_on, LedgerEntry.amount).where(
            LedgerEntry.loan_id == loan["id"], LedgerEntry.entry_type == "interest_accrual")
            .order_by(LedgerEntry.id)).all()
    assert accruals == [(date.fromisoformat(row["due_date"]), Decimal(row["interest"])) for row in (first, second)]


def test_a_case_that_cannot_start_does_not_hold_up_the_close(app, api, fresh_dates, monkeypatch):
    broken, fine = new_loan(api), new_loan(api)
    start = cob_module.start_system_process

    def start_except_broken(process_key, data, business_key, reason):
        if business_key == broken["business_key"]:
            raise ProcessError("the process stopped at read_loan: a bad row")
        return start(process_key, data, business_key, reason=reason)
    monkeypatch.setattr(cob_module, "start_system_process", start_except_broken)
    day = date.fromisoformat(fine["schedule"][0]["due_date"]) + timedelta(days=1)
    with app.app_context():
        run, ran = run_cob_through(day)[-1]
        assert ran and run.finished_at is not None
        opened = set(db.session.execute(db.select(ProcessInstance.business_key).where(
            ProcessInstance.process_key == "collection_escalation")).scalars())
    assert fine["business_key"] in opened and broken["business_key"] not in opened
