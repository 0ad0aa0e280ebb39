"""Finding a task, and refusing to act on one that is no longer open."""
from .. import rows
from .models import HumanTask


def get_task(task_id):
    return rows.get_row(HumanTask, task_id, "task")


def require_open(task):
    return rows.require_open(task, "task", "task_closed")
