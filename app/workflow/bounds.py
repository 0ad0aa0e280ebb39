"""Engine bounds: how much work a valid diagram may ask of the engine.

Valid BPMN can still hang a worker: a process that calls itself, a multi-instance of a million, a
timer cycle with no pause between repetitions, a gateway with thousands of branches. Validation
refuses what a file shows (`spec_problems`, `call_problems`); the specs below stop at run time
what only the data shows, with a task error naming the element, before the work is done.
The bounds are settings (config.py, `ENGINE_*` and `TASK_DATA_MAX_KB`).
"""
import ast
import json

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.event_definitions import timer
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import StandardLoopTask as LoopTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.spiff.specs import defaults

from .settings import setting
from .spiff_adapter import instance_count, internal_data, set_internal_data


def _data_size(data):
    """Bytes of task data as stored (JSON), the measure TASK_DATA_MAX_KB is given in."""
    try:
        return len(json.dumps(data, default=str))
    except (TypeError, ValueError, RecursionError):
        return 0  # data that cannot be stored at all is refused when the state is saved


def _max_data_bytes():
    return setting("TASK_DATA_MAX_KB") * 1024


def _min_interval():
    parsed = timer.TimerEventDefinition.parse_iso_duration(setting("ENGINE_MIN_TIMER_INTERVAL"))
    return timer.TimerEventDefinition.get_timedelta_from_start(parsed)


def _instances_reason(what, count):
    limit = setting("ENGINE_MAX_INSTANCES")
    if count > limit:
        return f"{what} {count} is above the bound of {limit} (ENGINE_MAX_INSTANCES)"
    return None


def cycle_reasons(cycles, interval):
    """Why a timer cycle of `cycles` repetitions (-1: without end), `interval` apart, is refused."""
    limit, reasons = setting("ENGINE_MAX_TIMER_CYCLES"), []
    if cycles < 0:
        reasons.append(f"timer cycle repeats without end; at most {limit} repetitions (ENGINE_MAX_TIMER_CYCLES)")
    elif cycles > limit:
        reasons.append(f"timer cycle repeats {cycles} times, above the bound of {limit} (ENGINE_MAX_TIMER_CYCLES)")
    if interval < _min_interval():
        reasons.append(f"timer cycle repeats every {interval}, more often than every "
                       f"{setting('ENGINE_MIN_TIMER_INTERVAL')} (ENGINE_MIN_TIMER_INTERVAL)")
    return reasons


def _literal(expression):
    """The value of an expression that is a plain literal (`5000`, `"R5/PT1H"`), else None."""
    try:
        return ast.literal_eval(expression.strip())
    except Exception:  # noqa: BLE001 - anything else is an expression, seen only at run time
        return None


def _literal_cycle_reasons(expression):
    value = _literal(expression)
    if not isinstance(value, str):
        return []
    try:
        cycles, _start, interval = timer.TimerEventDefinition.parse_iso_recurring_interval(value)
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises bare Exceptions here
        return [f"timer cycle '{value[:40]}' is not an ISO-8601 repeating interval such as \"R3/P1D\""]
    return cycle_reasons(cycles, interval)


def spec_problems(task_spec):
    """Reasons a task spec asks for more than the bounds allow, as far as its file shows."""
    reasons = []
    if isinstance(task_spec, MultiInstanceTask) and isinstance(task_spec.cardinality, str):
        count = _literal(task_spec.cardinality)
        if isinstance(count, int) and not isinstance(count, bool):
            reasons.append(_instances_reason("multi-instance cardinality", count))
    if isinstance(task_spec, LoopTask) and task_spec.maximum is not None:
        reasons.append(_instances_reason("loop maximum", task_spec.maximum))
    event = getattr(task_spec, "event_definition", None)
    if isinstance(event, timer.CycleTimerEventDefinition) and event.expression:
        reasons += _literal_cycle_reasons(event.expression)
    if len(task_spec.outputs) > setting("ENGINE_MAX_BRANCHES"):
        reasons.append(f"{len(task_spec.outputs)} outgoing flows, above the bound of "
                       f"{setting('ENGINE_MAX_BRANCHES')} branches (ENGINE_MAX_BRANCHES)")
    return [r for r in reasons if r]


def call_problems(spec, subprocess_specs):
    """(file, element, reason) of each call that leads back into a process on its own path, and of
    each call of `spec` under which calls nest deeper than the bound.

    `subprocess_specs` holds every process `spec` may run, called or embedded, as the parser gathered
    them; levels are counted as the engine does (an embedded subprocess is one too).
    """
    specs = {spec.name: spec, **subprocess_specs}
    limit = setting("ENGINE_MAX_CALL_DEPTH")
    found, below, path = [], {}, []

    def calls(name):
        for task_spec in specs[name].task_specs.values():
            if isinstance(task_spec, SubWorkflowTask) and task_spec.spec in specs:
                yield task_spec.bpmn_id or task_spec.name, task_spec.spec

    def levels_below(name):
        """How deep calls nest under `name`; a walk stops one level past the bound, which is enough to know."""
        if name not in below:
            path.append(name)
            levels = 0
            for element, callee in calls(name):
                if callee in path:
                    cycle = " → ".join(path[path.index(callee):] + [callee])
                    found.append((specs[name].file, element, f"calls '{callee}', which calls back into itself ({cycle})"))
                else:
                    levels = max(levels, 1 + (levels_below(callee) if len(path) <= limit else 0))
            path.pop()
            below[name] = levels
        return below[name]

    levels_below(spec.name)
    for element, callee in calls(spec.name):
        if callee != spec.name and 1 + below[callee] > limit:
            found.append((spec.file, element, f"calls nest more than {limit} levels deep (ENGINE_MAX_CALL_DEPTH)"))
    return found


def check_instance_data(workflow):
    """The task data of an instance as a whole, every task's copy included, stays within TASK_DATA_MAX_KB."""
    sizes = [(_data_size(task.data), task) for task in workflow.get_tasks()]
    if sum(size for size, _ in sizes) + _data_size(workflow.data) > _max_data_bytes():
        _size, largest = max(sizes, key=lambda pair: pair[0])
        raise WorkflowTaskException(
            f"the instance's task data would exceed {setting('TASK_DATA_MAX_KB')} KB (TASK_DATA_MAX_KB)", task=largest)


class _CountedInstances:
    """Multi-instance and loop tasks: each instance is counted, and its copy of the data weighed, before it is made."""

    def create_child(self, my_task, *args, **kwargs):
        made = instance_count(self, my_task)
        limit = setting("ENGINE_MAX_INSTANCES")
        if made >= limit:
            raise WorkflowTaskException(f"it would run more than {limit} times (ENGINE_MAX_INSTANCES)", task=my_task)
        # Every instance starts with a copy of the task's data: refuse before the copies outgrow the instance.
        if (made + 1) * _data_size(my_task.data) > _max_data_bytes():
            raise WorkflowTaskException(f"its instances' copies of the task data would exceed "
                                        f"{setting('TASK_DATA_MAX_KB')} KB (TASK_DATA_MAX_KB)", task=my_task)
        super().create_child(my_task, *args, **kwargs)


# Each bounded class keeps the name of the class it extends: the serializer writes specs of either
# and reads them back as the bounded one, so definitions deployed before the bounds get them too.
class ParallelMultiInstanceTask(_CountedInstances, defaults.ParallelMultiInstanceTask):
    pass


class SequentialMultiInstanceTask(_CountedInstances, defaults.SequentialMultiInstanceTask):
    pass


class StandardLoopTask(_CountedInstances, defaults.StandardLoopTask):
    pass


class CallActivity(defaults.CallActivity):
    def start_workflow(self, my_task):
        limit = setting("ENGINE_MAX_CALL_DEPTH")
        if my_task.workflow.depth >= limit:
            raise WorkflowTaskException(f"calls nest more than {limit} levels deep (ENGINE_MAX_CALL_DEPTH)", task=my_task)
        super().start_workflow(my_task)


class CycleTimerEventDefinition(timer.CycleTimerEventDefinition):
    def cycle_complete(self, my_task):
        # The first time, the cycle is worked out here, as SpiffWorkflow would, and checked.
        if internal_data(my_task, "event_value") is None:
            value = my_task.workflow.script_engine.evaluate(my_task, self.expression)
            cycles, start, interval = self.parse_iso_recurring_interval(value)
            reasons = cycle_reasons(cycles, interval)
            if reasons:
                raise WorkflowTaskException("; ".join(reasons), task=my_task)
            set_internal_data(my_task, event_value={
                "cycles": cycles, "next": start.isoformat(), "duration": interval.total_seconds()})
        return super().cycle_complete(my_task)


# The bounded class of each class it extends.
BOUNDED = {
    ParallelMultiInstanceTask: defaults.ParallelMultiInstanceTask,
    SequentialMultiInstanceTask: defaults.SequentialMultiInstanceTask,
    StandardLoopTask: defaults.StandardLoopTask,
    CallActivity: defaults.CallActivity,
    CycleTimerEventDefinition: timer.CycleTimerEventDefinition,
}
