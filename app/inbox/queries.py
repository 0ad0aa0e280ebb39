"""Reading the inbox: the three scopes and the filters staff and supervisors use."""
from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from .models import HumanTask, HumanTaskRole

SCOPES = ("mine", "role", "all")
STATUSES = ("open", "completed", "cancelled")


def task_query(actor, scope="mine", status="open", process_key=None, business_key=None,
               role=None, assignee=None):
    if scope not in SCOPES:
        raise ValidationFailed("unknown scope", {"scope": [f"must be one of {', '.join(SCOPES)}"]})
    if status not in STATUSES:
        raise ValidationFailed("unknown status", {"status": [f"must be one of {', '.join(STATUSES)}"]})
    query = db.select(HumanTask).where(HumanTask.status == status)
    if scope == "mine":
        who = HumanTask.completed_by if status == "completed" else HumanTask.assignee
        query = query.where(who == actor.username)
    elif scope == "role":
        query = query.where(HumanTask.id.in_(
            db.select(HumanTaskRole.task_id).where(HumanTaskRole.role.in_(sorted(actor.roles)))))
        if status == "open":
            query = query.where(HumanTask.assignee.is_(None))
    elif not actor.sees_all:
        raise Forbidden("only supervisors see every queue", code="not_supervisor")
    if process_key:
        query = query.where(HumanTask.process_key == process_key)
    if business_key:
        query = query.where(HumanTask.business_key == business_key)
    if role:
        query = query.where(HumanTask.id.in_(db.select(HumanTaskRole.task_id).where(HumanTaskRole.role == role)))
    if assignee:
        query = query.where(HumanTask.assignee == assignee)
    return query.order_by(HumanTask.created_at, HumanTask.id)


def list_tasks(actor, page=1, per_page=50, **filters):
    query = task_query(actor, **filters)
    total = db.session.execute(db.select(db.func.count()).select_from(query.subquery())).scalar_one()
    items = db.session.execute(query.limit(per_page).offset((page - 1) * per_page)).scalars().all()
    return items, total


def open_count(actor):
    mine = db.session.execute(db.select(db.func.count()).select_from(
        task_query(actor, "mine").subquery())).scalar_one()
    claimable = db.session.execute(db.select(db.func.count()).select_from(
        task_query(actor, "role").subquery())).scalar_one()
    return mine, claimable


def queue_overview(actor, now, process_key=None, role=None, assignee=None, business_key=None, limit=20):
    """What a supervisor watches: queue sizes per role and per person, the oldest and overdue tasks."""
    if not actor.sees_all:
        raise Forbidden("only supervisors see every queue", code="not_supervisor")
    base = task_query(actor, "all", "open", process_key, business_key, role, assignee)
    open_ids = base.with_only_columns(HumanTask.id).order_by(None).subquery()
    per_role = db.session.execute(
        db.select(HumanTaskRole.role, db.func.count(),
                  db.func.sum(db.case((HumanTask.assignee.is_(None), 1), else_=0)),
                  db.func.sum(db.case((HumanTask.due_at < now, 1), else_=0)),
                  db.func.min(HumanTask.created_at))
        .join(HumanTask, HumanTask.id == HumanTaskRole.task_id)
        .where(HumanTask.id.in_(db.select(open_ids.c.id)))
        .group_by(HumanTaskRole.role).order_by(HumanTaskRole.role)
    ).all()
    per_person = db.session.execute(
        db.select(HumanTask.assignee, db.func.count(), db.func.sum(db.case((HumanTask.due_at < now, 1), else_=0)))
        .where(HumanTask.id.in_(db.select(open_ids.c.id)), HumanTask.assignee.is_not(None))
        .group_by(HumanTask.assignee).order_by(HumanTask.assignee)
    ).all()
    return {
        "roles": [{"role": r, "open": n, "unclaimed": int(u or 0), "overdue": int(o or 0), "oldest_created_at": t}
                  for r, n, u, o, t in per_role],
        "people": [{"username": a, "open": n, "overdue": int(o or 0)} for a, n, o in per_person],
        "oldest": db.session.execute(base.limit(limit)).scalars().all(),
        "overdue": db.session.execute(base.where(HumanTask.due_at < now).order_by(None)
                                      .order_by(HumanTask.due_at).limit(limit)).scalars().all(),
    }
