"""Exit 0 when the PostgreSQL named by PROM_TEST_DATABASE_URL answers; otherwise say why, plainly."""

import os
import sys

import psycopg
from sqlalchemy.engine import make_url


def main() -> int:
    url = make_url(os.environ.get("PROM_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"))
    try:
        psycopg.connect(
            host=url.host, port=url.port or 5432, user=url.username, password=url.password,
            dbname=url.database, connect_timeout=3,
        ).close()
    except psycopg.OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"PostgreSQL is not reachable at {url.host}:{url.port or 5432}/{url.database}: {first_line}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
