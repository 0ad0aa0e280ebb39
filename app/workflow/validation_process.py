"""Checks on whole processes: who may start them."""
from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity

from .definitions import Problem

NO_START_LANE = "start event is in no lane; its lane names the role that may start the process"


def _specs(process):
    return [process.spec, *process.subprocess_specs.values()]


def called_keys(processes):
    """The processes some process of the set calls: they are started by their caller, not by a role."""
    return {task_spec.spec for process in processes for spec in _specs(process)
            for task_spec in spec.task_specs.values() if isinstance(task_spec, CallActivity)}


def start_problems(processes):
    """A process people start needs its none start event in a lane: the lane's role may start it."""
    called = called_keys(processes)
    return [Problem(process.spec.file, task_spec.bpmn_id, NO_START_LANE)
            for process in processes if process.key not in called
            for task_spec in process.spec.task_specs.values()
            if isinstance(task_spec, StartEvent) and isinstance(task_spec.event_definition, NoneEventDefinition)
            and not task_spec.lane]
