"""Appending to the audit trail and checking it.

Events are written where they happen, in the caller's transaction, and chained to the trail when
that transaction commits: the chain's head row is locked then, as the transaction's very last
lock. A step that holds the head never waits for another row afterwards, so the head cannot be
part of a deadlock between two steps that lock rows in different orders.
"""
import hashlib
import json
import uuid
from datetime import timezone

from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session

from .. import clock
from ..extensions import db
from .models import AuditEvent, AuditHead

GENESIS = "0" * 64
PENDING = "pending_audit_events"


def _digest(prev_hash, fields):
    payload = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _utc_text(moment):
    # SQLite hands back naive datetimes, PostgreSQL aware ones: hash one canonical form.
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


def _fields(event):
    return {
        "at": _utc_text(event.at), "actor": event.actor, "action": event.action,
        "instance_id": event.instance_id, "task_id": event.task_id,
        "business_key": event.business_key, "subject": event.subject,
        "before": event.before, "after": event.after, "reason": event.reason,
    }


def _to_json(value):
    # Decimals and dates are kept as their exact text.
    return json.loads(json.dumps(value, default=str)) if value is not None else None


def record_event(action, actor=None, *, instance_id=None, task_id=None, business_key=None,
                 subject=None, before=None, after=None, reason=None):
    """Append one event inside the caller's transaction; it joins the chain at commit."""
    pending = f"pending:{uuid.uuid4().hex}"
    event = AuditEvent(
        at=clock.now(), actor=actor, action=action, instance_id=instance_id, task_id=task_id,
        business_key=business_key, subject=subject, before=_to_json(before),
        after=_to_json(after), reason=reason, prev_hash=pending, hash=pending,
    )
    db.session.add(event)
    db.session.info.setdefault(PENDING, []).append(event)
    return event


@sqlalchemy_event.listens_for(Session, "before_commit")
def _chain_pending_events(session):
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    head = session.execute(db.select(AuditHead).where(AuditHead.id == 1).with_for_update()).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, last_hash=GENESIS, last_seq=0)
        session.add(head)
    for event in pending:
        event.prev_hash = head.last_hash
        event.hash = _digest(head.last_hash, _fields(event))
        head.last_seq += 1
        event.chain_seq = head.last_seq
        head.last_hash = event.hash
    session.flush()


@sqlalchemy_event.listens_for(Session, "after_soft_rollback")
def _forget_pending_events(session, _previous_transaction):
    session.info.pop(PENDING, None)


def verify_chain():
    """Return the first event whose hash does not match its content, or None if intact."""
    prev = GENESIS
    for event in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.chain_seq)).scalars():
        if event.prev_hash != prev or event.hash != _digest(prev, _fields(event)):
            return event
        prev = event.hash
    return None
