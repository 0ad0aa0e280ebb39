"""Designers' scripts run where the operating system can stop them: a script that swallows the
sandbox's timeout, spends its time inside C calls, or eats memory is stopped within seconds with
a 422 naming its element, and the server goes on serving."""
import time
from pathlib import Path

import pytest

from app.extensions import db
from app.inbox.timers import fire_due_timers
from app.workflow.models import ProcessInstance

from ..workflow.test_designer_api import designer_folder  # noqa: F401 - PROCESSES_DIR as a throwaway copy

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"
ANSWER_WITHIN = 10  # seconds


def deploy(api, name):
    response = api.post("/api/process-definitions", "process_designer",
                        json={"files": {name: (HOSTILE / name).read_text(encoding="utf-8")}})
    assert response.status_code == 201, response.get_json()  # valid as written: only running it tells
    return f"hostile_{Path(name).stem}"


@pytest.mark.parametrize("name, element", [
    ("catches_timeout.bpmn", "swallow"), ("finally_timeout.bpmn", "outlast"), ("shift_loop.bpmn", "shift"),
    ("sort_loop.bpmn", "sort_many"), ("list_sum.bpmn", "flatten"), ("string_doubling.bpmn", "double"),
    ("join_bomb.bpmn", "join"), ("data_bloat.bpmn", "bloat"), ("condition_bomb.bpmn", "route"),
])
def test_a_hostile_script_is_stopped_and_the_server_goes_on(app, api, designer_folder, name, element):  # noqa: F811
    key = deploy(api, name)
    started = time.monotonic()
    response = api.post("/api/process-instances", "loan_officer", json={"process_key": key, "data": {}})
    assert time.monotonic() - started < ANSWER_WITHIN
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "process_error" and error["details"]["element"] == [element], error
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(ProcessInstance.id)).where(
            ProcessInstance.process_key == key)).scalar() == 0  # nothing of it was kept
    assert api.get("/api/business-date", "loan_officer").status_code == 200  # and the next request is served


def test_a_hostile_script_behind_a_timer_does_not_stop_the_timer_job(app, api, designer_folder):  # noqa: F811
    key = deploy(api, "timer_then_spin.bpmn")
    started = api.post("/api/process-instances", "loan_officer", json={"process_key": key, "data": {}})
    assert started.status_code == 201, started.get_json()
    time.sleep(1.2)
    with app.app_context():
        began = time.monotonic()
        fire_due_timers()
        assert time.monotonic() - began < ANSWER_WITHIN
        assert fire_due_timers() == 0  # the lock was given back: the job runs again at once
        instance = db.session.get(ProcessInstance, started.get_json()["id"])
        assert instance.status == "waiting"  # left as it was, to be looked at
