"""Who may act on a task: role membership and the four-eyes rules a node declares."""
from ..errors import Forbidden
from ..extensions import db
from ..workflow.models import ProcessDefinition, ProcessInstance
from .models import HumanTask, HumanTaskRole


def case_filter(model, task):
    """Rows of the same case: same business key, or the same instance when there is none."""
    if task.business_key:
        return model.business_key == task.business_key
    return model.id == task.instance_id if model is ProcessInstance else model.instance_id == task.instance_id


def case_initiator(task):
    """Who started the first process of the case (an application's officer, say)."""
    return db.session.execute(
        db.select(ProcessInstance.started_by).where(case_filter(ProcessInstance, task))
        .order_by(ProcessInstance.started_at, ProcessInstance.id).limit(1)
    ).scalar_one_or_none()


def four_eyes_refusal(task, username):
    """Why `username` may not act on `task` under its four-eyes rules, or None."""
    if task.exclude_initiator and username in (case_initiator(task), task.instance.started_by):
        return "four-eyes: the person who started this case may not act on it here"
    if task.four_eyes_group:
        acted_elsewhere = db.session.execute(
            db.select(HumanTask.id).where(
                case_filter(HumanTask, task),
                HumanTask.status == "completed",
                db.or_(HumanTask.completed_by == username, HumanTask.delegate == username),
                HumanTask.four_eyes_group == task.four_eyes_group,
                HumanTask.task_spec_id != task.task_spec_id,
            ).limit(1)
        ).first()
        if acted_elsewhere:
            return "four-eyes: you already acted on another step of this case in the same group"
    return None


def may_see_case(actor, business_key):
    """Supervisors see every case; anyone else a case they started, hold a task of (its role, or
    assigned, delegated to or completed by them), or whose processes have lanes for their roles."""
    if actor.sees_all:
        return True
    summaries = db.session.execute(db.select(ProcessDefinition.summary).where(ProcessDefinition.id.in_(
        db.select(ProcessInstance.definition_id).where(ProcessInstance.business_key == business_key)))).scalars()
    if any(set(summary.get("roles", [])) & set(actor.roles) for summary in summaries):
        return True
    started = db.select(ProcessInstance.id).where(ProcessInstance.business_key == business_key,
                                                  ProcessInstance.started_by == actor.username)
    involved = db.select(HumanTask.id).outerjoin(HumanTaskRole, HumanTaskRole.task_id == HumanTask.id).where(
        HumanTask.business_key == business_key,
        db.or_(HumanTaskRole.role.in_(sorted(actor.roles)), HumanTask.assignee == actor.username,
               HumanTask.completed_by == actor.username, HumanTask.delegate == actor.username))
    return db.session.execute(db.select(db.or_(db.exists(started), db.exists(involved)))).scalar()


def holds_task_role(task, actor):
    return bool(set(task.role_codes) & set(actor.roles))


def require_may_act(task, actor):
    """403 unless the actor holds one of the task's roles and passes its four-eyes rules."""
    if not holds_task_role(task, actor):
        raise Forbidden("this task belongs to roles you do not hold",
                        {"roles": task.role_codes}, code="wrong_role")
    reason = four_eyes_refusal(task, actor.username)
    if reason:
        raise Forbidden(reason, code="four_eyes")
