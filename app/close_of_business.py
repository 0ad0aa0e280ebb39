"""Close of business (`flask --app wsgi cob run`): brings the books to a business date.

Loans with something overdue are closed in chunks, each its own transaction, then the interest
falling due is accrued and every other loan closed in one statement, so a run that is killed
half way is finished by running the date again. Loans are raised to their classification floor
the same night, and a review opens to confirm it. Then reminders go out, collection cases and
inspections open where the DMN tables say so, due BPMN timers fire and overdue tasks escalate,
on the new business date. Dates are closed one after another: a close to a date further ahead
closes every date in between. One node at a time runs it: the run holds a database lock that
it renews as it goes.
"""
import logging
from datetime import date, timedelta

from flask import current_app

from . import clock
from .audit import record_event
from .audit.service import log_head
from .errors import AppError, ValidationFailed
from .extensions import db
from .inbox.service import latest_case_starts, open_case_keys, start_system_process
from .inbox.supervision import escalate_overdue_tasks
from .inbox.timers import fire_due_timers
from .loan_rules import floor_for, provision_rate_for
from .loans.classification import SEVERITY, is_worse, raise_to_floors
from .loans.collection import overdue_episode_start
from .loans.daily_close import (
    close_current_loans,
    close_overdue_loans,
    post_interest_falling_due,
)
from .loans.inspection import inspection_candidates
from .loans.lookup import delinquent_loans, get_loan, loan_facts
from .loans.models import ClassificationChange, CobRun, Loan
from .loans.reminders import send_due_reminders
from .locks import exclusive
from .transaction import transactional
from .workflow.decisions import decision

log = logging.getLogger(__name__)
COB_LOCK = "close_of_business"
TIMERS_WAIT_SECONDS = 120  # the timer job of another node may be firing; the close waits for it
CLASSIFICATION_PROCESS = "classification_review"
COLLECTION_PROCESS = "collection_escalation"
INSPECTION_PROCESS = "post_loan_inspection"


@transactional
def _begin(on: date):
    current = clock.business_date()
    run = db.session.get(CobRun, on)
    if run is None and on < current:
        raise ValidationFailed("the business date is already later", {"date": [f"business date is {current}"]})
    if run is None:
        run = CobRun(business_date=on, started_at=clock.now(), loans_closed=0)
        db.session.add(run)
    clock.set_business_date(max(on, current))
    return run.finished_at is not None


@transactional
def _close_overdue_chunk(on: date):
    closed = close_overdue_loans(on, current_app.config["COB_CHUNK_SIZE"])
    db.session.get(CobRun, on).loans_closed += closed
    return closed


@transactional
def _close_current_loans(on: date):
    post_interest_falling_due(on)
    db.session.get(CobRun, on).loans_closed += close_current_loans(on)


@transactional
def _send_due_reminders(on: date):
    wants = decision("repayment_reminder")
    return send_due_reminders(on, current_app.config["REMINDER_HORIZON_DAYS"], lambda days, product: bool(
        wants({"installment": {"days_to_due": days, "product_code": product}}).get("remind")))


@transactional
def _finish(on: date):
    run = db.session.get(CobRun, on)
    run.finished_at = clock.now()
    record_event("cob_finished", "cob", subject=f"cob:{on.isoformat()}", after={"loans": run.loans_closed})
    return run



def _open_cases(process_key, wanted):
    """Start `process_key` for each (loan id, business key, reason) that has no open case yet.

    Each start is its own transaction; one loan whose case cannot start is logged and skipped,
    so it cannot hold up the close of every other loan.
    """
    busy = open_case_keys(process_key)
    for loan_id, business_key, reason in wanted:
        if business_key in busy:
            continue
        try:
            start_system_process(process_key, {"loan_id": loan_id, "loan": loan_facts(get_loan(loan_id))},
                                 business_key, reason=reason)
        except AppError as err:
            log.error("%s not opened for %s: %s", process_key, business_key, err.message)


@transactional
def _raise_to_floors(on: date):
    below = [loan.id for loan in delinquent_loans()
             if (floor := floor_for(loan.dpd)) in SEVERITY and is_worse(floor, loan.classification)]
    return raise_to_floors(below, floor_for, provision_rate_for, on) if below else []


def _floors_to_confirm():
    """Loans whose class the floor set last: each gets a review that confirms it or goes further."""
    latest = db.select(ClassificationChange.loan_id, db.func.max(ClassificationChange.id).label("id")) \
        .group_by(ClassificationChange.loan_id).subquery()
    rows = db.session.execute(db.select(Loan.id, Loan.business_key, Loan.dpd, ClassificationChange.classification)
                              .join(latest, latest.c.loan_id == Loan.id)
                              .join(ClassificationChange, ClassificationChange.id == latest.c.id)
                              .where(Loan.status == "active", ClassificationChange.source == "floor")
                              .order_by(Loan.id)).all()
    for loan_id, business_key, dpd, classification in rows:
        yield loan_id, business_key, f"{dpd} days past due: raised to {classification}"


def _new_overdue_episodes():
    last_opened, today = latest_case_starts(COLLECTION_PROCESS), clock.business_date()
    for loan in delinquent_loans():
        opened = last_opened.get(loan.business_key)
        if not opened or clock.day_of(opened) < overdue_episode_start(loan.dpd, today):
            yield loan.id, loan.business_key, f"{loan.dpd} days past due"


def _inspections_due():
    is_due = decision("inspection_schedule")
    for loan_id, business_key, facts in inspection_candidates(clock.business_date()):
        if is_due({"loan": facts}).get("inspection_due"):
            yield loan_id, business_key, "post-loan inspection due"


def apply_classification_floors(on: date):
    """Raise loans to their floor, then open a review of each class the floor set."""
    _raise_to_floors(on)
    _open_cases(CLASSIFICATION_PROCESS, _floors_to_confirm())


def open_collection_cases():
    """One collection case per overdue episode of a loan."""
    _open_cases(COLLECTION_PROCESS, _new_overdue_episodes())


def open_inspections():
    """Each post-loan inspection the schedule table says is due."""
    _open_cases(INSPECTION_PROCESS, _inspections_due())


def _close_date(on: date, lease):
    if _begin(on):
        return db.session.get(CobRun, on), False
    while _close_overdue_chunk(on):
        lease.renew()
    _close_current_loans(on)
    _send_due_reminders(on)
    apply_classification_floors(on)
    lease.renew()
    for step in (open_collection_cases, open_inspections):
        step()
        lease.renew()
    fire_due_timers(wait=TIMERS_WAIT_SECONDS)
    escalate_overdue_tasks()
    run = _finish(on)
    log_head(on.isoformat())  # after the close commits: against a rewrite of the database
    return run, True


def close_dates_to(on: date | None = None):
    """Close business date `on` (default: the day after the current one) and return the runs.
    A finished date is a no-op; a date further ahead than the next closes every date in
    between first, so no day's penalty, accrual or due date is skipped."""
    next_date = clock.business_date() + timedelta(days=1)
    if on is not None and on > next_date:
        return run_cob_through(on)
    with exclusive(COB_LOCK) as lease:
        return [_close_date(on or next_date, lease)]


def run_cob(on: date | None = None):
    """`close_dates_to`, answering the last date's (run, whether it ran now)."""
    return close_dates_to(on)[-1]


def run_cob_through(last: date, first: date | None = None):
    """Close every date from `first` (default: the day after the current one) through `last`."""
    runs = []
    with exclusive(COB_LOCK) as lease:
        day = first or clock.business_date() + timedelta(days=1)
        while day <= last:
            runs.append(_close_date(day, lease))
            day += timedelta(days=1)
    return runs


def catch_up_with_calendar():
    """The nightly job: close every date up to today's local date; nothing when already there."""
    today = clock.local_today()
    return run_cob_through(today) if clock.business_date() < today else []
