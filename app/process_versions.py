"""Versions of a process: what changed between two of them, and moving waiting instances of an
older version onto a newer one (issue #12).

Who: holders of a role that designs processes or oversees the queues (the role flags). Each
instance moves in a transaction of its own — its workflow state, the instance's version, its
inbox rows and the audit event together — under the instance's optimistic lock, so a task
completed on it meanwhile makes the move end in 409 and leaves the instance as the completion left it.
"""
from .audit import record_event
from .auth.service import find_user
from .errors import Conflict, Forbidden, NotFound, ValidationFailed
from .extensions import db
from .inbox.models import HumanTask, HumanTaskRole
from .inbox.sync import node_config, refresh_claimable, sync_tasks
from .transaction import transactional
from .workflow import runtime, versions
from .workflow.models import ProcessDefinition, ProcessInstance

OPEN = ("running", "waiting")
MAX_INSTANCES = 500  # one request moves at most this many instances
PREVIEW_PAGE = 100   # instances a preview page loads


def handles_versions(user):
    """Who compares versions and moves instances: designers and supervisors, by their roles' flags."""
    return user is not None and any(role.designs_processes or role.oversees_queues for role in user.roles)


def _require(actor):
    if not handles_versions(find_user(actor.username)):
        raise Forbidden("only process designers and supervisors compare versions and move instances",
                        code="wrong_role")


def definition(key, version):
    row = db.session.execute(db.select(ProcessDefinition).where(
        ProcessDefinition.key == key, ProcessDefinition.version == version)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"process '{key}' has no version {version}")
    return row


def version_numbers(key):
    numbers = list(db.session.execute(db.select(ProcessDefinition.version).where(
        ProcessDefinition.key == key).order_by(ProcessDefinition.version)).scalars())
    if not numbers:
        raise NotFound(f"no deployed process '{key}'")
    return numbers


def compare_versions(key, a, b, actor):
    """{key, from, to, processes: [{process, status, added, removed, changed}]}."""
    _require(actor)
    old, new = definition(key, a), definition(key, b)
    return {"key": key, "from": a, "to": b,
            "processes": versions.compare(runtime.process_specs(old), runtime.process_specs(new))}


def _pair_for_moving(key, a, b):
    old, new = definition(key, a), definition(key, b)
    if b <= a:
        raise ValidationFailed("instances move to a newer version only",
                               {"to": [f"must be a version newer than {a}"]})
    return old, new


def _open_instances_query(old):
    return db.select(ProcessInstance).where(ProcessInstance.definition_id == old.id,
                                            ProcessInstance.status.in_(OPEN))


def _open_instances(old, instance_ids):
    query = _open_instances_query(old).where(ProcessInstance.id.in_(instance_ids))
    return db.session.execute(query.order_by(ProcessInstance.id)).scalars().all()


def _plan(instance, new):
    """(workflow moved onto `new`, Landing) of an instance: where it waits now and where it would."""
    _, workflow = runtime.load(instance.id)
    waiting_now = versions.waiting_elements(workflow)
    landing = versions.migrate(workflow, runtime.process_specs(new), new.version)
    return workflow, waiting_now, landing


def _entry(instance, waiting_now, landing):
    return {"id": instance.id, "business_key": instance.business_key, "status": instance.status,
            "started_at": instance.started_at, "waiting_now": waiting_now, "movable": landing.movable,
            "lands_at": landing.waiting, "reasons": landing.reasons}


def migration_preview(key, a, b, actor, page=1, per_page=PREVIEW_PAGE):
    """The running instances of version a, a page at a time (each is loaded and moved in memory):
    where each waits and where it would wait on version b, or why it cannot move. Nothing is changed."""
    _require(actor)
    old, new = _pair_for_moving(key, a, b)
    query = _open_instances_query(old)
    total = db.session.execute(db.select(db.func.count()).select_from(query.subquery())).scalar()
    rows = []
    for instance in db.session.execute(query.order_by(ProcessInstance.id).offset((page - 1) * per_page)
                                       .limit(per_page)).scalars():
        workflow, waiting_now, landing = _plan(instance, new)
        rows.append(_entry(instance, waiting_now, landing))
    db.session.rollback()  # what loading touched is thrown away
    return {"key": key, "from": a, "to": b, "instances": rows, "total": total, "page": page, "per_page": per_page}


class _Refused(Exception):
    def __init__(self, entry):
        super().__init__(entry["id"])
        self.entry = entry


def _refresh_open_rows(instance, workflow):
    """Rows of tasks that wait on in the new version take its name, form and roles (its lane, unless
    the node's configuration names roles); who holds one keeps it, its due time stays."""
    ready = {str(t.id): t for t in runtime.ready_user_tasks(workflow)}
    requeued = []
    for row in db.session.execute(db.select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.status == "open")).scalars():
        task = ready.get(row.task_guid)
        if task is None:
            continue
        row.name = task.task_spec.bpmn_name or task.task_spec.bpmn_id
        row.form = runtime.task_properties(task).get("formJsonSchemaFilename")
        config = node_config(row.process_key, row.task_spec_id)
        wanted = set((config.roles if config and config.roles else None) or [runtime.task_lane(task)]) - {None, ""}
        if wanted and wanted != set(row.role_codes):
            for role in [r for r in row.roles if r.role not in wanted]:
                row.roles.remove(role)
            row.roles += [HumanTaskRole(role=code, created_at=row.created_at, due_at=row.due_at)
                          for code in sorted(wanted - set(row.role_codes))]
            requeued.append(row.id)
    db.session.flush()
    refresh_claimable(db.session.connection(), requeued)


@transactional
def _move_one(instance_id, old_id, new_id, actor):
    instance = db.session.get(ProcessInstance, instance_id)
    old, new = db.session.get(ProcessDefinition, old_id), db.session.get(ProcessDefinition, new_id)
    if instance is None or instance.definition_id != old.id or instance.status not in OPEN:
        raise Conflict(f"process instance {instance_id} is no longer a running instance of version {old.version}",
                       code="stale_instance")
    workflow, waiting_now, landing = _plan(instance, new)
    if not landing.movable:
        raise _Refused(_entry(instance, waiting_now, landing))
    before = {"version": old.version, "waiting": [w["id"] for w in waiting_now]}
    runtime.move_to_version(instance, workflow, new, actor.username)
    _refresh_open_rows(instance, workflow)
    created = sync_tasks(instance, workflow)
    db.session.flush()  # the instance's optimistic lock is checked here: a completion meanwhile wins
    record_event("process_migrated", actor.username, instance_id=instance.id, business_key=instance.business_key,
                 subject=instance.process_key, before=before,
                 after={"version": new.version, "waiting": [w["id"] for w in versions.waiting_elements(workflow)],
                        "new_tasks": [row.task_spec_id for row in created]})
    return _entry(instance, waiting_now, landing)


def move_instances(key, a, b, instance_ids, actor):
    """Move the chosen instances of version a to version b, each in its own transaction:
    {moved, refused, conflicts}, whatever moved."""
    _require(actor)
    old, new = _pair_for_moving(key, a, b)
    ids = list(dict.fromkeys(instance_ids))
    if not ids or len(ids) > MAX_INSTANCES:
        raise ValidationFailed("choose the instances to move",
                               {"instance_ids": [f"choose between 1 and {MAX_INSTANCES} instances"]})
    known = {i.id for i in _open_instances(old, ids)}
    strangers = [i for i in ids if i not in known]
    if strangers:
        raise ValidationFailed(f"not running instances of {key} version {a}: {strangers}",
                               {"instance_ids": [f"not running instances of version {a}: "
                                                 + ", ".join(map(str, strangers))]})
    old_id, new_id = old.id, new.id
    db.session.rollback()
    moved, refused, conflicts = [], [], []
    for instance_id in ids:
        try:
            moved.append(_move_one(instance_id, old_id, new_id, actor))
        except _Refused as refusal:
            refused.append(refusal.entry)
        except Conflict as err:
            conflicts.append({"id": instance_id, "message": err.message})
    return {"key": key, "from": a, "to": b, "moved": moved, "refused": refused, "conflicts": conflicts}


def migrate_instances(key, a, b, instance_ids, actor):
    """move_instances for the API: 422 when none moved because each was refused, 409 when none moved
    and one lost a race."""
    result = move_instances(key, a, b, instance_ids, actor)
    moved, refused, conflicts = result["moved"], result["refused"], result["conflicts"]
    if not moved and conflicts:
        raise Conflict("someone else changed the instance first; nothing was moved; reload and try again",
                       {"conflicts": conflicts, "refused": [r["id"] for r in refused]})
    if not moved:
        raise ValidationFailed("no instance can move to this version; nothing was moved", {
            "instance_ids": [f"{r['id']}: {'; '.join(x['message'] for x in r['reasons'])}" for r in refused]})
    return result

