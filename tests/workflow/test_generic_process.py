"""A process no one has seen — new lanes, new forms — runs through the inbox from files alone."""
import shutil
from pathlib import Path

import pytest

from app.auth.models import Role, User
from app.auth.service import hash_password
from app.extensions import db

FIXTURES = Path(__file__).parent.parent / "fixtures" / "generic"
ROOT = Path(__file__).parent.parent.parent


@pytest.fixture(scope="module")
def archive_process(app, tmp_path_factory):
    """Copy archive_request and its forms into the designer's folders, then validate and deploy
    them with the commands a designer uses: no code knows this process."""
    forms, processes = tmp_path_factory.mktemp("forms"), tmp_path_factory.mktemp("processes")
    for source in [*ROOT.joinpath("forms").glob("*.json"), *FIXTURES.glob("archive_*.json")]:
        shutil.copy(source, forms)
    for source in [*ROOT.joinpath("processes").glob("*.*"), FIXTURES / "archive_request.bpmn"]:
        shutil.copy(source, processes)
    old = app.config["FORMS_DIR"], app.config["PROCESSES_DIR"]
    app.config["FORMS_DIR"], app.config["PROCESSES_DIR"] = str(forms), str(processes)
    with app.app_context():
        clerk = Role(code="archive_clerk", name_zh="档案员", name_en="Archive clerk")
        keeper = Role(code="archive_keeper", name_zh="档案主管", name_en="Archive keeper")
        db.session.add_all([clerk, keeper])
        for username, roles in [("clerk_a", [clerk]), ("keeper_a", [keeper]), ("keeper_b", [keeper]),
                                ("clerk_keeper", [clerk, keeper])]:
            db.session.add(User(username=username, display_name=username,
                                password_hash=hash_password("demo"), roles=roles))
        db.session.commit()
    runner = app.test_cli_runner()
    validated = runner.invoke(args=["processes", "validate"])
    assert validated.exit_code == 0, validated.output
    deployed = runner.invoke(args=["processes", "deploy"])
    assert deployed.exit_code == 0 and "deployed archive_request version 1" in deployed.output, deployed.output
    yield
    app.config["FORMS_DIR"], app.config["PROCESSES_DIR"] = old


def start(api, user="clerk_a", **data):
    body = {"file_number": "A-001", "copies": 1, **data}
    return api.post("/api/process-instances", user, json={"process_key": "archive_request", "data": body})


def open_tasks(api, instance_id, user="supervisor"):
    instance = api.get(f"/api/process-instances/{instance_id}", user).get_json()
    return instance["active_tasks"]


def test_definition_lists_lanes_as_roles(api, archive_process):
    definitions = {d["key"]: d for d in api.get("/api/process-definitions", "clerk_a").get_json()}
    archive = definitions["archive_request"]
    assert archive["start_roles"] == ["archive_clerk"]
    assert set(archive["roles"]) == {"archive_clerk", "archive_keeper"}
    assert {t["id"]: t["roles"] for t in archive["user_tasks"]} == {
        "approve_loan_of_file": ["archive_keeper"], "fetch_file": ["archive_clerk"]}


def test_start_routes_first_task_to_lane_role_with_due_time(api, archive_process):
    response = start(api)
    assert response.status_code == 201, response.get_json()
    instance = response.get_json()
    assert instance["status"] == "waiting"
    [task] = instance["active_tasks"]
    assert task["name"] == "审批借阅 Approve"
    assert task["roles"] == ["archive_keeper"]
    assert task["assignee"] is None
    assert task["due_at"] is not None and task["due_at"] > task["created_at"]
    queue = api.get(f"/api/tasks?scope=role&business_key={instance['business_key']}", "keeper_a").get_json()
    assert [t["id"] for t in queue["items"]] == [task["id"]]
    assert api.get(f"/api/tasks?scope=role&business_key={instance['business_key']}", "clerk_a").get_json()["items"] == []


def test_start_form_is_validated_and_nothing_is_created(api, archive_process):
    before = api.get("/api/tasks?scope=all&process_key=archive_request", "supervisor").get_json()["total"]
    response = start(api, file_number="A", copies=0, deposit="12.345")
    assert response.status_code == 422
    details = response.get_json()["error"]["details"]
    assert set(details) == {"file_number", "copies", "deposit"}
    missing = api.post("/api/process-instances", "clerk_a", json={"process_key": "archive_request", "data": {}})
    assert missing.status_code == 422 and "file_number" in missing.get_json()["error"]["details"]
    after = api.get("/api/tasks?scope=all&process_key=archive_request", "supervisor").get_json()["total"]
    assert after == before


def test_only_the_start_lane_may_start(api, archive_process):
    response = start(api, user="keeper_a")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "wrong_role"


def test_claim_race_wrong_role_and_double_complete(api, archive_process):
    response = start(api, deposit="12.50")
    assert response.status_code == 201, response.get_json()
    instance = response.get_json()
    task_id = instance["active_tasks"][0]["id"]
    assert api.post(f"/api/tasks/{task_id}/complete", "clerk_a", json={"data": {"granted": True}}).status_code == 403
    assert api.post(f"/api/tasks/{task_id}/claim", "keeper_a").status_code == 200
    assert api.post(f"/api/tasks/{task_id}/claim", "keeper_b").status_code == 409
    assert api.post(f"/api/tasks/{task_id}/complete", "keeper_b", json={"data": {"granted": True}}).status_code == 409

    bad = api.post(f"/api/tasks/{task_id}/complete", "keeper_a", json={"data": {"granted": "yes"}})
    assert bad.status_code == 422 and "granted" in bad.get_json()["error"]["details"]
    detail = api.get(f"/api/tasks/{task_id}", "keeper_a").get_json()
    assert detail["status"] == "open"
    assert detail["form"]["required"] == ["granted"]
    assert detail["data"]["deposit"] == "12.50"  # exact decimal, not 12.5

    done = api.post(f"/api/tasks/{task_id}/complete", "keeper_a", json={"data": {"granted": True}})
    assert done.status_code == 200, done.get_json()
    [next_task] = done.get_json()["next_tasks"]
    assert next_task["name"] == "调档 Fetch the file" and next_task["roles"] == ["archive_clerk"]
    again = api.post(f"/api/tasks/{task_id}/complete", "keeper_a", json={"data": {"granted": True}})
    assert again.status_code == 409

    assert api.post(f"/api/tasks/{next_task['id']}/complete", "clerk_a", json={"data": {}}).status_code == 200
    final = api.get(f"/api/process-instances/{instance['id']}", "clerk_a").get_json()
    assert final["status"] == "completed" and final["active_tasks"] == []
    actions = [(h["action"], h["actor"]) for h in final["history"]]
    assert actions == [("process_started", "clerk_a"), ("task_claimed", "keeper_a"),
                       ("task_completed", "keeper_a"), ("task_completed", "clerk_a")]


def test_default_flow_when_condition_is_false(api, archive_process):
    instance = start(api).get_json()
    task_id = instance["active_tasks"][0]["id"]
    response = api.post(f"/api/tasks/{task_id}/complete", "keeper_b", json={"data": {"granted": False}})
    assert response.status_code == 200 and response.get_json()["next_tasks"] == []
    assert api.get(f"/api/process-instances/{instance['id']}", "keeper_b").get_json()["status"] == "completed"


def test_initiator_may_not_approve_own_request(api, archive_process):
    instance = start(api, user="clerk_keeper").get_json()
    task_id = instance["active_tasks"][0]["id"]
    response = api.post(f"/api/tasks/{task_id}/claim", "clerk_keeper")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "four_eyes"


def test_form_cannot_smuggle_process_variables(api, archive_process):
    instance = start(api, copies=1).get_json()
    task_id = instance["active_tasks"][0]["id"]
    # `copies` is not on the approval form: it must not overwrite the case's value.
    api.post(f"/api/tasks/{task_id}/complete", "keeper_a", json={"data": {"granted": True, "copies": 0}})
    assert open_tasks(api, instance["id"])[0]["name"] == "调档 Fetch the file"
