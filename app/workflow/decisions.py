"""Evaluating a DMN decision outside a process, e.g. for a nightly batch or a service handler.

The table is a deployed one, never a folder's file: the version of an instance's process when the
caller acts for an instance whose version holds the table, else the newest deployed version.
"""
import json
import re
from functools import partial

from ..extensions import db
from .artifacts import newest_files, newest_texts
from .definitions import read_xml
from .engine import Parser, script_engine
from .lru import app_cache
from .models import ProcessDefinition, ProcessInstance
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


def _parse(decision_id, name, text):
    parser = Parser()
    parser.add_dmn_xml(read_xml(text), filename=name)
    return _Table(parser.get_engine(decision_id, None))


def _find(decision_id, files):
    """The table of `decision_id` among {name: text}, or None."""
    marker = re.compile(rf'<(\w+:)?decision\b[^>]*\bid="{re.escape(decision_id)}"')
    for name, text in sorted(files.items()):
        if name.endswith(".dmn") and marker.search(text):
            return app_cache("decision_tables").get((decision_id, hash(text)),
                                                    partial(_parse, decision_id, name, text))
    return None


def _newest(decision_id):
    found = _find(decision_id, newest_texts(["dmn"]))
    if found is None:
        raise LookupError(f"no decision '{decision_id}' deployed")
    return found


def _of_version(decision_id, definition_id):
    files = db.session.execute(db.select(ProcessDefinition.files)
                               .where(ProcessDefinition.id == definition_id)).scalar_one()
    return _find(decision_id, files)


def _catalogue():
    """What the newest tables are, cheaply: each deployed DMN file's newest content hash."""
    return tuple(sorted((name, row.content_hash) for name, row in newest_files(["dmn"]).items()))


def decision(decision_id, instance_id=None):
    """A function giving the outputs of the first matching rule for its data ({} when none matches).

    With `instance_id`: the table of that instance's process version, when the version holds it.
    Look the table up once and call the function per row; rows with facts seen before, in this
    batch or an earlier one, are answered from memory until the table changes.
    """
    lookups = app_cache("decision_lookups")
    if instance_id is not None:
        definition = db.session.execute(db.select(ProcessDefinition.id, ProcessDefinition.content_hash)
                                        .join(ProcessInstance, ProcessInstance.definition_id == ProcessDefinition.id)
                                        .where(ProcessInstance.id == instance_id)).one_or_none()
        if definition is not None:
            pinned = lookups.get((decision_id, tuple(definition)), lambda: _of_version(decision_id, definition.id))
            if pinned is not None:
                return pinned.decide
    return lookups.get((decision_id, _catalogue()), lambda: _newest(decision_id)).decide
