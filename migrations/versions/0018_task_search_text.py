"""the inbox at scale: a case-folded search text per task, the queue flag of a task's roles, the due-time order

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 18:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None
BATCH = 5000

task = sa.table('human_task', sa.column('id', sa.Integer), sa.column('business_key', sa.String),
                sa.column('status', sa.String), sa.column('assignee', sa.String), sa.column('search_text', sa.Text))
task_role = sa.table('human_task_role', sa.column('task_id', sa.Integer), sa.column('claimable', sa.Boolean))
task_column = sa.table('human_task_column', sa.column('task_id', sa.Integer), sa.column('name', sa.String),
                       sa.column('text_value', sa.String))


def search_text(business_key, texts):
    """As app/inbox/sync.py makes it for new tasks."""
    return "\n".join(t for t in (business_key, *texts) if t).casefold()


def _fill_search_text(conn):
    last = 0
    while True:
        keys = dict(conn.execute(sa.select(task.c.id, task.c.business_key).where(task.c.id > last)
                                 .order_by(task.c.id).limit(BATCH)).all())
        if not keys:
            return
        texts = {task_id: [] for task_id in keys}
        for task_id, text in conn.execute(sa.select(task_column.c.task_id, task_column.c.text_value)
                                          .where(task_column.c.task_id.in_(keys))
                                          .order_by(task_column.c.task_id, task_column.c.name)):
            texts[task_id].append(text)
        conn.execute(task.update().where(task.c.id == sa.bindparam('task_id')).values(search_text=sa.bindparam('text')),
                     [{'task_id': task_id, 'text': search_text(key, texts[task_id])} for task_id, key in keys.items()])
        last = max(keys)


def upgrade():
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), nullable=True))
        batch_op.create_index('ix_human_task_status_due', ['status', 'due_at', 'id'], unique=False)
    with op.batch_alter_table('human_task_role', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimable', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.drop_index('ix_human_task_role_role_task')
        batch_op.create_index('ix_human_task_role_queue', ['role', 'claimable', 'task_id'], unique=False)
    conn = op.get_bind()
    _fill_search_text(conn)
    conn.execute(task_role.update().values(claimable=sa.select(task.c.id).where(
        task.c.id == task_role.c.task_id, task.c.status == 'open', task.c.assignee.is_(None)).exists()))


def downgrade():
    with op.batch_alter_table('human_task_role', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_role_queue')
        batch_op.create_index('ix_human_task_role_role_task', ['role', 'task_id'], unique=False)
        batch_op.drop_column('claimable')
    with op.batch_alter_table('human_task', schema=None) as batch_op:
        batch_op.drop_index('ix_human_task_status_due')
        batch_op.drop_column('search_text')
