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
from .inbox.service import has_open_instance, start_system_process
from .inbox.supervision import escalate_overdue_tasks
from .inbox.timers import fire_due_timers
from .loans.classification import is_worse
from .loans.cob import close_loan_day, loans_to_close
from .loans.collection import overdue_episode_start
from .loans.inspection import inspection_facts
from .loans.models import CobRun, Loan
from .transaction import transactional
from .workflow.decisions import decision
from .workflow.models import ProcessInstance

CHUNK = 500
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


def propose_classifications():
    """Open a classification review for each loan whose overdue days call for a worse class."""
    loans = db.session.execute(db.select(Loan).where(Loan.status == "active", Loan.dpd > 0)).scalars().all()
    floor_of = decision("classification_floor")
    for loan in loans:
        floor = floor_of({"loan": {"dpd": loan.dpd}}).get("floor_class")
        if floor and is_worse(floor, loan.classification) \
                and not has_open_instance(CLASSIFICATION_PROCESS, loan.business_key):
            start_system_process(CLASSIFICATION_PROCESS, {"loan_id": loan.id}, loan.business_key,
                                 reason=f"{loan.dpd} days past due: {floor} or worse")
        db.session.rollback()  # release the read transaction between loans


def open_collection_cases():
    """One collection case per overdue episode of a loan."""
    loans = db.session.execute(db.select(Loan).where(Loan.status == "active", Loan.dpd > 0)).scalars().all()
    for loan in loans:
        began = overdue_episode_start(loan)
        opened = db.session.execute(db.select(ProcessInstance.id).where(
            ProcessInstance.process_key == COLLECTION_PROCESS, ProcessInstance.business_key == loan.business_key,
            db.func.date(ProcessInstance.started_at) >= began)).first()
        if opened is None and not has_open_instance(COLLECTION_PROCESS, loan.business_key):
            start_system_process(COLLECTION_PROCESS, {"loan_id": loan.id}, loan.business_key,
                                 reason=f"{loan.dpd} days past due")
        db.session.rollback()


def open_inspections():
    """Start each post-loan inspection the schedule table says is due."""
    loans = db.session.execute(db.select(Loan).where(Loan.status == "active")).scalars().all()
    is_due = decision("inspection_schedule")
    for loan in loans:
        due = is_due({"loan": inspection_facts(loan)}).get("inspection_due")
        if due and not has_open_instance(INSPECTION_PROCESS, loan.business_key):
            start_system_process(INSPECTION_PROCESS, {"loan_id": loan.id}, loan.business_key,
                                 reason="post-loan inspection due")
        db.session.rollback()


def run_cob(on: date | None = None):
    """Close business date `on` (default: the day after the current one); a finished date is a no-op."""
    on = on or clock.business_date() + timedelta(days=1)
    if _begin(on):
        return db.session.get(CobRun, on), False
    while _close_chunk(on):
        pass
    propose_classifications()
    open_collection_cases()
    open_inspections()
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
