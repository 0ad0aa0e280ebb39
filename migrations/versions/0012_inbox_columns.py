"""the task list's declared columns, and the values a form opens with

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 07:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('human_task_column',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('text_value', sa.String(length=255), nullable=True),
    sa.Column('number_value', sa.Numeric(precision=20, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['task_id'], ['human_task.id'], name=op.f('fk_human_task_column_task_id_human_task'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'name', name=op.f('pk_human_task_column'))
    )
    op.create_index('ix_human_task_column_text', 'human_task_column', ['name', 'text_value'], unique=False)
    op.create_index('ix_human_task_column_number', 'human_task_column', ['name', 'number_value'], unique=False)
    with op.batch_alter_table('human_task') as batch_op:
        batch_op.add_column(sa.Column('form_values', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('human_task') as batch_op:
        batch_op.drop_column('form_values')
    op.drop_index('ix_human_task_column_number', table_name='human_task_column')
    op.drop_index('ix_human_task_column_text', table_name='human_task_column')
    op.drop_table('human_task_column')
