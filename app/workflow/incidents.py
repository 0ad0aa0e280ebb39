"""Incidents: what a scheduled job does with a step that fails for one instance.

A job (firing timers, closing the books) runs each instance's step as a unit of work of its own.
When one fails, its unit is rolled back, an incident is recorded in a transaction of its own, and
the job goes on with the next. While the incident is open the job passes that step over, so a
poisoned instance does not fail again every minute; a person retries or cancels it.
"""
import logging
from dataclasses import dataclass

from sqlalchemy.exc import InterfaceError, OperationalError

from .. import clock, rows
from ..audit import record_event
from ..errors import AppError, Conflict
from ..extensions import db
from ..transaction import transactional
from .models import Incident, ProcessInstance

log = logging.getLogger(__name__)
# Failures of the moment, not of the step: another step won a race, the database is away. The job
# stops or passes by, and its next run does the step; no incident.
TRANSIENT = (Conflict, OperationalError, InterfaceError)


@dataclass(frozen=True)
class Site:
    """Where a job's step runs: the incident it becomes if it fails."""
    kind: str
    element_id: str | None = None  # the job's step; where the engine says it stopped comes first
    instance_id: int | None = None
    process_key: str | None = None
    business_key: str | None = None


def safe_message(err):
    """What people may read about a failure: our own errors say it; anything else only its kind."""
    if isinstance(err, AppError):
        return err.message
    return f"unexpected {type(err).__name__}; the server log has the details"


def _element(err):
    elements = err.details.get("element") if isinstance(err, AppError) else None
    return elements[0] if elements else None


@transactional
def _record(site, err):
    instance = db.session.get(ProcessInstance, site.instance_id) if site.instance_id else None
    incident = Incident(
        kind=site.kind, instance_id=site.instance_id,
        process_key=site.process_key or (instance.process_key if instance else None),
        business_key=site.business_key or (instance.business_key if instance else None),
        element_id=(_element(err) or site.element_id or site.kind)[:128], error=safe_message(err),
        status="open", attempts=1, created_at=clock.now(), logged_at=clock.wall_clock())
    db.session.add(incident)
    db.session.flush()
    record_event("incident_opened", None, instance_id=incident.instance_id, business_key=incident.business_key,
                 subject=f"incident:{incident.id}",
                 after={"kind": incident.kind, "element": incident.element_id, "error": incident.error})
    return incident.id


def record_incident(site, err):
    """Record an incident for a failed step (its own unit of work already rolled back) and log the
    traceback under its id; return the id."""
    incident_id = _record(site, err)
    log.error("incident %s: %s step %s of %s failed", incident_id, site.kind, site.element_id or "",
              site.business_key or site.instance_id, exc_info=err)
    return incident_id


def run_isolated(site, step, *args, **kwargs):
    """Run one instance's step of a job; True if it succeeded. A failure of the step itself becomes
    an incident (False) instead of stopping the job; one of the moment (TRANSIENT) is raised."""
    try:
        step(*args, **kwargs)
        return True
    except TRANSIENT:
        raise
    except Exception as err:  # noqa: BLE001 - whatever the step met, it must not stop the others
        db.session.rollback()  # the step's unit of work, if it had not rolled back itself
        record_incident(site, err)
        return False


def has_open_incident(instance_id_column):
    """SQL: the instance of `instance_id_column` has an open incident (its timers wait for a person)."""
    return db.exists().where(Incident.instance_id == instance_id_column, Incident.status == "open")


def held_business_keys(kind, process_key=None):
    """Business keys an open incident of `kind` (for `process_key`, or none) holds back."""
    process = Incident.process_key == process_key if process_key else Incident.process_key.is_(None)
    return set(db.session.execute(db.select(Incident.business_key).where(
        Incident.kind == kind, Incident.status == "open", process, Incident.business_key.is_not(None))).scalars())


def get_incident(incident_id):
    return rows.get_row(Incident, incident_id, "incident")


def require_open(incident):
    return rows.require_open(incident, "incident", "incident_closed")


def incidents(status="open", business_key=None, limit=200):
    """Incidents, newest first."""
    query = db.select(Incident).order_by(Incident.id.desc()).limit(limit)
    if status:
        query = query.where(Incident.status == status)
    if business_key:
        query = query.where(Incident.business_key == business_key)
    return db.session.execute(query).scalars().all()
