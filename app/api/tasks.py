from flask_smorest import Blueprint

from ..inbox import queries, service, supervision
from ..inbox.forms import task_form
from .schemas import (
    AssignRequest,
    CompleteRequest,
    CompleteResponse,
    ReleaseRequest,
    TaskDetailSchema,
    TaskListArgs,
    TaskPage,
    TaskSchema,
)
from .security import AUTHENTICATED, current_actor, rule

blp = Blueprint("tasks", __name__, description="The task inbox")


@blp.route("/tasks", methods=["GET"])
@rule(AUTHENTICATED)
@blp.arguments(TaskListArgs, location="query")
@blp.response(200, TaskPage)
def list_tasks(args):
    page, per_page = args.pop("page"), args.pop("per_page")
    items, total = queries.list_tasks(current_actor(), page=page, per_page=per_page, **args)
    limit = queries.count_limit()
    return {"items": items, "total": min(total, limit), "total_capped": total > limit, "page": page,
            "per_page": per_page}


def task_detail(task):
    task.form_schema = task_form(task)
    task.data = service.current_data(task)
    return task


@blp.route("/tasks/<int:task_id>", methods=["GET"])
@rule(AUTHENTICATED)
@blp.response(200, TaskDetailSchema)
def get_task(task_id):
    task = service.get_task(task_id)
    service.require_visible(task, current_actor())
    return task_detail(task)


@blp.route("/tasks/<int:task_id>/claim", methods=["POST"])
@rule(AUTHENTICATED)
@blp.response(200, TaskSchema)
def claim_task(task_id):
    return service.claim_task(task_id, current_actor())


@blp.route("/tasks/<int:task_id>/release", methods=["POST"])
@rule(AUTHENTICATED)
@blp.arguments(ReleaseRequest, required=False)
@blp.response(200, TaskSchema)
def release_task(body, task_id):
    return service.release_task(task_id, current_actor(), (body or {}).get("reason"))


@blp.route("/tasks/<int:task_id>/complete", methods=["POST"])
@rule(AUTHENTICATED)
@blp.arguments(CompleteRequest)
@blp.response(200, CompleteResponse)
def complete_task(body, task_id):
    task, created = service.complete_task(task_id, current_actor(), body["data"])
    return {"task": task, "next_tasks": created}


@blp.route("/tasks/<int:task_id>/assign", methods=["POST"])
@rule(AUTHENTICATED)
@blp.arguments(AssignRequest)
@blp.response(200, TaskSchema)
def assign_task(body, task_id):
    return supervision.assign_task(task_id, current_actor(), body["username"], body.get("reason"))
