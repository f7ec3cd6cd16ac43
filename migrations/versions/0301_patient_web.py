"""Patient web questionnaire: identity-check attempts on links, and licensed instrument wording.

Revision ID: 0301
Revises: 0401
Create Date: 2026-11-23 12:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0301'
# Chained after the cost-tracking revision so the history stays one straight line.
down_revision = '0401'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('instrument_wordings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('instrument', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('item_id', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('option_labels', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_instrument_wordings')),
    sa.UniqueConstraint('instrument', 'language', 'item_id', name=op.f('uq_instrument_wordings_instrument_language_item_id'))
    )
    op.create_table('link_attempts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('invitation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_link_attempts_invitation_id_invitations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_attempts'))
    )
    with op.batch_alter_table('link_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_link_attempts_invitation_at', ['invitation_id', 'at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('link_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_link_attempts_invitation_at')

    op.drop_table('link_attempts')
    op.drop_table('instrument_wordings')
