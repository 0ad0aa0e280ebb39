"""Checking process files before they are deployed: one Problem per fault, never a traceback."""
import ast

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway

from . import bounds, declarations
from .definitions import Problem, build_processes, parse_sources
from .engine import ExactServiceTask
from .sandbox import UnsafeScript, check_source, unknown_calls
from .validation_process import length_problems, start_problems, unnamed_lanes

DECLARED_VALUES = ("formValues", "inboxColumns")


def _expression_problem(file, element, source, mode, what):
    try:
        tree = check_source(source, mode)
    except SyntaxError as err:
        return Problem(file, element, f"{what} does not compile: {err.msg}")
    except UnsafeScript as err:
        return Problem(file, element, f"{what} is not allowed: {err}")
    unknown = unknown_calls(tree)
    if unknown:
        names = ", ".join(f"'{name}'" for name in unknown)
        return Problem(file, element, f"{what} calls {names}, which the sandbox does not offer"
                                      "; the processes folder's README lists what it offers")
    return None


def _form_of(task_spec):
    return (getattr(task_spec, "extensions", None) or {}).get("properties", {}).get("formJsonSchemaFilename")


def _expressions(task_spec):
    """(label, source, mode) of every piece of designer code a task spec runs."""
    for label, attribute in (("script", "script"), ("pre-script", "prescript"), ("post-script", "postscript")):
        if getattr(task_spec, attribute, None):
            yield label, getattr(task_spec, attribute), "exec"
    event = getattr(task_spec, "event_definition", None)
    if getattr(event, "expression", None):
        yield ("timer expression" if isinstance(event, TimerEventDefinition) else "event expression"), \
            event.expression, "eval"
    for condition, _target in getattr(task_spec, "cond_task_specs", []):
        if condition is not None:
            yield "condition", condition.args[0], "eval"
    for name, param in (getattr(task_spec, "operation_params", None) or {}).items():
        if param.get("value"):
            yield f"parameter '{name}'", param["value"], "eval"
    for label, attribute in (("loop condition", "condition"), ("cardinality", "cardinality")):
        if isinstance(getattr(task_spec, attribute, None), str):
            yield label, getattr(task_spec, attribute), "eval"


def _input_entry_problem(file, entry_id, text):
    """The engine runs an entry as `input == (entry)`, as `input <entry>` (`> 5`), or with `?` for the input."""
    if "?" in text:
        source = text.replace("?", "dmninputexpr")
    else:
        try:
            ast.parse(text, mode="eval")
            source = text
        except SyntaxError:
            source = f"dmninputexpr {text}"
    return _expression_problem(file, entry_id, source, "eval", "input entry")


def _declaration_problems(file, element, task_spec):
    """formValues and inboxColumns: `name=expression; …`, each expression checked like a condition."""
    found = []
    properties = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
    for prop in DECLARED_VALUES:
        try:
            pairs = declarations.parse(properties.get(prop))
        except ValueError as err:
            found.append(Problem(file, element, f"{prop} is not 'name=expression; …': {err}"))
            continue
        found += [_expression_problem(file, element, source, "eval", f"{prop} value '{name}'") for name, source in pairs]
    try:
        checks = declarations.parse_checks(properties.get("formChecks"))
    except ValueError as err:
        return found + [Problem(file, element, f"formChecks: {err}")]
    found += [_expression_problem(file, element, condition, "eval", f"formChecks condition on '{field}'")
              for field, condition, _message in checks]
    return found


def _no_lane(element, unnamed):
    if element in unnamed:
        return f"user task is in lane '{unnamed[element]}', which has no name; the lane's name is the role that does it"
    return "user task is outside any lane; its lane names the role that does it"


def _task_problems(file, task_spec, known_roles, known_services, form_problems, unnamed=None):
    element = getattr(task_spec, "bpmn_id", None) or task_spec.name
    found = []
    if getattr(task_spec, "manual", False):
        if not task_spec.lane:
            found.append(Problem(file, element, _no_lane(element, unnamed or {})))
        elif known_roles is not None and task_spec.lane not in known_roles:
            found.append(Problem(file, element, f"lane '{task_spec.lane}' is not a known role"))
    form = _form_of(task_spec)
    if form and (getattr(task_spec, "manual", False) or isinstance(task_spec, StartEvent)):
        found += [Problem(file, element, reason) for reason in form_problems(form)]
    if isinstance(task_spec, ExactServiceTask) and task_spec.operation_name not in known_services:
        found.append(Problem(file, element, f"service task names no registered handler '{task_spec.operation_name}'"))
    for label, source, mode in _expressions(task_spec):
        found.append(_expression_problem(file, element, source, mode, label))
    found += [Problem(file, element, reason) for reason in bounds.spec_problems(task_spec)]
    found += _declaration_problems(file, element, task_spec)
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
        file = dmn_parser.filename
        for table in decision.decisionTables:
            for item in table.inputs:
                if item.expression:
                    found.append(_expression_problem(file, item.id, item.expression, "eval", "input expression"))
            for row in table.rules:
                for entry in row.inputEntries:
                    found += [_input_entry_problem(file, entry.id, text) for text in entry.lhs if text and text.strip()]
                for entry in row.outputEntries:
                    if entry.text:
                        found.append(_expression_problem(file, entry.id, entry.text, "eval", "output entry"))
    return [p for p in found if p]


def _nothing_to_run(sources, parser):
    """Files that parse cleanly yet hold no executable process: saying "ok" would deploy nothing."""
    idle = {parser.process_parsers[key].filename: key for key in parser.process_parsers
            if not parser.process_parsers[key].process_executable}
    if idle:
        return [Problem(file, key, 'process is not executable (isExecutable="false") and no file given '
                                   'holds an executable one; nothing would be deployed') for file, key in sorted(idle.items())]
    return [Problem(", ".join(sorted(sources)), "", "no executable process found in these files; "
                                                   "validate a decision together with a process that calls it")]


def validate_sources(sources, known_roles=None, known_services=(), form_problems=lambda name: []):
    """All problems of a set of files, and the processes built from them."""
    parser, problems = parse_sources(sources)
    processes, build_problems = build_processes(sources, parser)
    problems += build_problems
    for process in processes:
        # Embedded subprocesses too: their tasks run like the process's own.
        for spec in [process.spec, *process.subprocess_specs.values()]:
            unnamed = unnamed_lanes(sources[spec.file])
            for task_spec in spec.task_specs.values():
                problems += _task_problems(spec.file, task_spec, known_roles, set(known_services), form_problems,
                                           unnamed)
        problems += [Problem(*found) for found in bounds.call_problems(process.spec, process.subprocess_specs)]
        problems += length_problems(process)
    problems += start_problems(processes, sources)
    problems += _decision_problems(parser)
    if not processes and not problems:
        problems = _nothing_to_run(sources, parser)
    unique = list(dict.fromkeys((p.file, p.element, p.reason) for p in problems))
    return [Problem(*p) for p in unique], processes
