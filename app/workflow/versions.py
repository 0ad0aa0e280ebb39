"""Comparing two versions of a process, and moving a waiting workflow from one version's specs to
another's. Generic: it knows BPMN elements, never what a process is about.

SpiffWorkflow's SpecDiff aligns the elements of two versions by id, and then tries to pair an
element whose id is gone with a new one in the same place. That guess is not taken here: an
element whose id is gone is removed, one with a new id is added, so a workflow waiting at a
removed element is never moved onto another element (with other roles) by a guess.
"""
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, diff_dependencies, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from .engine import dump_state, load_state, serializer
from .spiff_adapter import internal_data, set_internal_data

WAITING_STATES = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR
# Serialized keys that say nothing a designer changed (the engine's own bookkeeping).
QUIET_KEYS = {"name", "bpmn_id", "description", "lookahead", "manual", "data_input_associations",
              "data_output_associations"}
# Serialized keys shown under a name of their own; every other changed key is shown as it is named.
RENAMED_KEYS = {"bpmn_name": "name", "typename": "type", "inputs": "incoming", "outputs": "outgoing",
                "default_task_spec": "default", "prescript": "preScript", "postscript": "postScript"}


def element(spec):
    """A diagram element as the pages and the API show it."""
    return {"id": spec.bpmn_id, "name": spec.bpmn_name or spec.bpmn_id, "type": type(spec).__name__}


def _is_element(spec):
    return spec is not None and getattr(spec, "bpmn_id", None) is not None


def strict(spec_diff):
    """The SpecDiff without SpiffWorkflow's guesses: a pair with different ids is a removal and an addition."""
    for old, new in list(spec_diff.alignment.items()):
        if new is not None and old is not None and new.name != old.name:
            spec_diff.alignment[old] = None
            spec_diff.comparisons.pop(old, None)
            if new not in spec_diff.added:
                spec_diff.added.append(new)
    return spec_diff


def _text(value):
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}={_text(v)}" for k, v in sorted(value.items()) if v not in (None, "", [], {}))
    return str(value)


def _flatten(converted):
    """{property: text} of a serialized task spec: extension properties, conditions per target and
    event definitions (a timer's expression) each under a name of their own."""
    flat = {}
    for key, value in converted.items():
        if key in QUIET_KEYS:
            continue
        if key == "extensions" and isinstance(value, dict):
            for ext_key, ext_value in value.items():
                if ext_key == "properties" and isinstance(ext_value, dict):
                    for prop, prop_value in ext_value.items():
                        flat[f"property:{prop}"] = _text(prop_value)
                else:
                    flat[f"extension:{ext_key}"] = _text(ext_value)
        elif key == "cond_task_specs" and isinstance(value, list):
            for entry in value:
                flat[f"condition:{entry.get('task_spec')}"] = _text(entry.get("condition"))
        elif key == "event_definition" and isinstance(value, dict):
            for ev_key, ev_value in value.items():
                if ev_key not in ("name", "description"):
                    flat[f"event:{ev_key}"] = _text(ev_value)
        else:
            flat[RENAMED_KEYS.get(key, key)] = _text(value)
    return flat


def property_changes(old, new):
    """[{property, before, after}] between two aligned task specs, '' for a value not set."""
    before, after = _flatten(serializer.registry.convert(old)), _flatten(serializer.registry.convert(new))
    return [{"property": key, "before": before.get(key, ""), "after": after.get(key, "")}
            for key in sorted(set(before) | set(after)) if before.get(key, "") != after.get(key, "")]


def _process_diff(name, spec_diff):
    added = sorted((element(s) for s in spec_diff.added if _is_element(s)), key=lambda e: e["id"])
    removed = sorted((element(s) for s in spec_diff.removed if _is_element(s)), key=lambda e: e["id"])
    changed = []
    for old, new in spec_diff.alignment.items():
        if _is_element(old) and new is not None:
            changes = property_changes(old, new)
            if changes:
                changed.append({**element(new), "changes": changes})
    changed.sort(key=lambda e: e["id"])
    return {"process": name, "status": "changed" if added or removed or changed else "same",
            "added": added, "removed": removed, "changed": changed}


def compare(old_specs, new_specs):
    """What changed from one version's built specs to another's: the process itself first, then
    each process it calls or embeds ("added"/"removed" when only one version has it)."""
    (old_spec, old_subs), (new_spec, new_subs) = old_specs, new_specs
    processes = [_process_diff(old_spec.name, strict(SpecDiff(serializer.registry, old_spec, new_spec)))]
    dependencies, new_names = diff_dependencies(serializer.registry, dict(old_subs), dict(new_subs))
    for name in sorted(dependencies):
        if dependencies[name] is None:
            processes.append({"process": name, "status": "removed", "added": [], "removed": [], "changed": []})
        else:
            processes.append(_process_diff(name, strict(dependencies[name])))
    processes += [{"process": name, "status": "added", "added": [], "removed": [], "changed": []}
                  for name in sorted(new_names)]
    return processes


def _reason(code, task=None, message=None, **extra):
    reason = {"code": code, **extra}
    if task is not None:
        reason.update(element=task.task_spec.bpmn_id or task.task_spec.name,
                      name=task.task_spec.bpmn_name or task.task_spec.bpmn_id or task.task_spec.name)
    reason["message"] = message or code
    return reason


def waiting_elements(workflow):
    """The elements a workflow waits at (user tasks, timers, messages, called processes), outermost first."""
    seen, found = set(), []
    for task in workflow.get_tasks(state=WAITING_STATES):
        spec = task.task_spec
        if _is_element(spec) and (spec.bpmn_id, task.workflow.spec.name) not in seen:
            seen.add((spec.bpmn_id, task.workflow.spec.name))
            found.append({**element(spec), "process": task.workflow.spec.name, "manual": bool(spec.manual),
                          "state": TaskState.get_name(task.state).lower()})
    return found


@dataclass
class Landing:
    """Where a workflow would be on the new version, or why it cannot move."""
    reasons: list = field(default_factory=list)
    waiting: list = field(default_factory=list)

    @property
    def movable(self):
        return not self.reasons


def _workflow_diffs(workflow, new_spec, new_subs):
    """diff_workflow with strict alignments: the top workflow's diff and {subprocess id: diff or None}."""
    top = WorkflowDiff(workflow, strict(SpecDiff(serializer.registry, workflow.spec, new_spec)))
    subs = {}
    for sp_id, sp in workflow.subprocesses.items():
        new = new_subs.get(sp.spec.name)
        subs[sp_id] = None if new is None else \
            (sp, new, WorkflowDiff(sp, strict(SpecDiff(serializer.registry, sp.spec, new))))
    return top, subs


def _timer_values(workflow):
    """{task id: (its event's expression, when it fires)} of the waiting events that know when."""
    kept = {}
    for task in workflow.get_tasks(state=TaskState.WAITING):
        value = internal_data(task, "event_value")
        if value is not None:
            kept[task.id] = (getattr(getattr(task.task_spec, "event_definition", None), "expression", None), value)
    return kept


def _restore_timers(workflow, kept):
    """migrate_workflow resets waiting events, so a duration timer would count again from the move: a
    timer whose expression the new version keeps fires when it would have; a changed one counts anew."""
    for task in workflow.get_tasks(state=TaskState.WAITING):
        expression = getattr(getattr(task.task_spec, "event_definition", None), "expression", None)
        if task.id in kept and kept[task.id][0] == expression:
            set_internal_data(task, event_value=kept[task.id][1])


def migrate(workflow, new_specs, to_version):
    """Move `workflow` (changed in place) onto `new_specs`; a Landing with where it waits afterwards,
    or with the reasons it cannot move (then the workflow must be thrown away, not saved)."""
    new_spec, new_subs = new_specs
    landing = Landing()
    top, subs = _workflow_diffs(workflow, new_spec, dict(new_subs))
    for sp_id, entry in subs.items():
        if entry is None:
            name = workflow.subprocesses[sp_id].spec.name
            landing.reasons.append(_reason("process_removed", process=name,
                                           message=f"it runs {name}, which version {to_version} no longer has"))
    diffs = [top, *(entry[2] for entry in subs.values() if entry is not None)]
    for diff in diffs:
        for task in diff.removed:
            if task.has_state(WAITING_STATES):
                landing.reasons.append(_reason(
                    "waiting_at_removed", task,
                    f"it waits at {task.task_spec.bpmn_id or task.task_spec.name}, which version {to_version} removes"))
    if landing.reasons:
        return landing
    timers = _timer_values(workflow)
    try:
        migrate_workflow(top, workflow, new_spec)
        for entry in subs.values():
            migrate_workflow(entry[2], entry[0], entry[1])
        workflow.subprocess_specs = dict(new_subs)
        _restore_timers(workflow, timers)
    except Exception as err:  # noqa: BLE001 - whatever the engine cannot move is a reason, not a crash
        landing.reasons.append(_reason("engine", message=f"the engine cannot move it: {err}"))
        return landing
    for task in workflow.get_tasks():
        current = task.workflow.spec.task_specs.get(task.task_spec.name)
        if current is not task.task_spec and _is_element(task.task_spec):
            code = "passed_removed" if task.has_state(TaskState.FINISHED_MASK) else "planned_removed"
            where = task.task_spec.bpmn_id
            landing.reasons.append(_reason(code, task, (
                f"it has been through {where}, which version {to_version} removes" if code == "passed_removed"
                else f"its planned path goes through {where}, which version {to_version} removes")))
    landing.reasons = list({(r["code"], r.get("element"), r.get("process")): r for r in landing.reasons}.values())
    if not landing.reasons:
        try:  # what will be saved must read back on the new version's specs
            load_state(dump_state(workflow), new_specs)
        except Exception as err:  # noqa: BLE001
            landing.reasons.append(_reason("engine", message=f"the engine cannot move it: {err}"))
    landing.waiting = [] if landing.reasons else waiting_elements(workflow)
    return landing
