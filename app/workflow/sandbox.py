"""A restricted environment for BPMN scripts, gateway conditions and DMN expressions.

Designers' expressions are plain Python over the task data. They are checked before they run:
no imports, no names or attributes with a leading underscore (the way out of most Python
sandboxes goes through dunders), none of the attributes that reach the interpreter without one
(a generator's frame, `str.format` field lookups), and only a small set of side-effect-free
builtins. At run time a line budget stops loops, and arithmetic that would build huge numbers
or sequences in one C call (where no line is traced) is refused.

Those checks stop the honest mistakes quickly; they are not what keeps a server safe. Scripts
and every expression that is more than a plain comparison run in worker processes with CPU and
memory limits (script_workers.py), where the operating system stops whatever slips past them.
"""
import ast
import builtins
import copy
import re
import sys
from functools import partial

from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

from . import script_workers
from .lru import LRU
from .script_helpers import HELPER_NAMES, WALL_CLOCK_ATTRIBUTES, helpers, reading
from .services import call_service_handler
from .task_data import storage_problem
from .work_limits import (
    GUARDS,
    GuardWork,
    ScriptLimit,
    bounded_range,
    format_spec_refusal,
)

# A runaway loop in a script is stopped after this many traced lines.
MAX_SCRIPT_LINES = 100_000
SAFE_BUILTIN_NAMES = (
    "abs", "all", "any", "bool", "dict", "enumerate", "filter", "float", "int", "isinstance",
    "len", "list", "map", "max", "min", "round", "set", "sorted", "str", "sum",
    "tuple", "zip", "True", "False", "None",
)
# Builtins that open files, run code or reach objects' internals: refused by name, so that
# `processes validate` names them instead of leaving a NameError for run time. None of them is in
# the sandbox's builtins, so refusing them names a mistake; it is not what keeps scripts in.
FORBIDDEN_NAMES = frozenset((
    "open", "eval", "exec", "compile", "getattr", "setattr", "delattr", "hasattr", "globals",
    "locals", "vars", "dir", "super", "breakpoint", "memoryview", "classmethod", "staticmethod",
    "exit", "quit", "print",
))
# Builtins whose names are also ordinary field names (a DMN column `type`, a form field `input`):
# as data they are just task data, so only calling them is refused.
FORBIDDEN_CALLS = frozenset(("type", "object", "input", "help", "property"))
# Non-dunder attributes that lead out: frames of generators and tracebacks (f_back/f_globals
# reach every module), code objects, and format strings, which look up attributes by name.
FORBIDDEN_ATTRIBUTES = frozenset(("format", "format_map", "mro"))
FORBIDDEN_ATTRIBUTE_PREFIXES = ("gi_", "cr_", "ag_", "f_", "tb_", "co_")
FORBIDDEN_NODES = (
    ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.AsyncFunctionDef, ast.AsyncFor,
    ast.AsyncWith, ast.Await, ast.Yield, ast.YieldFrom, ast.Lambda, ast.ClassDef, ast.Match,
)


class UnsafeScript(ValueError):
    """The expression or script uses something the sandbox forbids."""


class ForbiddenName(UnsafeScript, NameError):
    """A builtin the sandbox withholds: refused before running, as a NameError would be at run time.

    Worded like Python's own NameError: SpiffWorkflow explains only that wording, and builds an
    unprintable error (a 500) from any other NameError.
    """


class ScriptFailed(RuntimeError):
    """A NameError in another wording (a variable used before it is set), re-raised printable."""


class ScriptTimeout(RuntimeError):
    """The script ran longer than the sandbox allows."""


def _refusal(node, called):
    """(exception class, reason) when a node is forbidden, else None; `called`: ids of called nodes."""
    if isinstance(node, ast.Name) and (node.id in FORBIDDEN_NAMES or node.id in FORBIDDEN_CALLS and id(node) in called):
        return ForbiddenName, f"name '{node.id}' is not defined in the sandbox"
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return UnsafeScript, "imports are not allowed"
    if isinstance(node, FORBIDDEN_NODES):
        return UnsafeScript, f"{type(node).__name__} is not allowed"
    if isinstance(node, ast.Attribute) and node.attr in WALL_CLOCK_ATTRIBUTES:
        return UnsafeScript, f"attribute '{node.attr}' reads the machine's clock; use today() or now(), the business clock"
    if isinstance(node, ast.Attribute) and (node.attr in FORBIDDEN_ATTRIBUTES
                                            or node.attr.startswith(FORBIDDEN_ATTRIBUTE_PREFIXES)):
        return UnsafeScript, f"attribute '{node.attr}' is not allowed"
    if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
        reason = format_spec_refusal(node.format_spec)
        if reason:
            return UnsafeScript, reason
    name = getattr(node, "id", None) or getattr(node, "attr", None) or getattr(node, "name", None) \
        or getattr(node, "arg", None)
    if isinstance(name, str) and name.startswith("_"):
        return UnsafeScript, f"name '{name}' is not allowed"
    return None


def check_source(source, mode="exec"):
    """Parse and vet designer code; return the AST or raise SyntaxError/UnsafeScript."""
    tree = ast.parse(source, mode=mode)
    called = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    for node in ast.walk(tree):
        refused = _refusal(node, called)
        if refused:
            raise refused[0](refused[1])
    return tree


# Module-wide, not per app: a script worker has no app, and both are pure functions of the source.
# Expressions are short and a deployment holds a few thousand at most: a bound that keeps them all
# while stopping a stream of generated sources from growing the cache without end.
EXPRESSION_CACHE_SIZE = 4096
_compiled = LRU(EXPRESSION_CACHE_SIZE)
_plainness = LRU(EXPRESSION_CACHE_SIZE)


def _compile(source, mode):
    def make():
        tree = ast.fix_missing_locations(GuardWork().visit(check_source(source, mode)))
        return compile(tree, "<string>", mode)
    return _compiled.get((source, mode), make)


_NOT_DEFINED = re.compile(r"name '.+' is not defined")


def _run_limited(code, namespace):
    try:
        return _traced(code, namespace)
    except NameError as err:
        if _NOT_DEFINED.match(str(err)):
            raise
        raise ScriptFailed(str(err)).with_traceback(err.__traceback__) from err


def _traced(code, namespace):
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


SAFE_BUILTINS = {name: getattr(builtins, name) for name in SAFE_BUILTIN_NAMES}
SAFE_BUILTINS["range"] = bounded_range
OFFERED_CALLS = frozenset(SAFE_BUILTINS) | HELPER_NAMES


def unknown_calls(tree):
    """Names the code calls that neither the sandbox nor the code itself defines. Task data holds
    no functions (it must be saved), so each of these is a NameError waiting for run time."""
    nodes = list(ast.walk(tree))
    bound = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    bound |= {n.name for n in nodes if isinstance(n, (ast.FunctionDef, ast.ExceptHandler)) and n.name}
    bound |= {n.arg for n in nodes if isinstance(n, ast.arg)}
    called = {n.func.id for n in nodes if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return sorted(called - bound - OFFERED_CALLS)


class LocalSandbox(TaskDataEnvironment):
    """The checks and bounds, run in this process: what a worker runs, and plain comparisons."""

    def __init__(self):
        # No globals for SpiffWorkflow to guard: task data named like a helper (a field `date`) is
        # ordinary data, which wins over the helper in that script, not a refused name.
        super().__init__({})

    def _namespace(self, source, context, external_context, moment):
        namespace = helpers(moment or reading(source))
        namespace.update(external_context or {})
        namespace.update(context)
        # Last, so task data named like them cannot replace the builtins or the guard.
        namespace["__builtins__"] = SAFE_BUILTINS
        namespace.update(GUARDS)
        return namespace

    # `moment`: the business clock's time, read by the process that has the app (a worker has none).
    def evaluate(self, expression, context, external_context=None, moment=None):
        namespace = self._namespace(expression, context, external_context, moment)
        return _run_limited(_compile(expression, "eval"), namespace)

    def execute(self, script, context, external_context=None, moment=None):
        self.check_for_overwrite(context, external_context or {})
        namespace = self._namespace(script, context, external_context, moment)
        _run_limited(_compile(script, "exec"), namespace)
        # Keep only plain data the script produced; helpers and builtins stay out of task data,
        # while data named like a helper (a field `date`) is kept like any other.
        for key, value in namespace.items():
            # Dunder keys are the interpreter's (builtins, the guard, annotations): designers cannot name them.
            if key.startswith("__") or callable(value):
                continue
            if external_context and key in external_context:
                continue
            # Every value, not only new ones: a list the script appended to is the same object.
            problem = storage_problem(value)
            if problem:
                raise ScriptLimit(f"'{key}' holds {problem}; scripts may leave only data that can be saved")
            context[key] = value
        for key in [k for k in context if k not in namespace]:
            del context[key]
        return True

    def call_service(self, context, operation_name=None, operation_params=None, **kwargs):
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        # Handlers get a copy: they report through their result, never by mutating task data.
        return call_service_handler(operation_name, copy.deepcopy(context), params)


_local = LocalSandbox()


def run_locally(kind, source, context, external, moment=None):
    """What a worker does with a job: evaluate an expression, or execute a script on `context`."""
    if kind == "eval":
        return _local.evaluate(source, context, external, moment)
    return _local.execute(source, context, external, moment)


# What a plain comparison is made of: it cannot loop or build anything big, so it runs here.
PLAIN_NODES = (ast.Expression, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Name, ast.Load, ast.Constant,
               ast.Subscript, ast.Tuple, ast.List, ast.Set, ast.And, ast.Or, ast.Not, ast.USub, ast.Eq, ast.NotEq,
               ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot)


def _literal_decimal(node):
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Decimal" \
        and len(node.args) == 1 and not node.keywords and isinstance(node.args[0], ast.Constant) \
        and isinstance(node.args[0].value, str) and len(node.args[0].value) <= 40


def is_plain(expression):
    """A comparison of names, items and literals (Decimal("0.7") included), and nothing else."""
    return _plainness.get(expression, partial(_plain, expression))


def _plain(expression):
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return False
    literals = {id(arg) for node in ast.walk(tree) if _literal_decimal(node) for arg in (node, node.func)}
    return all(isinstance(node, PLAIN_NODES) or id(node) in literals for node in ast.walk(tree))


class SandboxEnvironment(LocalSandbox):
    """Plain comparisons run here; scripts and anything else run in a worker process."""

    def evaluate(self, expression, context, external_context=None, moment=None):
        if is_plain(expression):
            return super().evaluate(expression, context, external_context, moment)
        _compile(expression, "eval")  # refused here, at once, when the sandbox forbids it
        result, _ = script_workers.pool().run("eval", expression, context, external_context,
                                              moment or reading(expression))
        return result

    def execute(self, script, context, external_context=None, moment=None):
        self.check_for_overwrite(context, external_context or {})
        _compile(script, "exec")
        _, after = script_workers.pool().run("exec", script, dict(context), external_context, moment or reading(script))
        context.clear()
        context.update(after)
        return True
