from ..extensions import db


class ProcessDefinition(db.Model):
    """One deployed version of a process: the source files it was built from and its parsed spec."""
    __tablename__ = "process_definition"
    __table_args__ = (db.UniqueConstraint("key", "version", name="uq_process_definition_key_version"),)
    id = db.Column(db.Integer, primary_key=True)
    key = db.Column(db.String(128), nullable=False, index=True)
    name = db.Column(db.String(255), nullable=False)
    version = db.Column(db.Integer, nullable=False)
    content_hash = db.Column(db.String(64), nullable=False)
    # Loaded when read: lists of processes need neither.
    files = db.deferred(db.Column(db.JSON, nullable=False))      # {filename: source text}
    spec_json = db.deferred(db.Column(db.Text, nullable=False))  # serialized spec and subprocess specs
    summary = db.Column(db.JSON, nullable=False)        # roles, start roles, user tasks, start form
    deployed_by = db.Column(db.String(64))
    deployed_at = db.Column(db.DateTime(timezone=True), nullable=False)
    # {form file: version} of the deployed forms its user tasks show; an instance keeps them.
    # None on versions deployed before forms were versioned: those show the newest form.
    form_versions = db.Column(db.JSON)


class DeployedFile(db.Model):
    """One deployed version of a designer's file (BPMN, DMN, form or process tests): what is
    deployed is read from here, never from the PROCESSES_DIR or FORMS_DIR folders."""
    __tablename__ = "deployed_file"
    __table_args__ = (db.UniqueConstraint("name", "version", name="uq_deployed_file_name_version"),
                      db.Index("ix_deployed_file_name_hash", "name", "content_hash"))
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(255), nullable=False)
    kind = db.Column(db.String(16), nullable=False)  # bpmn, dmn, form, scenarios
    content = db.deferred(db.Column(db.Text, nullable=False))
    content_hash = db.Column(db.String(64), nullable=False)
    version = db.Column(db.Integer, nullable=False)
    deployed_by = db.Column(db.String(64))
    deployed_at = db.Column(db.DateTime(timezone=True), nullable=False)


class ProcessInstance(db.Model):
    __tablename__ = "process_instance"
    id = db.Column(db.Integer, primary_key=True)
    definition_id = db.Column(db.ForeignKey("process_definition.id"), nullable=False, index=True)
    process_key = db.Column(db.String(128), nullable=False, index=True)
    business_key = db.Column(db.String(64), index=True)
    # running: engine work pending; waiting: only human tasks or timers; completed; error; terminated
    status = db.Column(db.String(16), nullable=False, index=True)
    state = db.Column(db.Text, nullable=False)
    serializer_version = db.Column(db.String(16), nullable=False)
    error = db.Column(db.Text)
    started_by = db.Column(db.String(64))
    started_at = db.Column(db.DateTime(timezone=True), nullable=False)
    ended_at = db.Column(db.DateTime(timezone=True))
    next_timer_at = db.Column(db.DateTime(timezone=True), index=True)
    lock_version = db.Column(db.Integer, nullable=False)

    definition = db.relationship(ProcessDefinition)
    # A lost race on the same instance raises StaleDataError instead of stepping twice.
    __mapper_args__ = {"version_id_col": lock_version}


class Incident(db.Model):
    """A step that failed, or overran, with nobody there to see it: a timer, a service task or a step
    of a scheduled job, for one instance (or one business key, when the failed step was to start
    or close one). It holds that step back until someone retries or cancels it."""
    __tablename__ = "incident"
    id = db.Column(db.Integer, primary_key=True)
    kind = db.Column(db.String(32), nullable=False)          # the job that met it: timer, close_of_business …
    instance_id = db.Column(db.ForeignKey("process_instance.id"), index=True)
    process_key = db.Column(db.String(128))
    business_key = db.Column(db.String(64), index=True)
    element_id = db.Column(db.String(128), nullable=False)   # the timer, task or job step
    error = db.Column(db.Text, nullable=False)               # user-safe; the traceback is in the log
    status = db.Column(db.String(16), nullable=False, index=True)  # open, resolved, cancelled
    attempts = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime(timezone=True), nullable=False)  # business clock, like every row
    logged_at = db.Column(db.DateTime(timezone=True), nullable=False)   # wall clock: where the log has it
    resolved_by = db.Column(db.String(64))
    resolved_at = db.Column(db.DateTime(timezone=True))
    lock_version = db.Column(db.Integer, nullable=False)

    instance = db.relationship(ProcessInstance)
    # Two people retrying (or cancelling) at once: one wins, the other gets 409.
    __mapper_args__ = {"version_id_col": lock_version}
