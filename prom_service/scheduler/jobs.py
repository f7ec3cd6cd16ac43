"""The periodic jobs. Each is one tiny function calling one service, returning counts by outcome."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from prom_service.bootstrap import Parts
from prom_service.feeds import bulk_export, webhook_delivery
from prom_service.services import (
    cost_summaries, days_at_home_rounds, dispatch, invitation_planning, reminders,
)

TickReport = Counter  # outcome or reason → how many


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[Parts], TickReport]


def plan(parts: Parts) -> TickReport:
    """Extend every active enrolment's invitations up to the planning horizon."""
    with parts.uow() as uow:
        created = invitation_planning.plan_all(
            uow, parts.clock.now(), horizon_days=parts.settings["invitations.planning_horizon_days"],
            expire_after_days=parts.settings["invitations.expire_after_days"])
        uow.commit()
    return Counter({"planned": created} if created else {})


def expire(parts: Parts) -> TickReport:
    return reminders.expire_due(parts.uow, parts.clock.now(), parts.settings["scheduler.claim_batch"])


def dispatch_invitations(parts: Parts) -> TickReport:
    policy = dispatch.DispatchPolicy.from_settings(parts.settings)
    return drained(parts, lambda: dispatch.dispatch_due(parts.uow, parts.sms_templates, parts.clock.now(), policy))


def remind(parts: Parts) -> TickReport:
    return reminders.remind_due(parts.uow, parts.sms_templates, parts.clock.now(),
                                reminders.ReminderPolicy.from_settings(parts.settings))


def deliver_sms(parts: Parts) -> TickReport:
    return drained(parts, parts.sms_delivery.run_once)


def drained(parts: Parts, claim_and_handle: Callable[[], TickReport]) -> TickReport:
    """Claim again while batches come back full, for up to `scheduler.drain_share` of this tick.

    One batch a tick held each worker to `claim_batch` texts a tick (50 every 30 s, under two a second)
    whatever the fleet's send rate allowed. Each claimed row gives one outcome, so a batch with fewer
    outcomes than `claim_batch` found the queue empty; the time limit keeps a tick shorter than the next.
    """
    settings, report = parts.settings, Counter()
    batch = settings["scheduler.claim_batch"]
    deadline = time.monotonic() + settings["scheduler.tick_seconds"] * settings["scheduler.drain_share"]
    while True:
        done = claim_and_handle()
        report += done
        if sum(done.values()) < batch or time.monotonic() >= deadline:
            return report


def count_days_at_home(parts: Parts) -> TickReport:
    return days_at_home_rounds.record_due(parts.uow, parts.clock.now(), parts.settings["scheduler.claim_batch"])


def deliver_webhooks(parts: Parts) -> TickReport:
    return webhook_delivery.dispatch_of(parts).run_once()


def export_bulk_data(parts: Parts) -> TickReport:
    """Write the FHIR Bulk Data exports clients have asked for, and finish any whose worker died."""
    return bulk_export.run_due(parts)


def roll_cost_summaries(parts: Parts) -> TickReport:
    """Move the value report's cost summaries to today, once a day (other ticks only look); the rebuild
    rebuilds its enrolment summaries with them, which repairs anything a crash or a manual SQL edit left behind."""
    return cost_summaries.roll(parts.uow(), parts.clock.now(), int(parts.settings["segments.lookback_months"]))


JOBS: list[Job] = [
    Job("plan", plan), Job("days_at_home", count_days_at_home), Job("expire", expire), Job("dispatch", dispatch_invitations), Job("remind", remind),
    Job("deliver_sms", deliver_sms), Job("deliver_webhooks", deliver_webhooks), Job("export_bulk_data", export_bulk_data),
    Job("cost_summaries", roll_cost_summaries),
]


def run_all_once(parts: Parts) -> list[tuple[str, TickReport]]:
    """Run every job now, in order, and collect what each did."""
    return [(job.name, job.run(parts)) for job in JOBS]
