"""The physical ceiling of dispatch: one process claiming due invitations with nothing but
``SELECT … FOR UPDATE SKIP LOCKED LIMIT batch`` and one ``UPDATE`` per batch, in plain psycopg.

Run as ``python -m benchmarks._claim_ceiling URL BATCH``; prints ``claimed first last`` (monotonic
seconds when claiming began and of the last commit) so the parent can time the whole fleet.
"""

from __future__ import annotations

import sys
import time

import psycopg
from sqlalchemy.engine import make_url

CLAIM = """SELECT id FROM invitations WHERE status = 'planned' AND due_at <= now()
           ORDER BY due_at LIMIT %s FOR UPDATE SKIP LOCKED"""
MARK = "UPDATE invitations SET status = 'sent', sent_at = now(), updated_at = now() WHERE id = ANY(%s)"


def main(url: str, batch: int) -> int:
    claimed, last = 0, None
    with psycopg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)) as db:
        first = time.monotonic()
        while True:
            with db.transaction():
                ids = [row[0] for row in db.execute(CLAIM, (batch,))]
                if ids:
                    db.execute(MARK, (ids,))
            if not ids:
                break
            last = time.monotonic()
            claimed += len(ids)
    print(claimed, first, last or first)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
