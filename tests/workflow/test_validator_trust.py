"""Issue #12, trust the validator: what it refuses must really fail, and what it accepts must run."""
import json
from pathlib import Path

import pytest

from app.extensions import db

from .validator_files import LANE, RULE_TASK, bpmn, chain, end, start, user_task

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "validator"


def test_decision_columns_named_like_python_builtins_are_ordinary_fields(validate):
    text = bpmn("route_by_type", chain(start(), RULE_TASK.format("field_names"), end()), LANE)
    code, lines = validate({"route.bpmn": text, "field_names.dmn": (FIXTURES / "field_names.dmn").read_text()})
    assert (code, lines) == (0, ["ok: 1 process(es) valid"])


def test_calling_a_withheld_builtin_is_still_named(validate):
    text = bpmn("call_type", chain(start(), '<bpmn:scriptTask id="probe"><bpmn:script>kind = type(amount)'
                                   '</bpmn:script></bpmn:scriptTask>', end()), LANE)
    code, lines = validate({"call_type.bpmn": text})
    assert (code, lines) == (1, ["call_type.bpmn: probe: script is not allowed: name 'type' is not defined in the sandbox"])


FORM_TASK = ('<bpmn:userTask id="fill_in"><bpmn:extensionElements><spiffworkflow:properties>'
             '<spiffworkflow:property name="formJsonSchemaFilename" value="{}"/>'
             '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>')


@pytest.fixture()
def forms(app, tmp_path):
    """FORMS_DIR as a throwaway folder: write {name: schema} into it."""
    folder = tmp_path / "forms"
    folder.mkdir()
    previous = app.config["FORMS_DIR"]
    app.config["FORMS_DIR"] = str(folder)
    yield lambda name, schema: (folder / name).write_text(json.dumps(schema), encoding="utf-8")
    app.config["FORMS_DIR"] = previous


def test_a_form_with_properties_but_no_type_is_an_object(validate, forms):
    forms("untyped.json", {"properties": {"amount": {"type": "number"}}, "required": ["amount"]})
    forms("a_list.json", {"type": "array", "items": {"type": "string"}})
    body = chain(start(), FORM_TASK.format("untyped.json"), FORM_TASK.format("a_list.json").replace("fill_in", "pick"),
                 end())
    text = bpmn("untyped_form", body, {"Lane_officer": ("loan_officer", ["start", "fill_in", "pick"])})
    code, lines = validate({"untyped_form.bpmn": text})
    assert (code, lines) == (1, ["untyped_form.bpmn: pick: form a_list.json must describe an object"])


def test_a_user_task_in_a_lane_without_a_name_is_told_so(validate):
    lanes = {"Lane_officer": ("loan_officer", ["start"]), "Lane_blank": (None, ["review"])}
    text = bpmn("blank_lane", chain(start(), user_task("review"), user_task("check"), end()), lanes)
    code, lines = validate({"blank_lane.bpmn": text})
    assert (code, lines) == (1, [
        "blank_lane.bpmn: review: user task is in lane 'Lane_blank', which has no name; "
        "the lane's name is the role that does it",
        "blank_lane.bpmn: check: user task is outside any lane; its lane names the role that does it"])


def test_data_named_like_a_withheld_builtin_evaluates_as_data():
    from app.workflow.sandbox import LocalSandbox
    data = {"type": "house", "input": "web", "object": "car", "property": "flat", "help": "yes"}
    assert LocalSandbox().evaluate("type == 'house' and input + object + property + help == 'webcarflatyes'", data)


def deploy_and_run(files, data):
    """Deploy the files as the designer would, start their process and read it back: the data it ends with."""
    from app.deployment import deploy_sources
    from app.workflow.runtime import load, start_instance
    [definition] = deploy_sources(files, "tester")
    instance, _ = start_instance(definition.key, data, "tester")
    db.session.commit()
    _, workflow = load(instance.id)
    return instance.status, workflow.last_task.data


@pytest.mark.parametrize("dmn, decision, version", [
    ("scores_dmn12.dmn", "scores12", "1.2"), ("scores.dmn", "scores", "1.3")])
def test_dmn_files_of_each_version_validate_and_decide(app, ctx, validate, dmn, decision, version):
    key = f"decide_dmn_{version.replace('.', '_')}"
    files = {f"{key}.bpmn": bpmn(key, chain(start(), RULE_TASK.format(decision), end()), LANE),
             dmn: (FIXTURES / dmn).read_text()}
    assert validate(files) == (0, ["ok: 1 process(es) valid"])
    status, data = deploy_and_run(files, {"amount": 500})
    assert (status, data["score"]) == ("completed", 1)


def test_a_dmn_12_file_that_breaks_its_schema_names_line_and_element(validate):
    text = (FIXTURES / "scores_dmn12.dmn").read_text().replace('hitPolicy="FIRST"', 'hitPolicy="SOMETIMES"')
    files = {"decide.bpmn": bpmn("decide_broken", chain(start(), RULE_TASK.format("scores12"), end()), LANE),
             "scores_dmn12.dmn": text}
    code, lines = validate(files)
    assert code == 1
    assert lines[0].startswith("scores_dmn12.dmn: scores12_table: line 4: attribute 'hitPolicy' of dmn:decisionTable:")


def test_files_with_nothing_executable_fail_and_say_so(validate):
    code, lines = validate({"scores.dmn": (FIXTURES / "scores.dmn").read_text()})
    assert (code, lines) == (1, ["scores.dmn: -: no executable process found in these files; "
                                 "validate a decision together with a process that calls it"])
    sketch = bpmn("sketch", chain(start(), user_task("review"), end()), LANE, executable="false")
    code, lines = validate({"sketch.bpmn": sketch})
    assert (code, lines) == (1, ['sketch.bpmn: sketch: process is not executable (isExecutable="false") and no file '
                                 'given holds an executable one; nothing would be deployed'])


def test_a_folder_is_validated_file_by_file_and_an_empty_one_fails(app, tmp_path):
    def validate_folder(*args):
        result = app.test_cli_runner().invoke(args=["processes", "validate", *args])
        return result.exit_code, result.output.splitlines()
    empty = tmp_path / "empty"
    empty.mkdir()
    previous, app.config["PROCESSES_DIR"] = app.config["PROCESSES_DIR"], str(empty)
    try:
        assert validate_folder() == (1, [f"{empty}: -: no BPMN or DMN file found (*.bpmn, *.dmn); "
                                         "no executable process to check"])
    finally:
        app.config["PROCESSES_DIR"] = previous
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "plain.bpmn").write_text(bpmn("plain_folder", chain(start(), end()), LANE))
    assert validate_folder(str(tmp_path / "full")) == (0, ["ok: 1 process(es) valid"])


def test_a_start_event_in_a_lane_without_a_name_is_told_so(validate):
    lanes = {"Lane_blank": ("", ["start", "review"])}
    text = bpmn("blank_start", chain(start(), user_task("review"), end()), lanes)
    code, lines = validate({"blank_start.bpmn": text})
    assert (code, lines) == (1, [
        "blank_start.bpmn: review: user task is in lane 'Lane_blank', which has no name; "
        "the lane's name is the role that does it",
        "blank_start.bpmn: start: start event is in lane 'Lane_blank', which has no name; "
        "the lane's name is the role that may start the process"])
