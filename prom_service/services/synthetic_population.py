"""A synthetic population at scale, straight into the configured database: `prom demo synth`.

Stable entry point (benchmarks and other tools call it):

    synthesise(parts, patients, years, *, seed=1, progress=None, append=False) -> SynthSummary

`years` may be fractional (0.6: people joined over the last seven months or so).

`parts` is the app's `bootstrap.Parts` (settings, engine, uow, clock: "now" is `parts.clock.now()`);
`progress(n)` is called after each chunk with the number of people just written. The summary gives the
row counts per table, the seconds taken, the care teams, and the care-team user to sign in as.

What it makes, deterministic for a seed: people (ages by community, synthetic LSOAs with an IMD decile,
SMS or web, four languages), one enrolment each into the five communities (published outcome sets,
as `prom communities publish` would), every invitation their schedule gives up to the planning horizon
(answered, expired, sent or planned), the answers of the answered ones along a trajectory that
improves, holds or deteriorates, their real scores (`scoring.score_many`), days at home, Life Improver
Scores and feed events, and a year of priced care before enrolment and all since (GP, nursing,
outpatients, A&E, emergency admissions). Alerts are not synthesised.

Identity is fictional by construction: NHS numbers from the 999 test range (valid mod-11), phones
from Ofcom's drama range (+44 7700 900000–900999, shared in turn), LSOA codes E019xxxxx that no area
has, and their deprivation deciles are marked synthetic.

Team i holds people i·team_patients … (i+1)·team_patients − 1, so the first team's caseload is full.
"""

from __future__ import annotations

import math
import multiprocessing
import secrets
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from sqlalchemy import func, select

from prom_service.db.models import DeprivationDecile, Patient, User
from prom_service.services import care_team, cost_summaries, outcome_sets
from prom_service.services.errors import Conflict
from prom_service.services.synthetic_assessments import assess
from prom_service.services.synthetic_people import SOURCE, CommunityPlan, Ids, Rows, World, id_caps, person
from prom_service.services.synthetic_writing import (
    analyse, chunk_transaction, last_ids, move_sequences, secondary_indexes_rebuilt,
)
from prom_service.services.tariffs import load_tariffs, tariff_directory

# (community, share of people, youngest and oldest age)
COMMUNITIES = (
    ("type2_diabetes", 0.30, (35, 85)),
    ("frail_elderly", 0.25, (75, 98)),
    ("knee_pain", 0.20, (45, 88)),
    ("heart_failure", 0.15, (50, 92)),
    ("perinatal_mental_health", 0.10, (18, 44)),
)
TEAM_PREFIX = "synth_team_"
DEPRIVATION_SOURCE = "synthetic (not IoD): prom demo synth"


@dataclass(frozen=True)
class SynthSummary:
    patients: int
    rows: dict[str, int]
    seconds: float
    team_codes: tuple[str, ...]
    user_email: str
    password: str | None  # None when the user already existed
    first_patient_id: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def scores(self) -> int:
        return self.rows.get("scores", 0)


def synthesise(parts, patients: int, years: float, *, seed: int = 1, progress: Callable[[int], None] | None = None,
               append: bool = False) -> SynthSummary:
    """Generate `patients` people with `years` of history ending now; refuse a populated database unless `append`."""
    if patients < 1 or years <= 0:
        raise ValueError("patients must be at least 1 and years above 0")
    started = time.perf_counter()
    now = parts.clock.now()
    first_number = _first_number(parts, append)
    settings = parts.settings
    team_codes = _teams(parts, first_number + patients, settings["synth.team_patients"], now)
    password = _user(parts, team_codes[0], now)
    world = World(
        communities=_communities(parts, now), team_ids=_team_ids(parts, team_codes),
        team_size=settings["synth.team_patients"], lsoas=_lsoas(parts, settings["synth.lsoas"], now),
        tariffs=load_tariffs(tariff_directory(settings)), now=now, years=years, seed=seed,
        horizon_days=settings["invitations.planning_horizon_days"],
        expire_after_days=settings["invitations.expire_after_days"], response_rate=settings["synth.response_rate"],
    )
    totals = _load(parts, world, first_number, patients, progress)
    # The value report reads summaries the cost import and the ORM keep current; COPY bypassed both, so
    # build them from everything (the cost rebuild rebuilds the enrolment summaries with it).
    cost_summaries.rebuild(parts.uow(), now.date(), settings["segments.lookback_months"], now)
    return SynthSummary(patients, totals, time.perf_counter() - started, team_codes, settings["synth.user_email"],
                        password, totals.pop("first_patient_id"))


def _load(parts, world: World, first_number: int, patients: int, progress) -> dict[str, int]:
    """Write the people chunk by chunk, on PostgreSQL from `synth.workers` processes at once."""
    engine, settings = parts.engine, parts.settings
    chunk = settings["synth.chunk_patients"]
    base = last_ids(engine)
    caps = id_caps(world.communities, world.years, world.horizon_days, world.now)
    jobs = [(index, start, min(chunk, first_number + patients - start))
            for index, start in enumerate(range(first_number, first_number + patients, chunk))]
    totals: dict[str, int] = {"first_patient_id": base["patients"] + 1}
    workers = settings["synth.workers"] if engine.dialect.name == "postgresql" else 1
    with secondary_indexes_rebuilt(engine, rebuild=patients > base["patients"]):
        if workers <= 1 or len(jobs) == 1:
            _Worker.setup(engine, world, base, caps, chunk)
            done = map(_Worker.run, jobs)
            _tally(done, totals, progress)
        else:
            url = engine.url.render_as_string(hide_password=False)
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context, initializer=_Worker.setup_in_process,
                                     initargs=(url, world, base, caps, chunk)) as pool:
                _tally(pool.map(_Worker.run, jobs), totals, progress)
    move_sequences(engine)
    analyse(engine)
    return totals


def _tally(done, totals: dict[str, int], progress) -> None:
    for count, rows in done:
        for table, n in rows.items():
            totals[table] = totals.get(table, 0) + n
        if progress:
            progress(count)


class _Worker:
    """Generates and writes chunks; one per process, set up once with what every chunk shares."""

    engine = world = base = caps = chunk = None

    @classmethod
    def setup(cls, engine, world: World, base: dict[str, int], caps: dict[str, int], chunk: int) -> None:
        cls.engine, cls.world, cls.base, cls.caps, cls.chunk = engine, world, base, caps, chunk

    @classmethod
    def setup_in_process(cls, url: str, world: World, base, caps, chunk: int) -> None:
        from prom_service.db.engine import build_engine

        cls.setup(build_engine(url, pool_size=1), world, base, caps, chunk)

    @classmethod
    def run(cls, job: tuple[int, int, int]) -> tuple[int, dict[str, int]]:
        """Generate and write people `start` … `start + count − 1` in one transaction."""
        index, start, count = job
        ids = Ids.block(cls.base, cls.caps, index, cls.chunk)
        with chunk_transaction(cls.engine) as (txid, write):
            rows, assessments = Rows(), []
            for number in range(start, start + count):
                assessments.extend(person(cls.world, number, ids, rows))
            assess(assessments, txid, ids, rows)
            write(rows)
        return count, rows.count()


def _first_number(parts, append: bool) -> int:
    """Where numbering starts: 0 on an empty database; after the synthetic people already there with `append`."""
    with parts.uow() as uow:
        existing = uow.session.scalar(select(func.count()).select_from(Patient))
        synthetic = uow.session.scalar(select(func.count()).select_from(Patient).where(Patient.source == SOURCE))
    if existing and not append:
        raise Conflict(f"the database already holds {existing} patients; synthesise into an empty database "
                       "(prom db upgrade on a new one) or add to it with --append")
    return synthetic


def _communities(parts, now: datetime) -> tuple[CommunityPlan, ...]:
    """Publish the outcome sets (a no-op when published) and plan each community."""
    directory = (Path(parts.settings["communities.dir"]) if parts.settings["communities.dir"]
                 else parts.settings.config_dir / "communities")
    outcome_sets.publish_directory(parts.uow(), directory, now)
    plans = []
    with parts.uow() as uow:
        for code, share, ages in COMMUNITIES:
            version = outcome_sets.current_version(uow, code)
            plans.append(CommunityPlan(code, version.community_id, version.id, version.version,
                                       outcome_sets.outcome_set_of(version), share, ages))
    return tuple(plans)


def _teams(parts, people: int, team_size: int, now: datetime) -> tuple[str, ...]:
    codes = tuple(f"{TEAM_PREFIX}{n + 1:04d}" for n in range(max(1, math.ceil(people / team_size))))
    with parts.uow() as uow:
        for number, code in enumerate(codes):
            care_team.ensure_team(uow, code, f"Synthetic Care Team {number + 1}", now)
        uow.commit()
    return codes


def _team_ids(parts, codes: tuple[str, ...]) -> tuple[int, ...]:
    from prom_service.db.models import Team

    with parts.uow() as uow:
        by_code = dict(uow.session.execute(select(Team.code, Team.id).where(Team.code.in_(codes))).all())
    return tuple(by_code[code] for code in codes)


def _user(parts, team_code: str, now: datetime) -> str | None:
    """The clinician of the first team; its password is shown once, when it is created."""
    email = parts.settings["synth.user_email"]
    with parts.uow() as uow:
        if uow.session.scalar(select(User.id).where(User.email == email)) is not None:
            return None
    password = parts.settings["demo.password"] or secrets.token_urlsafe(12)
    care_team.create_user(parts.uow(), email=email, name="Synthetic Clinician", role="clinician", password=password,
                          team_codes=[team_code], now=now)
    return password


def _lsoas(parts, count: int, now: datetime) -> tuple[tuple[str, int], ...]:
    """Synthetic small areas, an even tenth in each decile, with their deciles stored unless already there."""
    areas = tuple((f"E019{n:05d}", 1 + n % 10) for n in range(count))
    with parts.uow() as uow:
        stored = set(uow.session.scalars(select(DeprivationDecile.lsoa).where(DeprivationDecile.lsoa.like("E019%"))))
        uow.session.add_all(DeprivationDecile(lsoa=code, decile=decile, source=DEPRIVATION_SOURCE, loaded_at=now)
                            for code, decile in areas if code not in stored)
        uow.commit()
    return areas
