"""A step that fails or is killed half way leaves nothing of itself behind.

Every human step is one transaction: the inbox row, the workflow state, the next tasks, the
domain rows and the audit event are committed together or not at all.
"""
import http.client
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from SpiffWorkflow.util.task import TaskState

from app import clock
from app.audit.models import AuditEvent
from app.audit.service import verify_chain
from app.extensions import db
from app.inbox import service as inbox_service
from app.inbox.models import HumanTask
from app.loans import disbursement
from app.loans.models import LedgerEntry
from app.workflow import runtime

from ..loans.helpers import APPROVE, COMPLETE_DOCUMENTS, apply, open_task
from .cases import books, case_at_payout_check
from .conftest import ERROR_KEYS, Http, case_rows, instance_snapshot

PAUSE_HOOK = Path(__file__).with_name("gunicorn_pause_before_commit.py")


def fail_after_disbursing(written):
    """disburse_loan that really writes the loan and its ledger entry, then fails."""
    real = disbursement.disburse_loan

    def faulty(*args, **kwargs):
        loan = real(*args, **kwargs)
        db.session.flush()
        written["loan_id"] = loan.id  # the rows are in the database, uncommitted
        raise RuntimeError("payment gateway unreachable")
    return faulty


def fail_after_audit(written):
    """record_event that writes the completion's audit event (the step's last write), then fails."""
    real = inbox_service.record_event

    def faulty(action, *args, **kwargs):
        event = real(action, *args, **kwargs)
        if action == "task_completed":
            db.session.flush()
            written["event_id"] = event.id
            raise RuntimeError("disk full")
        return event
    return faulty


def case_facts(app, created, task_id):
    """The application's books, the task row and its completion events."""
    with app.app_context():
        task = tuple(db.session.execute(db.select(HumanTask.status, HumanTask.assignee)
                                        .where(HumanTask.id == task_id)).one())
        events = db.session.execute(db.select(db.func.count()).select_from(AuditEvent).where(
            AuditEvent.task_id == task_id, AuditEvent.action == "task_completed")).scalar()
        db.session.remove()
    return books(app, created["id"]), task, events


@pytest.mark.parametrize("target, name, fault", [
    (disbursement, "disburse_loan", fail_after_disbursing),  # inside a service task, mid-engine
    (inbox_service, "record_event", fail_after_audit),  # after every other write of the step
], ids=["in_service_task", "at_last_write"])
def test_a_step_failing_after_its_writes_leaves_nothing_behind(app, api, monkeypatch, target, name, fault):
    created, task = case_at_payout_check(api)
    before = case_facts(app, created, task["id"])
    assert before == (("approved", 0, 0), ("open", "finance_manager"), 0)
    instance_before = instance_snapshot(app, created["process_instance_id"])

    written = {}
    monkeypatch.setattr(target, name, fault(written))
    response = api.post(f"/api/tasks/{task['id']}/complete", "finance_manager", json={"data": APPROVE})
    assert written, "the fault must strike after the step's writes reached the database"
    assert response.status_code in (422, 500), response.data
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS, body
    assert "Traceback" not in body["error"]["message"]
    assert case_facts(app, created, task["id"]) == before
    assert instance_snapshot(app, created["process_instance_id"]) == instance_before

    monkeypatch.undo()
    again = api.post(f"/api/tasks/{task['id']}/complete", "finance_manager", json={"data": APPROVE})
    assert again.status_code == 200, again.get_json()
    assert case_facts(app, created, task["id"]) == (("disbursed", 1, 1), ("completed", "finance_manager"), 1)


def test_a_race_lost_inside_a_service_task_is_a_409_and_leaves_nothing(app, api, monkeypatch):
    """Another writer posts this disbursement while the step runs: the unique ledger reference
    refuses the second posting deep inside the engine, and the user gets the documented 409."""
    created, task = case_at_payout_check(api)
    before = case_facts(app, created, task["id"])
    instance_before = instance_snapshot(app, created["process_instance_id"])
    real = inbox_service.require_may_act
    rival = {}

    def rival_posts_first(task, actor):
        # Once the step has read its task and before it writes: its own connection, committed at once.
        with db.engine.begin() as connection:
            rival["id"] = connection.execute(db.insert(LedgerEntry).values(
                entry_type="disbursement", amount=Decimal(created["amount"]), posted_on=clock.business_date(),
                value_date=clock.business_date(), reference=f"disbursement:{created['business_key']}",
                posted_by="rival", created_at=clock.now(),
            ).returning(LedgerEntry.id)).scalar_one()
        return real(task, actor)

    monkeypatch.setattr(inbox_service, "require_may_act", rival_posts_first)
    response = api.post(f"/api/tasks/{task['id']}/complete", "finance_manager", json={"data": APPROVE})
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["code"] == "conflict"
    (status, loans, postings), task_row, events = case_facts(app, created, task["id"])
    assert ((status, loans, postings - 1), task_row, events) == before  # only the rival's posting
    assert instance_snapshot(app, created["process_instance_id"]) == instance_before

    monkeypatch.undo()
    with app.app_context():
        db.session.execute(db.delete(LedgerEntry).where(LedgerEntry.id == rival["id"]))
        db.session.commit()
    again = api.post(f"/api/tasks/{task['id']}/complete", "finance_manager", json={"data": APPROVE})
    assert again.status_code == 200, again.get_json()
    assert case_facts(app, created, task["id"])[0] == ("disbursed", 1, 1)


def call_or_none(client, *spec):
    """A call that may die with the server: (None, reason) when the connection breaks."""
    try:
        return client.call(*spec, timeout=15)
    except (OSError, http.client.HTTPException) as err:
        return None, repr(err)


def step_state(app, instance_id, task_id):
    """'done' or 'open' for a case's check_completeness step, after checking that every store agrees."""
    with app.app_context():
        row = db.session.get(HumanTask, task_id)
        _, workflow = runtime.load(instance_id)
        spiff_state = runtime.find_task(workflow, row.task_guid).state
        ready = {str(t.id): t.task_spec.bpmn_id for t in runtime.ready_user_tasks(workflow)}
        open_rows = {r.task_guid: r.task_spec_id for r in db.session.execute(db.select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.status == "open")).scalars()}
        events = db.session.execute(db.select(db.func.count()).select_from(AuditEvent).where(
            AuditEvent.task_id == task_id, AuditEvent.action == "task_completed")).scalar()
        status = row.status
        db.session.remove()
    assert open_rows == ready, "the inbox must list exactly the tasks the workflow waits on"
    if status == "completed":
        assert spiff_state == TaskState.COMPLETED and events == 1
        assert list(ready.values()) == ["branch_manager_review"]
        return "done"
    assert status == "open" and spiff_state == TaskState.READY and events == 0
    assert list(ready.values()) == ["check_completeness"]
    return "open"


def test_kill_9_during_completions_leaves_every_case_whole(app, api, start_server, tmp_path):
    cases = [apply(api, "50000", term_months=12) for _ in range(16)]
    tasks = {c["business_key"]: open_task(api, c["business_key"], "check_completeness")["id"] for c in cases}
    snapshots = {c["business_key"]: instance_snapshot(app, c["process_instance_id"]) for c in cases}
    marker = tmp_path / "paused"
    marker.touch()
    server = start_server(config=PAUSE_HOOK, env={"LOANFLOW_PAUSE_MARKER": str(marker)})
    client, answered = Http(server.base), {}
    client.token("loan_officer")

    def complete(key):
        answered[key] = call_or_none(client, "POST", f"/api/tasks/{tasks[key]}/complete", "loan_officer",
                                     {"data": COMPLETE_DOCUMENTS})[0]

    with ThreadPoolExecutor(max_workers=6) as pool:
        for case in cases:
            pool.submit(complete, case["business_key"])
        deadline = time.monotonic() + 60
        while len(marker.read_text().split()) < len(cases) // 2 and time.monotonic() < deadline:
            time.sleep(0.005)
        server.kill()  # the newest paused completion is mid-transaction, its writes flushed
    paused = {int(line) for line in marker.read_text().split()}
    assert len(paused) >= len(cases) // 2, server.log_text()[-2000:]

    states = {c["business_key"]: step_state(app, c["process_instance_id"], tasks[c["business_key"]]) for c in cases}
    interrupted = [key for key, state in states.items() if tasks[key] in paused and state == "open"]
    assert interrupted, "the kill must have cut through at least one completion that had written everything"
    assert all(states[key] == "done" for key, code in answered.items() if code == 200), "a 200 must be durable"
    assert "open" in states.values() and "done" in states.values()
    for case in cases:
        if states[case["business_key"]] == "open":  # not advanced means not touched: same state and lock_version
            assert instance_snapshot(app, case["process_instance_id"]) == snapshots[case["business_key"]]

    restarted = Http(start_server().base)
    for key, state in states.items():
        if state == "open":
            status, body = restarted.call("POST", f"/api/tasks/{tasks[key]}/complete", "loan_officer",
                                          {"data": COMPLETE_DOCUMENTS})
            assert status == 200, body
    endings = {(case_rows(app, c["business_key"]) == [("check_completeness", "completed", "loan_officer"),
                                                      ("branch_manager_review", "open", None)],
                step_state(app, c["process_instance_id"], tasks[c["business_key"]]),
                instance_snapshot(app, c["process_instance_id"])[:2]) for c in cases}
    assert len(endings) == 1 and next(iter(endings))[:2] == (True, "done"), endings
    with app.app_context():
        assert verify_chain() is None, "the audit hash chain survived the crash intact"
