"""Appending to the audit trail and checking it.

Events are written where they happen, in the caller's transaction, and chained to the trail when
that transaction commits: the chain's head row is locked then, as the transaction's very last
lock. A step that holds the head never waits for another row afterwards, so the head cannot be
part of a deadlock between two steps that lock rows in different orders.

Each link is an HMAC keyed with AUDIT_KEY, a secret held outside the database: whoever can only
write the database cannot recompute a chain they altered. The verification walks the chain to
the stored head (a deleted tail shows), and compares it with the heads written to an
append-only log at each close of business (AUDIT_HEAD_LOG), so rewriting the whole database —
head included — still shows against the log.
"""
import hashlib
import hmac
import json
import os
import uuid
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy.orm import Session

from .. import clock
from ..extensions import db
from .models import AuditEvent, AuditHead

GENESIS = "0" * 64
PENDING = "pending_audit_events"


def audit_key():
    """The chain's key: AUDIT_KEY, or (outside production) a key file kept in the instance folder."""
    configured = current_app.config.get("AUDIT_KEY")
    if configured:
        return configured.encode()
    if "audit_key" not in current_app.extensions:  # read once per app
        path = Path(current_app.instance_path) / "audit.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first
                pass
            else:
                with os.fdopen(descriptor, "w") as handle:
                    handle.write(uuid.uuid4().hex + uuid.uuid4().hex)
        current_app.extensions["audit_key"] = path.read_text().strip().encode()
    return current_app.extensions["audit_key"]


def _digest(prev_hash, fields, keyed=True):
    payload = (prev_hash + json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)).encode()
    if keyed:
        return hmac.new(audit_key(), payload, hashlib.sha256).hexdigest()
    return hashlib.sha256(payload).hexdigest()  # links written before the chain was keyed


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
        head = AuditHead(id=1, last_hash=GENESIS, last_seq=0, keyed_from_seq=1)
        session.add(head)
    for event in pending:
        event.prev_hash = head.last_hash
        event.hash = _digest(head.last_hash, _fields(event), keyed=head.last_seq + 1 >= head.keyed_from_seq)
        head.last_seq += 1
        event.chain_seq = head.last_seq
        head.last_hash = event.hash
    session.flush()


@sqlalchemy_event.listens_for(Session, "after_soft_rollback")
def _forget_pending_events(session, _previous_transaction):
    session.info.pop(PENDING, None)


@dataclass(frozen=True)
class Break:
    """Where the trail stops being what was written: an event, or the chain's end."""
    event: AuditEvent | None
    reason: str

    def __str__(self):
        where = f"event {self.event.id} ({self.event.action} at {self.event.at})" if self.event else "the chain's end"
        return f"audit trail altered at {where}: {self.reason}"


def verify_chain():
    """The first break in the trail, or None: each link against its content and the key, the end
    against the stored head, and the heads of the append-only log against the chain."""
    head = db.session.get(AuditHead, 1)
    keyed_from = head.keyed_from_seq if head else 1
    logged = dict(_logged_heads())
    prev, seq = GENESIS, 0
    for event in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.chain_seq)).scalars():
        seq += 1
        if event.chain_seq != seq or event.prev_hash != prev:
            return Break(event, "an event before it is missing or out of place")
        if event.hash != _digest(prev, _fields(event), keyed=seq >= keyed_from):
            return Break(event, "its content or link was changed")
        if seq in logged and logged[seq] != event.hash:
            return Break(event, "it differs from the head written to the log at close of business")
        prev = event.hash
    if head is not None and (head.last_seq, head.last_hash) != (seq, prev):
        return Break(None, f"the head says {head.last_seq} events, the chain has {seq}: events were removed")
    if logged and max(logged) > seq:
        return Break(None, f"the log holds a head at event {max(logged)}, the chain ends at {seq}")
    return None


def _head_log():
    return Path(current_app.config.get("AUDIT_HEAD_LOG") or Path(current_app.instance_path) / "audit-heads.log")


def _logged_heads():
    path = _head_log()
    if not path.exists():
        return []
    heads = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1].isdigit():
            heads.append((int(parts[1]), parts[2]))
    return heads


def log_head(label):
    """Append the chain's head to the append-only log (opened for appending only)."""
    head = db.session.get(AuditHead, 1)
    if head is None or head.last_seq == 0:
        return
    path = _head_log()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{label} {head.last_seq} {head.last_hash}\n")
