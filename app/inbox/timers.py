"""Firing due BPMN timers: each instance in its own transaction, its inbox rows in step."""
import logging

from .. import clock
from ..audit import record_event
from ..errors import AppError
from ..extensions import db
from ..locks import exclusive
from ..transaction import transactional
from ..workflow import runtime
from ..workflow.models import ProcessInstance
from .sync import sync_tasks

log = logging.getLogger(__name__)
TIMERS_LOCK = "bpmn_timers"


@transactional
def fire_instance_timers(instance_id):
    instance, workflow = runtime.load(instance_id)
    runtime.fire_timers(instance, workflow)
    created = sync_tasks(instance, workflow)
    record_event("timers_fired", None, instance_id=instance.id, business_key=instance.business_key,
                 subject=instance.process_key, after={"new_tasks": [t.task_spec_id for t in created]})
    return created


def fire_due_timers(wait=0.0):
    """Run every instance whose next timer is due; return how many were stepped.

    One node at a time (a database lock, waited for up to `wait` seconds): each due timer fires once.
    """
    with exclusive(TIMERS_LOCK, wait=wait) as lease:
        due = db.session.execute(db.select(ProcessInstance.id).where(
            ProcessInstance.next_timer_at <= clock.now(), ProcessInstance.status == "waiting")
            .order_by(ProcessInstance.next_timer_at)).scalars().all()
        stepped = 0
        for instance_id in due:
            try:
                fire_instance_timers(instance_id)
                stepped += 1
            except AppError as err:  # one broken instance must not stop the others
                log.error("timers of instance %s failed: %s", instance_id, err.message)
            lease.renew()
        return stepped
