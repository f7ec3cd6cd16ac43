"""Cost summaries for a fast value report: cost per enrolment, look-back cost per person, and their day.

`enrolment_costs` is filled here from the cost events already stored, because the report reads it
from now on; `patient_lookback_costs` waits for the scheduler's first daily build (until then the
report ranks segments from the cost events, as before).

Revision ID: 0801
Revises: 0701
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = '0801'
down_revision = '0701'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('enrolment_costs',
    sa.Column('enrolment_id', BigId, nullable=False),
    sa.Column('patient_id', BigId, nullable=False),
    sa.Column('cost', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('last_start_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_enrolment_costs_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_enrolment_costs_patient_id_patients')),
    sa.PrimaryKeyConstraint('enrolment_id', name=op.f('pk_enrolment_costs'))
    )
    op.create_index(op.f('ix_enrolment_costs_patient_id'), 'enrolment_costs', ['patient_id'], unique=False)
    op.create_table('patient_lookback_costs',
    sa.Column('patient_id', BigId, nullable=False),
    sa.Column('spend', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_patient_lookback_costs_patient_id_patients')),
    sa.PrimaryKeyConstraint('patient_id', name=op.f('pk_patient_lookback_costs'))
    )
    op.create_index(op.f('ix_patient_lookback_costs_spend'), 'patient_lookback_costs', ['spend'], unique=False)
    op.create_table('cost_summary_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('lookback_months', sa.Integer(), nullable=False),
    sa.Column('rebuilt_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cost_summary_days'))
    )
    op.execute(
        "INSERT INTO enrolment_costs (enrolment_id, patient_id, cost, last_start_date) "
        "SELECT e.id, e.patient_id, sum(c.cost), max(c.start_date) FROM enrolments e "
        "JOIN cost_events c ON c.patient_id = e.patient_id AND c.start_date >= date(e.enrolled_at) "
        "AND (e.left_at IS NULL OR c.start_date <= date(e.left_at)) "
        "GROUP BY e.id, e.patient_id"
    )


def downgrade() -> None:
    op.drop_table('cost_summary_days')
    op.drop_index(op.f('ix_patient_lookback_costs_spend'), table_name='patient_lookback_costs')
    op.drop_table('patient_lookback_costs')
    op.drop_index(op.f('ix_enrolment_costs_patient_id'), table_name='enrolment_costs')
    op.drop_table('enrolment_costs')
