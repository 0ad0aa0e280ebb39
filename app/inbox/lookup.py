"""Finding a task, and refusing to act on one that is no longer open."""
from ..errors import Conflict
from ..rows import get_row
from .models import HumanTask


def get_task(task_id):
    return get_row(HumanTask, task_id, "task")


def require_open(task):
    if task.status != "open":
        raise Conflict(f"task {task.id} is already {task.status}", code="task_closed")
    return task
