"""Scores by (id, created_at): an export with `_since` tests the instant in the index, not in the heap.

Ids do not follow `created_at` (a bulk load allocates them by blocks of people; in production the first
batch after `_since` passes every older row), so a batch read through `pk_scores` fetched about eight
heap rows for each one it kept. With `created_at` in the index the ids of a batch come from an
index-only scan, and only the rows kept are fetched.

Revision ID: 1002
Revises: 1001
"""
from __future__ import annotations

from alembic import op

revision = '1002'
down_revision = '1001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_scores_id_created_at', 'scores', ['id', 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_scores_id_created_at', table_name='scores')
