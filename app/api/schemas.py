"""Marshmallow schemas of the API's requests and responses."""

from marshmallow import Schema, fields, validate

from .fields import Id, Moment, Money, UtcDateTime


class PageSchema(Schema):
    total = fields.Int()
    page = fields.Int()
    per_page = fields.Int()


class PageArgs(Schema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Int(load_default=50, validate=validate.Range(min=1, max=500))


class ErrorBody(Schema):
    code = fields.Str(required=True, metadata={"example": "validation_failed"})
    message = fields.Str(required=True)
    details = fields.Dict(required=True, metadata={"description": "for validation errors: field → messages"})


class ErrorSchema(Schema):
    """Every error the API answers: {"error": {"code", "message", "details"}}."""
    error = fields.Nested(ErrorBody, required=True)


class TokenRequest(Schema):
    username = fields.Str(required=True, validate=validate.Length(max=64))
    password = fields.Str(required=True, validate=validate.Length(max=256))


class TokenResponse(Schema):
    token = fields.Str()


class TaskSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    task_spec_id = fields.Str()
    process_key = fields.Str()
    instance_id = fields.Int()
    roles = fields.List(fields.Str(), attribute="role_codes")
    assignee = fields.Str(allow_none=True)
    status = fields.Str()
    business_key = fields.Str(allow_none=True)
    form_name = fields.Str(attribute="form", allow_none=True)
    four_eyes_group = fields.Str(allow_none=True)
    created_at = UtcDateTime()
    due_at = UtcDateTime(allow_none=True)
    completed_by = fields.Str(allow_none=True)
    completed_at = UtcDateTime(allow_none=True)
    columns = fields.Dict(attribute="column_values", metadata={
        "description": "what the process declares for the task list (inboxColumns): customer, amount …"})


class TaskDetailSchema(TaskSchema):
    form = fields.Dict(allow_none=True, attribute="form_schema")
    data = fields.Dict()
    form_values = fields.Dict(allow_none=True, metadata={
        "description": "what the form opens with: only the values the process hands this task (formValues)"})
    submitted_data = fields.Dict(allow_none=True, metadata={"description": "what the performer submitted"})


class TaskPage(PageSchema):
    items = fields.List(fields.Nested(TaskSchema))
    total_capped = fields.Bool(metadata={"description": "there are more tasks than total: counting stops there"})


class TaskListArgs(PageArgs):
    scope = fields.Str(load_default="mine", validate=validate.OneOf(["todo", "mine", "role", "all"]), metadata={
        "description": "todo: assigned to me or claimable by my roles; mine; role (claimable); all (supervisors)"})
    status = fields.Str(load_default="open", validate=validate.OneOf(["open", "completed", "cancelled"]))
    process_key = fields.Str()
    business_key = fields.Str()
    role = fields.Str()
    assignee = fields.Str()
    search = fields.Str(validate=validate.Length(max=64), metadata={
        "description": "text in the case number or a task list column (customer name, product …)"})
    range_column = fields.Str(load_default="amount", validate=validate.Length(max=64),
                              metadata={"description": "the numeric task list column range_min/range_max apply to"})
    range_min = Money()
    range_max = Money()
    due_before = UtcDateTime()
    sort = fields.Str(load_default="created_at", validate=validate.Length(max=64),
                      metadata={"description": "created_at, due_at, or a task list column (amount …)"})
    order = fields.Str(load_default="asc", validate=validate.OneOf(["asc", "desc"]))


class CompleteRequest(Schema):
    data = fields.Dict(load_default=dict)


class CompleteResponse(Schema):
    task = fields.Nested(TaskSchema)
    next_tasks = fields.List(fields.Nested(TaskSchema))


class AssignRequest(Schema):
    username = fields.Str(required=True)
    reason = fields.Str(load_default=None, validate=validate.Length(max=1000))


class ReleaseRequest(Schema):
    reason = fields.Str(load_default=None, validate=validate.Length(max=1000))


class UserTaskSummary(Schema):
    id = fields.Str()
    name = fields.Str()
    process_key = fields.Str()
    roles = fields.List(fields.Str())
    form = fields.Str(allow_none=True)


class DefinitionSchema(Schema):
    id = fields.Int()
    key = fields.Str()
    name = fields.Str()
    version = fields.Int()
    roles = fields.List(fields.Str())
    start_roles = fields.List(fields.Str())
    user_tasks = fields.List(fields.Nested(UserTaskSummary))
    deployed_by = fields.Str(allow_none=True)
    deployed_at = UtcDateTime()


class StartRequest(Schema):
    process_key = fields.Str(required=True, validate=validate.Length(min=1, max=128))
    business_key = fields.Str(load_default=None, validate=validate.Length(min=1, max=64))
    data = fields.Dict(load_default=dict)


class HistoryEntry(Schema):
    task = fields.Str(allow_none=True)
    task_id = fields.Int(allow_none=True)
    actor = fields.Str(allow_none=True)
    action = fields.Str()
    at = UtcDateTime()


class InstanceSchema(Schema):
    id = fields.Int()
    process_key = fields.Str()
    version = fields.Int()
    status = fields.Str()
    business_key = fields.Str(allow_none=True)
    started_by = fields.Str(allow_none=True)
    started_at = UtcDateTime()
    ended_at = UtcDateTime(allow_none=True)
    error = fields.Str(allow_none=True)
    active_tasks = fields.List(fields.Nested(TaskSchema))
    history = fields.List(fields.Nested(HistoryEntry))


class BulkAssignRequest(Schema):
    task_ids = fields.List(Id(), required=True, validate=validate.Length(min=1, max=500))
    username = fields.Str(required=True)
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=1000))


class DelegateRequest(Schema):
    username = fields.Str(required=True)
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=1000))


class SubstitutionRequest(Schema):
    username = fields.Str(load_default=None)
    substitute = fields.Str(required=True)
    starts_at = Moment(required=True)
    ends_at = Moment(required=True)
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=1000))


class SubstitutionSchema(Schema):
    id = fields.Int()
    username = fields.Str()
    substitute = fields.Str()
    starts_at = UtcDateTime()
    ends_at = UtcDateTime()
    reason = fields.Str()
    created_by = fields.Str()


class NotificationSchema(Schema):
    id = fields.Int()
    message = fields.Str()
    task_id = fields.Int(allow_none=True)
    created_at = UtcDateTime()
    read_at = UtcDateTime(allow_none=True)


class RoleQueue(Schema):
    role = fields.Str()
    open = fields.Int()
    unclaimed = fields.Int()
    overdue = fields.Int()
    oldest_created_at = UtcDateTime(allow_none=True)


class PersonQueue(Schema):
    username = fields.Str()
    open = fields.Int()
    overdue = fields.Int()


class QueueOverview(Schema):
    roles = fields.List(fields.Nested(RoleQueue))
    people = fields.List(fields.Nested(PersonQueue))
    oldest = fields.List(fields.Nested(TaskSchema))
    overdue = fields.List(fields.Nested(TaskSchema))


class QueueArgs(Schema):
    process_key = fields.Str()
    role = fields.Str()
    assignee = fields.Str()
    business_key = fields.Str()


class NodeConfigRequest(Schema):
    process_key = fields.Str(required=True, validate=validate.Length(max=128))
    node_id = fields.Str(required=True, validate=validate.Length(max=255))
    roles = fields.List(fields.Str(validate=validate.Length(max=64)), load_default=None)
    due_in = fields.Str(load_default=None, validate=validate.Length(max=32))
    four_eyes_group = fields.Str(load_default=None, validate=validate.Length(max=64))
    exclude_initiator = fields.Bool(load_default=None)
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=1000))


class NodeConfigSchema(Schema):
    id = fields.Int()
    process_key = fields.Str()
    node_id = fields.Str()
    version = fields.Int()
    roles = fields.List(fields.Str(), allow_none=True)
    due_in = fields.Str(allow_none=True)
    four_eyes_group = fields.Str(allow_none=True)
    exclude_initiator = fields.Bool(allow_none=True)
    changed_by = fields.Str()
    changed_at = UtcDateTime()


class NodeConfigArgs(Schema):
    process_key = fields.Str()


class DeployRequest(Schema):
    files = fields.Dict(keys=fields.Str(validate=validate.Regexp(
                            r"^[^/\\]+\.(bpmn|dmn|scenarios\.json)$",
                            error="a file name ends in .bpmn, .dmn or .scenarios.json and names no folder")),
                        values=fields.Str(validate=validate.Length(max=2_000_000)), required=True)


class DeployResponse(Schema):
    deployed = fields.List(fields.Nested(DefinitionSchema))


class DiagramSchema(Schema):
    process_key = fields.Str()
    version = fields.Int()
    files = fields.Dict(keys=fields.Str(), values=fields.Str())
    completed = fields.List(fields.Str())
    active = fields.List(fields.Str())


class IncidentSchema(Schema):
    id = fields.Int()
    kind = fields.Str(metadata={"description": "the job that met it: timer, close_of_business, case_start"})
    instance_id = fields.Int(allow_none=True)
    process_key = fields.Str(allow_none=True)
    business_key = fields.Str(allow_none=True)
    element_id = fields.Str(metadata={"description": "the timer, task or job step that failed"})
    error = fields.Str()
    status = fields.Str(metadata={"description": "open, resolved or cancelled"})
    attempts = fields.Int()
    created_at = UtcDateTime(metadata={"description": "on the business clock"})
    logged_at = UtcDateTime(metadata={"description": "on the wall clock: where the server log has the traceback"})
    resolved_by = fields.Str(allow_none=True)
    resolved_at = UtcDateTime(allow_none=True)


class IncidentArgs(Schema):
    status = fields.Str(load_default="open", validate=validate.OneOf(["open", "resolved", "cancelled"]))
    business_key = fields.Str(validate=validate.Length(max=64))


class CancelIncidentRequest(ReleaseRequest):
    """Why the instance is cancelled (kept with the audit event)."""
