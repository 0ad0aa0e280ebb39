from flask_smorest import Blueprint

from ..audit.models import AuditEvent
from ..extensions import db
from ..inbox import service
from ..inbox.models import HumanTask
from ..rows import get_row
from ..workflow.definitions import latest_definitions
from ..workflow.models import ProcessInstance
from .schemas import DefinitionSchema, InstanceSchema, StartRequest
from .security import AUTHENTICATED, current_actor, rule

blp = Blueprint("processes", __name__, description="Process definitions and instances")


def definition_view(definition):
    summary = definition.summary
    return {
        "id": definition.id, "key": definition.key, "name": definition.name,
        "version": definition.version, "roles": summary["roles"], "start_roles": summary["start_roles"],
        "user_tasks": summary["user_tasks"], "deployed_by": definition.deployed_by,
        "deployed_at": definition.deployed_at,
    }


@blp.route("/process-definitions", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, DefinitionSchema(many=True))
def list_definitions():
    return [definition_view(d) for d in latest_definitions()]


def instance_view(instance):
    active = db.session.execute(db.select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.status == "open").order_by(HumanTask.id)).scalars().all()
    events = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.instance_id == instance.id).order_by(AuditEvent.id)).scalars().all()
    return {
        "id": instance.id, "process_key": instance.process_key, "version": instance.definition.version,
        "status": instance.status, "business_key": instance.business_key,
        "started_by": instance.started_by, "started_at": instance.started_at,
        "ended_at": instance.ended_at, "error": instance.error, "active_tasks": active,
        "history": [{"task": e.subject, "task_id": e.task_id, "actor": e.actor, "action": e.action,
                     "at": e.at} for e in events],
    }


@blp.route("/process-instances", methods=["POST"])
@rule(AUTHENTICATED)  # the start event's lane decides, checked by the inbox
@blp.arguments(StartRequest)
@blp.response(201, InstanceSchema)
def start_instance(body):
    instance, _ = service.start_process(body["process_key"], body["data"], current_actor(),
                                        body.get("business_key"))
    return instance_view(instance)


@blp.route("/process-instances/<int:instance_id>", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, InstanceSchema)
def get_instance(instance_id):
    return instance_view(get_row(ProcessInstance, instance_id, "process instance"))
