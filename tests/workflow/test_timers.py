"""A BPMN timer on a node moves the work up a level when the business clock passes its deadline."""
from pathlib import Path

import pytest

from app.deployment import deploy_sources
from app.inbox.timers import fire_due_timers
from app.workflow.definitions import read_sources

FIXTURE = Path(__file__).parent.parent / "fixtures" / "generic" / "escalating_review.bpmn"


@pytest.fixture(scope="module")
def escalating_process(app):
    with app.app_context():
        deploy_sources(read_sources(FIXTURE.parent, [FIXTURE]), "tests")


def tasks_of(api, instance_id):
    return [t["task_spec_id"] for t in api.get(f"/api/process-instances/{instance_id}", "supervisor").get_json()["active_tasks"]]


def test_timer_escalates_after_the_business_day_passes(app, api, escalating_process, move_clock):
    instance = api.post("/api/process-instances", "loan_officer",
                        json={"process_key": "escalating_review", "data": {}}).get_json()
    assert tasks_of(api, instance["id"]) == ["first_review"]
    with app.app_context():
        fire_due_timers()
    assert tasks_of(api, instance["id"]) == ["first_review"]  # not due yet

    move_clock(2)
    with app.app_context():
        assert fire_due_timers() >= 1
    assert tasks_of(api, instance["id"]) == ["escalated_review"]
    cancelled = api.get("/api/tasks?scope=all&status=cancelled&process_key=escalating_review", "supervisor").get_json()
    assert instance["business_key"] in {t["business_key"] for t in cancelled["items"]}
    with app.app_context():
        assert fire_due_timers() == 0  # nothing left to fire: the step happened once


def test_work_done_in_time_never_escalates(app, api, escalating_process, move_clock):
    instance = api.post("/api/process-instances", "loan_officer",
                        json={"process_key": "escalating_review", "data": {}}).get_json()
    task_id = instance["active_tasks"][0]["id"]
    assert api.post(f"/api/tasks/{task_id}/complete", "loan_officer", json={"data": {}}).status_code == 200
    move_clock(3)
    with app.app_context():
        fire_due_timers()
    final = api.get(f"/api/process-instances/{instance['id']}", "supervisor").get_json()
    assert final["status"] == "completed" and final["active_tasks"] == []


def test_a_date_timer_given_a_duration_is_named_with_what_to_write(app, api):
    """A designer turns the duration timer into a date timer and keeps "P1D": the start is refused
    naming the timer and what a date timer takes, not a comparison between a dict and a datetime."""
    text = FIXTURE.read_text(encoding="utf-8").replace(
        '<bpmn:timeDuration>"P1D"</bpmn:timeDuration>', '<bpmn:timeDate>"P1D"</bpmn:timeDate>').replace(
        'id="escalating_review"', 'id="escalating_review_by_date"')
    assert "timeDate" in text and "escalating_review_by_date" in text
    with app.app_context():
        deploy_sources({"escalating_review_by_date.bpmn": text}, "tests")
    refused = api.post("/api/process-instances", "loan_officer",
                       json={"process_key": "escalating_review_by_date", "data": {}})
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["details"]["element"] == ["too_slow"]
    assert "date timer" in error["message"] and "2026-12-31T09:00:00+08:00" in error["message"]
    assert "dict" not in error["message"]
