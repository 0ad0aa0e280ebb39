"""Hostile process files: every way out of the script sandbox is named by `processes validate`,
refused at deployment, and stopped at run time with a task error — never a 5xx, never a file read."""
import builtins
from pathlib import Path

import pytest

from app.extensions import db
from app.workflow.definitions import build_processes, parse_sources, store_versions
from app.workflow.models import ProcessInstance

from ..workflow.test_designer_api import designer_folder  # noqa: F401 - PROCESSES_DIR as a throwaway copy

HOSTILE = Path(__file__).resolve().parents[1] / "fixtures" / "hostile"

# The files of one deployment, and the lines `processes validate` must print for them.
REFUSED = [
    (["import_module.bpmn"], [
        "import_module.bpmn: import_os: script is not allowed: imports are not allowed",
        "import_module.bpmn: dunder_import: script is not allowed: name '__import__' is not allowed"]),
    (["read_file.bpmn"], [
        "read_file.bpmn: read_passwd: script is not allowed: name 'open' is not defined in the sandbox"]),
    (["dunder_walk.bpmn"], [
        "dunder_walk.bpmn: route: condition is not allowed: name '__subclasses__' is not allowed",
        "dunder_walk.bpmn: steal_globals: script is not allowed: name '__globals__' is not allowed"]),
    (["dangerous_builtins.bpmn"], [
        f"dangerous_builtins.bpmn: call_{name}: script is not allowed: name '{name}' is not defined in the sandbox"
        for name in ("eval", "exec", "getattr", "compile", "globals")]),
    (["timer_escape.bpmn"], [
        "timer_escape.bpmn: expire: timer expression is not allowed: name 'open' is not defined in the sandbox",
        "timer_escape.bpmn: wait: timer expression is not allowed: name '__import__' is not allowed"]),
    (["decision_escape.bpmn", "hostile_decision.dmn"], [
        "hostile_decision.dmn: input_probe: input expression is not allowed: name '__import__' is not allowed",
        "hostile_decision.dmn: entry_read_file: input entry is not allowed: name 'open' is not defined in the sandbox",
        "hostile_decision.dmn: entry_question_mark: input entry is not allowed: name 'getattr' is not defined in the sandbox",
        "hostile_decision.dmn: output_eval: output entry is not allowed: name 'eval' is not defined in the sandbox"]),
    (["attribute_tricks.bpmn"], [
        "attribute_tricks.bpmn: decimal_module: script is not allowed: name '__module__' is not allowed",
        "attribute_tricks.bpmn: format_lookup: script is not allowed: attribute 'format' is not allowed",
        "attribute_tricks.bpmn: type_probe: script is not allowed: name 'type' is not defined in the sandbox",
        "attribute_tricks.bpmn: match_attributes: script is not allowed: Match is not allowed"]),
    (["frame_escape.bpmn"], [
        "frame_escape.bpmn: walk_frames: script is not allowed: attribute 'f_globals' is not allowed"]),
]
CASES = [pytest.param(files, lines, id=files[0].split(".")[0]) for files, lines in REFUSED]


def sources(*names):
    return {name: (HOSTILE / name).read_text(encoding="utf-8") for name in names}


def process_key(name):
    parser, _ = parse_sources(sources(name))
    return parser.get_process_ids()[0]


def assert_validate_refuses(app, files, lines):
    """`processes validate` on hostile files fails, printing each expected line and no traceback."""
    result = app.test_cli_runner().invoke(args=["processes", "validate", *[str(HOSTILE / f) for f in files]])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    printed = result.output.splitlines()
    for line in lines:
        assert line in printed, result.output


@pytest.mark.parametrize("files, lines", CASES)
def test_validate_names_file_element_and_reason(app, files, lines):
    assert_validate_refuses(app, files, lines)


@pytest.mark.parametrize("files, lines", CASES)
def test_deploying_through_the_api_is_refused_with_the_problems(api, designer_folder, files, lines):  # noqa: F811
    response = api.post("/api/process-definitions", "process_designer", json={"files": sources(*files)})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_process_files"
    assert set(lines) <= set(error["details"]["problems"])
    key = process_key(files[0])
    assert api.get(f"/api/process-definitions/{key}/versions", "process_designer").status_code == 404
    assert not any((designer_folder / f).exists() for f in files)


@pytest.fixture()
def opened_files(monkeypatch):
    """Every path anything opens during the test, through the real `open` of the interpreter."""
    paths, real_open = [], builtins.open

    def spy(file, *args, **kwargs):
        paths.append(str(file))
        return real_open(file, *args, **kwargs)
    monkeypatch.setattr(builtins, "open", spy)
    return paths


def deploy_unchecked(app, *names):
    """Store definitions without validation, as an older, laxer release would have deployed them:
    the sandbox itself must still hold when they run."""
    files = sources(*names)
    with app.app_context():
        parser, problems = parse_sources(files)
        processes, more = build_processes(files, parser)
        assert not problems + more
        store_versions(processes, "an older release")
        db.session.commit()
    return processes[0].key


def instance_count(app, key):
    with app.app_context():
        return db.session.execute(db.select(db.func.count(ProcessInstance.id))
                                  .where(ProcessInstance.process_key == key)).scalar_one()


@pytest.mark.parametrize("names, element", [
    (["frame_escape.bpmn"], "walk_frames"),
    (["read_file.bpmn"], "read_passwd"),
    (["timer_escape.bpmn"], "expire"),
    (["decision_escape.bpmn", "hostile_decision.dmn"], "decide"),
])
def test_an_escape_that_was_deployed_anyway_stops_at_run_time(app, api, opened_files, names, element):
    key = deploy_unchecked(app, *names)
    response = api.post("/api/process-instances", "loan_officer", json={"process_key": key, "data": {"amount": 5}})
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "process_error" and error["details"]["element"] == [element]
    assert error["message"].startswith(f"the process stopped at {element}")
    assert "/etc/passwd" not in opened_files
    assert "root:" not in response.get_data(as_text=True)
    assert instance_count(app, key) == 0  # the start was rolled back whole


def deploy(api, name):
    response = api.post("/api/process-definitions", "process_designer", json={"files": sources(name)})
    assert response.status_code == 201, response.get_json()  # valid as written: only running it tells
    return process_key(name)


def test_a_forever_loop_fails_the_task_and_changes_nothing(app, api, designer_folder):  # noqa: F811
    key = deploy(api, "forever_loop.bpmn")
    started = api.post("/api/process-instances", "loan_officer", json={"process_key": key, "data": {}}).get_json()
    [task] = started["active_tasks"]
    assert api.post(f"/api/tasks/{task['id']}/claim", "loan_officer").status_code == 200
    with app.app_context():
        state_before = db.session.get(ProcessInstance, started["id"]).state

    response = api.post(f"/api/tasks/{task['id']}/complete", "loan_officer", json={"data": {}})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "process_error" and error["details"] == {"element": ["spin"]}
    assert "ran too long" in error["message"]

    after = api.get(f"/api/tasks/{task['id']}", "loan_officer").get_json()
    assert (after["status"], after["assignee"]) == ("open", "loan_officer")
    instance = api.get(f"/api/process-instances/{started['id']}", "loan_officer").get_json()
    assert instance["status"] == "waiting" and [t["id"] for t in instance["active_tasks"]] == [task["id"]]
    assert [h["action"] for h in instance["history"]] == ["process_started", "task_claimed"]
    with app.app_context():
        assert db.session.get(ProcessInstance, started["id"]).state == state_before


@pytest.mark.parametrize("data, reason", [
    ({"copies": 10 ** 12, "exponent": 1}, "range of more than"),
    ({"copies": 10, "exponent": 10 ** 9}, "a power with more than"),
])
def test_work_sized_by_the_data_is_refused_before_it_hangs(app, api, designer_folder, data, reason):  # noqa: F811
    key = deploy(api, "data_sized_work.bpmn")
    fine = api.post("/api/process-instances", "loan_officer",
                    json={"process_key": key, "data": {"copies": 10, "exponent": 3}})
    assert fine.status_code == 201
    task_id = fine.get_json()["active_tasks"][0]["id"]
    assert api.get(f"/api/tasks/{task_id}", "loan_officer").get_json()["data"]["total"] == 45
    before = instance_count(app, key)

    response = api.post("/api/process-instances", "loan_officer", json={"process_key": key, "data": data})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "process_error" and error["details"] == {"element": ["count_up"]}
    assert reason in error["message"]
    assert instance_count(app, key) == before


def test_a_timer_moment_that_is_not_a_date_is_a_clear_error(app, api, designer_folder):  # noqa: F811
    key = deploy(api, "timer_from_data.bpmn")
    waiting = api.post("/api/process-instances", "loan_officer",
                       json={"process_key": key, "data": {"wait_until": "2099-01-01T08:00:00+08:00"}})
    assert waiting.status_code == 201 and waiting.get_json()["status"] == "waiting"
    before = instance_count(app, key)
    response = api.post("/api/process-instances", "loan_officer", json={"process_key": key, "data": {"wait_until": "soon"}})
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "process_error"
    assert instance_count(app, key) == before
