"""Concurrent writers on real PostgreSQL: a reader never skips an event committed late, never repeats one.

SQLite needs no such test: every write transaction there starts with BEGIN IMMEDIATE and holds the only
write lock until it commits, so ids are handed out in commit order (see prom_service/feeds/feed.py).
"""

import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from prom_service.db.engine import build_engine
from prom_service.db.migrations import upgrade
from prom_service.db.models import Patient, Score
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.feeds import feed
from prom_service.services.access import SYSTEM

pytestmark = pytest.mark.postgres_only
NOW = datetime(2026, 11, 1, 12, tzinfo=timezone.utc)


@pytest.fixture
def make_uow(fresh_database_url):
    upgrade(fresh_database_url)
    engine = build_engine(fresh_database_url, pool_size=12)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with UnitOfWork(factory) as uow:
        uow.session.add(Patient(source="t", external_id="1", created_at=NOW))
        uow.commit()
    yield lambda: UnitOfWork(factory)
    engine.dispose()


def write_score(uow: UnitOfWork, value: float) -> int:
    """A score and its feed event in the open transaction of `uow`; returns the event id."""
    patient_id = uow.session.scalar(select(Patient.id))
    score = Score(patient_id=patient_id, instrument="phq9", scale="total", value=value, flags=[],
                  definition_version="phq9/1", provenance={}, observed_at=NOW, created_at=NOW)
    uow.session.add(score)
    return feed.publish(uow, score)[0].id


class Reader:
    """A feed consumer that keeps its cursor between reads, as a subscriber would."""

    def __init__(self, make_uow):
        self.make_uow, self.cursor, self.seen = make_uow, feed.Cursor(), []

    def read(self) -> list[int]:
        with self.make_uow() as uow:
            page = feed.read(uow.session, SYSTEM, self.cursor, 500)
        self.cursor = feed.next_cursor(self.cursor, page)
        self.seen += [event.id for event in page]
        return [event.id for event in page]


class TestInterleavedWriters:
    def test_an_open_transaction_holds_back_events_committed_after_it(self, make_uow):
        reader = Reader(make_uow)
        with make_uow() as t1, make_uow() as t2:
            a = write_score(t1, 1)
            b = write_score(t2, 2)
            t2.commit()
            assert a < b
            assert reader.read() == [], "B must wait: T1 (holding A, a lower id) is still open"
            t1.commit()
        assert reader.read() == [a, b]
        assert reader.read() == []

    def test_an_event_with_a_lower_id_committed_later_is_not_skipped(self, make_uow):
        """The case an id-only cursor gets wrong: T2 began first, so it may go out first, but A is not lost."""
        reader = Reader(make_uow)
        with make_uow() as t1, make_uow() as t2:
            t2.session.execute(select(func.pg_current_xact_id()))  # T2 takes the older transaction id
            a = write_score(t1, 1)
            b = write_score(t2, 2)
            t2.commit()
            assert a < b
            assert reader.read() == [b]
            t1.commit()
        assert reader.read() == [a], "an id-only cursor at B would never return A"
        assert sorted(reader.seen) == [a, b]

    def test_a_rolled_back_transaction_leaves_no_event_and_no_stall(self, make_uow):
        reader = Reader(make_uow)
        with make_uow() as t1:
            write_score(t1, 1)
        with make_uow() as t2:
            b = write_score(t2, 2)
            t2.commit()
        assert reader.read() == [b]


class TestManyWriters:
    def test_a_reader_racing_eight_writers_sees_every_event_once(self, make_uow):
        committed, lock, done = [], threading.Lock(), threading.Event()

        def writer():
            for n in range(40):
                with make_uow() as uow:
                    event_id = write_score(uow, n)
                    uow.commit()
                with lock:
                    committed.append(event_id)

        reader = Reader(make_uow)
        threads = [threading.Thread(target=writer) for _ in range(8)]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            reader.read()
        reader.read()
        assert sorted(reader.seen) == sorted(committed) and len(reader.seen) == 320
        assert len(set(reader.seen)) == len(reader.seen), "no repeats"
