"""Playing a scenario (scenario_files.py) through a parsed process, in memory.

The process runs in SpiffWorkflow with the production script engine and sandbox, so a script or
condition that fails in production fails here. User tasks are completed with the scenario's data,
checked by the caller's `check_form` as the inbox checks a person's form; service tasks answer what
the scenario declares and no handler runs, so nothing is written anywhere. Timers run on a clock of
the scenario's own, which moves on to the next timer whenever nothing else can happen.
"""
import copy
from collections import Counter
from datetime import date, time, timedelta, timezone
from decimal import Decimal

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import IntermediateCatchEvent
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.dmn.specs.business_rule_task_mixin import BusinessRuleTaskMixin
from SpiffWorkflow.spiff.specs.event_definitions import SignalEventDefinition
from SpiffWorkflow.util.task import TaskState

from .. import clock
from ..errors import AppError
from .bounds import check_instance_data
from .engine import ScriptEngine, script_engine
from .runtime import new_workflow, process_error, ready_user_tasks, storable_state, task_properties
from .scenario_files import DEFAULT_MAX_DAYS, Outcome
from .services import UnknownService, WrongParameters, checked_handler
from .spiff_adapter import own_clock
from .timers import next_timer_at

MAX_STEPS = 1000  # actions one scenario may take: a timer cycle cannot keep it running
START_OF_DAY = time(9, 0)


class ScenarioStopped(Exception):
    """The run cannot go on; the message says where and why."""


class DeclaredServices(ScriptEngine):
    """The production script engine, except that service tasks answer what the scenario declares."""

    def __init__(self, results):
        super().__init__(environment=script_engine.environment)
        self.results = {key: value if isinstance(value, list) else [value] for key, value in results.items()}
        self.calls = Counter()

    def call_service(self, task, operation_name=None, operation_params=None, **kwargs):
        element = task.task_spec.bpmn_id
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        try:  # what production would refuse before calling the handler is refused here too
            checked_handler(operation_name, params)
        except (UnknownService, WrongParameters) as err:
            raise WorkflowTaskException(str(err), task=task) from None
        key = element if element in self.results else operation_name
        if key not in self.results:
            raise ScenarioStopped(f"{element} calls '{operation_name}': the scenario declares no result for it")
        answers = self.results[key]
        self.calls[key] += 1
        return copy.deepcopy(answers[min(self.calls[key], len(answers)) - 1])


class Run:
    """One scenario in progress: the workflow, its clock, and what it has done so far."""

    def __init__(self, process, scenario, check_form, business_date):
        self.scenario, self.check_form = scenario, check_form
        start_day = date.fromisoformat(scenario["start_date"]) if "start_date" in scenario else business_date
        self.now = clock.local_moment(start_day, START_OF_DAY).astimezone(timezone.utc)
        self.until = self.now + timedelta(days=scenario.get("max_days", DEFAULT_MAX_DAYS))
        self.submissions = {task: list(data) for task, data in scenario.get("tasks", {}).items()}
        self.visits = Counter()
        self.signals = list(scenario.get("signals", []))
        self.engine = DeclaredServices(scenario.get("services", {}))
        self.path, self.seen = [], set()
        self.process = process

    @property
    def today(self):
        return clock.day_of(self.now)

    def start(self):
        data = self.scenario.get("start", {})
        start_form = self.process.summary.get("start_form")
        if start_form:  # checked as the form of a person starting the process is
            data = self._checked("start", {"formJsonSchemaFilename": start_form}, {}, data)
        self.workflow = new_workflow(self.process.spec, self.process.subprocess_specs, data, self.engine)
        self._step(lambda: None)

    def play(self):
        """Act until the process completes or nothing the scenario declares can move it."""
        for _ in range(MAX_STEPS):
            if self.workflow.is_completed() or not self._act():
                return
        raise ScenarioStopped(f"stopped after {MAX_STEPS} steps, waiting at {self.waiting_text()}")

    def _act(self):
        for task in ready_user_tasks(self.workflow):
            pending = self.submissions.get(task.task_spec.bpmn_id)
            if pending:
                self._submit(task, pending.pop(0))
                return True
        waiting = self.waiting()
        signal = next((s for s in self.signals if s["at"] in waiting), None)
        if signal is not None:
            self.signals.remove(signal)
            self._step(lambda: self.workflow.send_event(BpmnEvent(SignalEventDefinition(signal["name"]))))
            return True
        due = next_timer_at(self.workflow)
        if due is None or due > self.until:
            return False
        self.now = max(self.now, due + timedelta(seconds=1))  # timers fire once their moment has passed
        self._step(self.workflow.refresh_timers)
        return True

    def _submit(self, task, data):
        element = task.task_spec.bpmn_id
        self.visits[element] += 1
        values = self._checked(f"{element} (visit {self.visits[element]})", task_properties(task), task.data, data)

        def complete():
            task.data.update(values)
            task.run()
        self._step(complete)

    def _checked(self, where, properties, task_data, data):
        try:
            return self.check_form(properties, task_data, data, self.today, self.scenario.get("documents", []))
        except AppError as err:
            fields = "; ".join(f"{name}: {', '.join(map(str, messages))}" for name, messages in err.details.items())
            raise ScenarioStopped(f"{where}: {err.message}" + (f": {fields}" if fields else "")) from None

    def _step(self, action):
        try:
            with own_clock(lambda: self.now):
                action()
                self.workflow.do_engine_steps()
            check_instance_data(self.workflow)
            storable_state(self.workflow)
        except ScenarioStopped:
            raise
        except AppError as err:
            raise ScenarioStopped(err.message) from None
        except Exception as err:  # noqa: BLE001 - whatever the designer's file makes the engine raise
            raise ScenarioStopped(process_error(err).message) from None
        finally:
            self._note_completed()

    def _note_completed(self):
        done = [t for t in self.workflow.get_tasks(state=TaskState.COMPLETED)
                if t.id not in self.seen and t.task_spec.bpmn_id]
        self.seen.update(t.id for t in done)
        self.path += sorted(done, key=lambda t: t.last_state_change)

    def waiting(self):
        """Ids of the user tasks and catch events the process waits at."""
        tasks = ready_user_tasks(self.workflow) + [
            t for t in self.workflow.get_tasks(state=TaskState.WAITING) if isinstance(t.task_spec, IntermediateCatchEvent)]
        return list(dict.fromkeys(t.task_spec.bpmn_id for t in tasks))

    def waiting_text(self):
        return ", ".join(f"'{w}'" for w in self.waiting()) or "nothing"

    def end(self):
        """The end event the process completed at; None while it waits."""
        if self.workflow.is_completed():
            ends = [t.task_spec.bpmn_id for t in self.path
                    if isinstance(t.task_spec, EndEvent) and t.workflow is self.workflow]
            return ends[-1] if ends else None
        return None

    def final_data(self):
        if self.workflow.is_completed():
            return self.workflow.data
        waiting = ready_user_tasks(self.workflow) or self.workflow.get_tasks(state=TaskState.WAITING)
        return waiting[0].data if waiting else (self.path[-1].data if self.path else {})


def run_scenario(process, scenario, check_form, business_date):
    """Play one scenario through a ParsedProcess; the Outcome lists every expectation it misses.

    `check_form(properties, task_data, data, today, documents)` returns the values a form with
    these properties accepts, or raises an AppError whose details map fields to messages. The
    scenario's clock starts on its `start_date`, or else on `business_date`.
    """
    outcome = Outcome(process.key, scenario["name"])
    run = Run(process, scenario, check_form, business_date)
    try:
        run.start()
        run.play()
    except ScenarioStopped as stopped:
        outcome.problems.append(str(stopped))
        return outcome
    outcome.problems += _end_problems(run, scenario["end"]) + _path_problems(run, scenario.get("path", []))
    outcome.problems += _data_problems(run.final_data(), scenario.get("expect_data", {}))
    outcome.problems += _decision_problems(run.path, scenario.get("decisions", {}))
    outcome.problems += [f"{task}: {len(left)} submission(s) never used" for task, left in run.submissions.items() if left]
    outcome.problems += [f"signal '{s['name']}' never sent: the process never waited at '{s['at']}'" for s in run.signals]
    return outcome


def _end_problems(run, expected):
    end = run.end()
    actual = f"it completed at '{end}'" if end else f"it stopped waiting at {run.waiting_text()}"
    if expected.startswith("waiting at "):
        if end is None and expected.removeprefix("waiting at ").strip() in run.waiting():
            return []
        return [f"expected to be {expected}, {actual}"]
    return [] if end == expected else [f"expected end '{expected}', {actual}"]


def _path_problems(run, expected):
    """The expected elements must have completed in this order (others may come between)."""
    actual = [t.task_spec.bpmn_id for t in run.path]
    position = 0
    for element in expected:
        try:
            position = actual.index(element, position) + 1
        except ValueError:
            after = f" after '{expected[expected.index(element) - 1]}'" if expected.index(element) else ""
            return [f"expected '{element}'{after} on the path; it went {' → '.join(actual)}"]
    return []


def same(actual, expected):
    """Equal as the scenario means it: amounts compare as numbers however they are written."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(same(actual[k], v) for k, v in expected.items())
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(same(a, e) for a, e in zip(actual, expected))
    numbers = (int, Decimal, float)
    if isinstance(actual, Decimal) and isinstance(expected, (str, *numbers)) and not isinstance(expected, bool):
        try:
            return actual == Decimal(str(expected))
        except ArithmeticError:
            return False
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected  # True is not 1
    return actual == expected


def _data_problems(data, expected):
    problems = []
    for name, value in expected.items():
        if name not in data:
            problems.append(f"expected data '{name}' = {value!r}, it is not set")
        elif not same(data[name], value):
            problems.append(f"expected data '{name}' = {value!r}, it is {data[name]!r}")
    return problems


def _decision_problems(path, expected):
    """Each business-rule task's answers: a dict for its last evaluation, a list for each in turn."""
    problems = []
    for element, wanted in expected.items():
        answers = [{name: t.data.get(name) for name in _outputs(t.task_spec)}
                   for t in path if t.task_spec.bpmn_id == element and isinstance(t.task_spec, BusinessRuleTaskMixin)]
        if not answers:
            problems.append(f"decision task '{element}' never ran")
            continue
        wanted = wanted if isinstance(wanted, list) else [wanted]
        got = answers if len(wanted) > 1 else answers[-1:]
        for want, answer in zip(wanted, got):
            if any(not same(answer.get(name), value) for name, value in want.items()):
                problems.append(f"decision task '{element}' answered {answer}, expected {want}")
        if len(wanted) > 1 and len(got) != len(wanted):
            problems.append(f"decision task '{element}' ran {len(got)} time(s), expected {len(wanted)}")
    return problems


def _outputs(task_spec):
    return [output.name for output in task_spec.dmnEngine.decision_table.outputs]
