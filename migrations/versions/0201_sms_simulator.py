"""SMS simulator: the messages the built-in simulator sent and received.

Revision ID: 0201
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0201'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sms_simulator_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('phone_e164', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('provider_ref', sa.String(length=34), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("direction IN ('in', 'out')", name=op.f('ck_sms_simulator_messages_direction')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_simulator_messages')),
    sa.UniqueConstraint('provider_ref', name=op.f('uq_sms_simulator_messages_provider_ref'))
    )
    with op.batch_alter_table('sms_simulator_messages', schema=None) as batch_op:
        batch_op.create_index('ix_sms_simulator_messages_phone_created', ['phone_e164', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sms_simulator_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_sms_simulator_messages_phone_created')

    op.drop_table('sms_simulator_messages')
