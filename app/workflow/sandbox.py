"""A restricted environment for BPMN scripts, gateway conditions and DMN expressions.

Designers' expressions are plain Python over the task data. They are checked before they run:
no import statements, no names or attributes with a leading underscore (the way out of every
Python sandbox goes through dunders), and only a small set of side-effect-free builtins.
"""
import ast
import builtins
import copy
import sys
from decimal import Decimal

from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

from .services import call_service_handler

SAFE_BUILTIN_NAMES = (
    "abs", "all", "any", "bool", "dict", "enumerate", "filter", "float", "int", "isinstance",
    "len", "list", "map", "max", "min", "range", "round", "set", "sorted", "str", "sum",
    "tuple", "zip", "True", "False", "None",
)
SAFE_BUILTINS = {name: getattr(builtins, name) for name in SAFE_BUILTIN_NAMES}
SAFE_GLOBALS = {"Decimal": Decimal}
# A runaway loop in a script is stopped after this many traced lines.
MAX_SCRIPT_LINES = 100_000


class UnsafeScript(ValueError):
    """The expression or script uses something the sandbox forbids."""


class ScriptTimeout(RuntimeError):
    """The script ran longer than the sandbox allows."""


def check_source(source, mode="exec"):
    """Parse and vet designer code; return the AST or raise SyntaxError/UnsafeScript."""
    tree = ast.parse(source, mode=mode)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            raise UnsafeScript("imports are not allowed")
        if isinstance(node, (ast.Global, ast.Nonlocal, ast.AsyncFunctionDef, ast.Await,
                             ast.Yield, ast.YieldFrom, ast.Lambda, ast.ClassDef)):
            raise UnsafeScript(f"{type(node).__name__} is not allowed")
        name = getattr(node, "id", None) or getattr(node, "attr", None) or getattr(node, "name", None)
        if isinstance(name, str) and name.startswith("_"):
            raise UnsafeScript(f"name '{name}' is not allowed")
    return tree


_compiled = {}


def _compile(source, mode):
    key = (source, mode)
    if key not in _compiled:
        _compiled[key] = compile(check_source(source, mode), "<string>", mode)
    return _compiled[key]


def _run_limited(code, namespace):
    """Execute with a line budget so a `while True` cannot hang a request."""
    budget = [MAX_SCRIPT_LINES]

    def tracer(frame, event, arg):
        if frame.f_code.co_filename != "<string>":
            return None
        if event == "line":
            budget[0] -= 1
            if budget[0] < 0:
                raise ScriptTimeout("script stopped: it ran too long")
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        return eval(code, namespace)  # noqa: S307 - vetted by check_source
    finally:
        sys.settrace(previous)


class SandboxEnvironment(TaskDataEnvironment):
    def __init__(self):
        super().__init__(dict(SAFE_GLOBALS))

    def _namespace(self, context, external_context):
        namespace = {"__builtins__": SAFE_BUILTINS}
        namespace.update(self.globals)
        namespace.update(external_context or {})
        namespace.update(context)
        return namespace

    def evaluate(self, expression, context, external_context=None):
        return _run_limited(_compile(expression, "eval"), self._namespace(context, external_context))

    def execute(self, script, context, external_context=None):
        self.check_for_overwrite(context, external_context or {})
        namespace = self._namespace(context, external_context)
        _run_limited(_compile(script, "exec"), namespace)
        # Keep only plain data the script produced; helpers and builtins stay out of task data.
        for key, value in namespace.items():
            if key == "__builtins__" or key in self.globals or callable(value):
                continue
            if external_context and key in external_context:
                continue
            context[key] = value
        for key in [k for k in context if k not in namespace]:
            del context[key]
        return True

    def call_service(self, context, operation_name=None, operation_params=None, **kwargs):
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        # Handlers get a copy: they report through their result, never by mutating task data.
        return call_service_handler(operation_name, copy.deepcopy(context), params)
