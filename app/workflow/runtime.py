"""Running process instances: start, step, complete user tasks, persist the state."""
import copy
import json
import uuid

from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.specs.event_definitions import SignalEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.exc import SQLAlchemyError

from .. import clock
from ..errors import AppError, Conflict, NotFound
from ..extensions import db
from ..rows import get_row
from .bounds import check_instance_data
from .definitions import latest_definition
from .engine import ExactServiceTask, build_specs, dump_state, load_state, script_engine, serializer
from .lru import app_cache
from .models import ProcessInstance
from .services import HandlerFailed, Step, running_step
from .spiff_adapter import failing_task_spec, is_date_timer
from .task_data import storage_problem
from .timers import next_timer_at


class ProcessError(AppError):
    """A script, condition or service task failed; nothing of the step was kept."""
    status = 422
    code = "process_error"


def storable_state(workflow):
    """The state to store. Data it cannot hold (NaN, a set) that a diagram left, a decision's verdict
    say, is the designer's to fix and named; left by a service handler, or found nowhere, it is ours."""
    try:
        return dump_state(workflow)
    except (TypeError, ValueError) as err:
        problems = ((task, storage_problem(task.data)) for task in workflow.get_tasks())
        task, problem = next(((task, problem) for task, problem in problems if problem), (None, None))
        if task is None or isinstance(task.task_spec, ExactServiceTask):
            raise
        where = task.task_spec.bpmn_id or task.task_spec.name
        raise ProcessError(f"the process stopped at {where}: it left {problem}", {"element": [where]}) from err


def _save(instance, workflow):
    instance.state = storable_state(workflow)
    instance.next_timer_at = next_timer_at(workflow)
    instance.serializer_version = serializer.VERSION
    if workflow.is_completed():
        instance.status, instance.ended_at = "completed", clock.now()
    else:
        instance.status = "waiting"


def _database_error(err):
    """The database error a handler raised, which the engine has wrapped; None if there is none."""
    seen = set()
    while err is not None and id(err) not in seen:
        if isinstance(err, SQLAlchemyError):
            return err
        seen.add(id(err))
        err = err.__cause__ or err.__context__
    return None


def _run_engine(instance, workflow, actor, action):
    step = Step(instance.id, instance.process_key, instance.business_key, actor)
    try:
        with running_step(step):
            action()
            workflow.do_engine_steps()
            check_instance_data(workflow)
    except AppError:
        raise
    except Exception as err:  # noqa: BLE001 - whatever a designer's file makes the engine raise
        database_error = _database_error(err)
        if database_error is not None:
            # A lost race inside a service task (a duplicate ledger reference, a stale row):
            # the step's transaction turns it into 409, like the same error anywhere else.
            raise database_error from err
        if isinstance(err, HandlerFailed):
            raise  # a bug of ours, not the diagram's: the 500 that logs it
        raise process_error(err) from err


def process_error(err):
    """The ProcessError naming where a designer's file made the engine fail. Engine errors name
    their task; for others (a timer value that does not parse) it is found in the traceback."""
    task_spec = getattr(err, "task_spec", None) or failing_task_spec(err)
    where = getattr(task_spec, "bpmn_id", None) or getattr(task_spec, "name", "")
    reason = str(err)
    if is_date_timer(task_spec) and isinstance(err, TypeError):  # a duration compared with a moment
        reason = ('its date timer\'s expression gave no date and time: write one such as '
                  '"2026-12-31T09:00:00+08:00", or make it a duration timer for a value such as "P1D"')
    return ProcessError(f"the process stopped at {where or 'a step'}: {reason}", {"element": [where or ""]})


def process_specs(definition):
    """The built specs of a version, once per process: versions never change."""
    return app_cache("process_specs").get((definition.id, definition.content_hash),
                                          lambda: build_specs(json.loads(definition.spec_json)))


def start_instance(process_key, data, actor, business_key=None):
    """Create an instance on the newest version and run it to its first wait."""
    definition = latest_definition(process_key)
    if definition is None:
        raise NotFound(f"no deployed process '{process_key}'")
    spec, subprocess_specs = process_specs(definition)
    workflow = new_workflow(spec, dict(subprocess_specs), data)
    instance = ProcessInstance(
        definition=definition, process_key=process_key,
        business_key=business_key or f"{process_key}-{uuid.uuid4().hex[:12]}",
        status="running", state="{}", serializer_version=serializer.VERSION,
        started_by=actor, started_at=clock.now(),
    )
    db.session.add(instance)
    db.session.flush()  # handlers may need the instance id
    _run_engine(instance, workflow, actor, lambda: None)
    _save(instance, workflow)
    return instance, workflow


def new_workflow(spec, subprocess_specs, data, engine=script_engine):
    """A workflow at its start, holding the data it is started with."""
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=engine)
    workflow.data.update(copy.deepcopy(data))
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(copy.deepcopy(data))
    return workflow


def load(instance_id):
    instance = get_row(ProcessInstance, instance_id, "process instance")
    return instance, load_state(instance.state, process_specs(instance.definition))


def find_task(workflow, task_guid):
    try:
        return workflow.get_task_from_id(uuid.UUID(str(task_guid)))
    except Exception:
        return None


def complete_user_task(instance, workflow, task_guid, data, actor):
    """Merge the form data into the task, complete it and run until the next wait."""
    task = find_task(workflow, task_guid)
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        raise Conflict("this task is no longer waiting for input")

    def finish():
        task.data.update(data)
        task.run()

    _run_engine(instance, workflow, actor, finish)
    _save(instance, workflow)


def ready_user_tasks(workflow):
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def task_lane(task):
    return task.task_spec.lane


def task_properties(task):
    return dict((getattr(task.task_spec, "extensions", None) or {}).get("properties", {}))


def fire_timers(instance, workflow, actor=None):
    """Let timers that are due fire and run the engine to the next wait."""
    _run_engine(instance, workflow, actor, workflow.refresh_timers)
    _save(instance, workflow)


def signal(instance, workflow, name, actor=None):
    """Deliver a BPMN signal if the instance waits for it; True when it did."""
    waiting = {e.name for e in workflow.waiting_events() if e.event_type == "SignalEventDefinition"}
    if name not in waiting:
        return False
    _run_engine(instance, workflow, actor, lambda: workflow.send_event(BpmnEvent(SignalEventDefinition(name))))
    _save(instance, workflow)
    return True


def move_to_version(instance, workflow, definition, actor=None):
    """Point an instance whose workflow was moved onto another version's specs at that version and
    save it; engine work the new version left ready (a script where a task was) runs now."""
    instance.definition = definition
    if workflow.get_tasks(state=TaskState.READY, manual=False):
        _run_engine(instance, workflow, actor, lambda: None)
    _save(instance, workflow)
