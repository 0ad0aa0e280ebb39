"""failed log-ins, counted by every worker and node alike

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_failure',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('address', sa.String(length=64), nullable=False),
                    sa.Column('username', sa.String(length=64), nullable=False),
                    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure')))
    op.create_index('ix_login_failure_address_username', 'login_failure', ['address', 'username', 'failed_at'],
                    unique=False)
    op.create_index('ix_login_failure_failed_at', 'login_failure', ['failed_at'], unique=False)


def downgrade():
    op.drop_index('ix_login_failure_failed_at', table_name='login_failure')
    op.drop_index('ix_login_failure_address_username', table_name='login_failure')
    op.drop_table('login_failure')
