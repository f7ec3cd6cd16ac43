"""The value report benchmark's database: created, migrated and filled once with a deterministic
population (plain ``INSERT … SELECT generate_series``), the summaries then built as the nightly job
builds them, and reused by later runs."""

from __future__ import annotations

import time
from datetime import date

import sqlalchemy as sa
from sqlalchemy.engine import make_url

AS_OF = date(2026, 11, 1)
COMMUNITIES = 5
LSOAS = 3000
EVENTS_PER_PATIENT = 10


def prepare(url: str, size: int) -> dict[str, int]:
    """Create, migrate and fill the database unless it already holds this population."""
    from prom_service.db.migrations import upgrade

    _create_database(url)
    upgrade(url)
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        patients = connection.scalar(sa.text("SELECT count(*) FROM patients"))
    if patients != size:
        if patients:
            raise SystemExit(f"{make_url(url).database} holds {patients} patients, not {size}: drop it or pass "
                             "--database-url")
        _fill(engine, size)
    with engine.begin() as connection:
        counts = {table: connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))
                  for table in ("cost_events", "enrolments")}
    engine.dispose()
    return counts


def _create_database(url: str) -> None:
    target = make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                   {"name": target.database})
        if not exists:
            connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _fill(engine, size: int) -> None:
    """A deterministic population: every figure of the report has something to count."""
    from prom_service.db.unit_of_work import UnitOfWork
    from prom_service.services import cost_summaries

    started = time.perf_counter()
    with engine.begin() as connection:
        for statement in _FILL:
            connection.execute(sa.text(statement), {"n": size, "as_of": AS_OF, "communities": COMMUNITIES,
                                                    "lsoas": LSOAS, "events": EVENTS_PER_PATIENT * size})
    with engine.begin() as connection:
        connection.execute(sa.text("ANALYZE"))
    cost_summaries.rebuild(UnitOfWork(sa.orm.sessionmaker(engine)), AS_OF)  # and the enrolment summaries
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM ANALYZE"))
    print(f"filled: {time.perf_counter() - started:.1f} s")


_FILL = [
    """INSERT INTO communities (id, code, name, description, created_at)
       SELECT c, 'bench_' || c, 'Benchmark community ' || c, '', now() FROM generate_series(1, :communities) c""",
    """INSERT INTO outcome_set_versions (id, community_id, version, fingerprint, definition, published_at, created_at)
       SELECT c, c, 1, md5(c::text), json_build_object('life_improver_score', json_build_object('mid', 4 + c)),
              now(), now() FROM generate_series(1, :communities) c""",
    """INSERT INTO deprivation_deciles (lsoa, decile, source, loaded_at)
       SELECT 'E01' || lpad(k::text, 6, '0'), 1 + k % 10, 'benchmark', now() FROM generate_series(1, :lsoas) k""",
    # One in ten people lives in an area without a decile, one in fifty has no area recorded.
    """INSERT INTO patients (id, source, external_id, phone_is_mobile, preferred_channel, language, timezone, lsoa,
                             created_at)
       SELECT i, 'bench', 'B' || i, false, 'sms', 'en', 'Europe/London',
              CASE WHEN i % 50 = 0 THEN NULL ELSE 'E01' || lpad((1 + (i * 7919) % (:lsoas * 11 / 10))::text, 6, '0')
              END, now()
       FROM generate_series(CAST(1 AS bigint), :n) i""",
    # Enrolled over the two years before the report date; one in seven left 30–230 days later.
    """INSERT INTO enrolments (id, patient_id, community_id, outcome_set_version_id, status, enrolled_at, left_at,
                               consent_method, consent_recorded_by, consent_at, created_at)
       SELECT i, i, 1 + i % :communities, 1 + i % :communities, CASE WHEN i % 7 = 0 THEN 'left' ELSE 'active' END,
              e.at, CASE WHEN i % 7 = 0 THEN e.at + make_interval(days => CAST(30 + i % 200 AS integer)) END,
              'verbal', 'benchmark', e.at, e.at
       FROM generate_series(CAST(1 AS bigint), :n) i,
            LATERAL (SELECT (CAST(:as_of AS date) - CAST((i * 7919) % 730 AS integer) + time '10:00') AT TIME ZONE 'UTC' AS at) e""",
    # Up to four assessments 90 days apart (none, one, or a baseline and follow-ups). As in a report as of
    # today, nothing is observed after the report date except for one enrolment in 1,100 (the report's
    # "activity after the report date" path).
    """INSERT INTO life_improver_scores (patient_id, enrolment_id, outcome_set_version_id, value, coverage, inputs,
                                         observed_at, created_at)
       SELECT e.id, e.id, e.outcome_set_version_id,
              CASE WHEN (e.id + k) % 23 = 0 THEN NULL ELSE 40 + (e.id * 31) % 30 + k * ((e.id % 11) - 3) END,
              1.0, '{}', e.enrolled_at + make_interval(days => 90 * k, hours => 2), e.enrolled_at
       FROM enrolments e, generate_series(0, 3) k
       WHERE k <= e.id % 4 AND (e.id % 1100 = 0 OR e.enrolled_at + make_interval(days => 90 * k, hours => 2)
                                                    < (CAST(:as_of AS date) + 1 + time '00:00') AT TIME ZONE 'UTC')""",
    """INSERT INTO invitations (enrolment_id, patient_id, outcome_set_version_id, schedule_key, instruments, channel,
                                status, due_at, reminders_sent, created_at, updated_at)
       SELECT e.id, e.id, e.outcome_set_version_id, 'k' || k, '[]', 'sms',
              CASE WHEN e.id % 1100 <> 0 AND e.enrolled_at + make_interval(days => 90 * k)
                                             >= (CAST(:as_of AS date) + 1 + time '00:00') AT TIME ZONE 'UTC'
                   THEN 'planned'
                   ELSE (ARRAY['completed', 'sent', 'completed', 'expired', 'reminded', 'planned', 'completed',
                               'failed'])[1 + (e.id + k * 3) % 8] END,
              e.enrolled_at + make_interval(days => 90 * k), 0, e.enrolled_at, e.enrolled_at
       FROM enrolments e, generate_series(0, 3) k""",
    """INSERT INTO scores (patient_id, enrolment_id, instrument, scale, value, flags, definition_version, provenance,
                           observed_at, created_at)
       SELECT e.id, e.id, 'days_at_home', 'days', 60 + (e.id * 13 + k * 7) % 31, '[]', 'bench', '{}',
              e.enrolled_at + make_interval(days => 90 * k + 1), e.enrolled_at
       FROM enrolments e, generate_series(0, 1) k
       WHERE e.id % 3 = 0 AND (e.id % 1100 = 0 OR e.enrolled_at + make_interval(days => 90 * k + 1)
                                                  < (CAST(:as_of AS date) + 1 + time '00:00') AT TIME ZONE 'UTC')""",
    # Ten events a person on average over three years, one in 1,100 dated the day after the report date.
    """INSERT INTO cost_events (patient_id, activity, start_date, quantity, unit_cost, cost, tariff, source_system,
                                source_id, created_at)
       SELECT 1 + (j * 104729) % :n, (ARRAY['gp_appointment', 'ae_attendance', 'community_nursing_visit',
                                            'elective_inpatient_day'])[1 + j % 4],
              CAST(:as_of AS date) - CAST((j * 7727) % 1100 AS integer) + 1, 1, NULL, 10 + (j * 37) % 50000 / 100.0, NULL, 'bench',
              j::text, now()
       FROM generate_series(CAST(1 AS bigint), :events) j""",
    "SELECT setval(pg_get_serial_sequence('communities', 'id'), :communities)",
    "SELECT setval(pg_get_serial_sequence('outcome_set_versions', 'id'), :communities)",
    "SELECT setval(pg_get_serial_sequence('patients', 'id'), :n)",
    "SELECT setval(pg_get_serial_sequence('enrolments', 'id'), :n)",
]
