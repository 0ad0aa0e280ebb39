"""Designer expressions run in a sandbox: plain data in, no way out."""
from decimal import Decimal

import pytest

from app.workflow.sandbox import SandboxEnvironment, ScriptTimeout, UnsafeScript


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
