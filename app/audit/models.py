from ..extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    id = db.Column(db.Integer, primary_key=True)
    at = db.Column(db.DateTime(timezone=True), nullable=False)
    actor = db.Column(db.String(64))
    action = db.Column(db.String(64), nullable=False)
    instance_id = db.Column(db.Integer, index=True)
    task_id = db.Column(db.Integer, index=True)
    business_key = db.Column(db.String(64), index=True)
    subject = db.Column(db.String(128))
    before = db.Column(db.JSON)
    after = db.Column(db.JSON)
    reason = db.Column(db.Text)
    prev_hash = db.Column(db.String(64), nullable=False)
    hash = db.Column(db.String(64), nullable=False, unique=True)
    # The event's place in the chain, given when its transaction commits (ids follow insert order).
    chain_seq = db.Column(db.Integer, unique=True)


class AuditHead(db.Model):
    """One row holding the newest hash; locking it serialises writers of the chain."""
    __tablename__ = "audit_head"
    id = db.Column(db.Integer, primary_key=True)
    last_hash = db.Column(db.String(64), nullable=False)
    last_seq = db.Column(db.Integer, nullable=False, default=0)
    # Events from this place in the chain on are keyed with AUDIT_KEY (HMAC); older ones were not.
    keyed_from_seq = db.Column(db.Integer, nullable=False, default=1)
