"""A designer's line from SpiffWorkflow's and the XML schema's errors: file, element, whole sentence.

SpiffWorkflow words some errors for its own developers: cut off before the type they meant to
name, showing lxml's `<Element … at 0x…>`, with no file or element when a called process or a
decision is missing. Each is rewritten here as a sentence about the designer's file.
"""
import re

from lxml import etree

PREFIXES = {
    "http://www.omg.org/spec/BPMN/20100524/MODEL": "bpmn", "http://www.omg.org/spec/BPMN/20100524/DI": "bpmndi",
    "http://spiffworkflow.org/bpmn/schema/1.0/core": "spiffworkflow",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "dmn", "http://www.omg.org/spec/DMN/20180521/MODEL/": "dmn",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "dmn",
}
_QUALIFIED = re.compile(r"\{([^}]*)\}([\w.-]+)")
_ELEMENT_REPR = re.compile(r"<Element (\S+) at 0x[0-9a-f]+>")
_WRAPPED = re.compile(r"^(\w+)\((['\"]?)(.*)\2\)$", re.S)
_SCHEMA = re.compile(r"^Element '([^']+)'(?:, attribute '([^']+)')?: (.*)$", re.S)
_NOT_FOUND_PROCESS = re.compile(r"^The process '(.+)' was not found")
_NOT_FOUND_DECISION = re.compile(r'^No DMN Diagram available with id "(.*)", Available DMN ids are: ?(.*)$', re.S)
_NO_TARGET = re.compile(r"^When looking for a task spec, we found two items, .*\((.*)\)$", re.S)


def short(text):
    """`{namespace}tag` as `prefix:tag`, and lxml's element reprs as the element's name."""
    text = _ELEMENT_REPR.sub(lambda m: f"element {m.group(1)}", text)
    return _QUALIFIED.sub(lambda m: f"{PREFIXES[m.group(1)]}:{m.group(2)}" if m.group(1) in PREFIXES
                          else m.group(2), text)


def _file_defining(attribute, value, sources):
    """(file, id of the element) of the first element whose `attribute` is `value`, in file order."""
    pattern = re.compile(rf"<[\w:]+[^>]*\s{attribute}\s*=\s*[\"']{re.escape(value)}[\"']")
    for name in sorted(sources):
        found = pattern.search(sources[name])
        if found:
            element = re.search(r"\sid\s*=\s*[\"']([^\"']+)[\"']", found.group(0))
            return name, element.group(1) if element else value
    return "", ""


def _schema_line(message, line, text):
    """(element id, reason) for a schema error: the line, and the nearest element with an id."""
    tag, attribute, complaint = _SCHEMA.match(message).groups()
    about = f"attribute '{attribute}' of {short(tag)}" if attribute else short(tag)
    reason = f"line {line}: {about}: {short(complaint).rstrip('. ')}"
    try:
        root = etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return "", reason
    at_line = [e for e in root.iter() if isinstance(e.tag, str) and e.sourceline == int(line)]
    node = next((e for e in at_line if e.tag == tag), at_line[0] if at_line else None)
    while node is not None and not (node.get("id") and etree.QName(node).namespace in PREFIXES
                                    and not etree.QName(node).namespace.startswith("http://spiffworkflow")):
        node = node.getparent()
    return (node.get("id") if node is not None else ""), reason


def _readable(err, message, sources):
    """(file, element, reason) for the messages SpiffWorkflow words for its developers, else None."""
    if _NOT_FOUND_PROCESS.match(message):
        called = _NOT_FOUND_PROCESS.match(message).group(1)
        file, element = _file_defining("calledElement", called, sources)
        return file, element, (f"calls process '{called}', which none of the files given defines; "
                               "validate it together with the file that defines that process")
    if _NOT_FOUND_DECISION.match(message):
        decision, known = _NOT_FOUND_DECISION.match(message).groups()
        known = known.strip().rstrip(".")
        return "", "", (f"calls decision '{decision}', which no DMN file given defines; "
                        + (f"the decisions defined are {known}" if known else "no DMN file given defines any decision"))
    if _NO_TARGET.match(message):
        return "", "", f"a sequence flow leads to '{_NO_TARGET.match(message).group(1)}', which is no element of this process"
    if message.endswith("for tasks of type"):
        return "", "", f"{message} {getattr(err, 'tag', '') or 'this element'}; join the flows with a gateway"
    wrapped = _WRAPPED.match(message)
    if wrapped and wrapped.group(1).endswith(("Error", "Exception")):
        return "", "", f"SpiffWorkflow cannot read this element: {wrapped.group(1)}: {short(wrapped.group(3))}"
    return None


def explain(err, sources, file=""):
    """(file, element, reason) of a parse or build error; `file` when the error names none."""
    file = getattr(err, "file_name", "") or file
    element = getattr(err, "id", "") or getattr(err, "name", "") or ""
    task_spec = getattr(err, "task_spec", None)
    if not element and task_spec is not None:
        element = getattr(task_spec, "bpmn_id", None) or task_spec.name
    message = " ".join(str(err).split()).rstrip(". ") or type(err).__name__
    line = getattr(err, "line_number", "")
    if _SCHEMA.match(message) and line and file in sources:
        schema_element, reason = _schema_line(message, line, sources[file])
        return file, schema_element, reason
    readable = _readable(err, message, sources)
    if readable:
        found_file, found_element, reason = readable
        file, element = found_file or file, found_element or element
    else:
        reason = short(message) + (f" (line {line})" if line else "")
    if not file and element:
        file, _ = _file_defining("id", element, sources)
    return file, element, reason
