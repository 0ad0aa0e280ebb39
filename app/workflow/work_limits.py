"""Bounds on work a designer's script does inside one C call, where the line budget sees nothing.

`sum(range(10**12))`, `10**10**9`, `int(Decimal('9e999999'))` or `'x'.ljust(10**10)` each run in
a single call and would hang a request. Scripts are compiled with the risky operations and calls
rewritten into guarded ones (names starting with a dunder, which designers cannot write), and
the guards refuse what would build a huge number, string or sequence.
"""
import ast
import copy
import operator
import re
from decimal import Decimal

MAX_ITEMS = 1_000_000   # items of a sequence, characters of a string
MAX_INT_BITS = 10_000
MAX_DIGITS = 3_000      # digits of a number turned into an int or built as a Decimal
WIDE_FORMAT = re.compile(r"\d{7,}")  # a field width of a million characters or more
PERCENT_WIDTH = re.compile(r"%[-#0 +]*(\*|\d{7,})")


class ScriptLimit(ValueError):
    """The script goes beyond what the sandbox allows: a huge number or sequence, or non-data left behind."""


def bounded_range(*args):
    span = range(*args)
    try:
        too_long = len(span) > MAX_ITEMS
    except OverflowError:
        too_long = True
    if too_long:
        raise ScriptLimit(f"range of more than {MAX_ITEMS} numbers is not allowed")
    return span


def _size(value):
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


def _huge_decimal(value):
    return isinstance(value, Decimal) and value.is_finite() and value.adjusted() > MAX_DIGITS


def _bounded_op(symbol, left, right):
    """`left <symbol> right`, refused when one C call would build something huge."""
    ints = isinstance(left, int) and isinstance(right, int)
    if symbol == "**" and ints and right > 0 and abs(left) > 1 and right * left.bit_length() > MAX_INT_BITS:
        raise ScriptLimit(f"a power with more than {MAX_INT_BITS} bits is not allowed")
    if symbol == "<<" and ints and right > MAX_INT_BITS:
        raise ScriptLimit(f"a shift by more than {MAX_INT_BITS} bits is not allowed")
    if symbol == "*":
        if ints and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise ScriptLimit(f"a product with more than {MAX_INT_BITS} bits is not allowed")
        for sequence, count in ((left, right), (right, left)):
            if _size(sequence) is not None and isinstance(count, int) and _size(sequence) * count > MAX_ITEMS:
                raise ScriptLimit(f"a repeated sequence of more than {MAX_ITEMS} items is not allowed")
    if symbol == "%" and isinstance(left, str) and PERCENT_WIDTH.search(left):
        raise ScriptLimit("a %-format with a computed or huge width is not allowed")
    return _OPERATORS[symbol](left, right)


def _bounded_call(name, *args, **kwargs):
    """int(), round() and Decimal(), refused for numbers of more than MAX_DIGITS digits."""
    if args and _huge_decimal(args[0]):
        raise ScriptLimit(f"a number with more than {MAX_DIGITS} digits is not allowed")
    result = _CALLS[name](*args, **kwargs)
    if _huge_decimal(result):
        raise ScriptLimit(f"a number with more than {MAX_DIGITS} digits is not allowed")
    return result


def _bounded_pad(text, method, *args, **kwargs):
    """str.ljust/rjust/center/zfill, refused for widths beyond MAX_ITEMS."""
    width = args[0] if args else kwargs.get("width")
    if isinstance(width, int) and width > MAX_ITEMS:
        raise ScriptLimit(f"a string of more than {MAX_ITEMS} characters is not allowed")
    return getattr(text, method)(*args, **kwargs)


_OPERATORS = {"**": operator.pow, "*": operator.mul, "<<": operator.lshift, "%": operator.mod}
_GUARDED_OPS = {ast.Pow: "**", ast.Mult: "*", ast.LShift: "<<", ast.Mod: "%"}
_CALLS = {"int": int, "round": round, "Decimal": Decimal}
_PADDING = frozenset(("ljust", "rjust", "center", "zfill"))
_OP, _CALL, _PAD = "__sandbox_op__", "__sandbox_call__", "__sandbox_pad__"
GUARDS = {_OP: _bounded_op, _CALL: _bounded_call, _PAD: _bounded_pad}


def format_spec_refusal(spec):
    """Why an f-string format spec is refused (a computed or huge width), or None."""
    for part in spec.values:
        if isinstance(part, ast.FormattedValue):
            return "a computed format spec is not allowed"
        if isinstance(part, ast.Constant) and WIDE_FORMAT.search(str(part.value)):
            return "a format width of a million characters or more is not allowed"
    return None


def _guard(name, args, keywords, like):
    return ast.copy_location(ast.Call(func=ast.Name(name, ast.Load()), args=args, keywords=keywords), like)


class GuardWork(ast.NodeTransformer):
    """Rewrites the operations and calls that can do unbounded work in one C call into guarded ones."""

    def visit_BinOp(self, node):
        self.generic_visit(node)
        symbol = _GUARDED_OPS.get(type(node.op))
        return _guard(_OP, [ast.Constant(symbol), node.left, node.right], [], node) if symbol else node

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        symbol = _GUARDED_OPS.get(type(node.op))
        if symbol is None:
            return node
        current = copy.deepcopy(node.target)  # the same target, read instead of written
        current.ctx = ast.Load()
        value = _guard(_OP, [ast.Constant(symbol), current, node.value], [], node)
        return ast.copy_location(ast.Assign(targets=[node.target], value=value), node)

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in _CALLS:
            return _guard(_CALL, [ast.Constant(node.func.id), *node.args], node.keywords, node)
        if isinstance(node.func, ast.Attribute) and node.func.attr in _PADDING:
            return _guard(_PAD, [node.func.value, ast.Constant(node.func.attr), *node.args], node.keywords, node)
        return node
