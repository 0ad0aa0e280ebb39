"""Handling incidents: supervisors and process designers retry the failed step or cancel the instance.

Retry runs the step again on the current business date, and resolves the incident, in one
transaction with its audit event; a retry that fails again is rolled back, and the incident
stays open with one more attempt and the new error. Cancel terminates the process instance the
incident is on (its open tasks are cancelled; its workflow state is kept as it stopped, for the
diagram). An incident on no instance (a loan's close, a case the close could not open) can only
be retried: cancelling the close of a loan would leave its books behind the business date.
"""
import logging

from . import clock
from .audit import record_event
from .auth.service import find_user
from .close_of_business import CASE_START, CLOSE_OF_BUSINESS, close_held_loan, open_held_case
from .errors import Conflict, Forbidden
from .extensions import db
from .inbox.models import HumanTask
from .inbox.timers import TIMER, step_instance_timers
from .transaction import transactional
from .workflow.incidents import TRANSIENT, get_incident, incidents, require_open, safe_message
from .workflow.models import Incident

log = logging.getLogger(__name__)
ENDED = ("completed", "terminated")  # an instance that ended meanwhile is left as it ended
# How each kind of incident's step is run again, inside the retry's transaction.
RETRIES = {
    TIMER: lambda incident: step_instance_timers(incident.instance_id),
    CLOSE_OF_BUSINESS: lambda incident: close_held_loan(incident.business_key),
    CASE_START: lambda incident: open_held_case(incident.process_key, incident.business_key),
}


class _StepFailedAgain(Exception):
    """The retried step failed; carries its error out of the rolled-back transaction."""


def handles_incidents(user):
    """Who sees and handles incidents: holders of a role that oversees the queues or designs processes."""
    return user is not None and any(role.oversees_queues or role.designs_processes for role in user.roles)


def _require_handler(actor):
    if not handles_incidents(find_user(actor.username)):
        raise Forbidden("only supervisors and process designers handle incidents", code="wrong_role")


def list_incidents(actor, status="open", business_key=None):
    _require_handler(actor)
    return incidents(status, business_key)


def _close(incident, status, actor):
    incident.status, incident.resolved_by, incident.resolved_at = status, actor.username, clock.now()


@transactional
def _retry(incident_id, actor):
    incident = require_open(get_incident(incident_id))
    try:
        RETRIES[incident.kind](incident)
    except TRANSIENT:
        raise
    except Exception as err:  # noqa: BLE001 - the step's own failure: counted, below
        raise _StepFailedAgain() from err
    _close(incident, "resolved", actor)
    record_event("incident_resolved", actor.username, instance_id=incident.instance_id,
                 business_key=incident.business_key, subject=f"incident:{incident.id}",
                 before={"status": "open", "attempts": incident.attempts}, after={"status": "resolved"})
    return incident


@transactional
def _count_failed_retry(incident_id, actor, err):
    incident = require_open(get_incident(incident_id))
    before = {"attempts": incident.attempts, "error": incident.error}
    incident.attempts += 1
    incident.error = safe_message(err)
    record_event("incident_retry_failed", actor.username, instance_id=incident.instance_id,
                 business_key=incident.business_key, subject=f"incident:{incident.id}",
                 before=before, after={"attempts": incident.attempts, "error": incident.error})
    return incident


def retry_incident(incident_id, actor):
    """Run the failed step again: the incident resolved, or still open with one more attempt."""
    _require_handler(actor)
    try:
        return _retry(incident_id, actor)
    except _StepFailedAgain as failed:
        incident = _count_failed_retry(incident_id, actor, failed.__cause__)
        log.error("incident %s: retry by %s failed", incident_id, actor.username, exc_info=failed.__cause__)
        return incident


@transactional
def cancel_incident(incident_id, actor, reason=None):
    """Terminate the instance the incident is on, cancel its open tasks and every open incident on it."""
    _require_handler(actor)
    incident = require_open(get_incident(incident_id))
    instance = incident.instance
    if instance is None:
        raise Conflict("this step is on no process instance: retry it once its cause is fixed",
                       code="not_cancellable")
    before = instance.status
    if instance.status not in ENDED:
        instance.status, instance.ended_at, instance.next_timer_at = "terminated", clock.now(), None
    tasks = db.session.execute(db.select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.status == "open")).scalars().all()
    for task in tasks:
        task.status = "cancelled"
    others = db.session.execute(db.select(Incident).where(
        Incident.instance_id == instance.id, Incident.status == "open")).scalars().all()
    for open_incident in others:
        _close(open_incident, "cancelled", actor)
    record_event("incident_cancelled", actor.username, instance_id=instance.id,
                 business_key=instance.business_key, subject=f"incident:{incident.id}",
                 before={"status": "open", "instance_status": before},
                 after={"status": "cancelled", "instance_status": instance.status,
                        "cancelled_tasks": [task.id for task in tasks]}, reason=reason)
    return incident
