"""Close of business (`flask --app wsgi cob run`): brings the books to a business date.

Loans are closed in chunks, each its own transaction, so a run that is killed half way is
finished by running the date again. Then due BPMN timers fire and overdue tasks escalate, on
the new business date.
"""
from datetime import date, timedelta

from . import clock
from .audit import record_event
from .errors import ValidationFailed
from .extensions import db
from .inbox.supervision import escalate_overdue_tasks
from .inbox.timers import fire_due_timers
from .loans.cob import close_loan_day, loans_to_close
from .loans.models import CobRun
from .transaction import transactional

CHUNK = 500


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
def _close_chunk(on: date):
    loans = loans_to_close(on, CHUNK)
    closed = sum(1 for loan in loans if close_loan_day(loan, on))
    db.session.get(CobRun, on).loans_closed += closed
    return len(loans)


@transactional
def _finish(on: date):
    run = db.session.get(CobRun, on)
    run.finished_at = clock.now()
    record_event("cob_finished", "cob", subject=f"cob:{on.isoformat()}", after={"loans": run.loans_closed})
    return run


def run_cob(on: date | None = None):
    """Close business date `on` (default: the day after the current one); a finished date is a no-op."""
    on = on or clock.business_date() + timedelta(days=1)
    if _begin(on):
        return db.session.get(CobRun, on), False
    while _close_chunk(on):
        pass
    fire_due_timers()
    escalate_overdue_tasks()
    return _finish(on), True


def run_cob_through(last: date, first: date | None = None):
    day = first or clock.business_date() + timedelta(days=1)
    runs = []
    while day <= last:
        runs.append(run_cob(day))
        day += timedelta(days=1)
    return runs
