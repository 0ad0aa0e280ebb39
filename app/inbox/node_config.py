"""Approval-node configuration (审批流节点配置): who acts on a node, its SLA and four-eyes rule.

Each change adds a version row; the newest applies to tasks created afterwards.
"""
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .. import clock
from ..audit import record_event
from ..errors import ValidationFailed
from ..extensions import db
from ..transaction import transactional
from .models import NodeConfig
from .sync import node_config


def _check_duration(value):
    """The due time must parse and fit on a calendar: "P9000Y" parses, but adding it to a date
    overflows when a task is created, long after the setting was saved."""
    try:
        now = clock.now()
        now + TimerEventDefinition.get_timedelta_from_start(TimerEventDefinition.parse_iso_duration(value), now)
    except Exception:  # noqa: BLE001 - any parse or calendar failure is the user's input
        return False
    return True


def current(process_key, node_id):
    return node_config(process_key, node_id)


def node_configs(process_key=None):
    query = db.select(NodeConfig).order_by(NodeConfig.process_key, NodeConfig.node_id, NodeConfig.version.desc())
    if process_key:
        query = query.where(NodeConfig.process_key == process_key)
    return db.session.execute(query).scalars().all()


@transactional
def configure_node(actor, process_key, node_id, valid_nodes, valid_roles, roles=None, due_in=None,
                   four_eyes_group=None, exclude_initiator=None, reason=None):
    errors = {}
    if (process_key, node_id) not in valid_nodes:
        errors["node_id"] = [f"{process_key} has no user task '{node_id}'"]
    unknown = sorted(set(roles or []) - set(valid_roles))
    if unknown:
        errors["roles"] = [f"unknown roles: {', '.join(unknown)}"]
    if due_in and not _check_duration(due_in):
        errors["due_in"] = ["must be an ISO-8601 duration such as P2D or PT4H, within a few years"]
    if not (reason or "").strip():
        errors["reason"] = ["a reason is required"]
    if errors:
        raise ValidationFailed("the node configuration is invalid", errors)
    current = node_config(process_key, node_id)
    row = NodeConfig(process_key=process_key, node_id=node_id, version=(current.version + 1) if current else 1,
                     roles=sorted(set(roles)) if roles else None, due_in=due_in or None,
                     four_eyes_group=four_eyes_group, exclude_initiator=exclude_initiator,
                     changed_by=actor.username, changed_at=clock.now())
    db.session.add(row)
    before = None if current is None else {"roles": current.roles, "due_in": current.due_in,
                                            "four_eyes_group": current.four_eyes_group,
                                            "exclude_initiator": current.exclude_initiator}
    record_event("node_configured", actor.username, subject=f"{process_key}:{node_id}", before=before,
                 after={"version": row.version, "roles": row.roles, "due_in": row.due_in,
                        "four_eyes_group": four_eyes_group, "exclude_initiator": exclude_initiator}, reason=reason)
    return row
