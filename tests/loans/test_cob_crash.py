"""kill -9 of a close of business half way: what it committed is whole, and a rerun finishes the
date exactly as an uninterrupted run would have."""
import time
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from app import clock
from app.close_of_business import run_cob
from app.extensions import db
from app.loans.models import CobRun, Installment, LedgerEntry, Loan
from bench.portfolio import build_portfolio

from .test_cob_nodes import flask_command


def expected_close(loan, installments, on):
    """(dpd, penalty for the day) computed from the installments, independently of the COB code."""
    unpaid = [i for i in installments if i.due_date < on and i.paid_principal + i.paid_interest < i.principal + i.interest]
    if not unpaid:
        return 0, Decimal("0.00")
    owed = sum(i.principal + i.interest - i.paid_principal - i.paid_interest for i in unpaid)
    penalty = (owed * loan.annual_rate * Decimal("1.5") / 360).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return (on - min(i.due_date for i in unpaid)).days, penalty


def book_state(ids, on):
    """Per loan: (closed for `on`?, dpd, accrued penalty, penalty postings dated `on`)."""
    state = {}
    for loan in db.session.execute(db.select(Loan).where(Loan.id.in_(ids))).scalars():
        postings = db.session.execute(db.select(LedgerEntry.amount).where(
            LedgerEntry.loan_id == loan.id, LedgerEntry.entry_type == "penalty", LedgerEntry.posted_on == on)).scalars().all()
        state[loan.id] = (loan.last_cob_date == on, loan.dpd, loan.accrued_penalty, postings)
    return state


def test_a_close_killed_half_way_is_consistent_and_a_rerun_finishes_it(app, fresh_dates):
    with app.app_context():
        ids = build_portfolio(120, clock.business_date(), overdue_share=0.5, tag="KILL")
        on = clock.business_date() + timedelta(days=1)
        schedules = {i: db.session.execute(db.select(Installment).where(Installment.loan_id == i)).scalars().all()
                     for i in ids}
        loans = {loan.id: loan for loan in db.session.execute(db.select(Loan).where(Loan.id.in_(ids))).scalars()}
        expected = {i: expected_close(loans[i], schedules[i], on) for i in ids}
        db.session.rollback()

    node = flask_command(app, "cob", "run", "--date", on.isoformat(), env={"COB_CHUNK_SIZE": "2"})
    deadline = time.monotonic() + 60
    with app.app_context():
        while time.monotonic() < deadline:  # until the first chunk of this book is committed
            if db.session.execute(db.select(Loan.id).where(Loan.id.in_(ids), Loan.last_cob_date == on)).first():
                break
            db.session.rollback()
            time.sleep(0.01)
        node.kill()  # SIGKILL: no clean-up, no rollback of its own
        node.wait()
        db.session.rollback()

        assert db.session.get(CobRun, on).finished_at is None
        state = book_state(ids, on)
        closed = [i for i, (done, *_) in state.items() if done]
        assert 0 < len(closed) < len(ids), "the kill must land half way"
        for loan_id, (done, dpd, accrued, postings) in state.items():
            if done:  # a committed chunk: the day's numbers and its one posting, together
                assert (dpd, postings) == (expected[loan_id][0], [expected[loan_id][1]] if expected[loan_id][1] else [])
                assert accrued == expected[loan_id][1]
            else:  # not reached: nothing of the day
                assert (dpd, accrued, postings) == (0, Decimal("0.00"), [])

        run_cob(on)
        assert db.session.get(CobRun, on).finished_at is not None
        for loan_id, (done, dpd, accrued, postings) in book_state(ids, on).items():
            want_dpd, want_penalty = expected[loan_id]
            assert (done, dpd, accrued) == (True, want_dpd, want_penalty)
            assert postings == ([want_penalty] if want_penalty else [])
