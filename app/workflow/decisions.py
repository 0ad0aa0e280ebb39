"""Evaluating a deployed DMN decision outside a process, e.g. for a nightly batch.

The decision is taken from the newest deployed definitions, so a designer's change to the
table applies to the batch exactly as it does to the processes that call it.
"""
import re
from types import SimpleNamespace

from lxml import etree

from .definitions import latest_definitions
from .engine import Parser, script_engine

_engines = {}


def _engine(decision_id):
    marker = re.compile(rf'<(\w+:)?decision\b[^>]*\bid="{re.escape(decision_id)}"')
    for definition in latest_definitions():
        for name, text in definition.files.items():
            if name.endswith(".dmn") and marker.search(text):
                key = (decision_id, hash(text))
                if key not in _engines:
                    parser = Parser()
                    parser.add_dmn_xml(etree.fromstring(text.encode("utf-8")), filename=name)
                    _engines[key] = parser.get_engine(decision_id, None)
                return _engines[key]
    raise LookupError(f"no deployed decision '{decision_id}'")


def decide(decision_id, data):
    """The outputs of the first matching rule for `data` (an empty dict when none matches)."""
    context = SimpleNamespace(data=data, workflow=SimpleNamespace(script_engine=script_engine))
    return _engine(decision_id).result(context)
