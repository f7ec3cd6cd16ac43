"""Delivery with several texts in flight: what is checked when a batch is claimed and again just before
each send, and the bound on texts sent but not yet recorded (the most a killed worker sends twice)."""

import itertools
import queue
import threading
from collections import Counter
from datetime import datetime, timezone

import pytest
from sqlalchemy import select, update

from prom_service.db.models import CostEvent, Invitation, OutboxMessage, Patient
from prom_service.scheduler import jobs
from tests.fakes import FakeSmsSender
from tests.integration.test_dispatch import TUESDAY_NOON, count, enrol_person, one

WAIT = 10  # seconds a test waits for a worker thread before calling it stuck


class GatedSender(FakeSmsSender):
    """Each send announces itself and then waits until the test lets that text through."""

    def __init__(self) -> None:
        super().__init__()
        self.started: queue.Queue[str] = queue.Queue()
        self._gates: dict[str, threading.Event] = {}
        self._gates_lock = threading.Lock()
        self._all_open = False

    def gate(self, key: str) -> threading.Event:
        with self._gates_lock:
            gate = self._gates.setdefault(key, threading.Event())
            if self._all_open:
                gate.set()
            return gate

    def open_all(self) -> None:
        """Let every text through, now and from now on."""
        with self._gates_lock:
            self._all_open = True
            for gate in self._gates.values():
                gate.set()

    def send(self, to, body, *, status_callback, idempotency_key):
        self.started.put(idempotency_key)
        assert self.gate(idempotency_key).wait(WAIT), "the test never let this text through"
        return super().send(to, body, status_callback=status_callback, idempotency_key=idempotency_key)

    def next_started(self) -> str:
        return self.started.get(timeout=WAIT)


def delivery_with(parts, sender, in_flight: int, sleep=lambda seconds: None):
    parts.sms_sender = sender
    parts.__dict__.pop("sms_delivery", None)
    parts.sms_delivery.sleep, parts.sms_delivery.in_flight = sleep, in_flight
    return parts.sms_delivery


def queue_texts(parts, clock, people: int) -> None:
    clock.at = TUESDAY_NOON
    for n in range(people):
        enrol_person(parts, phone=f"0770090{n:04d}")
    outcomes = jobs.dispatch_invitations(parts)
    assert sum(n for outcome, n in outcomes.items() if outcome.startswith("sent:sms")) == people


class TestTextsInFlight:
    def test_texts_go_together_but_never_more_unrecorded_than_in_flight(self, parts, communities, clock):
        queue_texts(parts, clock, 3)
        sender = GatedSender()
        delivery_with(parts, sender, in_flight=2)
        outcomes: list[Counter] = []
        worker = threading.Thread(target=lambda: outcomes.append(jobs.deliver_sms(parts)))
        worker.start()
        try:
            first, second = sender.next_started(), sender.next_started()
            assert count(parts, OutboxMessage, OutboxMessage.state == "sent") == 0, "two sends under way at once"
            sender.gate(first).set()
            third = sender.next_started()
            assert one(parts, OutboxMessage, OutboxMessage.idempotency_key == first).state == "sent", \
                "the third text starts only once the first is recorded"
            assert third not in (first, second)
        finally:
            sender.open_all()
            worker.join(WAIT)
        assert outcomes == [Counter({"sent": 3})]
        assert count(parts, CostEvent) == 3 and count(parts, OutboxMessage, OutboxMessage.state == "sent") == 3


class TestCheckedAtClaimAndAtSend:
    def test_a_person_who_opted_out_after_dispatch_gets_nothing(self, parts, communities, clock):
        queue_texts(parts, clock, 1)
        sender = FakeSmsSender()
        delivery_with(parts, sender, in_flight=4)
        with parts.uow() as uow:
            uow.session.execute(update(Patient).values(sms_opted_out_at=clock.now()))
            uow.commit()
        assert jobs.deliver_sms(parts) == Counter({"opted-out": 1})
        assert sender.sent == []
        assert one(parts, Invitation).status == "cancelled"

    def test_kind_hours_that_close_while_a_text_waits_for_its_slot_hold_it_back(self, parts, communities, clock):
        queue_texts(parts, clock, 1)
        clock.at = datetime(2026, 11, 24, 19, 59, 59, tzinfo=timezone.utc)
        sender = FakeSmsSender()
        delivery_with(parts, sender, in_flight=4, sleep=lambda seconds: clock.advance(minutes=1))
        assert jobs.deliver_sms(parts) == Counter({"quiet-hours": 1})
        assert sender.sent == []
        message = one(parts, OutboxMessage)
        assert (message.state, message.attempts) == ("pending", 0)
        assert message.due_at == datetime(2026, 11, 25, 8, tzinfo=timezone.utc)

    def test_a_lease_that_runs_out_while_waiting_is_left_to_the_next_worker(self, parts, communities, clock):
        queue_texts(parts, clock, 1)
        lease = parts.settings["scheduler.lease_seconds"]
        sender = FakeSmsSender()
        delivery_with(parts, sender, in_flight=4, sleep=lambda seconds: clock.advance(seconds=lease))
        assert jobs.deliver_sms(parts) == Counter({"lease-lost": 1})
        assert sender.sent == [] and one(parts, OutboxMessage).state == "sending"
        clock.advance(seconds=1)
        delivery_with(parts, sender, in_flight=4)
        assert jobs.deliver_sms(parts) == Counter({"sent": 1}), "reclaimed once the lease has expired"


@pytest.mark.parametrize("in_flight", [1, 5])
def test_every_text_of_a_batch_is_recorded_once_with_its_cost(parts, communities, clock, in_flight):
    queue_texts(parts, clock, 7)
    sender = FakeSmsSender()
    delivery_with(parts, sender, in_flight=in_flight)
    assert jobs.deliver_sms(parts) == Counter({"sent": 7})
    assert len({key for _, _, key in sender.sent}) == 7 == len(sender.sent)
    with parts.uow() as uow:
        refs = set(uow.session.scalars(select(OutboxMessage.provider_ref).where(OutboxMessage.state == "sent")))
        costs = set(uow.session.scalars(select(CostEvent.source_id)))
    assert refs == costs and len(refs) == 7


class BreaksOnce(FakeSmsSender):
    """Raises something no provider answer explains (a bug) on the second text it is given."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = itertools.count(1)

    def send(self, to, body, *, status_callback, idempotency_key):
        if next(self.calls) == 2:
            raise RuntimeError("a bug in the sending path")
        return super().send(to, body, status_callback=status_callback, idempotency_key=idempotency_key)


def test_a_send_that_breaks_stops_the_batch_after_recording_every_text_already_sent(parts, communities, clock):
    queue_texts(parts, clock, 9)
    sender = BreaksOnce()
    delivery_with(parts, sender, in_flight=3)
    with pytest.raises(RuntimeError, match="a bug"):
        jobs.deliver_sms(parts)
    assert 0 < len(sender.sent) < 8, "sends stopped soon after the break"
    assert count(parts, OutboxMessage, OutboxMessage.state == "sent") == len(sender.sent), "each one recorded"
