"""Firing due BPMN timers: each instance in its own transaction, its inbox rows in step.

A timer (or what runs after it: a script, a service task) that fails for one instance becomes an
incident on that instance; its timers then wait for a person to retry or cancel it, and every
other instance's timers go on.
"""
import logging

from .. import clock
from ..audit import record_event
from ..errors import Conflict
from ..extensions import db
from ..locks import exclusive
from ..transaction import transactional
from ..workflow import runtime
from ..workflow.incidents import Site, has_open_incident, run_isolated
from ..workflow.models import ProcessInstance
from .sync import sync_tasks

log = logging.getLogger(__name__)
TIMERS_LOCK = "bpmn_timers"
TIMER = "timer"  # the incident kind


def step_instance_timers(instance_id):
    """Fire the due timers of one instance, inside the caller's transaction."""
    instance, workflow = runtime.load(instance_id)
    runtime.fire_timers(instance, workflow)
    created = sync_tasks(instance, workflow)
    record_event("timers_fired", None, instance_id=instance.id, business_key=instance.business_key,
                 subject=instance.process_key, after={"new_tasks": [t.task_spec_id for t in created]})
    return created


fire_instance_timers = transactional(step_instance_timers)


def fire_due_timers(wait=0.0):
    """Run every instance whose next timer is due; return how many were stepped.

    One node at a time (a database lock, waited for up to `wait` seconds): each due timer fires once.
    """
    with exclusive(TIMERS_LOCK, wait=wait) as lease:
        due = db.session.execute(db.select(ProcessInstance.id).where(
            ProcessInstance.next_timer_at <= clock.now(), ProcessInstance.status == "waiting",
            ~has_open_incident(ProcessInstance.id)).order_by(ProcessInstance.next_timer_at)).scalars().all()
        stepped = 0
        for instance_id in due:
            try:
                stepped += run_isolated(Site(TIMER, instance_id=instance_id), fire_instance_timers, instance_id)
            except Conflict as err:  # someone stepped the instance meanwhile: the next round fires it
                log.info("timers of instance %s not fired now: %s", instance_id, err.message)
            lease.renew()
        return stepped
