"""due-date reminders, collection contacts, job locks

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('customer_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=32), nullable=False, server_default='overdue_notice'))
        batch_op.add_column(sa.Column('reference', sa.String(length=128), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_customer_message_reference'), ['reference'])

    op.create_table('collection_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('promise_date', sa.Date(), nullable=True),
    sa.Column('promise_amount', sa.Numeric(precision=18, scale=2, asdecimal=True), nullable=True),
    sa.Column('contacted_on', sa.Date(), nullable=False),
    sa.Column('contacted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_collection_contact_customer_id_customer')),
    sa.ForeignKeyConstraint(['loan_id'], ['loan.id'], name=op.f('fk_collection_contact_loan_id_loan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_collection_contact'))
    )
    with op.batch_alter_table('collection_contact', schema=None) as batch_op:
        batch_op.create_index('ix_collection_contact_customer_day', ['customer_id', 'contacted_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_collection_contact_instance_id'), ['instance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_collection_contact_loan_id'), ['loan_id'], unique=False)

    op.create_table('job_lock',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('holder', sa.String(length=128), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_job_lock'))
    )


def downgrade():
    op.drop_table('job_lock')
    with op.batch_alter_table('collection_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_collection_contact_loan_id'))
        batch_op.drop_index(batch_op.f('ix_collection_contact_instance_id'))
        batch_op.drop_index('ix_collection_contact_customer_day')
    op.drop_table('collection_contact')
    with op.batch_alter_table('customer_message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_customer_message_reference'), type_='unique')
        batch_op.drop_column('reference')
        batch_op.drop_column('kind')
