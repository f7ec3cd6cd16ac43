"""The score feed: every score, Life Improver Score and alert, in transaction order, with no gaps and
no repeats even while many writers commit concurrently.

Why ids alone are not enough: an id is taken when a row is inserted, not when its transaction commits.
A transaction may take id 10, stay open, and commit after another transaction's id 11 did; a reader who
already returned 11 and moved its cursor past it would never see 10.

So every event carries its writing transaction's id (`txid`, PostgreSQL's `pg_current_xact_id()`), and
readers order by (txid, id) and return only events of transactions older than every transaction still
in flight (the *horizon*: the smallest running xid in the statement's snapshot, or the snapshot's xmax
when none runs). Every transaction below the horizon has finished, so nothing new can ever appear
behind a cursor; a long open transaction holds the feed back until it ends, and then its events come
out, in one block. Transactions of other databases in the same cluster are left out of the horizon
when `pg_stat_activity` can show they belong elsewhere; when it cannot, they count (slower, never wrong).

SQLite has one writer at a time (BEGIN IMMEDIATE, see db/engine.py), so id order is commit order
there: every event gets txid 0 and the horizon is unbounded.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import BigInteger, Text, cast, func, literal_column, select, tuple_
from sqlalchemy.orm import Session

from prom_service.db.base import read_json_fast
from prom_service.db.records import records
from prom_service.db.models import Alert, Community, FeedEvent, LifeImproverScore, OutcomeSetVersion, Patient, Score
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.services.access import Actor, visible_patients

EVENTS = ("score.created", "lis.computed", "alert.raised", "alert.updated")
MAX_LIMIT = 500
LIS_INSTRUMENT = "life_improver_score"

# The smallest xid still running in this database as of this statement's snapshot (see the docstring).
# With none running, everything below xmax has finished; a reader's own transaction (a test's, or one
# that wrote before reading) sits at or above xmax and sees its own events, so the bound moves past it.
HORIZON_SQL = """(
  SELECT coalesce(min(x::text::bigint), greatest(pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
                                                 coalesce(pg_current_xact_id_if_assigned()::text::bigint + 1, 0)))
  FROM pg_snapshot_xip(pg_current_snapshot()) AS x
  WHERE (x::text::bigint & 4294967295) NOT IN (
    SELECT backend_xid::text::bigint FROM pg_stat_activity
    WHERE datname <> current_database() AND backend_xid IS NOT NULL))"""


class InvalidCursor(ValueError):
    """A cursor we did not hand out (or one mangled on the way back)."""


@dataclass(frozen=True, order=True)
class Cursor:
    """A position in the feed: the (txid, id) of the last event returned."""

    txid: int = 0
    event_id: int = 0

    def encode(self) -> str:
        return base64.urlsafe_b64encode(f"{self.txid}.{self.event_id}".encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str | None) -> Cursor:
        """Read a cursor from `next_cursor`; empty means the start of the feed."""
        if not text:
            return cls()
        try:
            txid, event_id = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode().split(".")
            cursor = cls(int(txid), int(event_id))
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise InvalidCursor("not a cursor this feed handed out; use next_cursor as given") from None
        if cursor.txid < 0 or cursor.event_id < 0:
            raise InvalidCursor("not a cursor this feed handed out; use next_cursor as given")
        return cursor

    @classmethod
    def of(cls, event: FeedEvent) -> Cursor:
        return cls(event.txid, event.id)


def publish(uow: UnitOfWork, *rows: Score | LifeImproverScore | Alert) -> list[FeedEvent]:
    """Write a feed event per row inside the caller's transaction: the feed commits with the rows or not at all."""
    new_alerts = {id(row) for row in rows if isinstance(row, Alert) and row in uow.session.new}
    uow.session.flush()
    txid = _current_txid(uow.session)
    events = [_event(uow.session, row, txid, id(row) in new_alerts) for row in rows]
    uow.session.add_all(events)
    uow.session.flush()
    return events


def _current_txid(session: Session) -> int:
    if session.get_bind().dialect.name != "postgresql":
        return 0
    return session.scalar(select(cast(cast(func.pg_current_xact_id(), Text), BigInteger)))


def _event(session: Session, row, txid: int, new_alert: bool) -> FeedEvent:
    if isinstance(row, Score):
        kind, event, payload = "score", "score.created", score_payload(row)
    elif isinstance(row, LifeImproverScore):
        kind, event, payload = "lis", "lis.computed", _lis_payload(session, row)
    else:
        kind, event, payload = "alert", "alert.raised" if new_alert else "alert.updated", _alert_payload(row)
    return FeedEvent(txid=txid, kind=kind, event=event, ref_id=row.id, patient_id=row.patient_id, payload=payload)


def score_payload(row: Score) -> dict:
    return {
        "instrument": row.instrument, "scale": row.scale, "value": row.value, "value_text": row.value_text,
        "band": row.band, "flags": list(row.flags or []), "reason": row.reason,
        "definition_version": row.definition_version, "observed_at": row.observed_at.isoformat(),
        "response_id": row.response_id, "enrolment_id": row.enrolment_id,
    }


def _lis_payload(session: Session, row: LifeImproverScore) -> dict:
    code, version = _community_of(session, row.outcome_set_version_id)
    return {
        "instrument": LIS_INSTRUMENT, "scale": code, "value": row.value, "value_text": None, "band": None,
        "flags": [], "reason": row.reason, "definition_version": f"{code}@v{version}",
        "observed_at": row.observed_at.isoformat(), "enrolment_id": row.enrolment_id,
        "life_improver_score": {"coverage": row.coverage, "community": code, "outcome_set_version": version,
                                "invitation_id": row.invitation_id},
    }


def _community_of(session: Session, version_id: int) -> tuple[str, int]:
    return tuple(session.execute(
        select(Community.code, OutcomeSetVersion.version)
        .join(Community, Community.id == OutcomeSetVersion.community_id).where(OutcomeSetVersion.id == version_id)
    ).one())


def _alert_payload(row: Alert) -> dict:
    return {
        "instrument": None, "scale": None, "value": None, "value_text": None, "band": None, "flags": [],
        "reason": None, "definition_version": None, "observed_at": row.raised_at.isoformat(),
        "enrolment_id": row.enrolment_id,
        "alert": {"id": row.id, "rule": row.rule, "severity": row.severity, "status": row.status,
                  "summary": row.summary, "score_id": row.score_id},
    }


_COLUMNS = tuple(read_json_fast(c) if c.name == "payload" else c for c in FeedEvent.__table__.c)


def read(
    session: Session, actor: Actor, after: Cursor, limit: int, events: Iterable[str] | None = None,
) -> list[FeedEvent]:
    """Up to `limit` events after `after` that the actor may see, from finished transactions only.

    Rows come back as named tuples with the event's attributes (`db.records`), not ORM objects: readers
    only read them, and building an identity-mapped object per event cost about a third of a page's time.
    """
    query = select(*_COLUMNS).where(tuple_(FeedEvent.txid, FeedEvent.id) > tuple_(after.txid, after.event_id))
    if session.get_bind().dialect.name == "postgresql":
        query = query.where(FeedEvent.txid < literal_column(HORIZON_SQL))
    if actor.team_ids is not None:
        query = query.where(FeedEvent.patient_id.in_(visible_patients(actor).with_only_columns(Patient.id)))
    if events is not None:
        query = query.where(FeedEvent.event.in_(list(events)))
    query = query.order_by(FeedEvent.txid, FeedEvent.id).limit(max(1, min(limit, MAX_LIMIT)))
    return records(session.connection().execute(query))


def next_cursor(after: Cursor, page: list[FeedEvent]) -> Cursor:
    """Where the next read starts: after the last event returned, or where this one started."""
    return Cursor.of(page[-1]) if page else after
