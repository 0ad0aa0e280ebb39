"""indexes the task list reads by: who holds an open task, which roles may claim it, its order

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 09:00:00

"""
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_human_task_status_assignee', 'human_task', ['status', 'assignee'], unique=False)
    op.create_index('ix_human_task_status_created', 'human_task', ['status', 'created_at', 'id'], unique=False)
    op.create_index('ix_human_task_role_role_task', 'human_task_role', ['role', 'task_id'], unique=False)


def downgrade():
    op.drop_index('ix_human_task_role_role_task', table_name='human_task_role')
    op.drop_index('ix_human_task_status_created', table_name='human_task')
    op.drop_index('ix_human_task_status_assignee', table_name='human_task')
