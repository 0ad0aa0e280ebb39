"""money on every path: loan locks and stored overdue figures, value dates, schedule revisions,
product versions, write-off requests, the decision trail of completed tasks

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 06:00:00

"""
import json
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

PRODUCT_TERMS = ("name", "annual_rate", "repayment_method", "min_amount", "max_amount", "min_term_months",
                 "max_term_months", "penalty_rate_multiplier", "grace_days", "prepayment_rule", "active")


def _add_columns():
    with op.batch_alter_table('product') as batch_op:
        batch_op.add_column(sa.Column('grace_days', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('prepayment_rule', sa.String(length=24), nullable=False,
                                      server_default='customer_choice'))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    with op.batch_alter_table('loan_application') as batch_op:
        batch_op.add_column(sa.Column('product_version', sa.Integer(), nullable=True))
    with op.batch_alter_table('loan') as batch_op:
        batch_op.add_column(sa.Column('product_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('penalty_rate_multiplier', sa.Numeric(precision=5, scale=2), nullable=False,
                                      server_default='1.5'))
        batch_op.add_column(sa.Column('grace_days', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('prepayment_rule', sa.String(length=24), nullable=False,
                                      server_default='customer_choice'))
        batch_op.add_column(sa.Column('due_day', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('overdue_amount', sa.Numeric(precision=18, scale=2), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('overdue_as_of', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('ledger_entry') as batch_op:
        batch_op.add_column(sa.Column('value_date', sa.Date(), nullable=True))
    with op.batch_alter_table('repayment') as batch_op:
        batch_op.add_column(sa.Column('process_instance_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prepayment_choice', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('overpayment_reason', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_repayment_process_instance_id'), ['process_instance_id'], unique=False)
    with op.batch_alter_table('classification_change') as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=16), nullable=False, server_default='review'))
    with op.batch_alter_table('human_task') as batch_op:
        batch_op.add_column(sa.Column('submitted_data', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('acted_as', sa.JSON(), nullable=True))
    with op.batch_alter_table('audit_event') as batch_op:
        batch_op.add_column(sa.Column('chain_seq', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_event_chain_seq'), ['chain_seq'])
    with op.batch_alter_table('audit_head') as batch_op:
        batch_op.add_column(sa.Column('last_seq', sa.Integer(), nullable=False, server_default='0'))


def _create_tables():
    op.create_table('product_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_code', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('changed_by', sa.String(length=64), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_code'], ['product.code'], name=op.f('fk_product_version_product_code_product')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_product_version')),
    sa.UniqueConstraint('product_code', 'version', name='uq_product_version_code_version')
    )
    op.create_index(op.f('ix_product_version_product_code'), 'product_version', ['product_code'], unique=False)
    op.create_table('schedule_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=255), nullable=False),
    sa.Column('replaced_on', sa.Date(), nullable=False),
    sa.Column('replaced_by', sa.String(length=64), nullable=True),
    sa.Column('installments', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], name=op.f('fk_schedule_revision_loan_id_loan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_schedule_revision')),
    sa.UniqueConstraint('loan_id', 'revision', name='uq_schedule_revision_loan_revision')
    )
    op.create_index(op.f('ix_schedule_revision_loan_id'), 'schedule_revision', ['loan_id'], unique=False)
    op.create_table('write_off_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('process_instance_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('requested_by', sa.String(length=64), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('posted_amount', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], name=op.f('fk_write_off_request_loan_id_loan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_write_off_request')),
    sa.UniqueConstraint('process_instance_id', name=op.f('uq_write_off_request_process_instance_id'))
    )
    op.create_index(op.f('ix_write_off_request_loan_id'), 'write_off_request', ['loan_id'], unique=False)


def _backfill_products(conn, now):
    products = conn.execute(sa.text(f"SELECT code, {', '.join(PRODUCT_TERMS)} FROM product")).mappings().all()
    for row in products:
        terms = {k: (row[k] if isinstance(row[k], (int, bool)) or row[k] is None else str(row[k]))
                 for k in PRODUCT_TERMS}
        conn.execute(sa.text("INSERT INTO product_version (product_code, version, terms, changed_by, changed_at) "
                             "VALUES (:code, 1, :terms, 'migration', :now)"),
                     {"code": row["code"], "terms": json.dumps(terms, ensure_ascii=False), "now": now})
    conn.execute(sa.text("UPDATE loan_application SET product_version = 1"))
    conn.execute(sa.text("UPDATE loan SET product_version = 1, penalty_rate_multiplier = "
                         "(SELECT penalty_rate_multiplier FROM product WHERE product.code = loan.product_code)"))


def _backfill_loans(conn):
    day = "CAST(strftime('%d', disbursed_on) AS INTEGER)" if conn.dialect.name == "sqlite" \
        else "CAST(EXTRACT(DAY FROM disbursed_on) AS INTEGER)"
    conn.execute(sa.text(f"UPDATE loan SET due_day = {day}"))
    today = conn.execute(sa.text("SELECT business_date FROM business_date WHERE id = 1")).scalar()
    if today is not None:
        conn.execute(sa.text("UPDATE loan SET overdue_as_of = last_cob_date"))
        for loan_id, owed in _overdue_by_loan(conn, today).items():
            conn.execute(sa.text("UPDATE loan SET overdue_amount = :owed WHERE id = :id"),
                         {"owed": owed, "id": loan_id})
    conn.execute(sa.text("UPDATE ledger_entry SET value_date = posted_on"))


def _overdue_by_loan(conn, today):
    from decimal import Decimal
    owed = {}
    for row in conn.execute(sa.text("SELECT loan_id, principal, interest, paid_principal, paid_interest "
                                    "FROM installment WHERE due_date < :today"), {"today": today}):
        unpaid = Decimal(str(row[1])) + Decimal(str(row[2])) - Decimal(str(row[3])) - Decimal(str(row[4]))
        owed[row[0]] = owed.get(row[0], Decimal("0")) + unpaid
    return {loan_id: str(amount) for loan_id, amount in owed.items() if amount > 0}


def _state_facts(state):
    """Start data of an instance's serialized state: the workflow's own data dictionary."""
    try:
        return json.loads(state).get("data") or {}
    except (TypeError, ValueError):
        return {}


def _backfill_cases(conn, now):
    """Link pending repayments and open write-off cases to their instances, and give completed
    tasks the decision their audit event recorded, so cases in flight can still be posted."""
    instances = conn.execute(sa.text(
        "SELECT id, process_key, state, started_by, started_at FROM process_instance "
        "WHERE process_key IN ('repayment_check', 'write_off')")).all()
    for instance_id, key, state, started_by, started_at in instances:
        facts = _state_facts(state)
        if key == "repayment_check" and facts.get("repayment_id"):
            conn.execute(sa.text("UPDATE repayment SET process_instance_id = :i WHERE id = :r"),
                         {"i": instance_id, "r": facts["repayment_id"]})
        elif key == "write_off" and facts.get("loan_id"):
            posted = conn.execute(sa.text("SELECT status FROM loan WHERE id = :l"), {"l": facts["loan_id"]}).scalar()
            conn.execute(sa.text(
                "INSERT INTO write_off_request (loan_id, process_instance_id, reason, evidence, requested_by, "
                "requested_on, status, created_at) VALUES (:l, :i, :r, :e, :b, :on, :s, :now)"),
                {"l": facts["loan_id"], "i": instance_id, "r": str(facts.get("reason", "")),
                 "e": str(facts.get("evidence", "")), "b": started_by, "on": started_at.date()
                 if hasattr(started_at, "date") else str(started_at)[:10],
                 "s": "written_off" if posted == "written_off" else "requested", "now": now})
    events = conn.execute(sa.text("SELECT task_id, actor, after FROM audit_event WHERE action = 'task_completed' "
                                  "AND task_id IS NOT NULL ORDER BY id")).all()
    for task_id, actor, after in events:
        held = {r[0] for r in conn.execute(sa.text(
            "SELECT ur.role_code FROM user_role ur JOIN app_user u ON u.id = ur.user_id WHERE u.username = :u"),
            {"u": actor})}
        roles = sorted(held & {r[0] for r in conn.execute(sa.text(
            "SELECT role FROM human_task_role WHERE task_id = :t"), {"t": task_id})})
        data = after if isinstance(after, str) else json.dumps(after or {}, ensure_ascii=False)
        conn.execute(sa.text("UPDATE human_task SET submitted_data = :d, acted_as = :a WHERE id = :t"),
                     {"d": data, "a": json.dumps(roles), "t": task_id})


def upgrade():
    _add_columns()
    _create_tables()
    conn = op.get_bind()
    # Events chained before: their place in the chain is their insert order.
    conn.execute(sa.text("UPDATE audit_event SET chain_seq = id"))
    conn.execute(sa.text("UPDATE audit_head SET last_seq = (SELECT COALESCE(max(id), 0) FROM audit_event)"))
    now = datetime.now(timezone.utc)
    _backfill_products(conn, now)
    _backfill_loans(conn)
    _backfill_cases(conn, now)
    with op.batch_alter_table('ledger_entry') as batch_op:
        batch_op.alter_column('value_date', existing_type=sa.Date(), nullable=False)


def downgrade():
    op.drop_index(op.f('ix_write_off_request_loan_id'), table_name='write_off_request')
    op.drop_table('write_off_request')
    op.drop_index(op.f('ix_schedule_revision_loan_id'), table_name='schedule_revision')
    op.drop_table('schedule_revision')
    op.drop_index(op.f('ix_product_version_product_code'), table_name='product_version')
    op.drop_table('product_version')
    with op.batch_alter_table('audit_head') as batch_op:
        batch_op.drop_column('last_seq')
    with op.batch_alter_table('audit_event') as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_event_chain_seq'), type_='unique')
        batch_op.drop_column('chain_seq')
    with op.batch_alter_table('human_task') as batch_op:
        batch_op.drop_column('acted_as')
        batch_op.drop_column('submitted_data')
    with op.batch_alter_table('classification_change') as batch_op:
        batch_op.drop_column('source')
    with op.batch_alter_table('repayment') as batch_op:
        batch_op.drop_index(batch_op.f('ix_repayment_process_instance_id'))
        batch_op.drop_column('overpayment_reason')
        batch_op.drop_column('prepayment_choice')
        batch_op.drop_column('process_instance_id')
    with op.batch_alter_table('ledger_entry') as batch_op:
        batch_op.drop_column('value_date')
    with op.batch_alter_table('loan') as batch_op:
        for column in ('version', 'overdue_as_of', 'overdue_amount', 'due_day', 'prepayment_rule', 'grace_days',
                       'penalty_rate_multiplier', 'product_version'):
            batch_op.drop_column(column)
    with op.batch_alter_table('loan_application') as batch_op:
        batch_op.drop_column('product_version')
    with op.batch_alter_table('product') as batch_op:
        for column in ('version', 'prepayment_rule', 'grace_days'):
            batch_op.drop_column(column)
