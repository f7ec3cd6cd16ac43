"""Widen audit_events.action to 200 characters: route-named workspace actions overflowed 64 on PostgreSQL.

Revision ID: 0701
Revises: 0501
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = '0701'
down_revision = '0501'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_events') as batch_op:
        batch_op.alter_column('action', existing_type=sa.String(length=64), type_=sa.String(length=200),
                              existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('audit_events') as batch_op:
        batch_op.alter_column('action', existing_type=sa.String(length=200), type_=sa.String(length=64),
                              existing_nullable=False)
