"""The audit trail is chained by keyed hashes: editing a row by hand, recomputing the chain without
the key, or deleting the newest events is detected and named."""
import json
from contextlib import contextmanager

from sqlalchemy import text

from app.audit.models import AuditEvent
from app.extensions import db
from app.loans.identity import resident_id_check_char


def test_audit_verify_names_the_first_altered_event(app, api):
    for first17 in ("11010119700101001", "11010119700101002"):
        api.post("/api/customers", "loan_officer", json={
            "type": "individual", "name": "审计", "phone": "13800000000",
            "id_number": first17 + resident_id_check_char(first17)})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "intact" in result.output
    with app.app_context():
        events = db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        victim = events[len(events) // 2]
        original = victim.actor
        db.session.execute(text("UPDATE audit_event SET actor = 'mallory' WHERE id = :id"), {"id": victim.id})
        db.session.commit()
        try:
            result = runner.invoke(args=["audit", "verify"])
            assert result.exit_code == 1
            assert f"event {victim.id}" in result.output
        finally:
            db.session.execute(text("UPDATE audit_event SET actor = :a WHERE id = :id"),
                               {"a": original, "id": victim.id})
            db.session.commit()


def _events(app):
    with app.app_context():
        return [(e.id, e.chain_seq) for e in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.chain_seq))
                .scalars()]


def test_deleting_the_newest_events_is_detected(app, api):
    api.post("/api/customers", "loan_officer", json={
        "type": "individual", "name": "尾部", "phone": "13800000000",
        "id_number": "11010119700101003" + resident_id_check_char("11010119700101003")})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    last_id = _events(app)[-1][0]
    with app.app_context():
        kept = db.session.get(AuditEvent, last_id)
        row = {c.key: getattr(kept, c.key) for c in AuditEvent.__table__.columns}
        db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": last_id})
        db.session.commit()
    try:
        result = runner.invoke(args=["audit", "verify"])
        assert result.exit_code == 1 and "events were removed" in result.output
    finally:
        with app.app_context():
            db.session.execute(AuditEvent.__table__.insert().values(**row))
            db.session.commit()
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


@contextmanager
def rechained(app, victim_from_end, link):
    """Change an event's actor and recompute the chain after it with `link(prev, event)`, head
    included, as someone with write access to the database would; put everything back after."""
    with app.app_context():
        events = db.session.execute(db.select(AuditEvent).order_by(AuditEvent.chain_seq)).scalars().all()
        original = [(e.id, e.actor, e.prev_hash, e.hash) for e in events]
        head = db.session.execute(text("SELECT last_hash FROM audit_head WHERE id = 1")).scalar()
        victim = len(events) - victim_from_end
        events[victim].actor = "mallory"
        prev = events[victim].prev_hash
        for event in events[victim:]:
            event.prev_hash, event.hash = prev, link(prev, event)
            prev = event.hash
        db.session.execute(text("UPDATE audit_head SET last_hash = :h WHERE id = 1"), {"h": prev})
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():
            for event_id, actor, prev_hash, digest in original:
                db.session.execute(text("UPDATE audit_event SET actor = :a, prev_hash = :p, hash = :h WHERE id = :id"),
                                   {"a": actor, "p": prev_hash, "h": digest, "id": event_id})
            db.session.execute(text("UPDATE audit_head SET last_hash = :h WHERE id = 1"), {"h": head})
            db.session.commit()


def test_a_row_changed_and_its_chain_recomputed_without_the_key_is_detected(app, api):
    import hashlib

    from app.audit.service import _fields
    api.post("/api/customers", "loan_officer", json={
        "type": "individual", "name": "重算", "phone": "13800000000",
        "id_number": "11010119700101004" + resident_id_check_char("11010119700101004")})
    runner = app.test_cli_runner()

    def unkeyed(prev, event):  # what someone with the database but not the key can do
        return hashlib.sha256((prev + json.dumps(_fields(event), sort_keys=True, default=str,
                                                 ensure_ascii=False)).encode()).hexdigest()

    with rechained(app, 3, unkeyed):
        result = runner.invoke(args=["audit", "verify"])
        assert result.exit_code == 1 and "content or link was changed" in result.output
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


def test_a_rewrite_of_the_database_alone_shows_against_the_head_log(app, api, fresh_dates):
    from app.audit.service import _digest, _fields
    from app.close_of_business import run_cob
    runner = app.test_cli_runner()
    with app.app_context():
        run_cob()  # writes the head to the append-only log
    # Even with the key: the log outside the database still knows.
    with rechained(app, 5, lambda prev, event: _digest(prev, _fields(event))):
        result = runner.invoke(args=["audit", "verify"])
        assert result.exit_code == 1 and "head written to the log" in result.output
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
