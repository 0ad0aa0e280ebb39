"""Turning the READY user tasks of a workflow into inbox rows, and closing rows that went away;
keeping what the inbox reads by (search text, role queues) in step with the rows."""
from decimal import Decimal

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from .. import clock
from ..extensions import db
from ..workflow import declarations, runtime
from .models import HumanTask, HumanTaskColumn, HumanTaskRole, NodeConfig
from .trail import as_json

TEXT_LIMIT = 255
NUMBER_LIMIT = Decimal("1e17")  # what the column's Numeric(20, 2) holds


def search_text(business_key, texts):
    """What the inbox search reads: the case number and the column texts, case-folded, a line each."""
    return "\n".join(t for t in (business_key, *texts) if t).casefold()


def refresh_claimable(connection, task_ids):
    """Mark the tasks' role rows as queued while the task is open and held by no one."""
    if task_ids:
        open_unheld = db.select(HumanTask.id).where(
            HumanTask.id == HumanTaskRole.task_id, HumanTask.status == "open", HumanTask.assignee.is_(None)).exists()
        connection.execute(db.update(HumanTaskRole).where(HumanTaskRole.task_id.in_(sorted(set(task_ids))))
                           .values(claimable=open_unheld))


@event.listens_for(Session, "after_flush")
def _queues_follow_tasks(session, _context):
    """Tasks claimed, released, handed on or closed through the ORM leave or rejoin their queues."""
    changed = [task.id for task in (*session.new, *session.dirty) if isinstance(task, HumanTask) and (
        inspect(task).attrs.status.history.has_changes() or inspect(task).attrs.assignee.history.has_changes())]
    refresh_claimable(session.connection(), changed)


def node_config(process_key, node_id):
    return db.session.execute(
        db.select(NodeConfig).where(NodeConfig.process_key == process_key, NodeConfig.node_id == node_id)
        .order_by(NodeConfig.version.desc()).limit(1)
    ).scalar_one_or_none()


def _due_at(created_at, duration):
    if not duration:
        return None
    return created_at + TimerEventDefinition.get_timedelta_from_start(
        TimerEventDefinition.parse_iso_duration(duration), created_at)


def _process_key(instance, task):
    """The process a task belongs to: a called process, or the holder of an embedded subprocess."""
    spec_name = task.workflow.spec.name
    for entry in instance.definition.summary.get("user_tasks", []):
        if entry.get("spec", entry["process_key"]) == spec_name and entry["id"] == task.task_spec.bpmn_id:
            return entry["process_key"]
    return spec_name


def _new_row(instance, task):
    props = runtime.task_properties(task)
    process_key = _process_key(instance, task)
    config = node_config(process_key, task.task_spec.bpmn_id)
    roles = (config.roles if config and config.roles else None) or [runtime.task_lane(task)]
    created = clock.now()
    row = HumanTask(
        instance_id=instance.id, task_guid=str(task.id), task_spec_id=task.task_spec.bpmn_id,
        name=task.task_spec.bpmn_name or task.task_spec.bpmn_id, process_key=process_key,
        business_key=instance.business_key, form=props.get("formJsonSchemaFilename"),
        status="open", created_at=created,
        due_at=_due_at(created, (config.due_in if config and config.due_in else None) or props.get("dueIn")),
        four_eyes_group=(config.four_eyes_group if config and config.four_eyes_group is not None
                         else props.get("fourEyesGroup")) or None,
        exclude_initiator=(config.exclude_initiator if config and config.exclude_initiator is not None
                           else props.get("excludeInitiator", "").lower() == "true"),
    )
    row.roles = [HumanTaskRole(role=r, created_at=row.created_at, due_at=row.due_at) for r in sorted(set(roles)) if r]
    row.columns = _columns(instance, task, process_key, props)
    row.search_text = search_text(row.business_key, [c.text_value for c in sorted(row.columns, key=lambda c: c.name)])
    row.form_values = _form_values(task, props)
    return row


def _columns(instance, task, process_key, props):
    """The task list's values for this task, as declared by its process and the task itself."""
    declared = instance.definition.summary.get("inbox_columns", {})
    pairs = dict(declarations.parse(declared.get(process_key) or declared.get(instance.process_key)))
    pairs.update(declarations.parse(props.get("inboxColumns")))
    rows = []
    for name, value in declarations.evaluate(pairs.items(), task.data).items():
        number = Decimal(str(value)) if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) \
            else None
        if number is not None and not (number.is_finite() and abs(number) < NUMBER_LIMIT):
            number = None
        text = "" if value is None else str(value)[:TEXT_LIMIT]
        rows.append(HumanTaskColumn(name=name, text_value=text, number_value=number))
    return rows


def _form_values(task, props):
    """The values the task's form opens with: those its process hands it, nothing else."""
    return as_json(declarations.evaluate(declarations.parse(props.get("formValues")), task.data))


def sync_tasks(instance, workflow):
    """Make the open rows of an instance match its READY user tasks; return the new rows."""
    ready = {str(t.id): t for t in runtime.ready_user_tasks(workflow)}
    open_rows = db.session.execute(
        db.select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.status == "open")
    ).scalars().all()
    for row in open_rows:
        if row.task_guid not in ready:
            row.status = "cancelled"  # e.g. a boundary event or a terminate end took it away
    known = {row.task_guid for row in open_rows}
    created = [_new_row(instance, task) for guid, task in ready.items() if guid not in known]
    db.session.add_all(created)
    db.session.flush()
    return created
