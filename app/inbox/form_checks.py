"""Business checks a process declares on a form, checked where the value is entered.

Two user-task properties:
- `formChecks`: `field | condition | message; …` — the condition is an expression over the
  task's data with the submitted values (the field is None when left empty, and `today` is the
  business date as YYYY-MM-DD); when it is false, the message (bilingual, Chinese first) is shown
  at the field and nothing is saved.
- `requiredDocuments`: document kinds (comma-separated) the case must hold before the form is
  accepted, e.g. `evidence` for a write-off.
"""
from .. import clock
from ..documents.service import kinds_on_case
from ..workflow.declarations import parse_checks
from ..workflow.engine import script_engine


def check_errors(properties, task_data, values, today=None):
    """{field: [message]} for each declared check the submitted values fail (`today`: the business date)."""
    errors = {}
    context = {**task_data, **values, "today": (today or clock.business_date()).isoformat()}
    for field, condition, message in parse_checks(properties.get("formChecks")):
        try:  # the field is what was submitted: None when left empty, never an earlier step's value
            passed = bool(script_engine.environment.evaluate(condition, {**context, field: values.get(field)}))
        except Exception:  # noqa: BLE001 - a check that cannot be evaluated holds the form back
            passed = False
        if not passed:
            errors.setdefault(field, []).append(message)
    return errors


def missing_documents(properties, business_key):
    """{"documents": [message]} when the case lacks a kind of document the form requires."""
    return documents_lacking(properties, kinds_on_case(business_key) if business_key else set())


def documents_lacking(properties, kinds_held):
    """The same, for a case that holds documents of `kinds_held`."""
    required = {kind.strip() for kind in (properties.get("requiredDocuments") or "").split(",") if kind.strip()}
    missing = sorted(required - set(kinds_held))
    return {"documents": [f"attach to the case first: {', '.join(missing)}"]} if missing else {}
