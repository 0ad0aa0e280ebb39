"""Checks on whole processes: who may start them, and ids that must fit the columns storing them."""
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity

from ..inbox.models import HumanTask, HumanTaskColumn
from . import declarations
from .definitions import Problem, read_xml
from .models import ProcessDefinition

NO_START_LANE = "start event is in no lane; its lane names the role that may start the process"


def _specs(process):
    return [process.spec, *process.subprocess_specs.values()]


def called_keys(processes):
    """The processes some process of the set calls: they are started by their caller, not by a role."""
    return {task_spec.spec for process in processes for spec in _specs(process)
            for task_spec in spec.task_specs.values() if isinstance(task_spec, CallActivity)}


def unnamed_lanes(text):
    """{flow node id: lane id} of the nodes in a lane without a name: SpiffWorkflow sees them in no lane."""
    bpmn_ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    return {ref.text.strip(): lane.get("id") for lane in read_xml(text).iterfind(".//bpmn:lane", bpmn_ns)
            if not (lane.get("name") or "").strip() for ref in lane.iterfind("bpmn:flowNodeRef", bpmn_ns) if ref.text}


def _no_start_lane(file, element, unnamed):
    if element in unnamed:
        return Problem(file, element, f"start event is in lane '{unnamed[element]}', which has no name; "
                                      "the lane's name is the role that may start the process")
    return Problem(file, element, NO_START_LANE)


def start_problems(processes, sources):
    """A process people start needs its none start event in a lane: the lane's role may start it."""
    called = called_keys(processes)
    found = []
    for process in processes:
        if process.key in called:
            continue
        unnamed = unnamed_lanes(sources[process.spec.file])
        found += [_no_start_lane(process.spec.file, task_spec.bpmn_id, unnamed)
                  for task_spec in process.spec.task_specs.values()
                  if isinstance(task_spec, StartEvent) and isinstance(task_spec.event_definition, NoneEventDefinition)
                  and not task_spec.lane]
    return found


def _too_long(file, element, what, value, column):
    limit = column.type.length
    if value and len(value) > limit:
        return Problem(file, element, f"{what} is {len(value)} characters long; at most {limit} fit")
    return None


def _column_names(properties):
    try:
        return [name for name, _ in declarations.parse(properties.get("inboxColumns"))]
    except ValueError:
        return []  # reported with the task's other declarations


def length_problems(process):
    """Ids and names the database stores in columns of a fixed size."""
    found = [_too_long(process.spec.file, process.key, "process id", process.key, ProcessDefinition.key)]
    for spec in _specs(process):
        for task_spec in spec.task_specs.values():
            properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
            element = getattr(task_spec, "bpmn_id", None) or task_spec.name
            if getattr(task_spec, "manual", False):
                found.append(_too_long(spec.file, element, "user task id", element, HumanTask.task_spec_id))
            found.append(_too_long(spec.file, element, "form file name", properties.get("formJsonSchemaFilename"),
                                   HumanTask.form))
            found += [_too_long(spec.file, element, f"inboxColumns name '{name}'", name, HumanTaskColumn.name)
                      for name in _column_names(properties)]
    return [p for p in found if p]
