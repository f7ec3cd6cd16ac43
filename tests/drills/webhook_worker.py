"""A webhook-delivering `prom worker` stand-in for the SIGKILL drill, run as a real process.

`python -m tests.drills.webhook_worker`: settings from PROM_* variables as for a real worker, plus
`PROM_DRILL_WEBHOOK_LEASE_SECONDS` (the shipped lease is two minutes; the drill cannot wait that long)
and `PROM_DRILL_EXPECT_DELIVERED` (stop once the subscriptions have delivered that many events).
"""

import os
import sys
import time

from sqlalchemy import func, select

from prom_service.bootstrap import bootstrap
from prom_service.db.models import Subscription
from prom_service.feeds.pseudonym import pseudonym_key
from prom_service.feeds.webhook_delivery import WebhookDispatch, WebhookPolicy
from prom_service.settings import load_settings


def delivered(parts) -> int:
    with parts.uow() as uow:
        return uow.session.scalar(select(func.coalesce(func.sum(Subscription.delivered_count), 0)))


def main() -> int:
    parts = bootstrap(load_settings())
    policy = WebhookPolicy(lease_seconds=int(os.environ["PROM_DRILL_WEBHOOK_LEASE_SECONDS"]), timeout_seconds=30)
    dispatch = WebhookDispatch(make_uow=parts.uow, clock=parts.clock, policy=policy,
                               pseudonym_key=lambda: pseudonym_key(parts.settings))
    expected = int(os.environ["PROM_DRILL_EXPECT_DELIVERED"])
    deadline = time.monotonic() + 240
    while delivered(parts) < expected:
        if time.monotonic() > deadline:
            return 3
        if not dispatch.run_once():
            time.sleep(0.1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
