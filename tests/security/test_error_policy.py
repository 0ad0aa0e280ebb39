"""Our errors are not the user's: a user's or a designer's mistake is a clear 4xx that changes
nothing; a fault of ours is logged with its traceback under an incident id and answered 500 with
that id, never with the internals. Values JSON cannot carry (NaN, Infinity, sets) and DTD tricks
in process files are refused with a 4xx, never a 500."""
import logging
import os
import re
import socket
import threading
import traceback

import pytest

from app.auth.models import Role
from app.errors import Conflict, ValidationFailed
from app.extensions import db
from app.inbox.forms import validated_form_data
from app.loans.models import Product
from app.web.formrender import submitted_data
from app.workflow import services
from app.workflow.models import ProcessInstance
from config import TestConfig

from ..web.test_pages import login
from ..web.test_product_pages import NEW as NEW_PRODUCT
from ..workflow.test_designer_api import designer_folder  # noqa: F401 - PROCESSES_DIR as a throwaway copy
from .test_hostile_bpmn import HOSTILE, deploy_unchecked, instance_count, sources

PROBE = "error_policy_probe"  # the service operator handler_probe.bpmn calls
ERROR_KEYS = {"code", "message", "details"}


def failures(caplog, level=logging.ERROR):
    return [r for r in caplog.records if r.levelno >= level]


def logged_traceback(record):
    assert record.exc_info, f"logged without a traceback: {record.getMessage()}"
    return "".join(traceback.format_exception(*record.exc_info))


def assert_internal_error(response, caplog, cause, internals):
    """A 500 naming an incident whose log record (ERROR, with the traceback of `cause`) has the same id."""
    assert response.status_code == 500, response.get_data(as_text=True)[:500]
    error = response.get_json()["error"]
    assert set(error) == ERROR_KEYS and error["code"] == "internal_error"
    incident = error["details"]["incident_id"]
    assert incident and error["message"].endswith(incident) and set(error["details"]) == {"incident_id"}
    assert internals not in response.get_data(as_text=True) and "Traceback" not in response.get_data(as_text=True)
    [record] = [r for r in failures(caplog) if incident in r.getMessage()]
    assert cause in logged_traceback(record)
    return incident


# --- 1. a fault in a service handler is ours: 500 with an incident, nothing saved -----------------

@pytest.fixture()
def probe(app, api, monkeypatch):
    """Register `handler` as the probe's service; return a started probe case waiting at `confirm`,
    claimed by loan_officer."""
    key = deploy_unchecked(app, "handler_probe.bpmn")

    def at_confirm(handler):
        monkeypatch.setitem(services._handlers, PROBE, handler)
        started = api.post("/api/process-instances", "loan_officer", json={"process_key": key, "data": {}})
        assert started.status_code == 201, started.get_json()
        [task] = started.get_json()["active_tasks"]
        assert api.post(f"/api/tasks/{task['id']}/claim", "loan_officer").status_code == 200
        return started.get_json()["id"], task["id"]
    return at_confirm


def state_of(app, instance_id):
    with app.app_context():
        return db.session.get(ProcessInstance, instance_id).state


def assert_step_undone(app, api, instance_id, task_id, state_before):
    task = api.get(f"/api/tasks/{task_id}", "loan_officer").get_json()
    assert (task["status"], task["assignee"]) == ("open", "loan_officer")
    assert state_of(app, instance_id) == state_before


def reads_a_missing_customer(step, data, amount):
    return {"name": data.get("customer").name}  # AttributeError: a bug of ours, not the designer's


def test_a_bug_in_a_service_handler_is_a_500_with_an_incident_and_nothing_saved(app, api, probe, caplog):
    instance_id, task_id = probe(reads_a_missing_customer)
    state_before = state_of(app, instance_id)
    response = api.post(f"/api/tasks/{task_id}/complete", "loan_officer", json={"data": {}})
    assert_internal_error(response, caplog, "AttributeError: 'NoneType' object has no attribute 'name'",
                          internals="NoneType")
    assert_step_undone(app, api, instance_id, task_id, state_before)


def test_the_page_names_the_incident_in_the_page_language(app, api, probe, caplog):
    _, task_id = probe(reads_a_missing_customer)
    page = login(app, "loan_officer").post(f"/tasks/{task_id}/complete", data={})
    assert page.status_code == 500
    [record] = failures(caplog)
    assert "AttributeError" in logged_traceback(record)
    incident = re.search(r"incident (\w+)", record.getMessage()).group(1)
    text = page.get_data(as_text=True)
    assert f"故障编号 {incident}" in text and "NoneType" not in text


def refuses_by_rule(step, data, amount):
    raise ValidationFailed("the amount is above the limit", {"amount": ["must be at most 1.00"]})


def takes_no_amount(step, data):
    return {}


@pytest.mark.parametrize("handler, status, code", [
    (refuses_by_rule, 422, "validation_failed"),  # a business rule: the user's to fix
    (takes_no_amount, 422, "process_error"),  # the diagram passes a parameter the service does not take
])
def test_what_the_user_or_designer_can_fix_stays_a_4xx_without_an_incident(app, api, probe, caplog, handler,
                                                                          status, code):
    instance_id, task_id = probe(handler)
    state_before = state_of(app, instance_id)
    response = api.post(f"/api/tasks/{task_id}/complete", "loan_officer", json={"data": {}})
    assert response.status_code == status and response.get_json()["error"]["code"] == code, response.get_json()
    assert not failures(caplog)
    assert_step_undone(app, api, instance_id, task_id, state_before)


# --- 2. integrity errors: a lost unique race is a logged 409, anything else a 500 ---------------------

def inserts_a_duplicate_role(step, data, amount):
    db.session.execute(db.insert(Role).values(code="loan_officer", name_zh="重复", name_en="Duplicate"))
    return {}


def inserts_a_role_without_a_name(step, data, amount):
    db.session.execute(db.insert(Role).values(code="error_policy_nameless", name_zh=None, name_en="Nameless"))
    return {}


def test_a_unique_constraint_race_is_a_409_logged_with_its_constraint(app, api, probe, caplog):
    instance_id, task_id = probe(inserts_a_duplicate_role)
    state_before = state_of(app, instance_id)
    response = api.post(f"/api/tasks/{task_id}/complete", "loan_officer", json={"data": {}})
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "conflict"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("role.code" in m or "pk_role" in m for m in warnings), warnings  # SQLite's columns, PostgreSQL's name
    assert not failures(caplog)
    assert_step_undone(app, api, instance_id, task_id, state_before)


def test_any_other_integrity_error_is_ours_a_500_with_an_incident(app, api, probe, caplog):
    instance_id, task_id = probe(inserts_a_role_without_a_name)
    state_before = state_of(app, instance_id)
    response = api.post(f"/api/tasks/{task_id}/complete", "loan_officer", json={"data": {}})
    assert_internal_error(response, caplog, "IntegrityError", internals="name_zh")
    assert_step_undone(app, api, instance_id, task_id, state_before)
    with app.app_context():
        assert db.session.get(Role, "error_policy_nameless") is None


# --- 3. the deploy at start-up: a race is a warning, anything else an error with its traceback ---------

@pytest.mark.parametrize("failure, level", [
    (Conflict("this change conflicts with data saved meanwhile"), logging.WARNING),  # another node deployed
    (RuntimeError("the disk went away"), logging.ERROR),
])
def test_the_deploy_at_start_up_logs_a_fault_as_an_error_with_its_traceback(app, monkeypatch, caplog, failure, level):
    from app import create_app, deployment

    class Serving(TestConfig):  # a server's first request deploys, as in production
        TESTING = False
        DEPLOY_ON_START = True
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]

    def import_new_files(deployed_by=None):
        raise failure
    monkeypatch.setattr(deployment, "import_new_files", import_new_files)
    serving = create_app(Serving())
    assert serving.test_client().get("/login").status_code == 200  # the versions deployed before still serve
    [record] = [r for r in caplog.records if r.name == "app" and r.levelno >= logging.WARNING]
    assert record.levelno == level
    if level == logging.ERROR:
        assert "RuntimeError: the disk went away" in logged_traceback(record)
    with serving.app_context():
        db.engine.dispose()


# --- 4. data a script or decision leaves that no saved state can hold: 422 naming the element -----------

@pytest.mark.parametrize("kind, text", [
    ("set", ""), ("nested_set", ""), ("float", "nan"), ("float", "-inf"),
    ("decimal", "sNaN"), ("decimal", "NaN"), ("decimal", "Infinity"),
])
def test_a_script_leaving_data_that_cannot_be_saved_is_a_422_naming_it(app, api, kind, text, caplog):
    key = deploy_unchecked(app, "unstorable_data.bpmn")
    before = instance_count(app, key)
    response = api.post("/api/process-instances", "loan_officer",
                        json={"process_key": key, "data": {"kind": kind, "text": text}})
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    error = response.get_json()["error"]
    assert error["code"] == "process_error" and error["details"] == {"element": ["make_value"]}
    assert "'value'" in error["message"]
    assert instance_count(app, key) == before
    assert not failures(caplog)


def test_a_decision_whose_verdict_cannot_be_saved_is_a_422_naming_it(app, api):
    key = deploy_unchecked(app, "unstorable_decision.bpmn", "unstorable_decision.dmn")
    before = instance_count(app, key)
    response = api.post("/api/process-instances", "loan_officer", json={"process_key": key, "data": {"amount": 5}})
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    error = response.get_json()["error"]
    assert error["code"] == "process_error" and error["details"] == {"element": ["decide"]}
    assert instance_count(app, key) == before


# --- 5. NaN and Infinity are not JSON: neither taken in nor given out ---------------------------------

@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_a_json_body_with_nan_or_infinity_is_malformed(app, api, literal):
    key = deploy_unchecked(app, "handler_probe.bpmn")
    before = instance_count(app, key)
    body = '{"process_key": "%s", "data": {"amount": %s}}' % (key, literal)
    response = api.post("/api/process-instances", "loan_officer", data=body, content_type="application/json")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert set(error) == ERROR_KEYS and error["code"] == "malformed_json"
    assert instance_count(app, key) == before


def test_the_app_never_writes_nan_or_infinity_into_json(app):
    for value in (float("nan"), float("inf")):
        with pytest.raises(ValueError):
            app.json.dumps({"value": value})


def test_a_posted_form_with_nan_or_infinity_is_refused_at_the_field():
    schema = {"type": "object", "properties": {"ratio": {"type": "number"}, "rows": {"type": "array"}}}
    for form in ({"ratio": "nan"}, {"ratio": "-Infinity"}, {"rows": "[1, NaN]"}):
        with pytest.raises(ValidationFailed) as refused:
            validated_form_data(schema, submitted_data(schema, form))
        assert set(refused.value.details) == set(form)


@pytest.mark.parametrize("rate", ["NaN", "Infinity", "sNaN"])
def test_a_product_rate_that_is_not_a_number_is_named_at_its_field(app, rate):
    response = login(app, "admin").post("/products/new", data=dict(NEW_PRODUCT, code="PAGE_NAN", rate_percent=rate))
    assert response.status_code == 422
    assert "请以百分数填写年利率" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Product, "PAGE_NAN") is None


# --- 6. DTDs in process files: refused with the file named, nothing fetched -------------------------

DTD_FILES = ["dtd_parameter_entity.bpmn", "dtd_external_subset.bpmn", "dtd_general_entity.bpmn",
             "dtd_entity_expansion.bpmn"]
NO_DTD = "a document type declaration (<!DOCTYPE>) is not allowed in a process file"


@pytest.mark.parametrize("name", DTD_FILES)
def test_a_process_file_with_a_dtd_is_refused_on_deploy(api, designer_folder, name):  # noqa: F811
    response = api.post("/api/process-definitions", "process_designer", json={"files": sources(name)})
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    error = response.get_json()["error"]
    assert error["code"] == "invalid_process_files"
    assert f"{name}: -: {NO_DTD}" in error["details"]["problems"]
    assert "root:" not in response.get_data(as_text=True)
    assert not (designer_folder / name).exists()


@pytest.mark.parametrize("name", DTD_FILES)
def test_processes_validate_names_a_file_with_a_dtd(app, name):
    result = app.test_cli_runner().invoke(args=["processes", "validate", str(HOSTILE / name)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{name}: -: {NO_DTD}" in result.output.splitlines(), result.output


@pytest.fixture()
def watched_pipe(tmp_path):
    """A named pipe standing for a server file: `opened` is set if anything opens it to read."""
    path = tmp_path / "secret.dtd"
    os.mkfifo(path)
    opened = threading.Event()

    def writer():
        with open(path, "w") as pipe:  # returns once a reader has opened the pipe
            opened.set()
            pipe.write('<!ENTITY leak "LEAKED">')
    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    yield path, opened
    release = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # let the writer finish if nothing read
    thread.join(2)
    os.close(release)


@pytest.fixture()
def watched_port():
    """A loopback port nobody should call: `called()` says whether anything connected."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.3)

    def called():
        try:
            server.accept()[0].close()
            return True
        except TimeoutError:
            return False
    yield f"http://127.0.0.1:{server.getsockname()[1]}/evil.dtd", called
    server.close()


@pytest.mark.parametrize("name, target", [
    ("dtd_parameter_entity.bpmn", "file:///etc/passwd"),
    ("dtd_general_entity.bpmn", "file:///etc/passwd"),
    ("dtd_external_subset.bpmn", "http://127.0.0.1:9/evil.dtd"),
])
def test_a_dtd_reaches_neither_files_nor_the_network(app, api, designer_folder, watched_pipe,  # noqa: F811
                                                       watched_port, tmp_path, name, target):
    pipe, opened = watched_pipe
    url, called = watched_port
    for pointed_at in (pipe.as_uri(), url):
        text = sources(name)[name].replace(target, pointed_at)
        deployed = api.post("/api/process-definitions", "process_designer", json={"files": {name: text}})
        assert deployed.status_code == 422, deployed.get_data(as_text=True)[:500]
        (tmp_path / name).write_text(text, encoding="utf-8")
        validated = app.test_cli_runner().invoke(args=["processes", "validate", str(tmp_path / name)])
        assert validated.exit_code == 1 and NO_DTD in validated.output, validated.output
    assert not opened.wait(0.5), "a file named in the DTD was opened"
    assert not called(), "a URL named in the DTD was called"
