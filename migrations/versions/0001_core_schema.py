"""Core schema: patients, communities and outcome-set versions, enrolments, invitations, responses,
scores, alerts, care teams, audit, cost events, API clients and the outbox.

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 09:24:20.367570
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_type', sa.String(length=16), nullable=False),
    sa.Column('actor_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('patient_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('target', sa.String(length=200), nullable=True),
    sa.Column('remote_addr', sa.String(length=64), nullable=True),
    sa.Column('request_id', sa.String(length=64), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_patient_at', ['patient_id', 'at'], unique=False)

    op.create_table('communities',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_communities')),
    sa.UniqueConstraint('code', name=op.f('uq_communities_code'))
    )
    op.create_table('teams',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('code', name=op.f('uq_teams_code'))
    )
    op.create_table('users',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('api_clients',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('key_prefix', sa.String(length=16), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('team_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_api_clients_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_clients')),
    sa.UniqueConstraint('key_prefix', name=op.f('uq_api_clients_key_prefix'))
    )
    op.create_table('outcome_set_versions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('community_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('definition', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_outcome_set_versions_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_set_versions')),
    sa.UniqueConstraint('community_id', 'version', name=op.f('uq_outcome_set_versions_community_id_version'))
    )
    with op.batch_alter_table('outcome_set_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outcome_set_versions_community_id'), ['community_id'], unique=False)

    op.create_table('patients',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('nhs_number', sa.String(length=10), nullable=True),
    sa.Column('display_name', sa.String(length=200), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('phone_e164', sa.String(length=20), nullable=True),
    sa.Column('phone_is_mobile', sa.Boolean(), nullable=False),
    sa.Column('preferred_channel', sa.String(length=16), nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('lsoa', sa.String(length=16), nullable=True),
    sa.Column('registered_team_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('date_of_death', sa.Date(), nullable=True),
    sa.Column('sms_opted_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sms_opt_out_source', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['registered_team_id'], ['teams.id'], name=op.f('fk_patients_registered_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patients')),
    sa.UniqueConstraint('source', 'external_id', name=op.f('uq_patients_source_external_id'))
    )
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patients_nhs_number'), ['nhs_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_patients_phone_e164'), ['phone_e164'], unique=False)
        batch_op.create_index(batch_op.f('ix_patients_registered_team_id'), ['registered_team_id'], unique=False)

    op.create_table('team_memberships',
    sa.Column('team_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_memberships_team_id_teams')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_team_memberships_user_id_users')),
    sa.PrimaryKeyConstraint('team_id', 'user_id', name=op.f('pk_team_memberships'))
    )
    op.create_table('cost_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('patient_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('activity', sa.String(length=48), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('unit_cost', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('actual_cost', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('cost', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('tariff', sa.String(length=32), nullable=True),
    sa.Column('provider', sa.String(length=200), nullable=True),
    sa.Column('source_system', sa.String(length=64), nullable=False),
    sa.Column('source_id', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_cost_events_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cost_events')),
    sa.UniqueConstraint('source_system', 'source_id', name=op.f('uq_cost_events_source_system_source_id'))
    )
    with op.batch_alter_table('cost_events', schema=None) as batch_op:
        batch_op.create_index('ix_cost_events_patient_start', ['patient_id', 'start_date'], unique=False)

    op.create_table('enrolments',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('patient_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('community_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('outcome_set_version_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('left_reason', sa.String(length=64), nullable=True),
    sa.Column('consent_method', sa.String(length=32), nullable=False),
    sa.Column('consent_recorded_by', sa.String(length=200), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_enrolments_community_id_communities')),
    sa.ForeignKeyConstraint(['outcome_set_version_id'], ['outcome_set_versions.id'], name=op.f('fk_enrolments_outcome_set_version_id_outcome_set_versions')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_enrolments_patient_id_patients')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_enrolments_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrolments'))
    )
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enrolments_community_id'), ['community_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enrolments_team_id'), ['team_id'], unique=False)
        batch_op.create_index('uq_enrolments_active_per_community', ['patient_id', 'community_id'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))

    op.create_table('invitations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('enrolment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('patient_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('outcome_set_version_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('schedule_key', sa.String(length=128), nullable=False),
    sa.Column('instruments', sa.JSON(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_reason', sa.String(length=64), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reminders_sent', sa.Integer(), nullable=False),
    sa.Column('next_reminder_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_invitations_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['outcome_set_version_id'], ['outcome_set_versions.id'], name=op.f('fk_invitations_outcome_set_version_id_outcome_set_versions')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_invitations_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitations')),
    sa.UniqueConstraint('enrolment_id', 'schedule_key', name=op.f('uq_invitations_enrolment_id_schedule_key')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_invitations_token_hash'))
    )
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitations_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index('ix_invitations_status_due_at', ['status', 'due_at'], unique=False)

    op.create_table('personal_goals',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('enrolment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('baseline_level', sa.Integer(), nullable=False),
    sa.Column('importance', sa.Integer(), nullable=False),
    sa.Column('difficulty', sa.Integer(), nullable=False),
    sa.Column('set_by', sa.String(length=200), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_personal_goals_enrolment_id_enrolments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_goals'))
    )
    with op.batch_alter_table('personal_goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_goals_enrolment_id'), ['enrolment_id'], unique=False)

    op.create_table('personal_weights',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('enrolment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('agreed_by', sa.String(length=200), nullable=False),
    sa.Column('agreed_with', sa.String(length=200), nullable=False),
    sa.Column('agreed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_personal_weights_enrolment_id_enrolments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_weights'))
    )
    with op.batch_alter_table('personal_weights', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_personal_weights_enrolment_id'), ['enrolment_id'], unique=False)

    op.create_table('goal_ratings',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('goal_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('attainment', sa.Integer(), nullable=False),
    sa.Column('rated_by', sa.String(length=200), nullable=False),
    sa.Column('rated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['goal_id'], ['personal_goals.id'], name=op.f('fk_goal_ratings_goal_id_personal_goals')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_ratings'))
    )
    with op.batch_alter_table('goal_ratings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_ratings_goal_id'), ['goal_id'], unique=False)

    op.create_table('invitation_events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('invitation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_invitation_events_invitation_id_invitations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation_events'))
    )
    with op.batch_alter_table('invitation_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_events_invitation_id'), ['invitation_id'], unique=False)

    op.create_table('life_improver_scores',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('patient_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('enrolment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('outcome_set_version_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('invitation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('coverage', sa.Double(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('inputs', sa.JSON(), nullable=False),
    sa.Column('observed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_life_improver_scores_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_life_improver_scores_invitation_id_invitations')),
    sa.ForeignKeyConstraint(['outcome_set_version_id'], ['outcome_set_versions.id'], name=op.f('fk_life_improver_scores_outcome_set_version_id_outcome_set_versions')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_life_improver_scores_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_life_improver_scores'))
    )
    with op.batch_alter_table('life_improver_scores', schema=None) as batch_op:
        batch_op.create_index('ix_life_improver_scores_enrolment_observed', ['enrolment_id', 'observed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_life_improver_scores_patient_id'), ['patient_id'], unique=False)

    op.create_table('outbox_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=False),
    sa.Column('invitation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('patient_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('provider_ref', sa.String(length=64), nullable=True),
    sa.Column('provider_status', sa.String(length=32), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_outbox_messages_invitation_id_invitations')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_outbox_messages_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_outbox_messages_idempotency_key'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_messages_provider_ref'), ['provider_ref'], unique=False)
        batch_op.create_index('ix_outbox_messages_state_due', ['state', 'due_at'], unique=False)

    op.create_table('responses',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('invitation_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('patient_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('instrument', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitations.id'], name=op.f('fk_responses_invitation_id_invitations')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_responses_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_responses')),
    sa.UniqueConstraint('invitation_id', 'instrument', name=op.f('uq_responses_invitation_id_instrument'))
    )
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_responses_patient_id'), ['patient_id'], unique=False)

    op.create_table('answers',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('response_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('item_id', sa.String(length=32), nullable=False),
    sa.Column('value', sa.Integer(), nullable=True),
    sa.Column('raw_text', sa.String(length=160), nullable=True),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_answers_response_id_responses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answers')),
    sa.UniqueConstraint('response_id', 'item_id', name=op.f('uq_answers_response_id_item_id'))
    )
    op.create_table('scores',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('patient_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('enrolment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('response_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('instrument', sa.String(length=32), nullable=False),
    sa.Column('scale', sa.String(length=48), nullable=False),
    sa.Column('value', sa.Double(), nullable=True),
    sa.Column('value_text', sa.String(length=32), nullable=True),
    sa.Column('band', sa.String(length=48), nullable=True),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('definition_version', sa.String(length=64), nullable=False),
    sa.Column('provenance', sa.JSON(), nullable=False),
    sa.Column('observed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_scores_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_scores_patient_id_patients')),
    sa.ForeignKeyConstraint(['response_id'], ['responses.id'], name=op.f('fk_scores_response_id_responses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scores'))
    )
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scores_enrolment_id'), ['enrolment_id'], unique=False)
        batch_op.create_index('ix_scores_patient_observed', ['patient_id', 'observed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_scores_response_id'), ['response_id'], unique=False)

    op.create_table('alerts',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('patient_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('enrolment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('score_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('rule', sa.String(length=64), nullable=False),
    sa.Column('severity', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('assigned_to', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_to'], ['users.id'], name=op.f('fk_alerts_assigned_to_users')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['enrolments.id'], name=op.f('fk_alerts_enrolment_id_enrolments')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_alerts_patient_id_patients')),
    sa.ForeignKeyConstraint(['score_id'], ['scores.id'], name=op.f('fk_alerts_score_id_scores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts'))
    )
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.create_index('ix_alerts_status_severity', ['status', 'severity'], unique=False)
        batch_op.create_index('uq_alerts_open_per_rule', ['patient_id', 'rule'], unique=True, sqlite_where=sa.text("status != 'resolved'"), postgresql_where=sa.text("status != 'resolved'"))



def downgrade() -> None:
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('uq_alerts_open_per_rule', sqlite_where=sa.text("status != 'resolved'"), postgresql_where=sa.text("status != 'resolved'"))
        batch_op.drop_index('ix_alerts_status_severity')

    op.drop_table('alerts')
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scores_response_id'))
        batch_op.drop_index('ix_scores_patient_observed')
        batch_op.drop_index(batch_op.f('ix_scores_enrolment_id'))

    op.drop_table('scores')
    op.drop_table('answers')
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_responses_patient_id'))

    op.drop_table('responses')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_state_due')
        batch_op.drop_index(batch_op.f('ix_outbox_messages_provider_ref'))
        batch_op.drop_index(batch_op.f('ix_outbox_messages_invitation_id'))

    op.drop_table('outbox_messages')
    with op.batch_alter_table('life_improver_scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_life_improver_scores_patient_id'))
        batch_op.drop_index('ix_life_improver_scores_enrolment_observed')

    op.drop_table('life_improver_scores')
    with op.batch_alter_table('invitation_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_events_invitation_id'))

    op.drop_table('invitation_events')
    with op.batch_alter_table('goal_ratings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_ratings_goal_id'))

    op.drop_table('goal_ratings')
    with op.batch_alter_table('personal_weights', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_weights_enrolment_id'))

    op.drop_table('personal_weights')
    with op.batch_alter_table('personal_goals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_goals_enrolment_id'))

    op.drop_table('personal_goals')
    with op.batch_alter_table('invitations', schema=None) as batch_op:
        batch_op.drop_index('ix_invitations_status_due_at')
        batch_op.drop_index(batch_op.f('ix_invitations_patient_id'))

    op.drop_table('invitations')
    with op.batch_alter_table('enrolments', schema=None) as batch_op:
        batch_op.drop_index('uq_enrolments_active_per_community', sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))
        batch_op.drop_index(batch_op.f('ix_enrolments_team_id'))
        batch_op.drop_index(batch_op.f('ix_enrolments_patient_id'))
        batch_op.drop_index(batch_op.f('ix_enrolments_community_id'))

    op.drop_table('enrolments')
    with op.batch_alter_table('cost_events', schema=None) as batch_op:
        batch_op.drop_index('ix_cost_events_patient_start')

    op.drop_table('cost_events')
    op.drop_table('team_memberships')
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patients_registered_team_id'))
        batch_op.drop_index(batch_op.f('ix_patients_phone_e164'))
        batch_op.drop_index(batch_op.f('ix_patients_nhs_number'))

    op.drop_table('patients')
    with op.batch_alter_table('outcome_set_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outcome_set_versions_community_id'))

    op.drop_table('outcome_set_versions')
    op.drop_table('api_clients')
    op.drop_table('users')
    op.drop_table('teams')
    op.drop_table('communities')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_patient_at')

    op.drop_table('audit_events')
