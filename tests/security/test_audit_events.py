"""The audit trail says who did what to which task, instance and case, with before/after and the
reason given; a refused action leaves neither an event nor a change."""
from app.audit.models import AuditEvent
from app.extensions import db
from app.inbox.models import HumanTask

from ..loans.helpers import APPROVE, COMPLETE_DOCUMENTS, act, apply, open_task

FIELDS = ("actor", "action", "instance_id", "task_id", "business_key", "subject", "before", "after", "reason")


def trail(app, business_key):
    with app.app_context():
        rows = db.session.execute(db.select(AuditEvent).where(AuditEvent.business_key == business_key)
                                  .order_by(AuditEvent.id)).scalars()
        return [{name: getattr(row, name) for name in FIELDS} for row in rows]


def audit_intact(app):
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code == 0 and "intact" in result.output


def test_claim_delegation_confirmation_and_reassignment_each_leave_one_full_event(app, api):
    created = apply(api, "50000", term_months=12)
    key, instance_id = created["business_key"], created["process_instance_id"]
    task_id = open_task(api, key, "check_completeness")["id"]
    api.post(f"/api/tasks/{task_id}/claim", "loan_officer")
    api.post(f"/api/tasks/{task_id}/delegate", "loan_officer", json={"username": "loan_officer2", "reason": "请协助核对"})
    api.post(f"/api/tasks/{task_id}/complete", "loan_officer2", json={"data": COMPLETE_DOCUMENTS})
    assert api.post(f"/api/tasks/{task_id}/complete", "loan_officer", json={"data": {}}).status_code == 200
    review_id = open_task(api, key, "branch_manager_review")["id"]
    api.post(f"/api/tasks/{review_id}/assign", "supervisor", json={"username": "branch_manager2", "reason": "休假"})

    events = trail(app, key)
    assert [(e["actor"], e["action"]) for e in events] == [
        ("loan_officer", "process_started"), ("loan_officer", "task_claimed"), ("loan_officer", "task_delegated"),
        ("loan_officer2", "task_delegate_done"), ("loan_officer", "task_completed"), ("supervisor", "task_assigned")]
    assert all(e["instance_id"] == instance_id for e in events)
    started, claimed, delegated, proposed, confirmed, assigned = events
    assert started["after"]["version"] >= 1 and started["after"]["data"]["amount"] == "50000"
    for event in (claimed, delegated, proposed, confirmed):
        assert (event["task_id"], event["subject"]) == (task_id, "check_completeness")
    assert (delegated["before"], delegated["after"], delegated["reason"]) == (
        {"assignee": "loan_officer"}, {"assignee": "loan_officer2"}, "请协助核对")
    assert proposed["after"] == confirmed["after"] == COMPLETE_DOCUMENTS  # what the delegate entered is what went through
    assert (assigned["task_id"], assigned["subject"]) == (review_id, "branch_manager_review")
    assert (assigned["before"], assigned["after"], assigned["reason"]) == (
        {"assignee": None}, {"assignee": "branch_manager2"}, "休假")
    assert audit_intact(app)


def snapshot(app, *task_ids):
    with app.app_context():
        events = db.session.execute(db.select(db.func.count(AuditEvent.id))).scalar_one()
        tasks = [(t.status, t.assignee, t.delegation_state) for t in (db.session.get(HumanTask, i) for i in task_ids)]
        return events, tasks


def test_refused_actions_write_no_event_and_change_nothing(app, api):
    key = apply(api, "2000000")["business_key"]
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    act(api, key, "branch_manager_review", "multi_approver", APPROVE)
    risk = open_task(api, key, "risk_review")["id"]
    other = apply(api, "50000", term_months=12)["business_key"]
    act(api, other, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    free = open_task(api, other, "branch_manager_review")["id"]
    api.post(f"/api/tasks/{risk}/claim", "risk_officer")
    before = snapshot(app, risk, free)

    refusals = [
        api.post(f"/api/tasks/{risk}/claim", "cashier"),
        api.post(f"/api/tasks/{risk}/claim", "multi_approver"),
        api.post(f"/api/tasks/{risk}/complete", "risk_officer", json={"data": {"decision": "maybe"}}),
        api.post(f"/api/tasks/{risk}/release", "risk_officer2"),
        api.post(f"/api/tasks/{risk}/delegate", "risk_officer", json={"username": "multi_approver", "reason": "帮忙"}),
        # The first task is handed over before the second is refused: both must be undone.
        api.post("/api/tasks/bulk-assign", "supervisor",
                 json={"task_ids": [free, risk], "username": "multi_approver", "reason": "平衡"}),
    ]
    assert [r.status_code for r in refusals] == [403, 403, 422, 403, 403, 403]
    assert snapshot(app, risk, free) == before
    assert audit_intact(app)
