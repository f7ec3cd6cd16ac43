"""One synthetic person's life in the programme, as table rows: who they are, when they joined, what
they answered (a wellness trajectory that improves, holds or deteriorates), what care they used.

Pure apart from id allocation: every choice comes from the person's own `random.Random`, seeded by
(seed, person number), so a population is the same for a seed however it is chunked. Answers are
drawn by `demo_answers`; scoring, the Life Improver Score and days at home are left to
`synthetic_assessments`, which runs the real rules on them in bulk.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

import scoring
from prom_service.domain.outcome_set import OutcomeSet
from prom_service.domain.schedule import plan
from prom_service.services.demo_answers import demo_answers
from prom_service.services.tariffs import NoTariff, TariffBook

SOURCE = "synthetic"
PENNY = Decimal("0.01")
FIRST_NAMES = ("Ada", "Amir", "Bea", "Chen", "Dara", "Ebo", "Femi", "Grace", "Hana", "Ivan", "Jas", "Kofi", "Lena",
               "Mo", "Nia", "Omar", "Pip", "Rosa", "Sami", "Tom", "Uma", "Vik", "Wen", "Yusuf", "Zara")
LAST_NAMES = ("Adeyemi", "Begum", "Clarke", "Das", "Evans", "Farah", "Green", "Hussain", "Ito", "Jones", "Khan",
              "Lewis", "Mensah", "Novak", "Okafor", "Patel", "Quinn", "Rahman", "Smith", "Taylor", "Uddin", "Walsh")
# (language, share): most people read English; the rest the languages the service is translated into.
LANGUAGES = (("en", 0.85), ("bn", 0.06), ("so", 0.05), ("ar", 0.04))
# Mean events a year for someone at wellness 0 and at wellness 1, and the quantity of one event.
ACTIVITY = (
    ("gp_appointment", 6.0, 2.5, Decimal(1)),
    ("community_nursing_hour", 4.0, 0.3, Decimal(2)),
    ("outpatient", 2.0, 0.6, Decimal(1)),
    ("ae_attendance", 1.2, 0.15, Decimal(1)),
)
ADMISSIONS_PER_YEAR = (0.8, 0.08)
ANSWER_DELAY_HOURS = (1, 72)


@dataclass(frozen=True)
class CommunityPlan:
    """A community as the generator needs it: ids, published outcome set, who joins it and how old they are."""

    code: str
    community_id: int
    version_id: int
    version: int
    outcome_set: OutcomeSet
    share: float
    ages: tuple[int, int]


@dataclass
class Rows:
    """Rows per table, in insert order; each a tuple in the order of `COLUMNS[table]`."""

    tables: dict[str, list[tuple]] = field(default_factory=lambda: {table: [] for table in COLUMNS})

    def add(self, table: str, row: tuple) -> None:
        self.tables[table].append(row)

    def count(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in self.tables.items()}


COLUMNS = {
    "patients": ("id", "source", "external_id", "nhs_number", "display_name", "date_of_birth", "phone_e164",
                 "phone_is_mobile", "preferred_channel", "language", "timezone", "lsoa", "registered_team_id",
                 "created_at"),
    "enrolments": ("id", "patient_id", "community_id", "team_id", "outcome_set_version_id", "status", "enrolled_at",
                   "consent_method", "consent_recorded_by", "consent_at", "created_at"),
    "invitations": ("id", "enrolment_id", "patient_id", "outcome_set_version_id", "schedule_key", "instruments",
                    "channel", "status", "status_reason", "due_at", "sent_at", "reminders_sent", "expires_at",
                    "completed_at", "created_at", "updated_at"),
    "invitation_events": ("id", "invitation_id", "from_status", "to_status", "reason", "at"),
    "responses": ("id", "invitation_id", "patient_id", "instrument", "channel", "status", "started_at",
                  "submitted_at", "created_at"),
    "answers": ("id", "response_id", "item_id", "value", "answered_at"),
    "scores": ("id", "patient_id", "enrolment_id", "response_id", "instrument", "scale", "value", "value_text",
               "band", "flags", "reason", "definition_version", "provenance", "observed_at", "created_at"),
    "life_improver_scores": ("id", "patient_id", "enrolment_id", "outcome_set_version_id", "invitation_id", "value",
                             "coverage", "reason", "inputs", "observed_at", "created_at"),
    "feed_events": ("id", "txid", "kind", "event", "ref_id", "patient_id", "payload", "created_at"),
    "cost_events": ("id", "patient_id", "activity", "start_date", "end_date", "quantity", "unit_cost", "actual_cost",
                    "cost", "tariff", "provider", "source_system", "source_id", "created_at"),
}
JSON_COLUMNS = {"invitations": ("instruments",), "scores": ("flags", "provenance"),
                "life_improver_scores": ("inputs",), "feed_events": ("payload",)}


class Ids:
    """Ids allocated up front, so rows can name each other before they are written.

    Each chunk of people owns a block of ids per table (`caps` ids a person at most), so chunks can be
    generated in any order, by any worker, and still get the same ids for a seed.
    """

    def __init__(self, last: dict[str, int]) -> None:
        self.last = dict(last)
        self.limit = {table: float("inf") for table in last}

    @classmethod
    def block(cls, base: dict[str, int], caps: dict[str, int], chunk_index: int, chunk_size: int) -> Ids:
        ids = cls({table: base[table] + chunk_index * chunk_size * caps[table] for table in base})
        ids.limit = {table: ids.last[table] + chunk_size * caps[table] for table in base}
        return ids

    def take(self, table: str) -> int:
        self.last[table] += 1
        if self.last[table] > self.limit[table]:
            raise RuntimeError(f"synthetic {table} outgrew their id block; raise its cap")
        return self.last[table]


def id_caps(communities, years: float, horizon_days: int, now: datetime) -> dict[str, int]:
    """The most rows one person can have in each table, from the longest schedule and the busiest care."""
    invitations = 1 + max(len(plan(c.outcome_set.schedule, now - timedelta(days=int(years * 366) + 1), now + timedelta(
        days=horizon_days))) for c in communities)
    instruments = max(len(c.outcome_set.instrument_ids) for c in communities)
    items = max(sum(len(scoring.instruments(i).item_ids) for i in c.outcome_set.instrument_ids) for c in communities)
    days = int((years + 1) * 366) + 1
    costs = 2 + int(sum(max(unwell, well) for _, unwell, well, _ in ACTIVITY) * days / 365 + max(ADMISSIONS_PER_YEAR)
                    * days / 365) + len(ACTIVITY)
    scores_each = 4 + instruments * 2 * MAX_SCALES
    return {"patients": 1, "enrolments": 1, "cost_events": costs, "invitations": invitations,
            "invitation_events": 3 * invitations, "responses": invitations * instruments, "answers": invitations * items,
            "scores": invitations * scores_each, "life_improver_scores": invitations,
            "feed_events": invitations * (scores_each + 1)}


MAX_SCALES = 12  # more scales than any instrument scores


@dataclass(frozen=True)
class World:
    """Everything fixed for a whole population: communities, teams, areas, tariffs, the moment it ends."""

    communities: tuple[CommunityPlan, ...]
    team_ids: tuple[int, ...]
    team_size: int
    lsoas: tuple[tuple[str, int], ...]
    tariffs: TariffBook
    now: datetime
    years: float
    seed: int
    horizon_days: int
    expire_after_days: int
    response_rate: float


@dataclass
class Assessment:
    """A completed invitation waiting to be scored: its responses' ids and answers, by instrument."""

    patient_id: int
    enrolment_id: int
    invitation_id: int
    community: CommunityPlan
    at: datetime
    responses: dict[str, tuple[int, dict[str, int | None], dict[str, int]]]  # instrument → (id, answers, answer ids)
    stays: tuple[tuple[int, date, date], ...]


def person(world: World, number: int, ids: Ids, rows: Rows) -> list[Assessment]:
    """Add person `number` (0-based across the population) to `rows`; return their completed assessments."""
    rng = random.Random(f"{world.seed}/{number}")
    community = _choose_community(world, rng)
    lsoa, decile = world.lsoas[rng.randrange(len(world.lsoas))]
    enrolled_at = world.now - timedelta(seconds=rng.randrange(60, int(world.years * 365 * 86400)))
    team_id = world.team_ids[min(number // world.team_size, len(world.team_ids) - 1)]
    patient_id = _patient(world, number, community, lsoa, team_id, enrolled_at, ids, rows, rng)
    enrolment_id = ids.take("enrolments")
    rows.add("enrolments", (enrolment_id, patient_id, community.community_id, team_id, community.version_id, "active",
                            enrolled_at, rng.choice(("verbal", "written", "digital")), "Synthetic Clinician",
                            enrolled_at, enrolled_at))
    trajectory = _trajectory(decile, rng)
    stays = _cost_events(world, number, patient_id, enrolled_at, trajectory, ids, rows, rng)
    channel = rows.tables["patients"][-1][8]
    return _invitations(world, community, patient_id, enrolment_id, enrolled_at, channel, trajectory, stays, ids,
                        rows, rng)


def nhs_number(number: int) -> str:
    """A valid NHS number from the 999 range NHS England keeps for testing, never a real person's.

    The range holds about 909,000 valid numbers (999 + six digits + a mod-11 check digit), so beyond
    that people share numbers, in order: better than straying into numbers that may be someone's.
    """
    valid = _test_nhs_numbers()
    return valid[number % len(valid)]


@functools.cache
def _test_nhs_numbers() -> tuple[str, ...]:
    """Every valid number of the range in order, the mod-11 check computed for all at once."""
    bases = np.arange(999_000_000, 1_000_000_000, dtype=np.int64)
    weighted = sum(((bases // 10 ** (8 - i)) % 10) * (10 - i) for i in range(9))
    check = 11 - weighted % 11
    keep = check != 10
    numbers = bases[keep] * 10 + np.where(check[keep] == 11, 0, check[keep])
    return tuple(numbers.astype(str).tolist())


def drama_mobile(number: int) -> str:
    """One of the 1,000 UK mobile numbers Ofcom keeps for drama (+44 7700 900000–900999), never anyone's."""
    return f"+447700900{number % 1000:03d}"


def _choose_community(world: World, rng: random.Random) -> CommunityPlan:
    draw, total = rng.random(), 0.0
    for community in world.communities:
        total += community.share
        if draw < total:
            return community
    return world.communities[-1]


def _patient(world, number, community, lsoa, team_id, enrolled_at, ids, rows, rng) -> int:
    patient_id = ids.take("patients")
    age = rng.randint(*community.ages)
    born = date(world.now.year - age, 1, 1) + timedelta(days=rng.randrange(365))
    language = _language(rng)
    channel = "sms" if rng.random() < 0.75 else "web"
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    rows.add("patients", (patient_id, SOURCE, f"SYN-{number:08d}", nhs_number(number), name, born,
                          drama_mobile(number), True, channel, language, "Europe/London", lsoa, team_id, enrolled_at))
    return patient_id


def _language(rng: random.Random) -> str:
    draw, total = rng.random(), 0.0
    for language, share in LANGUAGES:
        total += share
        if draw < total:
            return language
    return "en"


@dataclass(frozen=True)
class Trajectory:
    """Wellness (0 worst … 1 best) at enrolment and its change a year: improving, holding or deteriorating."""

    start: float
    per_year: float

    def at(self, years_in: float) -> float:
        return min(0.97, max(0.03, self.start + self.per_year * years_in))


def _trajectory(decile: int, rng: random.Random) -> Trajectory:
    """More deprived areas start less well; about half improve, a fifth deteriorate."""
    start = min(0.9, max(0.1, rng.gauss(0.32 + 0.03 * decile, 0.12)))
    draw = rng.random()
    per_year = rng.uniform(0.1, 0.35) if draw < 0.5 else rng.uniform(-0.3, -0.08) if draw < 0.7 else rng.uniform(
        -0.04, 0.04)
    return Trajectory(start, per_year)


def _cost_events(world, number, patient_id, enrolled_at, trajectory, ids, rows, rng) -> tuple:
    """A year of care before enrolment and everything since, priced from the tariff of each date's year."""
    start, end = (enrolled_at - timedelta(days=365)).date(), world.now.date()
    span = (end - start).days
    wellness = trajectory.at(span / 730 - 1)
    stays, serial = [], 0
    for activity, unwell, well, quantity in ACTIVITY:
        for _ in range(_events(unwell + (well - unwell) * wellness, span, rng)):
            serial += 1
            day = start + timedelta(days=rng.randrange(span))
            _cost_row(world, number, serial, patient_id, activity, day, None, quantity, ids, rows)
    for _ in range(_events(ADMISSIONS_PER_YEAR[0] + (ADMISSIONS_PER_YEAR[1] - ADMISSIONS_PER_YEAR[0]) * wellness,
                           span, rng)):
        serial += 1
        admitted = start + timedelta(days=rng.randrange(span))
        discharged = admitted + timedelta(days=rng.randint(1, 12))
        event_id = _cost_row(world, number, serial, patient_id, "emergency_admission", admitted, discharged,
                             Decimal((discharged - admitted).days), ids, rows)
        stays.append((event_id, admitted, discharged))
    return tuple(sorted(stays, key=lambda stay: (stay[1], stay[0])))


def _events(per_year: float, days: int, rng: random.Random) -> int:
    mean = per_year * days / 365
    return int(mean) + (1 if rng.random() < mean - int(mean) else 0)


def _cost_row(world, number, serial, patient_id, activity, day, discharged, quantity, ids, rows) -> int:
    """Priced as an import prices it; before the first tariff year, the row carries its actual cost."""
    event_id = ids.take("cost_events")
    try:
        unit, year = world.tariffs.unit_cost(activity, day)
        unit_cost, actual, tariff = unit.unit_cost, None, year
        cost = (quantity * unit.unit_cost).quantize(PENNY, rounding=ROUND_HALF_UP)
    except NoTariff:
        unit, _ = world.tariffs.unit_cost(activity, _first_tariff_day(world.tariffs))
        unit_cost, tariff = None, None
        actual = cost = (quantity * unit.unit_cost).quantize(PENNY, rounding=ROUND_HALF_UP)
    rows.add("cost_events", (event_id, patient_id, activity, day, discharged, quantity, unit_cost, actual, cost,
                             tariff, "Synthetic Health and Care", SOURCE, f"SYN-{number:08d}-{serial}", world.now))
    return event_id


def _first_tariff_day(tariffs: TariffBook) -> date:
    first = min(tariffs.tariffs)
    return date(int(first[:4]), 4, 1)


def _invitations(world, community, patient_id, enrolment_id, enrolled_at, channel, trajectory, stays, ids, rows,
                 rng) -> list[Assessment]:
    """Every occurrence of the schedule up to the planning horizon; past ones answered or expired."""
    outcome_set = community.outcome_set
    horizon = world.now + timedelta(days=world.horizon_days)
    assessments = []
    for occurrence in plan(outcome_set.schedule, enrolled_at, horizon):
        due_at = max(occurrence.due_at, enrolled_at)
        expires_at = occurrence.due_at + timedelta(days=world.expire_after_days)
        answered_at = due_at + timedelta(minutes=rng.randrange(ANSWER_DELAY_HOURS[0] * 60, ANSWER_DELAY_HOURS[1] * 60))
        answers = due_at <= world.now and rng.random() < world.response_rate and answered_at <= world.now
        status = ("completed" if answers else "planned" if due_at > world.now
                  else "expired" if expires_at <= world.now else "sent")
        invitation_id = ids.take("invitations")
        planned_at = max(enrolled_at, due_at - timedelta(days=world.horizon_days))
        rows.add("invitations", (
            invitation_id, enrolment_id, patient_id, community.version_id, occurrence.key,
            list(outcome_set.instrument_ids), channel, status, _reason(status, channel),
            due_at, due_at if status != "planned" else None, 0, expires_at, answered_at if answers else None,
            planned_at, answered_at if answers else expires_at if status == "expired" else planned_at))
        _invitation_events(invitation_id, occurrence.key, status, channel, planned_at, due_at, answered_at,
                           expires_at, ids, rows)
        if answers:
            years_in = (answered_at - enrolled_at).total_seconds() / (365.25 * 86400)
            assessments.append(_answer(community, patient_id, enrolment_id, invitation_id, channel, answered_at,
                                       trajectory.at(years_in), stays, ids, rows, rng))
    return assessments


def _reason(status: str, channel: str) -> str | None:
    return {"completed": None, "expired": "not answered in time", "sent": channel}.get(status)


def _invitation_events(invitation_id, key, status, channel, planned_at, due_at, answered_at, expires_at, ids, rows):
    steps = [(None, "planned", key, planned_at)]
    if status != "planned":
        steps.append(("planned", "sent", channel, due_at))
    if status == "completed":
        steps.append(("sent", "completed", None, answered_at))
    elif status == "expired":
        steps.append(("sent", "expired", "not answered in time", expires_at))
    for from_status, to_status, reason, at in steps:
        rows.add("invitation_events", (ids.take("invitation_events"), invitation_id, from_status, to_status, reason, at))


def _answer(community, patient_id, enrolment_id, invitation_id, channel, at, wellness, stays, ids, rows,
            rng) -> Assessment:
    """Answer every instrument of the invitation at once, as `answers.submit_response` stores them."""
    responses = {}
    for instrument in community.outcome_set.instrument_ids:
        response_id = ids.take("responses")
        rows.add("responses", (response_id, invitation_id, patient_id, instrument, channel, "complete", at, at, at))
        given = demo_answers(instrument, wellness, rng)
        answers, answer_ids = {}, {}
        add_answer = rows.tables["answers"].append
        for item_id in scoring.instruments(instrument).item_ids:
            answer_id = ids.take("answers")
            answers[item_id] = value = given.get(item_id)
            answer_ids[item_id] = answer_id
            add_answer((answer_id, response_id, item_id, value, at))
        responses[instrument] = (response_id, answers, answer_ids)
    return Assessment(patient_id, enrolment_id, invitation_id, community, at, responses, stays)
