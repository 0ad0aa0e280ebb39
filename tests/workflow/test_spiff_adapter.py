"""Contract of app/workflow/spiff_adapter.py with the pinned SpiffWorkflow (requirements.txt).

Each private name the adapter relies on is checked to exist, and each contact is exercised once,
so an upgrade that moves one fails here rather than somewhere in a running process. No other
module of the app may touch those names.
"""
import inspect
import re
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.specs.defaults import ServiceTask
from SpiffWorkflow.task import Task

from app import clock
from app.workflow import spiff_adapter
from app.workflow.engine import Parser, build_specs, dump_state, load_state, script_engine, serializer
from app.workflow.timers import next_timer_at

ROOT = Path(__file__).parent.parent.parent
TIMER_PROCESS = ROOT / "tests" / "fixtures" / "generic" / "escalating_review.bpmn"
DECISION = ROOT / "processes" / "approval_levels.dmn"


def test_the_private_names_the_adapter_uses_exist():
    assert callable(ServiceTask._execute) and "_execute" in ServiceTask._run_hook.__code__.co_names
    assert hasattr(serializer, "_encoder_cls") and hasattr(serializer.registry, "_encoder_mode")
    assert spiff_timer.datetime.now  # the module reads `datetime` as a global, which the clock replaces
    assert callable(Task._get_internal_data) and callable(Task._set_internal_data)
    assert callable(MultiInstanceTask._instances)
    # failing_task_spec finds the task a bare error came from by SpiffWorkflow's name for it
    assert "my_task" in spiff_timer.TimeDateEventDefinition.has_fired.__code__.co_varnames


def _waiting_timer_workflow():
    parser = Parser()
    parser.add_bpmn_file(str(TIMER_PROCESS))
    workflow = BpmnWorkflow(parser.get_spec("escalating_review"),
                            parser.get_subprocess_specs("escalating_review"), script_engine=script_engine)
    workflow.do_engine_steps()
    return workflow


def test_state_with_a_decimal_round_trips(app):
    with app.app_context():
        workflow = _waiting_timer_workflow()
        workflow.get_tasks()[0].data["amount"] = Decimal("1234.50")
        whole = serializer.to_dict(workflow)
        specs = {key: whole[key] for key in ("spec", "subprocess_specs")}
        restored = load_state(dump_state(workflow), build_specs(specs))
    assert restored.get_tasks()[0].data["amount"] == Decimal("1234.50")


def test_the_business_clock_moves_a_timer(app):
    moment = datetime(2031, 5, 6, 9, 0, tzinfo=timezone.utc)
    spiff_adapter.install_business_clock(lambda: moment)
    try:
        with app.app_context():
            assert next_timer_at(_waiting_timer_workflow()) == moment + timedelta(days=1)
    finally:
        spiff_adapter.install_business_clock(clock.now)


def test_internal_data_round_trips(app):
    with app.app_context():
        task = _waiting_timer_workflow().get_tasks()[0]
    spiff_adapter.set_internal_data(task, event_value={"next": "x"})
    assert spiff_adapter.internal_data(task, "event_value") == {"next": "x"}


def test_a_decision_is_evaluated_outside_a_workflow(app):
    parser = Parser()
    parser.add_dmn_file(str(DECISION))
    with app.app_context():
        result = spiff_adapter.evaluate_decision(parser.get_engine("approval_levels", None),
                                                 {"amount": 5000, "risk_level": "low"}, script_engine)
    assert dict(result) == {"approval_levels": 1}


# SpiffWorkflow internals reached from outside the adapter.
PRIVATE_USE = re.compile(r"\._encoder_|\._execute\(|def _execute\(self|\._[gs]et_internal_data|spiff_timer\.datetime"
                         r"|\._instances\(|\.result\(\s*SimpleNamespace")


def test_no_other_module_touches_spiff_internals():
    app_dir = ROOT / "app"
    found = [f"{path.relative_to(ROOT)}: {match}"
             for path in app_dir.rglob("*.py") if path.name != "spiff_adapter.py"
             for match in PRIVATE_USE.findall(path.read_text(encoding="utf-8"))]
    assert found == []


def test_workflows_sharing_built_specs_merge_each_loop_once(app):
    """Every workflow of a version runs on one built spec (runtime.process_specs); a multi-instance
    step must still merge each of its results once per workflow, reloaded or not."""
    from SpiffWorkflow.util.task import TaskState

    from app.workflow.runtime import new_workflow
    parser = Parser()
    parser.add_bpmn_file(str(ROOT / "tests" / "fixtures" / "generic" / "shared_loop.bpmn"))
    template = BpmnWorkflow(parser.get_spec("shared_loop"), parser.get_subprocess_specs("shared_loop"))
    whole = serializer.to_dict(template)
    with app.app_context():
        specs = build_specs({key: whole[key] for key in ("spec", "subprocess_specs")})
        results = []
        for items in ([1, 2, 3], [10, 20]):
            workflow = new_workflow(specs[0], dict(specs[1]), {"items": items})
            workflow.do_engine_steps()
            workflow = load_state(dump_state(workflow), specs)  # saved at the wait, as a request would
            workflow.get_tasks(state=TaskState.READY, manual=True)[0].run()
            workflow.do_engine_steps()
            results.append(workflow.last_task.data["doubled"])
    assert results == [[2, 4, 6], [20, 40]]


def test_a_case_that_goes_round_a_loop_for_a_year_keeps_its_waiting_task(app):
    """Each round nests the task tree a level deeper; SpiffWorkflow's iterators stopped at depth
    1000, so after about 330 rounds the waiting task went out of sight and the case counted as
    completed (a daily collection call would have ended itself in its ninth month)."""
    from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
    from SpiffWorkflow.util.task import TaskIterator
    from SpiffWorkflow.util.task import TaskState

    from app.workflow.runtime import new_workflow
    for iterator in (TaskIterator, BpmnTaskIterator):  # the adapter sets the second default, max_depth
        assert list(inspect.signature(iterator.__init__).parameters)[3] == "max_depth"
    parser = Parser()
    parser.add_bpmn_file(str(ROOT / "tests" / "fixtures" / "generic" / "contact_loop.bpmn"))
    with app.app_context():
        workflow = new_workflow(parser.get_spec("contact_loop"), {}, {"contacts": 0, "days": 400})
        workflow.do_engine_steps()
        for _ in range(399):
            waiting = workflow.get_tasks(state=TaskState.READY, manual=True)
            assert len(waiting) == 1 and not workflow.is_completed()
            waiting[0].run()
            workflow.do_engine_steps()
        assert workflow.get_tasks(state=TaskState.READY, manual=True)[0].data["contacts"] == 399
