"""The audit trail is chained by hashes: editing a row by hand is detected and named."""
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
