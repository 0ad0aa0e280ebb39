"""Task forms in HTML: JSON Schema properties → inputs, and posted fields → typed JSON.

A required yes/no field is asked as two choices with neither chosen, so "required" means the
person answered; a box that must be ticked (`"const": true`) is a checkbox. A choice listed in a
property's `confirmValues` asks for confirmation before the form is sent (a decision that sends
the case back).
"""
import json
import math
from dataclasses import dataclass, field

from ..strict_json import loads
from .words import bilingual

LONG_TEXT_NAMES = {"notes", "comment", "reasons", "findings", "reason", "evidence", "missing_documents",
                   "supplement_notes"}


@dataclass
class Field:
    name: str
    title: str
    kind: str
    required: bool
    value: str = ""
    options: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    confirm: list = field(default_factory=list)


def _kind(name, prop, required=False):
    kind = prop.get("type")
    if "enum" in prop:
        return "select"
    if kind == "boolean":
        return "yesno" if required and prop.get("const") is not True else "checkbox"
    if kind in ("integer", "number"):
        return kind
    if kind in ("array", "object"):
        return "json"
    if prop.get("format") in ("date", "money"):
        return prop["format"]
    if name in LONG_TEXT_NAMES or prop.get("maxLength", 0) > 200:
        return "textarea"
    return "text"


def _display(kind, value):
    if value is None:
        return ""
    if kind == "json":
        return json.dumps(value, ensure_ascii=False, default=str)
    if kind == "checkbox":
        return "on" if value is True else ""
    if kind == "yesno":
        return {True: "yes", False: "no"}.get(value, "")
    return str(value)


def form_fields(schema, values=None, errors=None):
    values, errors = values or {}, errors or {}
    required = set(schema.get("required", []))
    fields = []
    for name, prop in schema.get("properties", {}).items():
        kind = _kind(name, prop, name in required)
        labels = [bilingual(label) for label in prop.get("enumNames") or prop.get("enum", [])]
        fields.append(Field(
            name=name, title=bilingual(prop.get("title", name)), kind=kind, required=name in required,
            value=_display(kind, values.get(name)), options=list(zip(prop.get("enum", []), labels)),
            errors=errors.get(name, []), confirm=list(prop.get("confirmValues", [])),
        ))
    return fields


def _typed(kind, raw):
    if kind == "integer":
        return int(raw) if raw.lstrip("-").isdigit() else raw
    # What does not read as a finite number or as JSON stays text, for the schema to refuse at its field:
    # float() and json.loads() would take "nan" and "Infinity", which no JSON can carry on.
    if kind == "number":
        try:
            number = float(raw)
        except ValueError:
            return raw
        return number if math.isfinite(number) else raw
    if kind == "json":
        try:
            return loads(raw)
        except ValueError:
            return raw
    return raw


def submitted_data(schema, form):
    """Typed data from a posted form; empty optional fields are left out, so the schema decides."""
    data, required = {}, set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        kind = _kind(name, prop, name in required)
        if kind == "checkbox":
            data[name] = form.get(name) == "on"
            continue
        if kind == "yesno":
            if form.get(name) in ("yes", "no"):
                data[name] = form.get(name) == "yes"
            continue
        raw = (form.get(name) or "").strip()
        if raw:
            data[name] = _typed(kind, raw)
    return data
