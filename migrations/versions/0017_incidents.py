"""incidents: a scheduled step that failed for one instance, held back until retried or cancelled

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 12:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('incident',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('kind', sa.String(length=32), nullable=False),
                    sa.Column('instance_id', sa.Integer(), nullable=True),
                    sa.Column('process_key', sa.String(length=128), nullable=True),
                    sa.Column('business_key', sa.String(length=64), nullable=True),
                    sa.Column('element_id', sa.String(length=128), nullable=False),
                    sa.Column('error', sa.Text(), nullable=False),
                    sa.Column('status', sa.String(length=16), nullable=False),
                    sa.Column('attempts', sa.Integer(), nullable=False),
                    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('logged_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('resolved_by', sa.String(length=64), nullable=True),
                    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('lock_version', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'],
                                            name=op.f('fk_incident_instance_id_process_instance')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_incident')))
    op.create_index(op.f('ix_incident_instance_id'), 'incident', ['instance_id'], unique=False)
    op.create_index(op.f('ix_incident_business_key'), 'incident', ['business_key'], unique=False)
    op.create_index(op.f('ix_incident_status'), 'incident', ['status'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_incident_status'), table_name='incident')
    op.drop_index(op.f('ix_incident_business_key'), table_name='incident')
    op.drop_index(op.f('ix_incident_instance_id'), table_name='incident')
    op.drop_table('incident')
