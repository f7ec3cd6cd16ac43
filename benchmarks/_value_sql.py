"""The value report's tallies written by hand in one PostgreSQL statement: over the summaries, as the
report reads them (the ceiling the report is timed against), or from the raw rows alone (the truth both
are checked against)."""

from __future__ import annotations

import sqlalchemy as sa

from benchmarks._value_population import AS_OF


def hand_written(engine, scheme, *, summarised: bool) -> list:
    """The report's tallies per (community, segment, decile), from one statement written by hand: over the
    summaries (as the report reads them), or from the raw rows alone (the truth both are checked against)."""
    from prom_service.services.cost_summaries import most_within

    with engine.begin() as connection:
        for setting in ("work_mem = '256MB'", "jit = off", "max_parallel_workers_per_gather = 0"):
            connection.execute(sa.text(f"SET LOCAL {setting}"))
        if summarised:  # as the report: hash the few dozen groups rather than sort a million rows
            connection.execute(sa.text("SET LOCAL enable_sort = off"))
        people = connection.scalar(sa.text("SELECT count(*) FROM patients"))
        within = [most_within(segment.upper_share, people) for segment in scheme.segments if segment.upper_share]
        statement = (_hand_written_sql if summarised else _raw_rows_sql)(scheme, within)
        return sorted(connection.execute(sa.text(statement), {"as_of": AS_OF}).all(),
                      key=lambda row: (row[0], row[1], row[2] or 0))


def _tiers(scheme, within: list[int], spend: str = "l.spend") -> str:
    """Tier edges along the spend index (the (k+1)-th highest look-back cost), no ranking of everyone."""
    edges = [(segment.code, k) for segment, k in zip([s for s in scheme.segments if s.upper_share], within)]
    return " ".join(
        f"WHEN {spend} > coalesce((SELECT spend FROM patient_lookback_costs WHERE spend > 0 "
        f"ORDER BY spend DESC OFFSET {k} LIMIT 1), 0) THEN '{code}'" for code, k in edges)


_EOD = "((CAST(:as_of AS date) + time '23:59:59.999999') AT TIME ZONE 'UTC')"
_ENDS_ON = f"(CASE WHEN s.left_at < {_EOD} THEN date(s.left_at) ELSE CAST(:as_of AS date) END)"


def _summary_columns(scheme, within: list[int], baseline, latest, sent, completed, days_at_home) -> str:
    """An enrolment's row of `cycles` from its summary row `s`, LIS, invitations and days at home given."""
    return f"""SELECT s.community_id, CASE {_tiers(scheme, within, "s.lookback_spend")} ELSE 'rest' END AS segment,
               d.decile, {baseline} AS baseline, {latest} AS latest, v.mid,
               s.cost - CASE WHEN s.cost_through > {_ENDS_ON} THEN coalesce((
                   SELECT sum(ce.cost) FROM cost_events ce
                   WHERE ce.patient_id = s.patient_id AND ce.start_date > {_ENDS_ON}
                     AND ce.start_date >= date(s.enrolled_at)
                     AND (s.left_at IS NULL OR ce.start_date <= date(s.left_at))), 0) ELSE 0 END AS cost,
               {_ENDS_ON} - date(s.enrolled_at) + 1 AS days, {sent} AS sent, {completed} AS completed,
               {days_at_home} AS days_at_home"""


def _hand_written_sql(scheme, within: list[int]) -> str:
    """One scan of the summaries: each enrolment's figures from its `enrolment_summaries` row (which carries
    its community, period, cost, LSOA and look-back cost), and for the few with activity after the report
    date (skipped by the scan) from their rows (first and last by min/max of ordered arrays)."""
    return f"""
    WITH bounds AS (
        SELECT CAST(:as_of AS date) AS day, (CAST(:as_of AS date) + time '23:59:59.999999') AT TIME ZONE 'UTC' AS eod),
    mids AS (
        SELECT id, coalesce((definition -> 'life_improver_score' ->> 'mid')::float, 5) AS mid
        FROM outcome_set_versions),
    later AS (
        SELECT s.enrolment_id, s.patient_id FROM enrolment_summaries s, bounds WHERE s.last_activity_at > bounds.eod),
    {_per_enrolment_ctes(enrolments="enrolment_id IN (SELECT enrolment_id FROM later) AND ",
                         people="patient_id IN (SELECT patient_id FROM later) AND ")}
    cycles AS (
        {_summary_columns(scheme, within, "s.baseline_lis", "s.latest_lis", "s.invitations_sent",
                          "s.invitations_completed", "s.days_at_home")}
        FROM enrolment_summaries s
        JOIN mids v ON v.id = s.outcome_set_version_id
        LEFT JOIN deprivation_deciles d ON d.lsoa = s.lsoa
        WHERE s.enrolled_at <= {_EOD} AND (s.last_activity_at IS NULL OR s.last_activity_at <= {_EOD})
        UNION ALL
        {_summary_columns(scheme, within, "lis.baseline", "lis.latest", "coalesce(i.sent, 0)",
                          "coalesce(i.completed, 0)", "h.value")}
        FROM later JOIN enrolment_summaries s ON s.enrolment_id = later.enrolment_id
        JOIN mids v ON v.id = s.outcome_set_version_id
        LEFT JOIN deprivation_deciles d ON d.lsoa = s.lsoa
        LEFT JOIN lis ON lis.enrolment_id = s.enrolment_id
        LEFT JOIN invited i ON i.enrolment_id = s.enrolment_id
        LEFT JOIN at_home h ON h.patient_id = s.patient_id
        WHERE s.enrolled_at <= {_EOD})
    {_TALLIES}
    """


def _raw_rows_sql(scheme, within: list[int]) -> str:
    """From the rows themselves: scores, invitations and cost events (no enrolment summary or enrolment
    cost is read), as of the report date; only the usage tiers come from the look-back summary."""
    return f"""
    WITH bounds AS (
        SELECT CAST(:as_of AS date) AS day, (CAST(:as_of AS date) + time '23:59:59.999999') AT TIME ZONE 'UTC' AS eod),
    shares AS (
        SELECT l.patient_id, CASE {_tiers(scheme, within)} ELSE 'rest' END AS segment
        FROM patient_lookback_costs l WHERE l.spend > 0),
    costs AS (
        SELECT e.id AS enrolment_id, sum(ce.cost) AS cost
        FROM enrolments e CROSS JOIN bounds b
        JOIN cost_events ce ON ce.patient_id = e.patient_id AND ce.start_date >= date(e.enrolled_at)
         AND ce.start_date <= CASE WHEN e.left_at < b.eod THEN date(e.left_at) ELSE b.day END
        GROUP BY e.id),
    {_per_enrolment_ctes(enrolments="", people="")}
    cycles AS (
        SELECT e.community_id, coalesce(sh.segment, 'rest') AS segment, d.decile,
               lis.baseline, lis.latest,
               coalesce((v.definition -> 'life_improver_score' ->> 'mid')::float, 5) AS mid,
               coalesce(c.cost, 0) AS cost, p2.ends_on - date(e.enrolled_at) + 1 AS days,
               coalesce(i.sent, 0) AS sent, coalesce(i.completed, 0) AS completed, h.value AS days_at_home
        FROM enrolments e CROSS JOIN bounds b
        CROSS JOIN LATERAL (SELECT CASE WHEN e.left_at < b.eod THEN date(e.left_at) ELSE b.day END AS ends_on) p2
        JOIN patients p ON p.id = e.patient_id
        JOIN outcome_set_versions v ON v.id = e.outcome_set_version_id
        LEFT JOIN deprivation_deciles d ON d.lsoa = p.lsoa
        LEFT JOIN shares sh ON sh.patient_id = e.patient_id
        LEFT JOIN lis ON lis.enrolment_id = e.id
        LEFT JOIN costs c ON c.enrolment_id = e.id
        LEFT JOIN invited i ON i.enrolment_id = e.id
        LEFT JOIN at_home h ON h.patient_id = e.patient_id
        WHERE e.enrolled_at <= b.eod)
    {_TALLIES}
    """


def _per_enrolment_ctes(enrolments: str, people: str) -> str:
    """`lis`, `invited` and `at_home`: each enrolment's first and last LIS, invitations counted and the
    person's latest days at home, as of the report, from the rows; `enrolments` and `people` narrow them
    (to the enrolments with later activity, or to nobody for the raw-rows truth)."""
    return f"""lis AS (
        SELECT enrolment_id,
               (min(ARRAY[extract(epoch FROM observed_at)::float8, id::float8, value]))[3] AS baseline,
               CASE WHEN count(*) > 1 THEN (max(ARRAY[extract(epoch FROM observed_at)::float8, id::float8, value]))[3]
               END AS latest
        FROM life_improver_scores, bounds
        WHERE {enrolments}value IS NOT NULL AND observed_at <= bounds.eod
        GROUP BY enrolment_id),
    invited AS (
        SELECT enrolment_id,
               count(*) FILTER (WHERE status IN ('sent', 'reminded', 'partial', 'completed', 'expired')) AS sent,
               count(*) FILTER (WHERE status = 'completed') AS completed
        FROM invitations, bounds WHERE {enrolments}due_at <= bounds.eod GROUP BY enrolment_id),
    at_home AS (
        SELECT patient_id, (max(ARRAY[extract(epoch FROM observed_at)::float8, id::float8, value]))[3] AS value
        FROM scores, bounds
        WHERE {people}instrument = 'days_at_home' AND value IS NOT NULL AND observed_at <= bounds.eod
        GROUP BY patient_id),"""


_TALLIES = """
    SELECT community_id, segment, decile, count(*) AS people,
           count(*) FILTER (WHERE latest IS NOT NULL) AS paired,
           sum(sent) AS sent, sum(completed) AS completed,
           sum(latest - baseline) FILTER (WHERE latest IS NOT NULL) AS change,
           sum(cost) AS cost, sum(days) AS days,
           sum(baseline) FILTER (WHERE latest IS NOT NULL) AS baseline,
           sum(latest) AS latest, sum((latest - baseline) ^ 2) AS squared,
           count(*) FILTER (WHERE latest - baseline >= mid) AS improved,
           sum(cost) FILTER (WHERE latest IS NOT NULL) AS paired_cost,
           count(days_at_home) AS with_days_at_home, sum(days_at_home) AS days_at_home
    FROM cycles GROUP BY community_id, segment, decile"""
