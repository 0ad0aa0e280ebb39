"""Designer expressions run in a sandbox: plain data in, no way out."""
from decimal import Decimal

import pytest

from app.workflow.sandbox import (
    SandboxEnvironment,
    ScriptTimeout,
    UnsafeScript,
    check_source,
)
from app.workflow.work_limits import ScriptLimit


@pytest.fixture()
def env():
    return SandboxEnvironment()


def test_expressions_see_task_data_and_decimal(env):
    assert env.evaluate("amount > Decimal('1000000') and risk_level != 'high'",
                        {"amount": Decimal("2000000.00"), "risk_level": "low"}) is True


def test_scripts_write_plain_data_back(env):
    data = {"decision": "approve"}
    env.execute("approval_decision = 'approved' if decision == 'approve' else 'rejected'", data)
    assert data == {"decision": "approve", "approval_decision": "approved"}


@pytest.mark.parametrize("source", [
    "import os",
    "from os import system",
    "__import__('os')",
    "().__class__.__mro__",
    "x.__globals__",
    "_private",
])
def test_imports_and_dunders_are_refused(env, source):
    with pytest.raises(UnsafeScript):
        env.execute(source, {"x": 1})


@pytest.mark.parametrize("name", ["open", "eval", "exec", "getattr", "compile", "globals", "vars"])
def test_dangerous_builtins_are_absent(env, name):
    with pytest.raises(NameError):
        env.evaluate(f"{name}", {})


def test_a_runaway_loop_is_stopped(env):
    with pytest.raises(ScriptTimeout):
        env.execute("n = 0\nwhile True:\n    n = n + 1", {})


@pytest.mark.parametrize("source", [
    "y = int(Decimal('9e999999'))",     # one C call turning a decimal into a million-digit int
    "y = round(Decimal('9e9999'))",
    "y = Decimal('9e99999999')",        # a decimal whose fixed-point text would be 100 MB
    "y = 'x'.ljust(10**10)",
    "y = '%10000000000d' % 5",
    "y = '%*d' % (10, 5)",
])
def test_one_call_cannot_build_something_huge(env, source):
    with pytest.raises(ScriptLimit):
        env.execute(source, {"x": 1})


@pytest.mark.parametrize("source", ["y = f'{x:>10000000000}'", "y = f'{x:{x}}'"])
def test_huge_or_computed_format_widths_are_refused_before_running(source):
    with pytest.raises(UnsafeScript):
        check_source(source)


def test_ordinary_formatting_and_conversions_still_work(env):
    data = {"x": 3}
    env.execute("y = [int('12') + round(Decimal('2.5')) + x % 2, 'ab'.ljust(5, '.'), f'{x:>3}', '%3d' % x]", data)
    assert data["y"] == [15, "ab...", "  3", "  3"]
