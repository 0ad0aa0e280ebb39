"""Values a diagram declares for people to see, computed from task data in the sandbox.

Two properties use them (`spiffworkflow:property`):
- `formValues` on a user task: the values its form opens with. Nothing else of the case's data
  is put into a form, so a decision taken at one step is never offered as the next step's answer.
- `inboxColumns` on a process's start event (for every user task of that process) or on a user
  task (added to, or replacing, the process's): what the task list shows of each task, stored
  with the task when it is created.

Syntax: `name=expression; other=expression; bare` — a bare name takes the task data of that
name. A value that cannot be computed for a task is left out.

A third, `formChecks` (`field | condition | message; …`), is parsed here and checked by the
inbox when a form is submitted.
"""
from .engine import script_engine


def parse(text):
    """[(name, expression)] of a declaration; ValueError names the first part that is not one."""
    pairs = []
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        name, _, expression = part.partition("=")
        name = name.strip()
        if not name.isidentifier():
            raise ValueError(f"'{part.strip()}' does not start with a name")
        pairs.append((name, expression.strip() or name))
    return pairs


def evaluate(pairs, data):
    """{name: value} for each declared value that can be computed from `data`."""
    values = {}
    for name, expression in pairs:
        try:
            values[name] = script_engine.environment.evaluate(expression, dict(data))
        except Exception:  # noqa: BLE001 - a missing or failing value is shown empty, the step goes on
            continue
    return values


def parse_checks(text):
    """[(field, condition, message)]; ValueError names a check that is not `field | condition | message`."""
    checks = []
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        pieces = [piece.strip() for piece in part.split("|", 2)]
        if len(pieces) != 3 or not pieces[0].isidentifier() or not pieces[1]:
            raise ValueError(f"'{part.strip()}' is not 'field | condition | message'")
        checks.append(tuple(pieces))
    return checks
