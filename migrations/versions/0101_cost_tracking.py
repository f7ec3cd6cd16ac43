"""Cost tracking and value: the IMD decile lookup of each LSOA.

Revision ID: 0101
Revises: 0201
Create Date: 2026-11-23 11:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0101'
# Chained after the SMS simulator revision so the history stays one straight line.
down_revision = '0201'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deprivation_deciles',
    sa.Column('lsoa', sa.String(length=16), nullable=False),
    sa.Column('decile', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('decile BETWEEN 1 AND 10', name=op.f('ck_deprivation_deciles_decile_range')),
    sa.PrimaryKeyConstraint('lsoa', name=op.f('pk_deprivation_deciles'))
    )


def downgrade() -> None:
    op.drop_table('deprivation_deciles')
