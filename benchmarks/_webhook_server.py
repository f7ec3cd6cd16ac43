"""`prom web` for the webhook benchmark: the production app under gunicorn, plus one bare endpoint.

Run as ``python -m benchmarks._webhook_server PORT WORKERS`` with PROM_* variables. The bare endpoint
``POST /bench/insert`` does one INSERT through the app's own engine and nothing else: the physical
ceiling of a request that writes to the database, served by the same workers. It is registered here,
for the benchmark only; production never has it.
"""

from __future__ import annotations

import sys
import uuid
from datetime import datetime, timezone

from flask import Blueprint, Response, current_app
from sqlalchemy import insert

from prom_service import create_app
from prom_service.db.models import InboundSms
from prom_service import process_heap
from prom_service.gunicorn_server import serve

bare = Blueprint("bench", __name__)


@bare.post("/bench/insert")
def one_insert() -> Response:
    with current_app.extensions["prom"].engine.begin() as connection:
        connection.execute(insert(InboundSms).values(message_sid=f"bench-{uuid.uuid4().hex}", outcome="unmatched",
                                                     received_at=datetime.now(timezone.utc)))
    return Response("<Response/>", mimetype="application/xml")


def main(port: int, workers: int) -> int:
    app = create_app()
    app.register_blueprint(bare)
    process_heap.settle(app.extensions["prom"].settings)  # as `prom web` does before the workers fork
    serve(app, host="127.0.0.1", port=port, workers=workers)
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))
