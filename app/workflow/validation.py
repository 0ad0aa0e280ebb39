"""Checking process files before they are deployed: one Problem per fault, never a traceback."""
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway

from .definitions import Problem, build_processes, parse_sources
from .engine import ExactServiceTask
from .sandbox import UnsafeScript, check_source


def _expression_problem(file, element, source, mode, what):
    try:
        check_source(source, mode)
    except SyntaxError as err:
        return Problem(file, element, f"{what} does not compile: {err.msg}")
    except UnsafeScript as err:
        return Problem(file, element, f"{what} is not allowed: {err}")
    return None


def _form_of(task_spec):
    return (getattr(task_spec, "extensions", None) or {}).get("properties", {}).get("formJsonSchemaFilename")


def _task_problems(file, task_spec, known_roles, known_services, form_problems):
    element = getattr(task_spec, "bpmn_id", None) or task_spec.name
    found = []
    if getattr(task_spec, "manual", False):
        if not task_spec.lane:
            found.append(Problem(file, element, "user task is outside any lane; its lane names the role that does it"))
        elif known_roles is not None and task_spec.lane not in known_roles:
            found.append(Problem(file, element, f"lane '{task_spec.lane}' is not a known role"))
    form = _form_of(task_spec)
    if form and (getattr(task_spec, "manual", False) or isinstance(task_spec, StartEvent)):
        found += [Problem(file, element, reason) for reason in form_problems(form)]
    if isinstance(task_spec, ExactServiceTask) and task_spec.operation_name not in known_services:
        found.append(Problem(file, element, f"service task names no registered handler '{task_spec.operation_name}'"))
    for label, source in (("script", getattr(task_spec, "script", None)),
                          ("pre-script", getattr(task_spec, "prescript", None)),
                          ("post-script", getattr(task_spec, "postscript", None))):
        if source:
            found.append(_expression_problem(file, element, source, "exec", label))
    timer_expression = getattr(getattr(task_spec, "event_definition", None), "expression", None)
    if timer_expression:
        found.append(_expression_problem(file, element, timer_expression, "eval", "timer expression"))
    for condition, _target in getattr(task_spec, "cond_task_specs", []):
        if condition is not None:
            found.append(_expression_problem(file, element, condition.args[0], "eval", "condition"))
    if isinstance(task_spec, ExclusiveGateway) and task_spec.default_task_spec is None \
            and any(c is None for c, _ in task_spec.cond_task_specs):
        found.append(Problem(file, element, "exclusive gateway has a flow without condition and no default"))
    return [p for p in found if p]


def _decision_problems(parser):
    found = []
    for decision_id, dmn_parser in parser.dmn_parsers.items():
        try:
            if dmn_parser.decision is None:
                dmn_parser.parse()
            decision = dmn_parser.decision
        except Exception as err:  # noqa: BLE001 - report, never crash
            found.append(Problem(dmn_parser.filename or "", decision_id, f"decision cannot be read: {err}"))
            continue
        for table in decision.decisionTables:
            for item in table.inputs:
                if item.expression:
                    found.append(_expression_problem(dmn_parser.filename, item.id, item.expression, "eval", "input expression"))
            for row in table.rules:
                for entry in row.outputEntries:
                    if entry.text:
                        found.append(_expression_problem(dmn_parser.filename, row.id, entry.text, "eval", "output entry"))
    return [p for p in found if p]


def validate_sources(sources, known_roles=None, known_services=(), form_problems=lambda name: []):
    """All problems of a set of files, and the processes built from them."""
    parser, problems = parse_sources(sources)
    processes, build_problems = build_processes(sources, parser)
    problems += build_problems
    for process in processes:
        own_file = parser.process_parsers[process.key].filename
        for task_spec in process.spec.task_specs.values():
            problems += _task_problems(own_file, task_spec, known_roles, set(known_services), form_problems)
    problems += _decision_problems(parser)
    unique = list(dict.fromkeys((p.file, p.element, p.reason) for p in problems))
    return [Problem(*p) for p in unique], processes
