from flask_smorest import Blueprint

from .. import clock
from ..errors import NotFound
from ..extensions import db
from ..inbox import queries, supervision
from ..inbox.models import Notification, Substitution
from .schemas import (
    BulkAssignRequest,
    DelegateRequest,
    NotificationSchema,
    QueueArgs,
    QueueOverview,
    SubstitutionRequest,
    SubstitutionSchema,
    TaskSchema,
)
from .security import AUTHENTICATED, current_actor, rule

blp = Blueprint("supervision", __name__, description="Supervisors: queues, reassignment, delegation, substitutes")


@blp.route("/tasks/bulk-assign", methods=["POST"])
@rule("supervisor")
@blp.arguments(BulkAssignRequest)
@blp.response(200, TaskSchema(many=True))
def bulk_assign(body):
    return supervision.bulk_assign(body["task_ids"], current_actor(), body["username"], body["reason"])


@blp.route("/tasks/<int:task_id>/delegate", methods=["POST"])
@rule(AUTHENTICATED)  # the assignee decides, checked by the inbox
@blp.arguments(DelegateRequest)
@blp.response(200, TaskSchema)
def delegate(body, task_id):
    return supervision.delegate_task(task_id, current_actor(), body["username"], body["reason"])


@blp.route("/supervisor/queues", methods=["GET"])
@rule("supervisor")
@blp.arguments(QueueArgs, location="query")
@blp.response(200, QueueOverview)
def queues(args):
    return queries.queue_overview(current_actor(), clock.now(), **args)


@blp.route("/substitutions", methods=["POST"])
@rule(AUTHENTICATED)
@blp.arguments(SubstitutionRequest)
@blp.response(201, SubstitutionSchema)
def set_substitution(body):
    return supervision.set_substitution(current_actor(), body["substitute"], body["starts_at"], body["ends_at"],
                                        body["reason"], username=body["username"])


@blp.route("/substitutions", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, SubstitutionSchema(many=True))
def my_substitutions():
    me = current_actor().username
    return db.session.execute(db.select(Substitution).where(
        db.or_(Substitution.username == me, Substitution.substitute == me)).order_by(Substitution.starts_at)).scalars().all()


@blp.route("/substitutions/<int:substitution_id>/end", methods=["POST"])
@rule(AUTHENTICATED)
@blp.response(200, SubstitutionSchema)
def end_substitution(substitution_id):
    if db.session.get(Substitution, substitution_id) is None:  # an unknown id in the path is a 404
        raise NotFound(f"substitution {substitution_id} does not exist")
    return supervision.end_substitution(current_actor(), substitution_id)


@blp.route("/notifications", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, NotificationSchema(many=True))
def my_notifications():
    return db.session.execute(db.select(Notification).where(
        Notification.recipient == current_actor().username).order_by(Notification.id.desc()).limit(100)).scalars().all()


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@rule(AUTHENTICATED)
@blp.response(200, NotificationSchema)
def mark_read(notification_id):
    return supervision.mark_read(notification_id, current_actor())
