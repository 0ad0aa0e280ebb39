"""Findings from running `processes validate` over public SpiffWorkflow files: each is a line a
designer reads, naming file, element and a whole sentence, for files of our own shaped like them."""
import pytest

from .validator_files import bpmn, chain, end, script, start, user_task


@pytest.fixture()
def validate(app, tmp_path):
    """Write {name: text} to a folder and run `processes validate` on them: (exit code, printed lines)."""
    def run(files):
        for name, text in files.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        result = app.test_cli_runner().invoke(args=["processes", "validate", *[str(tmp_path / n) for n in files]])
        assert "Traceback" not in result.output
        return result.exit_code, result.output.splitlines()
    return run


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
