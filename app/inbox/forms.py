"""User-task forms: JSON Schema files deployed from FORMS_DIR, validated on the server.

`"format": "money"` marks a decimal amount; it reaches the process as an exact Decimal.
"""
import json
import re
from jsonschema import FormatChecker
from jsonschema.exceptions import SchemaError
from jsonschema.validators import Draft202012Validator

from ..errors import NotFound, ValidationFailed
from ..money import parse_money
from ..workflow.artifacts import file_text

format_checker = FormatChecker()


@format_checker.checks("money", raises=ValueError)
def _is_money(value):
    parse_money(value)
    return True


DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


@format_checker.checks("date", raises=ValueError)
def _is_date(value):
    """YYYY-MM-DD and a real day; week and ordinal forms (2026-W48-1) are not dates here."""
    from datetime import date
    if isinstance(value, str):
        if not DATE.fullmatch(value):
            raise ValueError("not YYYY-MM-DD")
        date.fromisoformat(value)
    return True


def load_form(filename, pinned=None):
    """The JSON Schema of a deployed form: the version `pinned` ({form: version}, what a process
    version was deployed with) names, else the newest; NotFound when it was never deployed."""
    if not filename:
        return None
    text = file_text(filename, (pinned or {}).get(filename))
    if text is None:
        raise NotFound(f"form {filename} is not deployed")
    try:
        return json.loads(text)
    except ValueError as err:
        raise NotFound(f"form {filename} cannot be read: {err}") from err


def task_form(task):
    """The form of a human task as its process version shows it (None when it has none): an
    instance started before a designer changed the form keeps the form it started with."""
    if not task.form:
        return None
    return load_form(task.form, task.instance.definition.form_versions)


def schema_text_problems(text, filename):
    """Reasons a form file's text is unusable (not JSON, not a valid JSON Schema of an object)."""
    try:
        schema = json.loads(text)
    except ValueError as err:
        return [f"form {filename} is not JSON: {err}"]
    return schema_problems(schema, filename)


def schema_problems(schema, filename):
    """Reasons a parsed form is not a usable JSON Schema of an object."""
    if not isinstance(schema, dict):
        return [f"form {filename} must be a JSON object"]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as err:
        return [f"form {filename} is not a valid JSON Schema: {err.message}"]
    # Form builders often leave out `"type": "object"` when they list properties: still an object.
    if schema.get("type", "object" if "properties" in schema else None) != "object":
        return [f"form {filename} must describe an object"]
    return []


def _field_of(error):
    if error.validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        path = [*error.absolute_path, *(missing[:1])]
    else:
        path = list(error.absolute_path)
    return ".".join(str(p) for p in path) or "_schema"


def _money_fields(schema):
    return {name for name, prop in schema.get("properties", {}).items()
            if isinstance(prop, dict) and prop.get("format") == "money"}


def validated_form_data(schema, data):
    """Keep the fields the form declares, check them, and turn money into Decimal.

    Only declared fields pass: a user must not be able to slip process variables (approval
    levels, scores) into the case through a form.
    """
    if schema is None:
        return {}
    if not isinstance(data, dict):
        raise ValidationFailed("form data must be an object", {"data": ["must be an object"]})
    declared = schema.get("properties", {})
    kept = {k: v for k, v in data.items() if k in declared}
    errors = {}
    for error in Draft202012Validator(schema, format_checker=format_checker).iter_errors(kept):
        errors.setdefault(_field_of(error), []).append(error.message)
    if errors:
        raise ValidationFailed("the form has invalid fields", errors)
    for name in _money_fields(schema) & set(kept):
        if kept[name] is not None:
            kept[name] = parse_money(kept[name])  # checked above: cannot fail here
    return kept
