"""Evaluating a DMN decision outside a process, e.g. for a nightly batch.

A decision that processes call is taken from the newest deployed definitions, so a designer's
change applies to the batch exactly as it does to those processes. A decision no process calls
(a batch-only schedule table) is read from PROCESSES_DIR.
"""
import json
import re
from functools import partial
from pathlib import Path

from flask import current_app

from ..extensions import db
from .definitions import latest_definitions, read_sources, read_xml
from .engine import Parser, script_engine
from .lru import app_cache
from .models import ProcessDefinition
from .spiff_adapter import evaluate_decision

MAX_REMEMBERED = 100_000  # answers kept per table; a batch over a large book repeats its facts a lot


class _Table:
    """A parsed decision table that remembers its answers: a table is a pure function of its inputs."""

    def __init__(self, engine):
        self.engine = engine
        self.answers = {}

    def decide(self, data):
        key = json.dumps(data, sort_keys=True, default=str)
        answer = self.answers.get(key)
        if answer is None:
            if len(self.answers) >= MAX_REMEMBERED:
                self.answers.clear()
            answer = self.answers[key] = evaluate_decision(self.engine, data, script_engine)
        return dict(answer)


def _candidate_files():
    for definition in latest_definitions():
        yield from definition.files.items()
    yield from read_sources(current_app.config["PROCESSES_DIR"]).items()


def _parse(decision_id, name, text):
    parser = Parser()
    parser.add_dmn_xml(read_xml(text), filename=name)
    return _Table(parser.get_engine(decision_id, None))


def _find(decision_id):
    marker = re.compile(rf'<(\w+:)?decision\b[^>]*\bid="{re.escape(decision_id)}"')
    for name, text in _candidate_files():
        if name.endswith(".dmn") and marker.search(text):
            return app_cache("decision_tables").get((decision_id, hash(text)),
                                                    partial(_parse, decision_id, name, text))
    raise LookupError(f"no decision '{decision_id}' deployed or in the processes folder")


def _catalogue():
    """What the tables are read from, cheaply: the newest deployment and the folder's DMN files.
    Definitions are only ever added, so a deployment always raises the newest id."""
    newest = db.session.execute(db.select(db.func.max(ProcessDefinition.id))).scalar()
    folder = Path(current_app.config["PROCESSES_DIR"])
    return newest, str(folder), tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.dmn")))


def decision(decision_id):
    """A function giving the outputs of the first matching rule for its data ({} when none matches).

    Look the table up once and call the function per row; rows with facts seen before, in this
    batch or an earlier one, are answered from memory until the table changes.
    """
    return app_cache("decision_lookups").get((decision_id, _catalogue()), lambda: _find(decision_id)).decide
