"""Every form in forms/, submitted in a browser page with one wrong value, answers at that field in
words of the page's language and changes nothing. Each form is put in a one-step process of its
own, as a designer would, so every form is tried whatever process uses it today."""
import json
import re
from pathlib import Path

import pytest

from app.deployment import deploy_sources

from .test_pages import login

FORMS = sorted(Path(__file__).resolve().parents[2].joinpath("forms").glob("*.json"))
CJK = re.compile(r"[\u3400-\u9fff]")
RAW = ("is not", "does not match", "required property", "is too", "was expected", "should be")
PROCESS = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs_{key}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="{key}" name="表单试填 Form probe" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane" name="loan_officer">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>fill</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="fill" name="填写表单 Fill the form">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formJsonSchemaFilename" value="{form}" />
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fill" />
    <bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>"""


def wrong_value(name, prop, required):
    """A value the field must refuse, as a person could type it; None when the field refuses nothing."""
    kind = prop.get("type")
    if "enum" in prop:
        return "not-one-of-them"
    if kind == "boolean":
        return "" if required and prop.get("const") is not True else None
    if prop.get("format") == "money":
        return "12.345"
    if prop.get("format") == "date":
        return "2026-02-30"
    if kind in ("integer", "number", "array", "object"):
        return "abc"
    if "pattern" in prop:
        return "!!"
    if required or prop.get("minLength"):
        return ""
    return None


def first_refusable(schema):
    required = set(schema.get("required", []))
    for name, prop in schema["properties"].items():
        value = wrong_value(name, prop, name in required)
        if value is not None:
            return name, prop, value
    raise AssertionError("a form with no field that can be wrong")


@pytest.mark.parametrize("path", FORMS, ids=[p.stem for p in FORMS])
def test_a_wrong_value_is_named_at_its_field_and_nothing_changes(app, api, path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    key = f"form_probe_{path.stem}"
    with app.app_context():
        deploy_sources({f"{key}.bpmn": PROCESS.format(key=key, form=path.name)}, "process_designer")
    started = api.post("/api/process-instances", "loan_officer", json={"process_key": key, "data": {}})
    assert started.status_code == 201, started.get_json()
    task = started.get_json()["active_tasks"][0]
    name, prop, value = first_refusable(schema)
    page = login(app, "loan_officer")
    answer = page.post(f"/tasks/{task['id']}/complete", data={name: value} if value != "" else {})
    assert answer.status_code == 422, (name, value)
    html = answer.get_data(as_text=True)
    field = re.search(rf'name="{name}".*?</div>', html, re.S) or re.search(rf'id="f_{name}".*?</div>', html, re.S)
    messages = re.findall(r'<p class="error">([^<]+)</p>', field.group(0))
    assert messages, (name, field.group(0)[:400])
    title = prop.get("title", name).split(" ")[0]
    assert all(CJK.search(m) and not any(raw in m for raw in RAW) for m in messages), messages
    assert any(title[:2] in m for m in messages), (title, messages)  # the sentence names the field
    english = login(app, "loan_officer").post(f"/tasks/{task['id']}/complete?lang=en",
                                              data={name: value} if value != "" else {}).get_data(as_text=True)
    assert not any(raw in english for raw in ("required property", "does not match", "is not of type"))
    assert api.get(f"/api/tasks/{task['id']}", "loan_officer").get_json()["status"] == "open"
