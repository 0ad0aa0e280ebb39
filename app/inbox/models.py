from decimal import Decimal

from ..extensions import db


class HumanTask(db.Model):
    __tablename__ = "human_task"
    __table_args__ = (db.UniqueConstraint("instance_id", "task_guid", name="uq_human_task_instance_guid"),
                      # What the task list reads by: who holds an open task, and the order it lists them in.
                      db.Index("ix_human_task_status_assignee", "status", "assignee"),
                      db.Index("ix_human_task_status_created", "status", "created_at", "id"),
                      db.Index("ix_human_task_status_due", "status", "due_at", "id"))
    id = db.Column(db.Integer, primary_key=True)
    instance_id = db.Column(db.ForeignKey("process_instance.id"), nullable=False, index=True)
    task_guid = db.Column(db.String(36), nullable=False)
    task_spec_id = db.Column(db.String(255), nullable=False)
    name = db.Column(db.String(255), nullable=False)
    process_key = db.Column(db.String(128), nullable=False, index=True)
    business_key = db.Column(db.String(64), index=True)
    form = db.Column(db.String(255))
    status = db.Column(db.String(16), nullable=False, index=True)  # open, completed, cancelled
    assignee = db.Column(db.String(64), index=True)
    four_eyes_group = db.Column(db.String(64))
    exclude_initiator = db.Column(db.Boolean, nullable=False, default=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)
    due_at = db.Column(db.DateTime(timezone=True))
    claimed_at = db.Column(db.DateTime(timezone=True))
    completed_by = db.Column(db.String(64), index=True)
    completed_at = db.Column(db.DateTime(timezone=True))
    # What the performer submitted and the task roles they held doing it: the case's trail of
    # decisions, kept as given and never overwritten by a later step.
    submitted_data = db.Column(db.JSON)
    acted_as = db.Column(db.JSON)
    form_values = db.Column(db.JSON)  # what the form opens with: only what the process hands it (formValues)
    # Delegation: the owner hands the work to a delegate, who proposes the data; the owner confirms.
    owner = db.Column(db.String(64))
    delegate = db.Column(db.String(64), index=True)
    delegation_state = db.Column(db.String(16))  # pending (delegate works), resolved (back to owner)
    proposed_data = db.Column(db.JSON)
    escalated_at = db.Column(db.DateTime(timezone=True))
    # The case number and the task list's column texts, case-folded: what the inbox search reads.
    search_text = db.Column(db.Text)

    roles = db.relationship("HumanTaskRole", cascade="all, delete-orphan", lazy="selectin")
    columns = db.relationship("HumanTaskColumn", cascade="all, delete-orphan", lazy="selectin")
    instance = db.relationship("ProcessInstance")

    @property
    def role_codes(self):
        return sorted(r.role for r in self.roles)

    @property
    def column_values(self):
        """{column: value} the process declared for the task list (numbers as exact Decimals)."""
        return {c.name: Decimal(c.text_value) if c.number_value is not None else c.text_value for c in self.columns}


class HumanTaskRole(db.Model):
    __tablename__ = "human_task_role"
    # A role's queue: the tasks open to it and held by no one (kept by app/inbox/sync.py), in the
    # orders the task list shows them, so a page of a queue is read from an index alone.
    __table_args__ = (db.Index("ix_human_task_role_queue", "role", "claimable", "created_at", "task_id"),
                      db.Index("ix_human_task_role_queue_due", "role", "claimable", "due_at", "task_id"))
    task_id = db.Column(db.ForeignKey("human_task.id", ondelete="CASCADE"), primary_key=True)
    role = db.Column(db.String(64), primary_key=True, index=True)
    claimable = db.Column(db.Boolean, nullable=False, default=True)
    # The task's own, copied when the task is made; neither changes afterwards.
    created_at = db.Column(db.DateTime(timezone=True))
    due_at = db.Column(db.DateTime(timezone=True))


class HumanTaskColumn(db.Model):
    """A value the process declared for the task list (`inboxColumns`), kept with the task when it
    is created, so lists filter and sort on indexed rows, never on serialized workflow state."""
    __tablename__ = "human_task_column"
    __table_args__ = (db.Index("ix_human_task_column_text", "name", "text_value"),
                      db.Index("ix_human_task_column_number", "name", "number_value"))
    task_id = db.Column(db.ForeignKey("human_task.id", ondelete="CASCADE"), primary_key=True)
    name = db.Column(db.String(64), primary_key=True)
    text_value = db.Column(db.String(255))
    number_value = db.Column(db.Numeric(20, 2))


class NodeConfig(db.Model):
    """Approval-node configuration (审批流节点配置): overrides a node's lane roles, due time and four-eyes.

    Rows are never updated: each change adds a version and the newest active one applies to
    tasks created afterwards.
    """
    __tablename__ = "node_config"
    id = db.Column(db.Integer, primary_key=True)
    process_key = db.Column(db.String(128), nullable=False, index=True)
    node_id = db.Column(db.String(255), nullable=False)
    version = db.Column(db.Integer, nullable=False)
    roles = db.Column(db.JSON)                 # list of role codes, or null to keep the lane
    due_in = db.Column(db.String(32))          # ISO-8601 duration, or null to keep dueIn
    four_eyes_group = db.Column(db.String(64))
    exclude_initiator = db.Column(db.Boolean)
    changed_by = db.Column(db.String(64))
    changed_at = db.Column(db.DateTime(timezone=True), nullable=False)


class Substitution(db.Model):
    """Out of office: while the period runs, work assigned to `username` goes to `substitute`."""
    __tablename__ = "substitution"
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(64), nullable=False, index=True)
    substitute = db.Column(db.String(64), nullable=False)
    starts_at = db.Column(db.DateTime(timezone=True), nullable=False)
    ends_at = db.Column(db.DateTime(timezone=True), nullable=False)
    reason = db.Column(db.Text, nullable=False)
    created_by = db.Column(db.String(64), nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)


class Notification(db.Model):
    """A message to one person about a task: reassigned, delegated, returned, overdue."""
    __tablename__ = "notification"
    id = db.Column(db.Integer, primary_key=True)
    recipient = db.Column(db.String(64), nullable=False, index=True)
    message = db.Column(db.Text, nullable=False)
    task_id = db.Column(db.ForeignKey("human_task.id", ondelete="CASCADE"), index=True)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)
    read_at = db.Column(db.DateTime(timezone=True))
