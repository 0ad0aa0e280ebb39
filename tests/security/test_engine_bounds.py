"""Valid diagrams that would hang the engine: a process calling itself, a multi-instance of a million,
a timer cycle without pause, a gateway with thousands of branches. What a file shows is refused by
`processes validate` and by deployment; what only the data shows stops at run time within seconds
with a 422 naming the element, the instance unchanged and the next request served.

Every run is guarded by a thread with a join timeout, so an unbounded engine fails the test
instead of hanging the suite."""
import threading
import time

import pytest

from app.extensions import db
from app.inbox.timers import fire_instance_timers
from app.workflow.models import ProcessInstance
from app.workflow.runtime import ProcessError

from ..workflow.test_designer_api import designer_folder  # noqa: F401 - PROCESSES_DIR as a throwaway copy
from .test_hostile_bpmn import HOSTILE, assert_validate_refuses, deploy_unchecked, instance_count, process_key, sources

ANSWER_WITHIN = 10  # seconds

REFUSED = [
    (["recursive_call.bpmn"], [
        "recursive_call.bpmn: again: calls 'hostile_recursive_call', which calls back into itself "
        "(hostile_recursive_call → hostile_recursive_call)"]),
    (["call_back_a.bpmn", "call_back_b.bpmn"], [
        "call_back_a.bpmn: call_other: calls 'hostile_call_back_b', which calls back into itself "
        "(hostile_call_back_b → hostile_call_back_a → hostile_call_back_b)",
        "call_back_b.bpmn: call_other: calls 'hostile_call_back_a', which calls back into itself "
        "(hostile_call_back_a → hostile_call_back_b → hostile_call_back_a)"]),
    (["deep_calls.bpmn"], [
        "deep_calls.bpmn: call_1: calls nest more than 10 levels deep (ENGINE_MAX_CALL_DEPTH)"]),
    (["sequential_million.bpmn"], [
        "sequential_million.bpmn: repeat: multi-instance cardinality 1000000 is above the bound of 1000 "
        "(ENGINE_MAX_INSTANCES)"]),
    (["parallel_many.bpmn"], [
        "parallel_many.bpmn: repeat: multi-instance cardinality 100000 is above the bound of 1000 "
        "(ENGINE_MAX_INSTANCES)"]),
    (["long_loop.bpmn"], [
        "long_loop.bpmn: round: loop maximum 1000000 is above the bound of 1000 (ENGINE_MAX_INSTANCES)"]),
    (["cycle_storm.bpmn"], [
        "cycle_storm.bpmn: nag: timer cycle repeats 999999999 times, above the bound of 1000 (ENGINE_MAX_TIMER_CYCLES)",
        "cycle_storm.bpmn: nag: timer cycle repeats every 0:00:00, more often than every PT1M "
        "(ENGINE_MIN_TIMER_INTERVAL)"]),
    (["wide_fork.bpmn"], [
        "wide_fork.bpmn: fork: 150 outgoing flows, above the bound of 100 branches (ENGINE_MAX_BRANCHES)"]),
]
CASES = [pytest.param(files, lines, id=files[0].split(".")[0]) for files, lines in REFUSED]


def within(seconds, call, *args):
    """What `call(*args)` returns or raises; a failed test, not a hung one, when it runs past `seconds`."""
    outcome = {}

    def run():
        try:
            outcome["value"] = call(*args)
        except BaseException as err:  # noqa: BLE001 - raised again in the test's own thread
            outcome["error"] = err
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        pytest.fail(f"still running after {seconds} s: the engine is not bounded")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


@pytest.mark.parametrize("files, lines", CASES)
def test_validate_names_file_element_and_bound(app, files, lines):
    within(ANSWER_WITHIN, lambda: assert_validate_refuses(app, files, lines))


@pytest.mark.parametrize("files, lines", CASES)
def test_deploying_past_a_bound_is_refused(api, designer_folder, files, lines):  # noqa: F811
    response = within(ANSWER_WITHIN, lambda: api.post("/api/process-definitions", "process_designer",
                                                      json={"files": sources(*files)}))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_process_files"
    assert set(lines) <= set(error["details"]["problems"])
    assert api.get(f"/api/process-definitions/{process_key(files[0])}/versions", "process_designer").status_code == 404
    assert not any((designer_folder / f).exists() for f in files)


def test_the_bounds_are_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "ENGINE_MAX_BRANCHES", 150)
    result = app.test_cli_runner().invoke(args=["processes", "validate", str(HOSTILE / "wide_fork.bpmn")])
    assert result.exit_code == 0, result.output


def deploy(api, name):
    response = api.post("/api/process-definitions", "process_designer", json={"files": sources(name)})
    assert response.status_code == 201, response.get_json()  # valid as written: only the data tells
    return process_key(name)


def start(api, key, data):
    return within(ANSWER_WITHIN, lambda: api.post("/api/process-instances", "loan_officer",
                                                  json={"process_key": key, "data": data}))


@pytest.mark.parametrize("name, fine, hostile, element, reason", [
    ("cardinality_from_data.bpmn", {"copies": 3}, {"copies": 100_000}, "repeat",
     "it would run more than 1000 times (ENGINE_MAX_INSTANCES)"),
    ("cardinality_from_data.bpmn", {"copies": 3}, {"copies": 1000, "note": "x" * 600_000}, "repeat",
     "its instances' copies of the task data would exceed 1024 KB (TASK_DATA_MAX_KB)"),
    ("loop_from_data.bpmn", {"done": 0, "rounds": 3}, {"done": 0, "rounds": 10 ** 9}, "round",
     "it would run more than 1000 times (ENGINE_MAX_INSTANCES)"),
    ("data_copies.bpmn", {"size": 1000}, {"size": 600_000}, "grow",
     "the instance's task data would exceed 1024 KB (TASK_DATA_MAX_KB)"),
], ids=["cardinality", "copies_of_data", "loop", "instance_data"])
def test_a_bound_only_the_data_shows_stops_the_step(app, api, designer_folder, name, fine, hostile,  # noqa: F811
                                                    element, reason):
    key = deploy(api, name)
    assert start(api, key, fine).status_code == 201
    before = instance_count(app, key)

    response = start(api, key, hostile)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "process_error" and error["details"] == {"element": [element]}
    assert error["message"].startswith(f"the process stopped at {element}: {reason}")
    assert instance_count(app, key) == before  # nothing of the step was kept
    assert start(api, key, fine).status_code == 201  # and the next request is served


def test_recursion_deployed_by_an_older_release_stops_at_the_depth_bound(app, api):
    key = deploy_unchecked(app, "recursive_call.bpmn")
    response = start(api, key, {})
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "process_error" and error["details"] == {"element": ["again"]}
    assert "calls nest more than 10 levels deep (ENGINE_MAX_CALL_DEPTH)" in error["message"]
    assert instance_count(app, key) == 0
    assert api.get("/api/business-date", "loan_officer").status_code == 200


def fire(app, instance_id):
    """What the timer job does for one instance: its step, in a transaction of its own."""
    with app.app_context():
        try:
            return fire_instance_timers(instance_id)
        finally:
            db.session.remove()


def stored_state(app, instance_id):
    with app.app_context():
        state = db.session.get(ProcessInstance, instance_id).state
        db.session.remove()
        return state


def test_a_timer_cycle_from_the_data_fails_its_timer_step_alone(app, api, designer_folder):  # noqa: F811
    key = deploy(api, "cycle_from_data.bpmn")
    fine = start(api, key, {"reminder_cycle": "R3/P1D"}).get_json()
    hostile = start(api, key, {"reminder_cycle": "R999999999/PT0S"}).get_json()
    assert fine["status"] == hostile["status"] == "waiting"  # on the wait: the cycle is not worked out yet
    before = stored_state(app, hostile["id"])
    time.sleep(1.2)

    with pytest.raises(ProcessError) as refused:
        within(ANSWER_WITHIN, fire, app, hostile["id"])
    assert refused.value.details == {"element": ["nag"]}
    assert "timer cycle repeats 999999999 times, above the bound of 1000 (ENGINE_MAX_TIMER_CYCLES)" \
        in refused.value.message
    assert "more often than every PT1M (ENGINE_MIN_TIMER_INTERVAL)" in refused.value.message
    assert stored_state(app, hostile["id"]) == before  # the step was rolled back

    within(ANSWER_WITHIN, fire, app, fine["id"])
    instance = api.get(f"/api/process-instances/{fine['id']}", "loan_officer").get_json()
    assert [t["task_spec_id"] for t in instance["active_tasks"]] == ["look"]
