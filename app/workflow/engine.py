"""SpiffWorkflow wiring: the parser, the serializer and the script engine the runtime uses."""
import copy
import json
from datetime import date
from decimal import Decimal

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import ServiceTaskParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.defaults import ServiceTask
from SpiffWorkflow.util.task import TaskState

from ..errors import AppError
from . import dmn_schema
from .bounds import BOUNDED
from .sandbox import SandboxEnvironment
from .services import HandlerFailed
from .spiff_adapter import ExactServiceTask, encode_state, lift_task_depth_limit, share_specs


class Parser(SpiffBpmnParser):
    OVERRIDE_PARSER_CLASSES = {
        **SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
        full_tag("serviceTask"): (ServiceTaskParser, ExactServiceTask),
    }

    def __init__(self):
        super().__init__(validator=VALIDATOR, dmn_schemas=dmn_schema.SCHEMAS)

    def add_dmn_xml(self, node, filename=None):
        dmn_schema.check(node, filename)
        super().add_dmn_xml(node, filename)


class ScriptEngine(PythonScriptEngine):
    def call_service(self, task, **kwargs):
        try:
            return self.environment.call_service(task.data, **kwargs)
        except (AppError, SpiffWorkflowException, HandlerFailed):
            raise  # domain refusals, and our own faults, reach the caller as they are
        except Exception as err:  # the diagram's: no such service, parameters it does not take
            raise WorkflowTaskException(f"{type(err).__name__}: {err}", task=task, exception=err)


def _make_serializer():
    config = dict(SPIFF_CONFIG)
    config[ExactServiceTask] = config.pop(ServiceTask)
    # Registered after the classes they extend, under the same names: stored specs are read back bounded.
    config.update({bounded: config[extended] for bounded, extended in BOUNDED.items()})
    registry = BpmnWorkflowSerializer.configure(config)
    registry.register(Decimal, _decimal_to_dict, lambda v: Decimal(v["value"]))
    # SpiffWorkflow writes datetime and timedelta only; scripts' today() gives a date.
    registry.register(date, lambda v: {"value": v.isoformat()}, lambda v: date.fromisoformat(v["value"]))
    return BpmnWorkflowSerializer(registry)


def _decimal_to_dict(value):
    if not value.is_finite():  # NaN or Infinity: no amount, and no JSON number either
        raise ValueError(f"Decimal('{value}') cannot be saved")
    return {"value": str(value)}


serializer = _make_serializer()
lift_task_depth_limit()
script_engine = ScriptEngine(environment=SandboxEnvironment())


def dump_state(workflow):
    """JSON of a workflow's state without its specs."""
    return encode_state(serializer, workflow)


def build_specs(spec_dicts):
    """(process spec, {called process: spec}) built from a version's serialized specs, to be
    shared by every workflow of that version: SpiffWorkflow's task specs hold no run state."""
    spec = serializer.registry.restore(copy.deepcopy(spec_dicts["spec"]))
    subprocess_specs = {k: serializer.registry.restore(copy.deepcopy(v)) for k, v in spec_dicts["subprocess_specs"].items()}
    share_specs([spec, *subprocess_specs.values()])
    return spec, subprocess_specs


def load_state(state_json, specs):
    """The workflow of a stored state on its version's built specs (restore passes objects through)."""
    state = json.loads(state_json)
    state["spec"], state["subprocess_specs"] = specs[0], dict(specs[1])
    workflow = serializer.from_dict(state)
    workflow.script_engine = script_engine
    # Restored subprocesses register their waiting events (timers, signals) with themselves,
    # not with the top workflow that refreshes timers and receives signals: hand them over.
    for task in workflow.get_tasks(state=TaskState.WAITING):
        if isinstance(task.task_spec, CatchingEvent):
            workflow.event_manager.add_task(task)
    return workflow
