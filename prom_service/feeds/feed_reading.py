"""Reading the feed as items for a caller: team-scoped, optionally pseudonymised, with the next cursor."""

from __future__ import annotations

from dataclasses import dataclass
from prom_service.db.models import FeedEvent
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.feeds import feed
from prom_service.feeds.pseudonym import pseudonym
from prom_service.services.access import Actor
from prom_service.services.errors import InvalidInput


@dataclass(frozen=True)
class FeedPage:
    items: list[dict]
    next_cursor: str


def read_page(
    uow: UnitOfWork, actor: Actor, cursor: str | None, limit: int, pseudonym_key: bytes | None = None,
) -> FeedPage:
    """One page of the feed after `cursor`; a cursor we did not hand out is a 422 naming `cursor`."""
    try:
        after = feed.Cursor.decode(cursor)
    except feed.InvalidCursor as error:
        raise InvalidInput({"cursor": str(error)}) from None
    with uow:
        events = feed.read(uow.session, actor, after, limit)
        return FeedPage([as_item(e, pseudonym_key) for e in events], feed.next_cursor(after, events).encode())


def as_item(event: FeedEvent, pseudonym_key: bytes | None = None) -> dict:
    """The event as other systems see it; with a key, the patient id is replaced by its pseudonym."""
    who = ({"patient_id": None, "patient_pseudonym": pseudonym(pseudonym_key, event.patient_id)} if pseudonym_key
           else {"patient_id": event.patient_id, "patient_pseudonym": None})
    return {"id": event.id, "event": event.event, "ref_id": event.ref_id, **who, **event.payload,
            "published_at": event.created_at}

