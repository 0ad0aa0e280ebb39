"""DMN 1.2 files checked against SpiffWorkflow's DMN 1.2 schema, which does not load as shipped.

SpiffWorkflow 3.2 ships the diagram-interchange (DI) schema under the name of the DMN 1.2 diagram
schema (DMNDI), so its DMN 1.2 model schema cannot resolve `dmndi:DMNDI` and every DMN 1.2 file
was refused with the schema's own error. Here the model schema is read from the installed package
with that import pointed at a local stand-in that accepts any diagram: decisions are checked in
full, the diagram (layout only) is not. Nothing is fetched from the network.
"""
import os
from functools import cache
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.dmn.parser.BpmnDmnParser import SCHEMAS as SPIFF_SCHEMAS
from SpiffWorkflow.dmn.parser.BpmnDmnParser import XSD_DIR

DMN12 = "http://www.omg.org/spec/DMN/20180521/MODEL/"
DMNDI12 = "http://www.omg.org/spec/DMN/20180521/DMNDI/"
XSD = "http://www.w3.org/2001/XMLSchema"
DIAGRAM_STAND_IN = Path(__file__).with_name("schema") / "dmndi12_unchecked.xsd"
# What the parser checks itself (DMN 1.1 and 1.3); DMN 1.2 is checked by `check` below.
SCHEMAS = {namespace: path for namespace, path in SPIFF_SCHEMAS.items() if namespace != DMN12}


@cache
def _dmn12_validator():
    schema = etree.parse(os.path.join(XSD_DIR, "DMN12.xsd"), etree.XMLParser(no_network=True))
    for imported in schema.getroot().iterfind(f"{{{XSD}}}import"):
        if imported.get("namespace") == DMNDI12:
            imported.set("schemaLocation", DIAGRAM_STAND_IN.as_uri())
    # SpiffWorkflow's validator only reads its schema from a path; its checks and errors are reused.
    validator = BpmnValidator.__new__(BpmnValidator)
    validator.validator = etree.XMLSchema(schema)
    return validator


def check(node, filename):
    """Raise the parser's ValidationException (with line) when a DMN 1.2 file breaks the schema."""
    if DMN12 in (node.nsmap.get(None), node.nsmap.get("dmn")):
        _dmn12_validator().validate(node, filename)
