"""Versions of a process: what changed between two, and moving running instances to a newer one."""
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from .. import process_versions
from .fields import MAX_ID, UtcDateTime
from .security import AUTHENTICATED, current_actor, rule

blp = Blueprint("versions", __name__, description="Process versions: differences, moving running instances")
VERSION = validate.Range(min=1, max=MAX_ID)


class ElementSchema(Schema):
    id = fields.Str()
    name = fields.Str()
    type = fields.Str()


class PropertyChange(Schema):
    property = fields.Str(metadata={"description": "name, lane, type, incoming, outgoing, script, preScript, "
                                                  "postScript, property:<extension property>, "
                                                  "condition:<target>, event:<event definition field> …"})
    before = fields.Str()
    after = fields.Str()


class ChangedElement(ElementSchema):
    changes = fields.List(fields.Nested(PropertyChange))


class ProcessDiffSchema(Schema):
    process = fields.Str(metadata={"description": "the process itself, or one it calls or embeds"})
    status = fields.Str(metadata={"description": "same, changed, added or removed"})
    added = fields.List(fields.Nested(ElementSchema))
    removed = fields.List(fields.Nested(ElementSchema))
    changed = fields.List(fields.Nested(ChangedElement))


class VersionPair(Schema):
    key = fields.Str()
    from_ = fields.Int(data_key="from", attribute="from")
    to = fields.Int()


class VersionDiffSchema(VersionPair):
    processes = fields.List(fields.Nested(ProcessDiffSchema))


class WaitingElement(ElementSchema):
    process = fields.Str()
    manual = fields.Bool(metadata={"description": "a task for people (else a timer, message, called process …)"})
    state = fields.Str()


class Reason(Schema):
    code = fields.Str(metadata={"description": "waiting_at_removed, passed_removed, planned_removed, "
                                              "process_removed, engine"})
    element = fields.Str()
    name = fields.Str()
    process = fields.Str()
    message = fields.Str()


class InstanceLanding(Schema):
    id = fields.Int()
    business_key = fields.Str(allow_none=True)
    status = fields.Str()
    started_at = UtcDateTime()
    waiting_now = fields.List(fields.Nested(WaitingElement))
    movable = fields.Bool()
    lands_at = fields.List(fields.Nested(WaitingElement))
    reasons = fields.List(fields.Nested(Reason))


class VersionChoice(Schema):
    from_ = fields.Int(data_key="from", required=True, validate=VERSION)
    to = fields.Int(required=True, validate=VERSION)


class PreviewArgs(VersionChoice):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Int(load_default=process_versions.PREVIEW_PAGE,
                          validate=validate.Range(min=1, max=process_versions.MAX_INSTANCES))


class PreviewSchema(VersionPair):
    instances = fields.List(fields.Nested(InstanceLanding))
    total = fields.Int(metadata={"description": "running instances of version `from` in all"})
    page = fields.Int()
    per_page = fields.Int()


class MigrateRequest(VersionChoice):
    instance_ids = fields.List(fields.Int(validate=validate.Range(min=1, max=MAX_ID)), required=True,
                               validate=validate.Length(min=1, max=process_versions.MAX_INSTANCES))


Conflicted = Schema.from_dict({"id": fields.Int(), "message": fields.Str()}, name="MigrationConflict")


class MigrateResponse(VersionPair):
    moved = fields.List(fields.Nested(InstanceLanding))
    refused = fields.List(fields.Nested(InstanceLanding))
    conflicts = fields.List(fields.Nested(Conflicted))


@blp.route("/process-definitions/<key>/versions/<int:a>/diff/<int:b>", methods=["GET"])
@rule(AUTHENTICATED)  # the role flags decide (designing processes, overseeing queues), checked by app/process_versions
@blp.response(200, VersionDiffSchema)
def version_diff(key, a, b):
    """Elements added, removed and changed from version a to version b, with the changed properties."""
    return process_versions.compare_versions(key, a, b, current_actor())


@blp.route("/process-definitions/<key>/migration-preview", methods=["GET"])
@rule(AUTHENTICATED)
@blp.arguments(PreviewArgs, location="query")
@blp.response(200, PreviewSchema)
def migration_preview(args, key):
    """Each running instance of version `from`: where it waits, where it would wait on `to`, or why it cannot move."""
    return process_versions.migration_preview(key, args["from_"], args["to"], current_actor(),
                                              args["page"], args["per_page"])


@blp.route("/process-definitions/<key>/migrate", methods=["POST"])
@rule(AUTHENTICATED)
@blp.arguments(MigrateRequest)
@blp.response(200, MigrateResponse)
def migrate(body, key):
    """Move the chosen instances, each in its own transaction; those that cannot move are refused
    with their reasons and left as they were (422 when none moved, 409 when one lost a race and none moved)."""
    return process_versions.migrate_instances(key, body["from_"], body["to"], body["instance_ids"], current_actor())
