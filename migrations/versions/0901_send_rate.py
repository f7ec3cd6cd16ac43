"""The fleet's sending schedule: one row per metered sender, so every worker keeps to one shared limit.

Revision ID: 0901
Revises: 0801
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = '0901'
down_revision = '0801'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'send_rate',
        sa.Column('name', sa.String(length=32), nullable=False),
        sa.Column('next_slot', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_send_rate')),
    )


def downgrade() -> None:
    op.drop_table('send_rate')
