"""The one module that touches SpiffWorkflow's internals.

Everything here relies on names SpiffWorkflow does not publish: private attributes, a private
method override, a module-level `datetime` swapped for the business clock and a stand-in task
for DMN evaluation. Keeping them together, checked by tests/workflow/test_spiff_adapter.py
against the pinned version (requirements.txt), makes an upgrade fail in one place.
"""
import json
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from types import SimpleNamespace

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.util.task import BpmnTaskIterator
from SpiffWorkflow.spiff.specs.defaults import ServiceTask
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskIterator


class ExactServiceTask(ServiceTask):
    """Stores the handler's result as returned: no JSON round trip that would turn money into floats."""

    def _execute(self, task):
        task.data[self.result_variable] = task.workflow.script_engine.call_service(
            task, operation_name=self.operation_name, operation_params=self.evaluate_params(task),
        )
        return True


def encode_state(serializer, workflow):
    """JSON of a workflow's state without its specs (kept once, on the definition row).

    Mirrors BpmnWorkflowSerializer.serialize_json, whose encoder mode is what turns task
    data such as Decimal into typed JSON; only the specs are left out.
    """
    serializer.registry._encoder_mode = True
    try:
        state = serializer.to_dict(workflow)
        state.pop("spec"), state.pop("subprocess_specs")
        return json.dumps(state, cls=serializer._encoder_cls, separators=(",", ":"), allow_nan=False)
    finally:
        serializer.registry._encoder_mode = False


def share_specs(process_specs):
    """Make built process specs safe to share between workflows and threads.

    A loop or multi-instance task connects its merge to its child spec's completion on first run
    (LoopTask.create_child): a spec mutation, checked and made without a lock. Connected once
    here, when the specs are built, no workflow changes a shared spec afterwards.
    """
    for process_spec in process_specs:
        for task_spec in process_spec.task_specs.values():
            if isinstance(task_spec, LoopTask):
                child = process_spec.task_specs[task_spec.task_spec]
                if not child.completed_event.is_connected(task_spec.merge_child):
                    child.completed_event.connect(task_spec.merge_child)


UNBOUNDED_DEPTH = 10 ** 9


def lift_task_depth_limit():
    """SpiffWorkflow's task iterators stop at depth 1000 unless told otherwise, and the engine never
    tells them: each round of a loop nests its tasks a level deeper, so a case that has gone round
    a few hundred times (a daily call for most of a year) has its waiting task out of sight, and
    the engine takes the case for completed. The default depth becomes unbounded."""
    for iterator in (TaskIterator, BpmnTaskIterator):
        defaults = list(iterator.__init__.__defaults__)
        defaults[1] = UNBOUNDED_DEPTH  # (end_at_spec, max_depth, …)
        iterator.__init__.__defaults__ = tuple(defaults)


def failing_task_spec(err):
    """The spec of the task whose code raised `err` when the engine did not attach it: a timer's
    evaluation raises bare errors. SpiffWorkflow names the task it works on `my_task` throughout."""
    found, trace = None, err.__traceback__
    while trace is not None:
        task = trace.tb_frame.f_locals.get("my_task")
        if isinstance(task, Task):
            found = task.task_spec
        trace = trace.tb_next
    return found


def is_date_timer(task_spec):
    definition = getattr(task_spec, "event_definition", None)
    return isinstance(definition, spiff_timer.TimeDateEventDefinition)


_clock = {"provider": None}
_own_clock = ContextVar("own_clock", default=None)


def business_now(tz=None):
    """What timers (and scripts' `now()`) take as the current time: a scenario's own clock, else the
    business clock, else the machine's."""
    provider = _own_clock.get() or _clock["provider"]
    return provider() if provider else datetime.now(tz)


class _ClockDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        return business_now(tz)


def install_business_clock(provider):
    """Make every BPMN timer of this process read `provider()` (an aware datetime) as the current time."""
    _clock["provider"] = provider
    spiff_timer.datetime = _ClockDatetime


@contextmanager
def own_clock(provider):
    """Within the block, BPMN timers in this context read `provider()` instead of the business clock."""
    spiff_timer.datetime = _ClockDatetime
    token = _own_clock.set(provider)
    try:
        yield
    finally:
        _own_clock.reset(token)


def evaluate_decision(engine, data, script_engine):
    """The result of a parsed DMN decision for `data`, outside any workflow."""
    return engine.result(SimpleNamespace(data=data, workflow=SimpleNamespace(script_engine=script_engine)))


def internal_data(task, name):
    return task._get_internal_data(name)


def set_internal_data(task, **values):
    task._set_internal_data(**values)


def instance_count(task_spec, task):
    """How many instances a multi-instance or loop task has made so far."""
    return sum(1 for _ in task_spec._instances(task))
