"""User-task forms: JSON Schema files in FORMS_DIR, validated on the server.

`"format": "money"` marks a decimal amount; it reaches the process as an exact Decimal.
"""
import json
import re
from pathlib import Path

from flask import current_app
from jsonschema import FormatChecker
from jsonschema.exceptions import SchemaError
from jsonschema.validators import Draft202012Validator

from ..errors import NotFound, ValidationFailed
from ..money import parse_money

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


def forms_dir():
    return Path(current_app.config["FORMS_DIR"])


def form_path(filename):
    path = (forms_dir() / filename).resolve()
    if forms_dir().resolve() not in path.parents:
        raise NotFound(f"form {filename} is outside the forms folder")
    return path


def load_form(filename):
    """The JSON Schema of a form; NotFound when the file is missing or unreadable."""
    if not filename:
        return None
    path = form_path(filename)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise NotFound(f"form {filename} cannot be read: {err}") from err


def form_problems(filename):
    """Reasons a referenced form is unusable (missing, not JSON, not a valid JSON Schema)."""
    try:
        schema = load_form(filename)
    except NotFound as err:
        return [err.message]
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
