"""the role queues in the task list's orders: a task's creation and due times beside its roles

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 05:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

task = sa.table('human_task', sa.column('id', sa.Integer), sa.column('created_at', sa.DateTime(timezone=True)),
                sa.column('due_at', sa.DateTime(timezone=True)))
task_role = sa.table('human_task_role', sa.column('task_id', sa.Integer),
                     sa.column('created_at', sa.DateTime(timezone=True)), sa.column('due_at', sa.DateTime(timezone=True)))


def upgrade():
    with op.batch_alter_table('human_task_role', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
    of_task = task.c.id == task_role.c.task_id
    op.get_bind().execute(task_role.update().values(created_at=sa.select(task.c.created_at).where(of_task).scalar_subquery(),
                                                    due_at=sa.select(task.c.due_at).where(of_task).scalar_subquery()))
    with op.batch_alter_table('human_task_role', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_role_queue')
        batch_op.create_index('ix_human_task_role_queue', ['role', 'claimable', 'created_at', 'task_id'], unique=False)
        batch_op.create_index('ix_human_task_role_queue_due', ['role', 'claimable', 'due_at', 'task_id'], unique=False)


def downgrade():
    with op.batch_alter_table('human_task_role', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_role_queue_due')
        batch_op.drop_index('ix_human_task_role_queue')
        batch_op.create_index('ix_human_task_role_queue', ['role', 'claimable', 'task_id'], unique=False)
        batch_op.drop_column('due_at')
        batch_op.drop_column('created_at')
