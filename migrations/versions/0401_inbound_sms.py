"""Inbound texts, once each: deduplicated by MessageSid, with what each did (answer, re-ask, STOP …).

Revision ID: 0401
Revises: 0101
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = '0401'
down_revision = '0101'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'inbound_sms',
        sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
        sa.Column('message_sid', sa.String(length=64), nullable=False),
        sa.Column('patient_id', BIG_ID, nullable=True),
        sa.Column('invitation_id', BIG_ID, nullable=True),
        sa.Column('outcome', sa.String(length=32), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_inbound_sms_invitation_id_invitations')),
        sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_inbound_sms_patient_id_patients')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_sms')),
        sa.UniqueConstraint('message_sid', name=op.f('uq_inbound_sms_message_sid')),
    )
    op.create_index('ix_inbound_sms_invitation_received', 'inbound_sms', ['invitation_id', 'received_at'])


def downgrade() -> None:
    op.drop_index('ix_inbound_sms_invitation_received', table_name='inbound_sms')
    op.drop_table('inbound_sms')
