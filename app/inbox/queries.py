"""Reading the inbox: the scopes, the filters staff and supervisors use, the order and the counts.

Scopes: `todo` (the default of the pages: assigned to me, or open to my roles and unclaimed),
`mine`, `role` (claimable), `all` (supervisors). Filters and sorting read the task list columns
a process declares (`inboxColumns`), kept as indexed rows beside each task.
"""
from flask import current_app

from ..errors import Forbidden, ValidationFailed
from ..extensions import db
from .models import HumanTask, HumanTaskColumn, HumanTaskRole

SCOPES = ("todo", "mine", "role", "all")
STATUSES = ("open", "completed", "cancelled")
SORTS = ("created_at", "due_at")
ORDERS = ("asc", "desc")
NARROWING = ("process_key", "business_key", "role", "assignee", "search", "range_min", "range_max", "due_before")


def _queue(actor):
    """The ids of the open tasks my roles may claim and no one holds."""
    return db.select(HumanTaskRole.task_id).where(HumanTaskRole.role.in_(sorted(actor.roles)),
                                                  HumanTaskRole.claimable == db.true())


def _scoped(query, actor, scope, status):
    if scope not in SCOPES:
        raise ValidationFailed("unknown scope", {"scope": [f"must be one of {', '.join(SCOPES)}"]})
    if status not in STATUSES:
        raise ValidationFailed("unknown status", {"status": [f"must be one of {', '.join(STATUSES)}"]})
    if scope == "mine" or (scope == "todo" and status != "open"):
        who = HumanTask.completed_by if status == "completed" else HumanTask.assignee
        return query.where(who == actor.username)
    if scope == "todo":
        held = db.select(HumanTask.id).where(HumanTask.status == "open", HumanTask.assignee == actor.username)
        return query.where(HumanTask.id.in_(db.union_all(held, _queue(actor))))
    if scope == "role":
        roles = HumanTask.id.in_(db.select(HumanTaskRole.task_id).where(HumanTaskRole.role.in_(sorted(actor.roles))))
        return query.where(HumanTask.id.in_(_queue(actor)) if status == "open" else roles)
    if not actor.sees_all:
        raise Forbidden("only supervisors see every queue", code="not_supervisor")
    return query


def _filtered(query, search=None, range_column="amount", range_min=None, range_max=None, due_before=None):
    if search:
        query = query.where(HumanTask.search_text.contains(search.casefold(), autoescape=True))
    bounds = ([HumanTaskColumn.number_value >= range_min] if range_min is not None else []) + \
        ([HumanTaskColumn.number_value <= range_max] if range_max is not None else [])
    if bounds:
        query = query.where(db.exists().where(HumanTaskColumn.task_id == HumanTask.id,
                                              HumanTaskColumn.name == range_column, *bounds))
    if due_before is not None:
        query = query.where(HumanTask.due_at <= due_before)
    return query


def _keys(key, task_id, order, nulls_last=False):
    """ORDER BY keys: the sort key (tasks without it last either way), then the id as tie-break."""
    first = [key.is_(None)] if nulls_last else []
    return first + ([key.desc(), task_id.desc()] if order == "desc" else [key, task_id])


def _ordered(query, task_id, sort="created_at", order="asc", keys_from=HumanTask):
    """Order a query of tasks (or of queue rows, `keys_from`) as the list shows them."""
    if order not in ORDERS:
        raise ValidationFailed("unknown order", {"order": ["must be asc or desc"]})
    if sort in SORTS:
        return query.order_by(*_keys(getattr(keys_from, sort), task_id, order, nulls_last=sort == "due_at"))
    column = db.aliased(HumanTaskColumn)
    query = query.outerjoin(column, db.and_(column.task_id == task_id, column.name == sort))
    return query.order_by(*_keys(column.number_value, task_id, order, nulls_last=True))


def task_query(actor, scope="mine", status="open", process_key=None, business_key=None,
               role=None, assignee=None, sort="created_at", order="asc", **filters):
    query = _scoped(db.select(HumanTask).where(HumanTask.status == status), actor, scope, status)
    if process_key:
        query = query.where(HumanTask.process_key == process_key)
    if business_key:
        query = query.where(HumanTask.business_key == business_key)
    if role:
        query = query.where(HumanTask.id.in_(db.select(HumanTaskRole.task_id).where(HumanTaskRole.role == role)))
    if assignee:
        query = query.where(HumanTask.assignee == assignee)
    return _ordered(_filtered(query, **filters), HumanTask.id, sort, order)


def narrows(filters):
    """Whether the filters leave out some of a scope's tasks (sorting does not)."""
    return any(filters.get(name) not in (None, "") for name in NARROWING)


def count_limit():
    return current_app.config["INBOX_COUNT_LIMIT"]


def _queue_rows(actor, scope, status, key=None):
    """The open `todo` and `role` scopes as rows of (id, key) read from the queue and held-task
    indexes alone, or None for a scope that needs the task rows. A held task is never queued, so
    only a task open to two of my roles needs folding into one row."""
    if status != "open" or scope not in ("todo", "role"):
        return None
    queue = db.select(HumanTaskRole.task_id.label("id"), *([getattr(HumanTaskRole, key)] if key else [])) \
        .where(HumanTaskRole.role.in_(sorted(actor.roles)), HumanTaskRole.claimable == db.true())
    parts = [queue.distinct() if len(actor.roles) > 1 else queue]
    if scope == "todo":
        parts.append(db.select(HumanTask.id, *([getattr(HumanTask, key)] if key else []))
                     .where(HumanTask.status == "open", HumanTask.assignee == actor.username))
    return db.union_all(*parts).subquery()


def _page_ids(actor, filters):
    """The ordered ids a list shows: from the queue indexes alone where the scope allows, never
    reading a task row it does not show; else from the task rows."""
    query = task_query(actor, **filters)  # also refuses unknown scopes, statuses and orders
    sort = filters.get("sort", "created_at")
    rows = None if narrows(filters) else _queue_rows(
        actor, filters.get("scope", "mine"), filters.get("status", "open"), sort if sort in SORTS else None)
    if rows is None:
        return query.with_only_columns(HumanTask.id)
    return _ordered(db.select(rows.c.id), rows.c.id, sort, filters.get("order", "asc"), keys_from=rows.c)


def list_tasks(actor, page=1, per_page=50, total=None, **filters):
    """A page of tasks and how many there are, counted up to the count limit and one more (so a
    total above the limit means "more than the limit"). `total` is the scope's count if known."""
    ids = _page_ids(actor, filters).limit(per_page).offset((page - 1) * per_page)
    if narrows(filters):  # the filtered tasks are read whole anyway: count them in the same pass
        rows = db.session.execute(ids.add_columns(db.func.count().over())).all()
        ids = [task_id for task_id, _ in rows]
        total = rows[0][1] if rows else count(task_query(actor, **filters))
    else:
        ids = db.session.execute(ids).scalars().all()
        total = scope_count(actor, filters.get("scope", "mine"), filters.get("status", "open")) \
            if total is None else total
    tasks = {task.id: task for task in db.session.execute(
        db.select(HumanTask).where(HumanTask.id.in_(ids))).scalars()} if ids else {}
    return [tasks[task_id] for task_id in ids], min(total, count_limit() + 1)


def _capped_count(ids):
    capped = ids.order_by(None).limit(count_limit() + 1).subquery()
    return db.session.execute(db.select(db.func.count()).select_from(capped)).scalar_one()


def count(query):
    """How many tasks the query finds, up to the count limit and one more."""
    return _capped_count(query.with_only_columns(HumanTask.id))


def scope_count(actor, scope, status="open"):
    """How many tasks a scope holds, up to the count limit and one more; from the queue indexes
    alone where the scope allows."""
    rows = _queue_rows(actor, scope, status)
    return count(task_query(actor, scope, status)) if rows is None else _capped_count(db.select(rows.c.id))


def open_count(actor):
    return scope_count(actor, "mine"), scope_count(actor, "role")


def tab_counts(actor, tabs):
    """{tab: how many tasks, up to the count limit and one more} for the inbox tabs, each given as
    (scope, status)."""
    return {tab: scope_count(actor, scope, status) for tab, (scope, status) in tabs.items()}


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
