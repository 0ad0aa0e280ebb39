"""Supervisors move work: bulk reassignment, delegation round trip, substitutes, queues, escalation."""
from datetime import datetime, timedelta, timezone

from app.extensions import db
from app.inbox import supervision
from app.inbox.models import HumanTask, Notification

from ..loans.helpers import COMPLETE_DOCUMENTS, act, apply, open_task


def new_case(api, amount="50000"):
    key = apply(api, amount, term_months=12)["business_key"]
    return key, open_task(api, key, "check_completeness")


def notes_for(api, user):
    return [n["message"] for n in api.get("/api/notifications", user).get_json()]


def test_bulk_reassign_moves_all_or_nothing(api):
    tasks = [new_case(api)[1] for _ in range(3)]
    ids = [t["id"] for t in tasks]
    moved = api.post("/api/tasks/bulk-assign", "supervisor",
                     json={"task_ids": ids, "username": "loan_officer2", "reason": "平衡工作量"})
    assert moved.status_code == 200, moved.get_json()
    assert {t["assignee"] for t in moved.get_json()} == {"loan_officer2"}
    mine = api.get("/api/tasks?scope=mine", "loan_officer2").get_json()["items"]
    assert set(ids) <= {t["id"] for t in mine}
    assert any("平衡工作量" in n for n in notes_for(api, "loan_officer2"))

    other = new_case(api)[1]
    refused = api.post("/api/tasks/bulk-assign", "supervisor",
                       json={"task_ids": [other["id"], ids[0]], "username": "cashier", "reason": "x"})
    assert refused.status_code == 422
    assert api.get(f"/api/tasks/{other['id']}", "supervisor").get_json()["assignee"] is None
    assert api.get(f"/api/tasks/{ids[0]}", "supervisor").get_json()["assignee"] == "loan_officer2"


def test_bulk_reassign_needs_a_supervisor_and_a_reason(api):
    task = new_case(api)[1]
    body = {"task_ids": [task["id"]], "username": "loan_officer2", "reason": "x"}
    assert api.post("/api/tasks/bulk-assign", "branch_manager", json=body).status_code == 403
    no_reason = api.post("/api/tasks/bulk-assign", "supervisor", json={**body, "reason": ""})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["error"]["details"]


def test_supervisor_release_returns_task_to_queue_and_tells_the_assignee(api):
    task = new_case(api)[1]
    api.post(f"/api/tasks/{task['id']}/claim", "loan_officer")
    released = api.post(f"/api/tasks/{task['id']}/release", "supervisor", json={"reason": "请假"})
    assert released.status_code == 200 and released.get_json()["assignee"] is None
    assert any("请假" in n for n in notes_for(api, "loan_officer"))
    assert api.post(f"/api/tasks/{task['id']}/release", "loan_officer2").status_code == 403


def test_delegation_round_trip_returns_to_the_owner_for_confirmation(api):
    key, task = new_case(api)
    api.post(f"/api/tasks/{task['id']}/claim", "loan_officer")
    delegated = api.post(f"/api/tasks/{task['id']}/delegate", "loan_officer",
                         json={"username": "loan_officer2", "reason": "请协助核对资料"})
    assert delegated.status_code == 200 and delegated.get_json()["assignee"] == "loan_officer2"
    assert api.post(f"/api/tasks/{task['id']}/delegate", "loan_officer2",
                    json={"username": "loan_officer", "reason": "x"}).status_code == 422

    done = api.post(f"/api/tasks/{task['id']}/complete", "loan_officer2", json={"data": COMPLETE_DOCUMENTS})
    assert done.status_code == 200 and done.get_json()["next_tasks"] == []
    back = api.get(f"/api/tasks/{task['id']}", "loan_officer").get_json()
    assert back["status"] == "open" and back["assignee"] == "loan_officer"
    assert open_task(api, key)[0]["task_spec_id"] == "check_completeness"  # not advanced yet
    assert any("please confirm" in n for n in notes_for(api, "loan_officer"))

    confirmed = api.post(f"/api/tasks/{task['id']}/complete", "loan_officer", json={"data": {}})
    assert confirmed.status_code == 200
    assert open_task(api, key, "branch_manager_review")


def test_only_the_holder_delegates(api):
    task = new_case(api)[1]
    response = api.post(f"/api/tasks/{task['id']}/delegate", "loan_officer",
                        json={"username": "loan_officer2", "reason": "x"})
    assert response.status_code == 403


def test_substitute_receives_work_only_within_the_period(api):
    key, _ = new_case(api)
    act(api, key, "check_completeness", "loan_officer", COMPLETE_DOCUMENTS)
    review = open_task(api, key, "branch_manager_review")
    now = datetime.now(timezone.utc)
    later = api.post("/api/substitutions", "branch_manager", json={
        "substitute": "branch_manager2", "reason": "年假", "starts_at": (now + timedelta(days=10)).isoformat(),
        "ends_at": (now + timedelta(days=20)).isoformat()})
    assert later.status_code == 201, later.get_json()
    outside = api.post(f"/api/tasks/{review['id']}/assign", "supervisor", json={"username": "branch_manager"})
    assert outside.get_json()["assignee"] == "branch_manager"

    current = api.post("/api/substitutions", "branch_manager", json={
        "substitute": "branch_manager2", "reason": "出差", "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(days=2)).isoformat()})
    assert current.status_code == 201
    try:
        inside = api.post(f"/api/tasks/{review['id']}/assign", "supervisor", json={"username": "branch_manager"})
        assert inside.get_json()["assignee"] == "branch_manager2"
    finally:
        ended = api.post(f"/api/substitutions/{current.get_json()['id']}/end", "branch_manager")
        assert ended.status_code == 200
    after = api.post(f"/api/tasks/{review['id']}/assign", "supervisor", json={"username": "branch_manager"})
    assert after.get_json()["assignee"] == "branch_manager"
    bad = api.post("/api/substitutions", "loan_officer", json={
        "username": "branch_manager", "substitute": "loan_officer", "reason": "x",
        "starts_at": now.isoformat(), "ends_at": (now + timedelta(days=1)).isoformat()})
    assert bad.status_code == 403


def test_queue_overview_for_supervisors_only(api):
    key, task = new_case(api)
    overview = api.get(f"/api/supervisor/queues?business_key={key}", "supervisor").get_json()
    assert overview["roles"] == [{"role": "loan_officer", "open": 1, "unclaimed": 1, "overdue": 0,
                                  "oldest_created_at": overview["roles"][0]["oldest_created_at"]}]
    assert [t["id"] for t in overview["oldest"]] == [task["id"]]
    assert api.get("/api/supervisor/queues", "loan_officer").status_code == 403


def test_overdue_tasks_are_escalated_to_supervisors_once(app, api):
    key, task = new_case(api)
    with app.app_context():
        row = db.session.get(HumanTask, task["id"])
        row.due_at = datetime.now(timezone.utc) - timedelta(hours=1)
        db.session.commit()
        assert supervision.escalate_overdue_tasks() >= 1
        assert supervision.escalate_overdue_tasks() == 0
        notes = db.session.execute(db.select(Notification).where(
            Notification.task_id == task["id"], Notification.recipient == "supervisor")).scalars().all()
        assert len(notes) == 1 and "overdue" in notes[0].message
    overview = api.get(f"/api/supervisor/queues?business_key={key}", "supervisor").get_json()
    assert [t["id"] for t in overview["overdue"]] == [task["id"]]
