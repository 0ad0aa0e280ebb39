"""Scenario files: the process tests a designer keeps beside a BPMN file, `<name>.scenarios.json`.

A file holds a list of scenarios for the process of `<name>.bpmn`. Each names the data the process
starts with, what each user task submits at each visit, what each service task answers, and where
the run must end; the runner (scenarios.py) plays it in memory on a clock of its own.
"""
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from jsonschema.validators import Draft202012Validator

SUFFIX = ".scenarios.json"
DEFAULT_MAX_DAYS = 365

_OBJECTS = {"type": "array", "items": {"type": "object"}}
SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["name", "end"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "start": {"type": "object"},
            "start_date": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"},
            "max_days": {"type": "integer", "minimum": 0},
            "tasks": {"type": "object", "additionalProperties": _OBJECTS},
            "services": {"type": "object", "additionalProperties": {"anyOf": [{"type": "object"}, _OBJECTS]}},
            "signals": {"type": "array", "items": {
                "type": "object", "required": ["at", "name"], "additionalProperties": False,
                "properties": {"at": {"type": "string"}, "name": {"type": "string"}}}},
            "documents": {"type": "array", "items": {"type": "string"}},
            "path": {"type": "array", "items": {"type": "string"}},
            "end": {"type": "string", "minLength": 1},
            "expect_data": {"type": "object"},
            "decisions": {"type": "object", "additionalProperties": {"anyOf": [{"type": "object"}, _OBJECTS]}},
        },
    },
}
_validator = Draft202012Validator(SCHEMA)


class ScenarioFileError(ValueError):
    """The file is not a list of scenarios; the message says where."""


def scenario_file_for(bpmn_name):
    """`review.bpmn` -> `review.scenarios.json`."""
    return Path(bpmn_name).name.removesuffix(".bpmn") + SUFFIX


def bpmn_file_for(scenario_name):
    return Path(scenario_name).name.removesuffix(SUFFIX) + ".bpmn"


def read_scenarios(text):
    """The scenarios of a file's text; amounts written with a point stay exact (Decimal)."""
    try:
        scenarios = json.loads(text, parse_float=Decimal)
    except ValueError as err:
        raise ScenarioFileError(f"not JSON: {err}") from err
    error = next(iter(sorted(_validator.iter_errors(scenarios), key=lambda e: list(e.absolute_path))), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path)
        raise ScenarioFileError(f"{where or 'the file'}: {error.message}")
    return scenarios


@dataclass
class Outcome:
    """How one scenario ran: no problems is a pass."""
    process: str
    name: str
    problems: list = field(default_factory=list)

    @property
    def passed(self):
        return not self.problems

    def line(self):
        if self.passed:
            return f"ok   {self.process}: {self.name}"
        return f"FAIL {self.process}: {self.name} — {'; '.join(self.problems)}"
