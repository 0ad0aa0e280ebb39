"""Races between two gunicorn worker processes over real HTTP: one winner, the rest 409, one step.

The thread races in tests/workflow share one Python process; here the contenders are separate
processes with their own connections, so only the database can keep them apart.
"""
import os
import time
from pathlib import Path

import pytest

from app.deployment import deploy_sources
from app.errors import Conflict
from app.extensions import db
from app.inbox.timers import fire_instance_timers

from ..conftest import ROOT
from ..loans.helpers import COMPLETE_DOCUMENTS
from .conftest import assert_one_winner, case_rows

RACE_COUNT = int(os.environ.get("RACE_COUNT", "30"))
APPLICATION = {"customer_id": 1, "product_code": "PERSONAL_EI", "amount": "50000", "term_months": 12,
               "purpose": "经营周转 working capital"}
PARALLEL = Path(__file__).with_name("parallel_checks.bpmn")
ESCALATING = ROOT / "tests" / "fixtures" / "generic" / "escalating_review.bpmn"
TIMER_DELAYS = (0, 0.01, 0.02, 0.04)  # seconds the timer starts late: varies which side reads first


def open_tasks(http, business_key):
    status, body = http.call("GET", f"/api/tasks?scope=all&business_key={business_key}", "supervisor")
    assert status == 200, body
    return {task["task_spec_id"]: task for task in body["items"]}


def completions(http, instance_id, task_spec_id):
    status, body = http.call("GET", f"/api/process-instances/{instance_id}", "supervisor")
    assert status == 200, body
    return [e for e in body["history"] if e["action"] == "task_completed" and e["task"] == task_spec_id]


def claim_then_complete_race(http, app):
    """Two officers claim the first task at once, then the winner submits it three times at once."""
    status, case = http.call("POST", "/api/loan-applications", "loan_officer", APPLICATION)
    assert status == 201, case
    key = case["business_key"]
    task = open_tasks(http, key)["check_completeness"]

    claimed = assert_one_winner(http.race([("POST", f"/api/tasks/{task['id']}/claim", user)
                                           for user in ("loan_officer", "loan_officer2")]))
    owner = claimed["assignee"]
    assert open_tasks(http, key)["check_completeness"]["assignee"] == owner  # the answer is what was saved

    body = {"data": COMPLETE_DOCUMENTS}
    done = assert_one_winner(http.race([("POST", f"/api/tasks/{task['id']}/complete", owner, body)] * 3))
    assert [t["task_spec_id"] for t in done["next_tasks"]] == ["branch_manager_review"]
    assert case_rows(app, key) == [("check_completeness", "completed", owner), ("branch_manager_review", "open", None)]
    assert len(completions(http, case["process_instance_id"], "check_completeness")) == 1


def deploy(app, path):
    with app.app_context():
        deploy_sources({path.name: path.read_text(encoding="utf-8")}, "reliability-tests")
    return path.stem


@pytest.fixture(scope="module")
def parallel_process(app):
    return deploy(app, PARALLEL)


@pytest.fixture(scope="module")
def escalating_process(app):
    return deploy(app, ESCALATING)


def sibling_race(http, app, process_key):
    """Two officers complete the two open branches of one instance at the same moment: both
    succeed without retrying (the server steps again on the fresh state when only the instance
    moved on), neither completion is lost and the join fires exactly once."""
    status, instance = http.call("POST", "/api/process-instances", "loan_officer", {"process_key": process_key, "data": {}})
    assert status == 201, instance
    key, tasks = instance["business_key"], open_tasks(http, instance["business_key"])
    contenders = [("check_a", "loan_officer"), ("check_b", "loan_officer2")]
    results = http.race([("POST", f"/api/tasks/{tasks[spec]['id']}/complete", user, {"data": {}})
                         for spec, user in contenders])
    assert [status for status, _ in results] == [200, 200], results
    assert sorted(case_rows(app, key)) == [("check_a", "completed", "loan_officer"),
                                           ("check_b", "completed", "loan_officer2"), ("sum_up", "open", None)]


def timer_race(http, app, move_clock, process_key, delay):
    """A day-late review: this process fires its escalation timer while a server worker completes it.

    Either the review is completed and nothing escalates, or it is cancelled and escalated;
    never both, and a 200 for the reviewer always means the review counted.
    """
    move_clock(0)
    status, instance = http.call("POST", "/api/process-instances", "loan_officer", {"process_key": process_key, "data": {}})
    assert status == 201, instance
    task = open_tasks(http, instance["business_key"])["first_review"]
    move_clock(2)  # the one-day timer is due

    def fire_timer():
        time.sleep(delay)
        with app.app_context():
            try:
                fire_instance_timers(instance["id"])
                return 200, None
            except Conflict as err:
                return 409, err.code
            finally:
                db.session.remove()

    (completed, body), (fired, _) = http.race(
        [("POST", f"/api/tasks/{task['id']}/complete", "loan_officer2", {"data": {}}), fire_timer])
    assert completed in (200, 409) and fired in (200, 409), (completed, body)
    rows = case_rows(app, instance["business_key"])
    if completed == 200:
        assert rows == [("first_review", "completed", "loan_officer2")]
    else:
        assert rows == [("first_review", "cancelled", None), ("escalated_review", "open", None)]


def test_two_processes_claiming_and_completing_one_task_have_one_winner(http, app):
    claim_then_complete_race(http, app)


def test_completing_sibling_branches_at_once_loses_neither(http, app, parallel_process):
    for _ in range(3):
        sibling_race(http, app, parallel_process)


def test_a_timer_and_a_completion_step_the_instance_once(http, app, move_clock, escalating_process):
    for delay in TIMER_DELAYS:
        timer_race(http, app, move_clock, escalating_process, delay)


@pytest.mark.slow
def test_stress_races(http, app, move_clock, parallel_process, escalating_process):
    """RACE_COUNT rounds of every race above (RACE_COUNT=1000 for the full run)."""
    for round_number in range(RACE_COUNT):
        claim_then_complete_race(http, app)
        sibling_race(http, app, parallel_process)
        timer_race(http, app, move_clock, escalating_process, TIMER_DELAYS[round_number % len(TIMER_DELAYS)])
