"""Enrolment summaries for a fast value report: first and last LIS, invitations sent and completed, latest
days at home, and the latest moment those depend on, one row per enrolment; with the enrolment's community,
outcome-set version and period, the person's LSOA, the enrolment's cost (from `enrolment_costs`) and the
person's look-back cost (from `patient_lookback_costs`), so the report is one scan of this table.

Filled here from the rows already stored, because the report reads the table from now on (the same
figures `prom_service.services.enrolment_summaries` computes; the nightly job rebuilds them anyway).

Revision ID: 1001
Revises: 0901
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = '1001'
down_revision = '0901'
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

SENT = "'sent', 'reminded', 'partial', 'completed', 'expired'"


def upgrade() -> None:
    op.create_table('enrolment_summaries',
    sa.Column('enrolment_id', BigId, nullable=False),
    sa.Column('patient_id', BigId, nullable=False),
    sa.Column('baseline_lis', sa.Double(), nullable=True),
    sa.Column('latest_lis', sa.Double(), nullable=True),
    sa.Column('invitations_sent', sa.Integer(), nullable=False),
    sa.Column('invitations_completed', sa.Integer(), nullable=False),
    sa.Column('days_at_home', sa.Double(), nullable=True),
    sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('community_id', BigId, nullable=False),
    sa.Column('outcome_set_version_id', BigId, nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lsoa', sa.String(length=16), nullable=True),
    sa.Column('cost', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('cost_through', sa.Date(), nullable=True),
    sa.Column('lookback_spend', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_enrolment_summaries_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_enrolment_summaries_patient_id_patients')),
    sa.PrimaryKeyConstraint('enrolment_id', name=op.f('pk_enrolment_summaries'))
    )
    op.create_index(op.f('ix_enrolment_summaries_patient_id'), 'enrolment_summaries', ['patient_id'], unique=False)
    op.create_index(op.f('ix_enrolment_summaries_last_activity_at'), 'enrolment_summaries', ['last_activity_at'],
                    unique=False)
    latest = "greatest(l.last_at, i.last_at, h.last_at)"
    if op.get_bind().dialect.name == 'sqlite':
        latest = ("max(coalesce(l.last_at, i.last_at, h.last_at), coalesce(i.last_at, h.last_at, l.last_at), "
                  "coalesce(h.last_at, l.last_at, i.last_at))")
    op.execute(f"""
        INSERT INTO enrolment_summaries (enrolment_id, patient_id, baseline_lis, latest_lis, invitations_sent,
                                         invitations_completed, days_at_home, last_activity_at, community_id,
                                         outcome_set_version_id, enrolled_at, left_at, lsoa, cost, cost_through,
                                         lookback_spend)
        SELECT e.id, e.patient_id, l.baseline, l.latest, coalesce(i.sent, 0), coalesce(i.completed, 0), h.value,
               {latest}, e.community_id, e.outcome_set_version_id, e.enrolled_at, e.left_at, p.lsoa,
               coalesce(c.cost, 0), c.last_start_date, b.spend
        FROM enrolments e
        JOIN patients p ON p.id = e.patient_id
        LEFT JOIN enrolment_costs c ON c.enrolment_id = e.id
        LEFT JOIN patient_lookback_costs b ON b.patient_id = e.patient_id
        LEFT JOIN (
            SELECT enrolment_id, max(CASE WHEN position = 1 THEN value END) AS baseline,
                   max(CASE WHEN position = scored AND scored > 1 THEN value END) AS latest,
                   max(observed_at) AS last_at
            FROM (SELECT enrolment_id, value, observed_at,
                         row_number() OVER (PARTITION BY enrolment_id ORDER BY observed_at, id) AS position,
                         count(*) OVER (PARTITION BY enrolment_id) AS scored
                  FROM life_improver_scores WHERE value IS NOT NULL) AS ranked
            GROUP BY enrolment_id) AS l ON l.enrolment_id = e.id
        LEFT JOIN (
            SELECT enrolment_id, sum(CASE WHEN status IN ({SENT}) THEN 1 ELSE 0 END) AS sent,
                   sum(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed,
                   max(CASE WHEN status IN ({SENT}) THEN due_at END) AS last_at
            FROM invitations GROUP BY enrolment_id) AS i ON i.enrolment_id = e.id
        LEFT JOIN (
            SELECT patient_id, value, observed_at AS last_at
            FROM (SELECT patient_id, value, observed_at,
                         row_number() OVER (PARTITION BY patient_id ORDER BY observed_at DESC, id DESC) AS position
                  FROM scores WHERE instrument = 'days_at_home' AND value IS NOT NULL) AS ranked
            WHERE position = 1) AS h ON h.patient_id = e.patient_id
    """)


def downgrade() -> None:
    op.drop_index(op.f('ix_enrolment_summaries_last_activity_at'), table_name='enrolment_summaries')
    op.drop_index(op.f('ix_enrolment_summaries_patient_id'), table_name='enrolment_summaries')
    op.drop_table('enrolment_summaries')
