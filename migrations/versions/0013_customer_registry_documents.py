"""the customer registry (contact, employer or industry, financials that may be unknown, bank
accounts), the scoring answer kept on an application, documents of a case

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 08:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=18, scale=2)


def upgrade():
    with op.batch_alter_table('customer') as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('employer', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('industry', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('annual_revenue', MONEY, nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column('monthly_income', existing_type=MONEY, nullable=True)
        batch_op.alter_column('monthly_debt_payment', existing_type=MONEY, nullable=True)
    # An enterprise's figure was kept as monthly income: it is a twelfth of its annual revenue.
    op.execute("UPDATE customer SET annual_revenue = monthly_income * 12, monthly_income = NULL "
               "WHERE customer_type = 'enterprise'")
    op.create_table('customer_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('bank_name', sa.String(length=128), nullable=False),
    sa.Column('account_number', sa.String(length=32), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_customer_account_customer_id_customer'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_account'))
    )
    op.create_index(op.f('ix_customer_account_customer_id'), 'customer_account', ['customer_id'], unique=False)
    with op.batch_alter_table('loan_application') as batch_op:
        batch_op.add_column(sa.Column('scoring_result', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('risk_level', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('scoring_reason', sa.String(length=255), nullable=True))
    op.create_table('document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_key', sa.String(length=64), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=96), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    op.create_index(op.f('ix_document_business_key'), 'document', ['business_key'], unique=False)
    op.create_index(op.f('ix_document_task_id'), 'document', ['task_id'], unique=False)
    op.create_index(op.f('ix_document_sha256'), 'document', ['sha256'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_document_sha256'), table_name='document')
    op.drop_index(op.f('ix_document_task_id'), table_name='document')
    op.drop_index(op.f('ix_document_business_key'), table_name='document')
    op.drop_table('document')
    with op.batch_alter_table('loan_application') as batch_op:
        for column in ('scoring_reason', 'risk_level', 'scoring_result'):
            batch_op.drop_column(column)
    op.drop_index(op.f('ix_customer_account_customer_id'), table_name='customer_account')
    op.drop_table('customer_account')
    op.execute("UPDATE customer SET monthly_income = annual_revenue / 12 WHERE customer_type = 'enterprise'")
    op.execute("UPDATE customer SET monthly_income = 0 WHERE monthly_income IS NULL")
    op.execute("UPDATE customer SET monthly_debt_payment = 0 WHERE monthly_debt_payment IS NULL")
    with op.batch_alter_table('customer') as batch_op:
        batch_op.alter_column('monthly_debt_payment', existing_type=MONEY, nullable=False)
        batch_op.alter_column('monthly_income', existing_type=MONEY, nullable=False)
        for column in ('updated_at', 'annual_revenue', 'industry', 'employer', 'address'):
            batch_op.drop_column(column)
