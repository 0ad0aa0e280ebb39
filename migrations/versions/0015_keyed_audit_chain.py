"""the audit chain keyed with a secret from here on

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_head') as batch_op:
        batch_op.add_column(sa.Column('keyed_from_seq', sa.Integer(), nullable=False, server_default='1'))
    # Events already chained keep their plain SHA-256 links; the next ones are keyed.
    op.execute("UPDATE audit_head SET keyed_from_seq = last_seq + 1")


def downgrade():
    with op.batch_alter_table('audit_head') as batch_op:
        batch_op.drop_column('keyed_from_seq')
