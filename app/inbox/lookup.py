"""Finding a task, and refusing to act on one that is no longer open."""
from ..errors import Conflict, NotFound
from ..extensions import db
from .models import HumanTask


def get_task(task_id):
    task = db.session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"task {task_id} does not exist")
    return task


def require_open(task):
    if task.status != "open":
        raise Conflict(f"task {task.id} is already {task.status}", code="task_closed")
    return task
