"""application number sequence

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 00:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('number_sequence',
    sa.Column('prefix', sa.String(length=32), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', name=op.f('pk_number_sequence'))
    )
    # Numbers given out before the sequence existed: DK<yyyymmdd><nnnn>.
    op.execute("INSERT INTO number_sequence (prefix, last) "
               "SELECT substr(number, 1, 10), max(CAST(substr(number, 11) AS INTEGER)) "
               "FROM loan_application WHERE number LIKE 'DK%' GROUP BY substr(number, 1, 10)")


def downgrade():
    op.drop_table('number_sequence')
