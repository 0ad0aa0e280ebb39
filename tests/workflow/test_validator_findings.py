"""Findings from running `processes validate` over public SpiffWorkflow files: each is a line a
designer reads, naming file, element and a whole sentence, for files of our own shaped like them."""
from pathlib import Path

import pytest

from .validator_files import LANE, RULE_TASK, bpmn, chain, end, script, start, user_task

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "validator"


SERVICE = ('<bpmn:serviceTask id="call_nothing"><bpmn:extensionElements><spiffworkflow:serviceTaskOperator '
           'id="no_such_handler"><spiffworkflow:parameters/></spiffworkflow:serviceTaskOperator>'
           '</bpmn:extensionElements></bpmn:serviceTask>')


def embedded(kind, element_id, *elements, prefix):
    inner = chain(*elements, prefix=prefix) if kind != "adHocSubProcess" else "\n".join(elements)
    return f'<bpmn:{kind} id="{element_id}">{inner}</bpmn:{kind}>'


@pytest.mark.parametrize("kind", ["subProcess", "transaction", "adHocSubProcess"])
def test_embedded_subprocess_contents_are_checked_like_top_level_ones(validate, kind):
    body = [user_task("review_no_lane"), SERVICE, script("broken_script", "x = ("), script("import_os", "import os")]
    if kind != "adHocSubProcess":
        body = [start("inner_start"), *body, end("inner_end")]
    in_lane = embedded("subProcess", "in_lane", start("s1"), user_task("review_in_lane"), end("e1"), prefix="g")
    outside = embedded(kind, "outside_lane", *body, prefix="h")
    text = bpmn("embedded_work", chain(start(), in_lane, outside, end()),
                {"Lane_officer": ("loan_officer", ["start", "in_lane"])})
    code, lines = validate({"embedded.bpmn": text})
    assert code == 1
    assert lines == [
        "embedded.bpmn: review_no_lane: user task is outside any lane; its lane names the role that does it",
        "embedded.bpmn: call_nothing: service task names no registered handler 'no_such_handler'",
        "embedded.bpmn: broken_script: script does not compile: '(' was never closed",
        "embedded.bpmn: import_os: script is not allowed: imports are not allowed",
    ]


def test_a_process_whose_start_event_is_in_no_lane_is_refused(validate):
    text = bpmn("unstartable", chain(start(), user_task("review"), end()), {"Lane_officer": ("loan_officer", ["review"])})
    code, lines = validate({"unstartable.bpmn": text})
    assert code == 1
    assert lines == ["unstartable.bpmn: start: start event is in no lane; its lane names the role that may start the process"]


def test_a_process_without_lanes_is_refused_unless_another_file_calls_it(validate):
    called = bpmn("only_called", chain(start("called_start"), script("note", "noted = True"), end("called_end")))
    code, lines = validate({"only_called.bpmn": called})
    assert (code, lines) == (1, [
        "only_called.bpmn: called_start: start event is in no lane; its lane names the role that may start the process"])
    caller = bpmn("caller", chain(start(), '<bpmn:callActivity id="call_it" calledElement="only_called"/>', end()),
                  {"Lane_officer": ("loan_officer", ["start", "call_it", "end"])})
    code, lines = validate({"caller.bpmn": caller, "only_called.bpmn": called})
    assert (code, lines[-1:]) == (0, ["ok: 2 process(es) valid"])


def test_ids_longer_than_their_columns_are_refused_with_the_limit(validate):
    key, task = "p" * 129, "t" * 256
    text = bpmn(key, chain(start(), user_task(task), end()), {"Lane_officer": ("loan_officer", ["start", task])})
    code, lines = validate({"long_ids.bpmn": text})
    assert code == 1
    assert lines == [f"long_ids.bpmn: {key}: process id is 129 characters long; at most 128 fit",
                     f"long_ids.bpmn: {task}: user task id is 256 characters long; at most 255 fit"]


@pytest.mark.parametrize("element, line", [
    ('<bpmn:callActivity id="call_it" calledElement="missing_process"/>',
     "calls.bpmn: call_it: calls process 'missing_process', which none of the files given defines; "
     "validate it together with the file that defines that process"),
    ('<bpmn:serviceTask id="pay"><bpmn:extensionElements><spiffworkflow:serviceTaskOperator id="disburse_loan"/>'
     '</bpmn:extensionElements></bpmn:serviceTask>',
     "calls.bpmn: pay: line 6: spiffworkflow:serviceTaskOperator: Missing child element(s). "
     "Expected is ( spiffworkflow:parameters )"),
    ('<bpmn:scriptTask id="calc" priority="high"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>',
     "calls.bpmn: calc: line 6: attribute 'priority' of bpmn:scriptTask: The attribute 'priority' is not allowed"),
    (script("calc", "x = 1") + '<bpmn:sequenceFlow id="back" sourceRef="calc" targetRef="start"/>',
     "calls.bpmn: calc: Multiple outgoing flows are not supported for tasks of type bpmn:scriptTask; "
     "join the flows with a gateway"),
    (script("calc", "x = 1") + '<bpmn:sequenceFlow id="lost" sourceRef="start" targetRef="ghost"/>',
     "calls.bpmn: start: a sequence flow leads to 'ghost', which is no element of this process"),
], ids=["called-process-missing", "schema-missing-child", "schema-attribute", "cut-off-sentence", "flow-to-nothing"])
def test_every_structural_problem_names_file_element_and_a_whole_sentence(validate, element, line):
    code, lines = validate({"calls.bpmn": bpmn("calls", chain(start(), element, end()), LANE)})
    assert code == 1
    assert line in lines


def test_a_missing_decision_names_the_task_and_the_decisions_there_are(validate):
    text = bpmn("rules", chain(start(), RULE_TASK.format("no_such_decision"), end()), LANE)
    dmn = (FIXTURES / "scores.dmn").read_text()
    code, lines = validate({"rules.bpmn": text, "scores.dmn": dmn})
    assert code == 1
    assert lines == ["rules.bpmn: decide: calls decision 'no_such_decision', which no DMN file given defines; "
                     "the decisions defined are scores"]


def test_lxml_element_reprs_never_reach_the_designer():
    from lxml import etree
    from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

    from app.workflow.problems import explain
    node = etree.fromstring('<bpmn:task xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="odd"/>')
    err = ValidationException("%r" % KeyError(node), node=node, file_name="odd.bpmn")
    assert explain(err, {}) == ("odd.bpmn", "odd", "SpiffWorkflow cannot read this element: KeyError: element bpmn:task")
