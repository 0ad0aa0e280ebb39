"""Evaluating a DMN decision outside a process, e.g. for a nightly batch.

A decision that processes call is taken from the newest deployed definitions, so a designer's
change applies to the batch exactly as it does to those processes. A decision no process calls
(a batch-only schedule table) is read from PROCESSES_DIR.
"""
import json
import re
from types import SimpleNamespace

from flask import current_app
from lxml import etree

from .definitions import latest_definitions, read_sources
from .engine import Parser, script_engine

_engines = {}


def _candidate_files():
    for definition in latest_definitions():
        yield from definition.files.items()
    yield from read_sources(current_app.config["PROCESSES_DIR"]).items()


def _engine(decision_id):
    marker = re.compile(rf'<(\w+:)?decision\b[^>]*\bid="{re.escape(decision_id)}"')
    for name, text in _candidate_files():
        if name.endswith(".dmn") and marker.search(text):
            key = (decision_id, hash(text))
            if key not in _engines:
                parser = Parser()
                parser.add_dmn_xml(etree.fromstring(text.encode("utf-8")), filename=name)
                _engines[key] = parser.get_engine(decision_id, None)
            return _engines[key]
    raise LookupError(f"no decision '{decision_id}' deployed or in the processes folder")


def decision(decision_id):
    """A function giving the outputs of the first matching rule for its data ({} when none matches).

    Look the table up once and call the function per row: a batch over many rows reads no file
    twice, and rows with the same facts are decided once (a table is a pure function of its inputs).
    """
    engine = _engine(decision_id)
    decided = {}

    def decide(data):
        key = json.dumps(data, sort_keys=True, default=str)
        if key not in decided:
            decided[key] = engine.result(
                SimpleNamespace(data=data, workflow=SimpleNamespace(script_engine=script_engine)))
        return dict(decided[key])
    return decide
