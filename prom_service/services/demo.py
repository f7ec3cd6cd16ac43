"""The demo: a care team, its user and (as the product grows) communities, patients and answers.

Loading is idempotent: running it twice leaves the same data.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from prom_service.db.models import User
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services import care_team

DEMO_EMAIL = "demo@example.org"
DEMO_TEAM = ("camden_north", "Camden North Integrated Care Team")


@dataclass(frozen=True)
class DemoReport:
    user_email: str
    password: str | None  # None when the user already existed: its password was shown the first time
    created: dict[str, int]


def load_demo(uow: UnitOfWork, now: datetime, password: str = "") -> DemoReport:
    """Load whatever of the demo is missing."""
    created: dict[str, int] = {}
    with uow:
        care_team.ensure_team(uow, DEMO_TEAM[0], DEMO_TEAM[1], now)
        exists = uow.session.scalar(select(User).where(User.email == DEMO_EMAIL)) is not None
        uow.commit()
    shown = None
    if not exists:
        shown = password or secrets.token_urlsafe(12)
        care_team.create_user(uow, email=DEMO_EMAIL, name="Demo Clinician", role="clinician", password=shown,
                              team_codes=[DEMO_TEAM[0]], now=now)
        created["users"] = 1
    return DemoReport(DEMO_EMAIL, shown, created)
