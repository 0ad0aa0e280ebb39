"""Reading process files, turning them into specs, and storing each changed one as a new version."""
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException

from .. import clock
from ..extensions import db
from .artifacts import pinned_forms
from .engine import Parser, serializer
from .models import ProcessDefinition
from .problems import explain

SPIFF_NS = {"spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
# A DTD is how an XML file reaches other files or the network, or expands entities without end;
# BPMN and DMN need none, so a file that declares one is refused before any parser reads it. What
# may precede it (declaration, instructions, comments) is read to its first end mark: no backtracking.
_DOCTYPE = re.compile(r"\ufeff?\s*(?:(?:<\?(?:[^?]|\?(?!>))*\?>|<!--(?:[^-]|-(?!->))*-->)\s*)*<!DOCTYPE")
NO_DTD = "a document type declaration (<!DOCTYPE>) is not allowed in a process file"


class DtdRefused(ValueError):
    pass


def read_xml(text):
    """The element tree of a process file, loading nothing it names; DtdRefused if it has a DTD."""
    if _DOCTYPE.match(text):
        raise DtdRefused(NO_DTD)
    return etree.fromstring(text.encode("utf-8"),
                            etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))


@dataclass
class Problem:
    file: str
    element: str
    reason: str

    def __str__(self):
        return f"{self.file}: {self.element or '-'}: {self.reason}"


@dataclass
class ParsedProcess:
    key: str
    name: str
    files: dict
    spec: object
    subprocess_specs: dict
    summary: dict = field(default_factory=dict)

    @property
    def content_hash(self):
        return files_hash(self.files)


def _canonical(text):
    """A file's XML in canonical form (attributes in order, no comments, no whitespace between
    elements, a diagram's shapes in id order, which the modeler changes and means nothing); the
    text itself when it is no XML."""
    try:
        root = etree.fromstring(text.encode())
    except (etree.XMLSyntaxError, ValueError):
        return text.encode()
    for plane in root.iter("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNPlane"):
        plane[:] = sorted(plane, key=lambda shape: str(shape.get("id") or ""))
    return etree.tostring(root, method="c14n2", strip_text=True, with_comments=False)


def files_hash(files):
    """The digest of a version's files that re-saving them unchanged keeps: the modeler
    re-indents and reorders attributes, which is no new version."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + _canonical(files[name]) + b"\0")
    return digest.hexdigest()


def _process_files(folder, suffixes):
    return sorted(p for p in Path(folder).glob("*") if p.is_file() and p.name.endswith(suffixes))


def read_sources(directory, names=None, suffixes=(".bpmn", ".dmn")):
    """{filename: text} of the files with these suffixes in a folder (or the named files and folders)."""
    paths = [found for n in names for found in (_process_files(n, suffixes) if Path(n).is_dir() else [Path(n)])] \
        if names else _process_files(directory, suffixes)
    return {p.name: p.read_text(encoding="utf-8", errors="replace") for p in paths}


def _problem(err, sources, file=""):
    return Problem(*explain(err, sources, file))


def _duplicate_ids(name, xml):
    """Element ids must be unique, and a service operator must not share a task's id: SpiffWorkflow
    looks flow targets up by id and would find the operator instead of the task."""
    bpmn_ns = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
    seen, twice = set(), []
    for element in xml.iter():
        if isinstance(element.tag, str) and element.tag.startswith(bpmn_ns) and element.get("id"):
            if element.get("id") in seen:
                twice.append(element.get("id"))
            seen.add(element.get("id"))
    operators = {e.get("id") for e in xml.iter(f"{{{SPIFF_NS['spiffworkflow']}}}serviceTaskOperator")}
    return [Problem(name, i, "this id is used by more than one element") for i in dict.fromkeys(twice)] + \
        [Problem(name, i, "a service operator has the same id as a diagram element; rename the element")
         for i in sorted(operators & seen)]


def parse_sources(sources):
    """Parse every file; return (parser, problems). A broken file is reported, not raised."""
    parser = Parser()
    problems = []
    for name in sorted(sources, key=lambda n: not n.endswith(".dmn")):  # decisions first
        text = sources[name]
        if not text.strip():
            problems.append(Problem(name, "", "file is empty"))
            continue
        try:
            xml = read_xml(text)
            if name.endswith(".dmn"):
                parser.add_dmn_xml(xml, filename=name)
            else:
                problems += _duplicate_ids(name, xml)
                parser.add_bpmn_xml(xml, filename=name)
        except DtdRefused as err:
            problems.append(Problem(name, "", str(err)))
        except etree.XMLSyntaxError as err:
            problems.append(Problem(name, "", f"not well-formed XML: {err}"))
        except (ValidationException, SpiffWorkflowException) as err:
            problems.append(_problem(err, sources, name))
        except Exception as err:  # a hostile file must never crash validation
            problems.append(Problem(name, "", f"cannot be read: {type(err).__name__}: {err}"))
    return parser, problems


def _decision_files(parser, bpmn_texts):
    refs = set()
    for text in bpmn_texts:
        root = read_xml(text)
        refs.update(r.strip() for r in root.xpath("//spiffworkflow:calledDecisionId/text()", namespaces=SPIFF_NS))
    return {parser.dmn_parsers[r].filename for r in refs if r in parser.dmn_parsers}


def _task_properties(task_spec):
    return dict((getattr(task_spec, "extensions", None) or {}).get("properties", {}))


def summarize(spec, subprocess_specs, process_keys=None):
    """What the inbox and the API need to know about a process without loading it.

    Tasks of an embedded subprocess belong to the process that holds it; `process_keys` names
    the real processes (call activities run those).
    """
    user_tasks, roles, start_roles, start_form, columns = [], set(), [], None, {}
    for each in [spec, *subprocess_specs.values()]:
        owner = each.name if process_keys is None or each.name in process_keys else spec.name
        for task_spec in each.task_specs.values():
            if isinstance(task_spec, StartEvent) and _task_properties(task_spec).get("inboxColumns"):
                columns.setdefault(owner, _task_properties(task_spec)["inboxColumns"])
            if getattr(task_spec, "manual", False):
                props = _task_properties(task_spec)
                user_tasks.append({
                    "id": task_spec.bpmn_id, "name": task_spec.bpmn_name or task_spec.bpmn_id,
                    "process_key": owner, "spec": each.name, "lane": task_spec.lane,
                    "roles": [task_spec.lane] if task_spec.lane else [],
                    "form": props.get("formJsonSchemaFilename"), "properties": props,
                })
                if task_spec.lane:
                    roles.add(task_spec.lane)
            if each is spec and isinstance(task_spec, StartEvent) and task_spec.lane:
                start_roles.append(task_spec.lane)
                start_form = start_form or _task_properties(task_spec).get("formJsonSchemaFilename")
    return {
        "roles": sorted(roles | set(start_roles)), "start_roles": sorted(set(start_roles)),
        "start_form": start_form, "user_tasks": user_tasks, "inbox_columns": columns,
    }


def build_processes(sources, parser):
    """One ParsedProcess per executable process, with exactly the files it depends on."""
    processes, problems = [], []
    # Parsing registers embedded subprocesses as processes too; only real <process> elements count.
    real_keys = set(parser.get_process_ids())
    for key in sorted(real_keys):
        try:
            spec = parser.get_spec(key)
            subprocess_specs = parser.get_subprocess_specs(key)
        except (ValidationException, SpiffWorkflowException) as err:
            problems.append(_problem(err, sources, parser.process_parsers[key].filename))
            continue
        process_files = {parser.process_parsers[k].filename for k in [key, *subprocess_specs]}
        process_files |= _decision_files(parser, [sources[f] for f in process_files])
        processes.append(ParsedProcess(
            key=key, name=parser.process_parsers[key].get_name() or key,
            files={f: sources[f] for f in sorted(process_files)},
            spec=spec, subprocess_specs=subprocess_specs,
            summary=summarize(spec, subprocess_specs, real_keys),
        ))
    return processes, problems


def latest_definition(key):
    return db.session.execute(
        db.select(ProcessDefinition).where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version.desc()).limit(1)
    ).scalar_one_or_none()


def latest_definitions():
    newest = db.select(ProcessDefinition.key, db.func.max(ProcessDefinition.version).label("v")) \
        .group_by(ProcessDefinition.key).subquery()
    return db.session.execute(
        db.select(ProcessDefinition).join(newest, db.and_(
            ProcessDefinition.key == newest.c.key, ProcessDefinition.version == newest.c.v))
        .order_by(ProcessDefinition.key)
    ).scalars().all()


def is_deployed(process, current):
    """Whether `current` (a stored version, or None) already runs `process` with the newest deployed
    forms; its files compared formatting aside."""
    return current is not None and files_hash(current.files) == process.content_hash and \
        current.form_versions == pinned_forms(process.summary)


def store_versions(processes, deployed_by=None):
    """Store a new version of each process whose files or forms changed; return the new rows.
    The forms must be deployed first: a version records the form versions it shows."""
    created = []
    for process in processes:
        current = latest_definition(process.key)
        if is_deployed(process, current):
            continue
        spec_dict = {
            "spec": serializer.to_dict(process.spec),
            "subprocess_specs": {k: serializer.to_dict(v) for k, v in process.subprocess_specs.items()},
        }
        row = ProcessDefinition(
            key=process.key, name=process.name, version=(current.version + 1) if current else 1,
            content_hash=process.content_hash, files=process.files,
            spec_json=json.dumps(spec_dict), summary=process.summary,
            deployed_by=deployed_by, deployed_at=clock.now(), form_versions=pinned_forms(process.summary),
        )
        db.session.add(row)
        created.append(row)
    db.session.flush()
    return created
