"""One bad instance never holds up the others: a timer or a loan's close that fails becomes an
incident on it, the close of business finishes every other loan and instance, the failed step is
not run again by itself, and a supervisor or designer retries or cancels it."""
from datetime import date, time, timedelta
from pathlib import Path

import pytest

from app import clock
from app.audit.models import AuditEvent
from app.close_of_business import COB_LOCK, run_cob_through
from app.deployment import deploy_sources
from app.extensions import db
from app.inbox.timers import TIMERS_LOCK, fire_due_timers
from app.loans import daily_close
from app.loans.models import Loan
from app.locks import JobLock
from app.workflow import incidents as incident_store
from app.workflow import runtime
from app.workflow.definitions import read_sources

from ..loans.helpers import new_loan, set_time_of_day
from ..web.test_pages import login
from .conftest import ERROR_KEYS

ESCALATING = Path(__file__).resolve().parents[1] / "fixtures" / "generic" / "escalating_review.bpmn"
REAL_FIRE_TIMERS = runtime.fire_timers


@pytest.fixture(scope="module")
def escalating(app):
    with app.app_context():
        deploy_sources(read_sources(ESCALATING.parent, [ESCALATING]), "tests")


@pytest.fixture(autouse=True)
def office_hours(app, monkeypatch):
    set_time_of_day(app, monkeypatch, time(10, 0))


def start_review(api):
    response = api.post("/api/process-instances", "loan_officer", json={"process_key": "escalating_review", "data": {}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def poison_timers(monkeypatch, instance_id):
    """Firing the timers of one instance raises what no handler expects; the calls are counted."""
    calls = []

    def fire(instance, workflow, actor=None):
        if instance.id == instance_id:
            calls.append(instance.id)
            raise RuntimeError("secret connection string in a driver message")
        return REAL_FIRE_TIMERS(instance, workflow, actor)
    monkeypatch.setattr(runtime, "fire_timers", fire)
    return calls


def active_tasks(api, instance_id):
    instance = api.get(f"/api/process-instances/{instance_id}", "supervisor").get_json()
    return [task["task_spec_id"] for task in instance["active_tasks"]]


def open_incident(api, business_key):
    response = api.get(f"/api/incidents?status=open&business_key={business_key}", "supervisor")
    assert response.status_code == 200, response.get_json()
    (incident,) = response.get_json()
    return incident


def move_days(app, days):
    with app.app_context():
        clock.set_business_date(clock.business_date() + timedelta(days=days))
        db.session.commit()


def test_a_failing_timer_is_an_incident_and_the_close_of_business_goes_on(app, api, escalating, fresh_dates,
                                                                          monkeypatch):
    poisoned, fine, loan = start_review(api), start_review(api), new_loan(api)
    calls = poison_timers(monkeypatch, poisoned["id"])
    with app.app_context():
        day = clock.business_date() + timedelta(days=2)
        run, ran = run_cob_through(day)[-1]
        assert ran and run.finished_at is not None and clock.business_date() == day
        assert db.session.get(Loan, loan["id"]).last_cob_date == day
    assert active_tasks(api, fine["id"]) == ["escalated_review"]
    assert active_tasks(api, poisoned["id"]) == ["first_review"]

    incident = open_incident(api, poisoned["business_key"])
    assert (incident["kind"], incident["instance_id"], incident["process_key"], incident["attempts"]) == \
        ("timer", poisoned["id"], "escalating_review", 1)
    assert "RuntimeError" in incident["error"] and "secret" not in incident["error"]  # the details stay in the log
    assert poisoned["business_key"] in {i["business_key"] for i in api.get("/api/incidents", "supervisor").get_json()}
    supervisor = login(app, "supervisor")
    page = supervisor.get("/incidents").get_data(as_text=True)
    assert poisoned["business_key"] in page and incident["error"] in page and "超时上移" in page
    assert 'href="/incidents"' in supervisor.get("/").get_data(as_text=True)  # in the menu
    assert incident["error"] in supervisor.get(f"/cases/{poisoned['business_key']}").get_data(as_text=True)

    with app.app_context():  # held: neither the timer job nor the next close fires it again
        fire_due_timers()
        run_cob_through(day + timedelta(days=1))
    assert calls == [poisoned["id"]]

    failed = api.post(f"/api/incidents/{incident['id']}/retry", "supervisor")
    assert failed.status_code == 200 and (failed.get_json()["status"], failed.get_json()["attempts"]) == ("open", 2)
    assert active_tasks(api, poisoned["id"]) == ["first_review"]

    monkeypatch.setattr(runtime, "fire_timers", REAL_FIRE_TIMERS)  # the cause is removed
    response = supervisor.post(f"/incidents/{incident['id']}/retry", data={"next": "/incidents"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/incidents")
    assert "异常事件已解决" in supervisor.get("/incidents").get_data(as_text=True)
    assert active_tasks(api, poisoned["id"]) == ["escalated_review"]
    with app.app_context():
        resolved = db.session.execute(db.select(AuditEvent).where(
            AuditEvent.action == "incident_resolved", AuditEvent.subject == f"incident:{incident['id']}")).scalar_one()
        assert (resolved.actor, resolved.instance_id) == ("supervisor", poisoned["id"])
    again = api.post(f"/api/incidents/{incident['id']}/retry", "supervisor")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "incident_closed"


def test_a_loan_whose_close_fails_is_held_back_and_every_other_loan_closes(app, api, fresh_dates, monkeypatch):
    poisoned, fine = new_loan(api), new_loan(api)
    due = date.fromisoformat(fine["schedule"][0]["due_date"])
    real = daily_close.penalty_for_day

    def penalty(on, first_due, overdue, loan):
        if loan.id == poisoned["id"]:
            raise ZeroDivisionError("a corrupt installment row")
        return real(on, first_due, overdue, loan)
    monkeypatch.setattr(daily_close, "penalty_for_day", penalty)
    target = due + timedelta(days=3)
    with app.app_context():
        run, ran = run_cob_through(target)[-1]
        assert ran and run.finished_at is not None and clock.business_date() == target
        closed, held = db.session.get(Loan, fine["id"]), db.session.get(Loan, poisoned["id"])
        assert (closed.last_cob_date, closed.dpd) == (target, 3)
        assert (held.last_cob_date, held.dpd) == (due, 0)  # held back since the first overdue day

    incident = open_incident(api, poisoned["business_key"])
    assert (incident["kind"], incident["element_id"], incident["instance_id"]) == ("close_of_business", "daily_close",
                                                                                   None)
    assert "ZeroDivisionError" in incident["error"]
    refused = api.post(f"/api/incidents/{incident['id']}/cancel", "supervisor")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "not_cancellable"

    monkeypatch.setattr(daily_close, "penalty_for_day", real)
    response = api.post(f"/api/incidents/{incident['id']}/retry", "supervisor")
    assert response.status_code == 200 and response.get_json()["status"] == "resolved"
    with app.app_context():  # every missed date closed, as if nothing had happened
        closed, held = db.session.get(Loan, fine["id"]), db.session.get(Loan, poisoned["id"])
        assert (held.last_cob_date, held.dpd, held.accrued_penalty, held.classification) == \
            (target, 3, closed.accrued_penalty, closed.classification)


def test_cancel_terminates_the_instance_with_an_audit_event_for_overseers_only(app, api, escalating, fresh_dates,
                                                                              monkeypatch):
    poisoned = start_review(api)
    poison_timers(monkeypatch, poisoned["id"])
    move_days(app, 2)
    with app.app_context():
        fire_due_timers()
    incident = open_incident(api, poisoned["business_key"])
    cancel, retry = f"/api/incidents/{incident['id']}/cancel", f"/api/incidents/{incident['id']}/retry"

    for response in (api.get("/api/incidents", "loan_officer"), api.post(retry, "loan_officer"),
                     api.post(cancel, "loan_officer", json={"reason": "不需要 not needed"})):
        assert response.status_code == 403 and set(response.get_json()["error"]) == ERROR_KEYS
    officer = login(app, "loan_officer")
    assert officer.get("/incidents").status_code == 403
    assert officer.post(f"/incidents/{incident['id']}/cancel").status_code == 403
    assert 'href="/incidents"' not in officer.get("/").get_data(as_text=True)
    assert open_incident(api, poisoned["business_key"])["status"] == "open"

    response = api.post(cancel, "process_designer", json={"reason": "流程已废弃 the process is retired"})
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["status"], response.get_json()["resolved_by"]) == ("cancelled", "process_designer")
    instance = api.get(f"/api/process-instances/{poisoned['id']}", "supervisor").get_json()
    assert instance["status"] == "terminated" and instance["active_tasks"] == []
    cancelled = api.get(f"/api/tasks?scope=all&status=cancelled&business_key={poisoned['business_key']}",
                        "supervisor").get_json()["items"]
    assert [t["task_spec_id"] for t in cancelled] == ["first_review"]
    with app.app_context():
        event = db.session.execute(db.select(AuditEvent).where(
            AuditEvent.action == "incident_cancelled", AuditEvent.instance_id == poisoned["id"])).scalar_one()
        assert (event.actor, event.reason, event.after["instance_status"]) == \
            ("process_designer", "流程已废弃 the process is retired", "terminated")
    for again in (api.post(cancel, "supervisor"), api.post(retry, "supervisor")):
        assert again.status_code == 409 and again.get_json()["error"]["code"] == "incident_closed"


def test_job_locks_are_released_when_something_unexpected_escapes(app, api, escalating, fresh_dates, monkeypatch):
    poisoned = start_review(api)
    poison_timers(monkeypatch, poisoned["id"])
    real_record = incident_store._record

    def store_down(site, err):
        raise RuntimeError("the incident cannot be stored")
    monkeypatch.setattr(incident_store, "_record", store_down)
    with app.app_context():
        day = clock.business_date() + timedelta(days=2)
        with pytest.raises(RuntimeError, match="cannot be stored"):
            run_cob_through(day)
        holders = dict(db.session.execute(db.select(JobLock.name, JobLock.holder).where(
            JobLock.name.in_((COB_LOCK, TIMERS_LOCK)))).all())
        assert holders == {COB_LOCK: None, TIMERS_LOCK: None}

        monkeypatch.setattr(incident_store, "_record", real_record)
        run, ran = run_cob_through(day)[-1]  # the next run takes the locks and finishes the dates
        assert ran and run.finished_at is not None and clock.business_date() == day
    assert open_incident(api, poisoned["business_key"])["kind"] == "timer"
