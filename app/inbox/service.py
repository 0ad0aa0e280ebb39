"""The inbox's business steps. Each public function is one transaction."""
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..audit import record_event
from ..errors import Conflict, Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..transaction import transactional
from ..workflow import runtime
from ..workflow.definitions import latest_definition
from ..workflow.models import ProcessInstance
from . import supervision
from .form_checks import check_errors, missing_documents
from .forms import load_form, task_form, validated_form_data
from .lookup import get_task, require_open
from .models import HumanTask
from .rules import holds_task_role, require_may_act
from .sync import refresh_claimable, sync_tasks
from .trail import as_json


def current_data(task):
    """The data an open task would show in its form: the workflow's task data right now."""
    if task.status != "open":
        return {}
    _, workflow = runtime.load(task.instance_id)
    spiff_task = runtime.find_task(workflow, task.task_guid)
    return dict(spiff_task.data) if spiff_task else {}


def require_visible(task, actor):
    if actor.sees_all or task.assignee == actor.username or task.completed_by == actor.username \
            or holds_task_role(task, actor):
        return
    raise Forbidden("this task is not in any of your queues", code="wrong_role")


def launch_process(process_key, data, actor, business_key=None):
    """Start the newest version of a process for a person holding its start lane's role, inside
    the caller's transaction (a use case that records its own rows with the start)."""
    definition = latest_definition(process_key)
    if definition is None:
        raise NotFound(f"no deployed process '{process_key}'")
    start_roles = set(definition.summary.get("start_roles", []))
    if not start_roles & set(actor.roles):
        raise Forbidden(f"starting {process_key} needs one of the roles {sorted(start_roles)}",
                        {"roles": sorted(start_roles)}, code="wrong_role")
    start_form = definition.summary.get("start_form")
    if start_form:
        data = validated_form_data(load_form(start_form, definition.form_versions), data)
    elif not isinstance(data, dict):
        raise ValidationFailed("data must be an object", {"data": ["must be an object"]})
    return _launch(process_key, data, actor.username, business_key)


start_process = transactional(launch_process)


def launch_system_process(process_key, data, business_key, reason):
    """Start a process on the system's own account (close of business), bypassing the start lane,
    inside the caller's transaction."""
    return _launch(process_key, data, "system", business_key, reason)


start_system_process = transactional(launch_system_process)


def _launch(process_key, data, username, business_key, reason=None):
    instance, workflow = runtime.start_instance(process_key, data, username, business_key)
    created = sync_tasks(instance, workflow)
    record_event("process_started", username, instance_id=instance.id, business_key=instance.business_key,
                 subject=process_key, after={"version": instance.definition.version, "data": data}, reason=reason)
    return instance, created


def _open_instances(process_key, business_key):
    return db.select(ProcessInstance.id).where(
        ProcessInstance.process_key == process_key, ProcessInstance.business_key == business_key,
        ProcessInstance.status.in_(("running", "waiting")))


def signal_case(business_key, process_key, name, actor=None):
    """Send a BPMN signal to the open instances of a process for a case, inside the caller's transaction."""
    ids = db.session.execute(_open_instances(process_key, business_key)).scalars().all()
    delivered = 0
    for instance_id in ids:
        instance, workflow = runtime.load(instance_id)
        if runtime.signal(instance, workflow, name, actor):
            sync_tasks(instance, workflow)
            record_event("signal_received", actor, instance_id=instance.id, business_key=business_key,
                         subject=name)
            delivered += 1
    return delivered


def open_case_keys(process_key):
    """The business keys with an open instance of a process: one query for a whole batch."""
    return set(db.session.execute(db.select(ProcessInstance.business_key).where(
        ProcessInstance.process_key == process_key, ProcessInstance.status.in_(("running", "waiting")))).scalars())


def latest_case_starts(process_key):
    """{business key: when its newest instance of a process started}."""
    return dict(db.session.execute(
        db.select(ProcessInstance.business_key, db.func.max(ProcessInstance.started_at))
        .where(ProcessInstance.process_key == process_key).group_by(ProcessInstance.business_key)).all())


@transactional
def claim_task(task_id, actor):
    task = get_task(task_id)
    require_open(task)
    require_may_act(task, actor)
    if task.assignee == actor.username:
        return task
    claimed_at = clock.now()
    claimed = db.session.execute(
        db.update(HumanTask).where(HumanTask.id == task.id, HumanTask.status == "open",
                                   HumanTask.assignee.is_(None))
        .values(assignee=actor.username, claimed_at=claimed_at)
    ).rowcount
    if claimed != 1:
        raise Conflict("this task has been claimed by someone else", code="already_claimed")
    refresh_claimable(db.session.connection(), [task.id])
    record_event("task_claimed", actor.username, instance_id=task.instance_id, task_id=task.id,
                 business_key=task.business_key, subject=task.task_spec_id,
                 before={"assignee": None}, after={"assignee": actor.username})
    # What the update wrote, without reading the task and its roles back (the queue flags it
    # changed are not part of what a claim answers).
    set_committed_value(task, "assignee", actor.username)
    set_committed_value(task, "claimed_at", claimed_at)
    return task


@transactional
def release_task(task_id, actor, reason=None):
    task = get_task(task_id)
    require_open(task)
    if task.assignee != actor.username and not actor.sees_all:
        raise Forbidden("only the assignee or a supervisor may release this task", code="not_assignee")
    before = task.assignee
    if before and before != actor.username:
        supervision.notify(before, f"{actor.username}: {task.name} ({task.business_key}) → queue. {reason or ''}", task)
    task.assignee, task.claimed_at = None, None
    record_event("task_released", actor.username, instance_id=task.instance_id, task_id=task.id,
                 business_key=task.business_key, subject=task.task_spec_id,
                 before={"assignee": before}, reason=reason)
    return task


@transactional(stale_retries=2)
def complete_task(task_id, actor, data):
    """Validate the form, complete the task, advance the process; return the new open tasks."""
    task = get_task(task_id)
    require_open(task)
    if task.assignee and task.assignee != actor.username:
        raise Conflict(f"this task is claimed by {task.assignee}", code="already_claimed")
    require_may_act(task, actor)
    if task.delegation_state == "resolved" and not data:
        data = task.proposed_data  # the owner confirms what the delegate entered
    values = validated_form_data(task_form(task), data or {}) if task.form else {}
    if task.delegation_state == "pending":
        return supervision.resolve_delegation(task, actor, values), []
    instance, workflow = runtime.load(task.instance_id)
    spiff_task = runtime.find_task(workflow, task.task_guid)
    properties = runtime.task_properties(spiff_task) if spiff_task else {}
    errors = check_errors(properties, spiff_task.data if spiff_task else {}, values) | \
        missing_documents(properties, task.business_key)
    if errors:
        raise ValidationFailed("the form does not pass the process's checks", errors)
    # The submission is recorded before the process moves on, so what it decided is part of the
    # case's trail when the steps it triggers (a posting, say) read the approvals given.
    done = db.session.execute(
        db.update(HumanTask).where(HumanTask.id == task.id, HumanTask.status == "open")
        .values(status="completed", assignee=actor.username, completed_by=actor.username,
                completed_at=clock.now(), submitted_data=as_json(values),
                acted_as=sorted(set(task.role_codes) & set(actor.roles)))
    ).rowcount
    if done != 1:
        raise Conflict("this task was completed meanwhile", code="task_closed")
    refresh_claimable(db.session.connection(), [task.id])
    runtime.complete_user_task(instance, workflow, task.task_guid, values, actor.username)
    db.session.refresh(task)
    created = sync_tasks(instance, workflow)
    db.session.flush()  # the optimistic lock on the instance is checked here
    record_event("task_completed", actor.username, instance_id=instance.id, task_id=task.id,
                 business_key=task.business_key, subject=task.task_spec_id, after=values)
    return task, created
