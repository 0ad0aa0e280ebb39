"""The trail of a case: what each performer submitted at each completed task, in the order the
steps were reached (a step that follows another was created after it completed).

Rows are written when a task completes and never changed afterwards, so a later step cannot
overwrite an earlier decision; the trail is where the case's approvals are read from.
"""
import json
from dataclasses import dataclass
from datetime import datetime

from ..extensions import db
from .models import HumanTask


@dataclass(frozen=True)
class Submission:
    task_id: int
    task_spec_id: str
    name: str
    performer: str
    roles: tuple  # the task's roles the performer held
    data: dict
    at: datetime
    form: str | None  # the form the data was submitted on


def as_json(values):
    """Form values as stored: exact amounts and dates as their text."""
    return json.loads(json.dumps(values, default=str)) if values is not None else None


def _submissions(where):
    rows = db.session.execute(db.select(HumanTask).where(where, HumanTask.status == "completed")
                              .order_by(HumanTask.id)).scalars()
    return [Submission(row.id, row.task_spec_id, row.name, row.completed_by, tuple(row.acted_as or ()),
                       dict(row.submitted_data or {}), row.completed_at, row.form) for row in rows]


def instance_trail(instance_id):
    """Every submission of one process instance (with its call activities), oldest first."""
    return _submissions(HumanTask.instance_id == instance_id)


def case_trail(business_key):
    """Every submission of every process of a case, oldest first."""
    return _submissions(HumanTask.business_key == business_key)
