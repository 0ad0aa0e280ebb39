"""Moving work between people: reassign (one or many), delegate, substitutes, messages, escalation."""
from .. import clock
from ..audit import record_event
from ..errors import Forbidden, NotFound, ValidationFailed
from ..extensions import db
from ..transaction import transactional
from .actors import find_actor, overseers
from .lookup import get_task, require_open
from .models import HumanTask, Notification, Substitution
from .rules import four_eyes_refusal, holds_task_role


def notify(recipient, message, task=None):
    if recipient:
        db.session.add(Notification(recipient=recipient, message=message, task_id=task.id if task else None,
                                    created_at=clock.now()))


def substitute_for(username, at=None):
    """Who takes `username`'s work right now: the substitute of a running period, or themselves."""
    at = at or clock.now()
    row = db.session.execute(
        db.select(Substitution).where(Substitution.username == username, Substitution.starts_at <= at,
                                      Substitution.ends_at > at).order_by(Substitution.id.desc()).limit(1)
    ).scalar_one_or_none()
    return row.substitute if row else username


def _require_reason(reason):
    if not (reason or "").strip():
        raise ValidationFailed("say why", {"reason": ["a reason is required"]})


def _receiver(task, username):
    """The person who will really get the task, after substitution; refused if they may not act."""
    target = find_actor(substitute_for(username))
    if target is None:
        raise ValidationFailed("no such user", {"username": [f"unknown user '{username}'"]})
    # Four-eyes first: a maker who lacks the checker's role is still refused as a maker (403).
    refusal = four_eyes_refusal(task, target.username)
    if refusal:
        raise Forbidden(refusal, code="four_eyes")
    if not holds_task_role(task, target):
        raise ValidationFailed("the user holds none of the task's roles",
                               {"username": [f"{target.username} holds none of {task.role_codes}"]})
    return target.username


def _hand_over(task, username, actor, reason, action="task_assigned"):
    receiver = _receiver(task, username)
    before = task.assignee
    task.assignee, task.claimed_at = receiver, clock.now()
    record_event(action, actor.username, instance_id=task.instance_id, task_id=task.id,
                 business_key=task.business_key, subject=task.task_spec_id,
                 before={"assignee": before}, after={"assignee": receiver}, reason=reason)
    notify(receiver, f"{actor.username} → {task.name} ({task.business_key}): {reason or ''}".strip(), task)
    if before and before != receiver:
        notify(before, f"{task.name} ({task.business_key}) → {receiver}", task)
    return task


def _require_overseer(actor):
    if not actor.sees_all:
        raise Forbidden("only supervisors move other people's work", code="not_supervisor")


@transactional
def assign_task(task_id, actor, username, reason=None):
    """A supervisor hands an open task to a person who holds one of its roles."""
    _require_overseer(actor)
    return _hand_over(require_open(get_task(task_id)), username, actor, reason)


@transactional
def bulk_assign(task_ids, actor, username, reason):
    """Reassign many tasks at once: all of them, or none if any one is refused."""
    _require_overseer(actor)
    _require_reason(reason)
    if not task_ids:
        raise ValidationFailed("no tasks chosen", {"task_ids": ["choose at least one task"]})
    tasks = []
    for task_id in dict.fromkeys(task_ids):
        try:
            tasks.append(_hand_over(require_open(get_task(task_id)), username, actor, reason))
        except (ValidationFailed, Forbidden) as err:
            raise type(err)(f"task {task_id}: {err.message}", {str(task_id): [err.message], **err.details},
                            code=err.code) from err
    return tasks


@transactional
def delegate_task(task_id, actor, username, reason):
    """The assignee asks a colleague to do the work; it comes back to them to confirm."""
    _require_reason(reason)
    task = require_open(get_task(task_id))
    if task.assignee != actor.username:
        raise Forbidden("only the person holding the task may delegate it", code="not_assignee")
    if task.delegation_state is not None:
        raise ValidationFailed("this task is delegated already", {"username": ["already delegated"]})
    task.owner = actor.username
    _hand_over(task, username, actor, reason, action="task_delegated")
    task.delegate, task.delegation_state = task.assignee, "pending"
    return task


def resolve_delegation(task, actor, values):
    """The delegate's answer goes back to the owner, who confirms it by completing the task."""
    task.proposed_data = {k: str(v) if not isinstance(v, (bool, int, str, list, dict, type(None))) else v
                          for k, v in values.items()}
    # Whoever really proposed is the delegate of record: the four-eyes rules count them as having
    # acted on this step, even if a supervisor moved the delegated task to them.
    task.assignee, task.delegate, task.delegation_state = task.owner, actor.username, "resolved"
    record_event("task_delegate_done", actor.username, instance_id=task.instance_id, task_id=task.id,
                 business_key=task.business_key, subject=task.task_spec_id, after=task.proposed_data)
    notify(task.owner, f"{actor.username} finished {task.name} ({task.business_key}); please confirm", task)
    return task


@transactional
def set_substitution(actor, substitute, starts_at, ends_at, reason, username=None):
    """A person (or a supervisor for them) names a substitute for a period."""
    username = username or actor.username
    if username != actor.username:
        _require_overseer(actor)
    _require_reason(reason)
    stand_in, away = find_actor(substitute), find_actor(username)
    if stand_in is None or substitute == username:
        raise ValidationFailed("choose a colleague", {"substitute": [f"'{substitute}' cannot substitute"]})
    if away is not None and not set(away.roles) <= set(stand_in.roles):
        raise ValidationFailed("the substitute cannot do the absent person's work", {"substitute": [
            f"must hold the roles of the person away: {', '.join(sorted(set(away.roles) - set(stand_in.roles)))}"]})
    if ends_at <= starts_at:
        raise ValidationFailed("the period ends before it starts", {"ends_at": ["must be after starts_at"]})
    row = Substitution(username=username, substitute=substitute, starts_at=starts_at, ends_at=ends_at,
                       reason=reason, created_by=actor.username, created_at=clock.now())
    db.session.add(row)
    record_event("substitution_set", actor.username, subject=f"user:{username}",
                 after={"substitute": substitute, "starts_at": starts_at, "ends_at": ends_at}, reason=reason)
    notify(substitute, f"{username}: {starts_at:%Y-%m-%d} – {ends_at:%Y-%m-%d} ({reason})")
    return row


@transactional
def escalate_overdue_tasks():
    """Tell every supervisor once about each open task past its due time; return how many."""
    now = clock.now()
    overdue = db.session.execute(db.select(HumanTask).where(
        HumanTask.status == "open", HumanTask.due_at < now, HumanTask.escalated_at.is_(None))).scalars().all()
    supervisors = overseers()
    for task in overdue:
        task.escalated_at = now
        for username in supervisors:
            notify(username, f"overdue: {task.name} ({task.business_key}), due {task.due_at:%Y-%m-%d %H:%M}", task)
        record_event("task_escalated", None, instance_id=task.instance_id, task_id=task.id,
                     business_key=task.business_key, subject=task.task_spec_id)
    return len(overdue)


@transactional
def end_substitution(actor, substitution_id):
    """End a substitution now (back from leave early); the person or a supervisor may."""
    row = db.session.get(Substitution, substitution_id)
    if row is None:
        raise ValidationFailed("no such substitution", {"id": [f"unknown substitution {substitution_id}"]})
    if row.username != actor.username:
        _require_overseer(actor)
    now = clock.now()
    if row.ends_at.replace(tzinfo=None) > now.replace(tzinfo=None):
        row.ends_at = now
    record_event("substitution_ended", actor.username, subject=f"user:{row.username}", after={"ends_at": now})
    return row


@transactional
def mark_read(notification_id, actor):
    """One's own message, marked read (once)."""
    note = db.session.get(Notification, notification_id)
    if note is None or note.recipient != actor.username:
        raise NotFound(f"notification {notification_id} does not exist")
    note.read_at = note.read_at or clock.now()
    return note


@transactional
def mark_all_read(actor):
    return db.session.execute(db.update(Notification).where(
        Notification.recipient == actor.username, Notification.read_at.is_(None)).values(read_at=clock.now())).rowcount
