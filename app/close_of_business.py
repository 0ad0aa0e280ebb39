"""Close of business (`flask --app wsgi cob run`): brings the books to a business date.

Loans with something overdue are closed in chunks, each its own transaction, then the interest
falling due is accrued and every other loan closed in one statement, so a run that is killed
half way is finished by running the date again. Loans are raised to their classification floor
the same night, and a review opens to confirm it. Then reminders go out, collection cases and
inspections open where the DMN tables say so, due BPMN timers fire and overdue tasks escalate,
on the new business date. Dates are closed one after another: a close to a date further ahead
closes every date in between. One node at a time runs it: the run holds a database lock that
it renews as it goes.

One bad loan never holds up the book: a loan whose close fails, or whose case cannot open,
becomes an incident (app/workflow/incidents.py) and is passed over until someone retries it;
every other loan closes and the date moves on. A retry closes the loan for every date it missed.
"""
import logging
from datetime import date, timedelta

from flask import current_app

from . import clock
from .audit import record_event
from .audit.service import log_head
from .errors import Conflict, NotFound, ValidationFailed
from .extensions import db
from .inbox.service import latest_case_starts, launch_system_process, open_case_keys, start_system_process
from .inbox.supervision import escalate_overdue_tasks
from .inbox.timers import fire_due_timers
from .loan_rules import floor_for, provision_rate_for
from .loans.classification import SEVERITY, is_worse, raise_to_floors
from .loans.collection import overdue_episode_start
from .loans.daily_close import (
    close_current_loans,
    close_loan,
    close_overdue_loans,
    overdue_loan_ids,
    post_interest_falling_due,
)
from .loans.inspection import inspection_candidates
from .loans.lookup import delinquent_loans, get_loan, loan_facts
from .loans.models import ClassificationChange, CobRun, Loan
from .loans.reminders import send_due_reminders
from .locks import exclusive
from .transaction import transactional
from .workflow.decisions import decision
from .workflow.incidents import TRANSIENT, Site, held_business_keys, run_isolated

log = logging.getLogger(__name__)
COB_LOCK = "close_of_business"
TIMERS_WAIT_SECONDS = 120  # the timer job of another node may be firing; the close waits for it
CLASSIFICATION_PROCESS = "classification_review"
COLLECTION_PROCESS = "collection_escalation"
INSPECTION_PROCESS = "post_loan_inspection"
# Incident kinds: a loan's close for a date failed; a case the close opens for a loan did not start.
CLOSE_OF_BUSINESS = "close_of_business"
CASE_START = "case_start"


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
def _close_overdue_chunk(on: date, only=None):
    closed = close_overdue_loans(on, current_app.config["COB_CHUNK_SIZE"], held_business_keys(CLOSE_OF_BUSINESS),
                                 only)
    db.session.get(CobRun, on).loans_closed += closed
    return closed


def _close_one_by_one(on: date):
    """The next chunk's loans, each in a transaction of its own: the one at fault becomes an incident."""
    ids = overdue_loan_ids(on, current_app.config["COB_CHUNK_SIZE"], held_business_keys(CLOSE_OF_BUSINESS))
    chunk = db.session.execute(db.select(Loan.id, Loan.business_key).where(Loan.id.in_(ids))).all()
    for loan_id, business_key in chunk:
        run_isolated(Site(CLOSE_OF_BUSINESS, "daily_close", business_key=business_key), _close_overdue_chunk, on,
                     [loan_id])
    return len(chunk)


def _close_overdue(on: date, lease):
    """Loans with something overdue, a chunk per transaction; a chunk that fails is closed again
    loan by loan, so only the loan at fault is held back."""
    while True:
        try:
            closed = _close_overdue_chunk(on)
        except TRANSIENT:
            raise
        except Exception:  # noqa: BLE001 - one loan of the chunk, most likely: find it
            log.warning("a chunk of the close of %s failed; closing its loans one by one", on, exc_info=True)
            closed = _close_one_by_one(on)
        if not closed:
            return
        lease.renew()


@transactional
def _close_current_loans(on: date):
    post_interest_falling_due(on)
    db.session.get(CobRun, on).loans_closed += close_current_loans(on, held_business_keys(CLOSE_OF_BUSINESS))


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


def _case_data(loan_id):
    return {"loan_id": loan_id, "loan": loan_facts(get_loan(loan_id))}


def _start_case(process_key, loan_id, business_key, reason):
    start_system_process(process_key, _case_data(loan_id), business_key, reason=reason)


def _open_cases(process_key):
    """Start `process_key` for each loan its finder names that has no open case yet.

    Each start is its own transaction. A loan whose case cannot start becomes an incident, and
    later closes pass it over until the incident is retried, so it holds up no other loan.
    """
    passed_over = open_case_keys(process_key) | held_business_keys(CASE_START, process_key)
    for loan_id, business_key, reason in CASE_FINDERS[process_key]():
        if business_key in passed_over:
            continue
        try:
            run_isolated(Site(CASE_START, "start", process_key=process_key, business_key=business_key),
                         _start_case, process_key, loan_id, business_key, reason)
        except Conflict as err:  # changed meanwhile: the next close tries again
            log.warning("%s not opened for %s now: %s", process_key, business_key, err.message)


def _below_floor(loans):
    return [loan.id for loan in loans
            if (floor := floor_for(loan.dpd)) in SEVERITY and is_worse(floor, loan.classification)]


@transactional
def _raise_to_floors(on: date):
    below = _below_floor(delinquent_loans())
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


# What each case the close opens is opened for: (loan id, business key, reason).
CASE_FINDERS = {CLASSIFICATION_PROCESS: _floors_to_confirm, COLLECTION_PROCESS: _new_overdue_episodes,
                INSPECTION_PROCESS: _inspections_due}


def apply_classification_floors(on: date):
    """Raise loans to their floor, then open a review of each class the floor set."""
    _raise_to_floors(on)
    _open_cases(CLASSIFICATION_PROCESS)


def open_collection_cases():
    """One collection case per overdue episode of a loan."""
    _open_cases(COLLECTION_PROCESS)


def open_inspections():
    """Each post-loan inspection the schedule table says is due."""
    _open_cases(INSPECTION_PROCESS)


def close_held_loan(business_key):
    """Retrying a loan's close (inside the caller's transaction): every date it missed through the
    business date, one after another so that no day's penalty is skipped, then its class floor."""
    loan = db.session.execute(db.select(Loan).where(Loan.business_key == business_key)).scalar_one_or_none()
    if loan is None:
        raise NotFound(f"no loan {business_key}")
    today = clock.business_date()
    day = loan.last_cob_date + timedelta(days=1) if loan.last_cob_date else today
    while day <= today:
        close_loan(day, loan.id)
        day += timedelta(days=1)
    db.session.refresh(loan)
    if _below_floor([loan]):
        raise_to_floors([loan.id], floor_for, provision_rate_for, today)


def open_held_case(process_key, business_key):
    """Retrying a case the close could not open (inside the caller's transaction): open it if the
    close still wants it and no case is open meanwhile."""
    if business_key in open_case_keys(process_key):
        return
    for loan_id, key, reason in CASE_FINDERS[process_key]():
        if key == business_key:
            launch_system_process(process_key, _case_data(loan_id), business_key, reason)
            return


def _close_date(on: date, lease):
    if _begin(on):
        return db.session.get(CobRun, on), False
    _close_overdue(on, lease)
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
    refresh_planner_statistics()
    return run, True


def refresh_planner_statistics():
    """SQLite plans the inbox's queries by statistics it keeps only when asked; PostgreSQL keeps
    its own up to date."""
    if db.engine.dialect.name == "sqlite":
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()


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
