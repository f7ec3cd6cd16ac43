"""A `prom worker` stand-in for the concurrency tests: dispatch and deliver until nothing is left.

Run as `python -m tests.integration.dispatch_worker`; all settings come from PROM_* variables, as
for a real worker, so each process builds its own parts exactly as production does. At the end it
prints the CPU seconds its loop used (after start-up), which the dispatch benchmark adds up.
"""

import sys
import time

from sqlalchemy import func, select

from prom_service.bootstrap import bootstrap
from prom_service.db.models import OutboxMessage
from prom_service.scheduler import jobs
from prom_service.settings import load_settings


def unfinished(parts) -> int:
    with parts.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.state.in_(("pending", "sending"))))


def main() -> int:
    parts = bootstrap(load_settings())
    cpu = time.process_time()
    quiet_rounds = 0
    while quiet_rounds < 3:
        did = sum(jobs.dispatch_invitations(parts).values()) + sum(jobs.deliver_sms(parts).values())
        if did:
            quiet_rounds = 0
            continue
        quiet_rounds = quiet_rounds + 1 if unfinished(parts) == 0 else 0
        time.sleep(0.2)
    print(time.process_time() - cpu)
    return 0


if __name__ == "__main__":
    sys.exit(main())
