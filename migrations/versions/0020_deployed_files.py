"""one store of truth for what is deployed: every deployed file as a version, and the form versions
each process version was deployed with

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 12:00:00

The files of the process versions already stored become the first versions of those files (in the
order they were deployed), so a node starting with an old folder finds its files already held.
"""
import hashlib
import json

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

definition = sa.table('process_definition', sa.column('id', sa.Integer), sa.column('files', sa.JSON),
                      sa.column('deployed_by', sa.String), sa.column('deployed_at', sa.DateTime(timezone=True)))


def _kind(name):
    return "scenarios" if name.endswith(".scenarios.json") else "dmn" if name.endswith(".dmn") else \
        "bpmn" if name.endswith(".bpmn") else "form"


def upgrade():
    deployed_file = op.create_table(
        'deployed_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('deployed_by', sa.String(length=64), nullable=True),
        sa.Column('deployed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('name', 'version', name='uq_deployed_file_name_version'),
    )
    op.create_index('ix_deployed_file_name_hash', 'deployed_file', ['name', 'content_hash'])
    with op.batch_alter_table('process_definition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('form_versions', sa.JSON(), nullable=True))
    rows, versions, held = [], {}, set()
    for row in op.get_bind().execute(sa.select(definition).order_by(definition.c.id)):
        files = row.files if isinstance(row.files, dict) else json.loads(row.files)
        for name, text in sorted(files.items()):
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if (name, digest) in held:
                continue
            held.add((name, digest))
            version = versions[name] = versions.get(name, 0) + 1
            rows.append({"name": name, "kind": _kind(name), "content": text, "content_hash": digest,
                         "version": version, "deployed_by": row.deployed_by, "deployed_at": row.deployed_at})
    if rows:
        op.bulk_insert(deployed_file, rows)


def downgrade():
    with op.batch_alter_table('process_definition', schema=None) as batch_op:
        batch_op.drop_column('form_versions')
    op.drop_index('ix_deployed_file_name_hash', table_name='deployed_file')
    op.drop_table('deployed_file')
