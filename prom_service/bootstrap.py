"""The one place where concrete parts are built from configuration."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Callable

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from prom_service.channels.sms.backend import build_sms_sender, status_callback_url, texts_in_flight
from prom_service.channels.sms.sender import SmsSender
from prom_service.channels.sms.templates import SmsTemplates, load_templates
from prom_service.clock import Clock, SystemClock
from prom_service.db.engine import build_engine
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.settings import Settings


@dataclass
class Parts:
    """Everything a service needs from the outside world, chosen by configuration."""

    settings: Settings
    engine: Engine
    session_factory: Callable[[], Session]
    clock: Clock = field(default_factory=SystemClock)
    sms_sender: SmsSender | None = None

    def uow(self) -> UnitOfWork:
        """Start a new unit of work; nothing is written unless it commits."""
        return UnitOfWork(self.session_factory)

    @cached_property
    def sms_templates(self) -> SmsTemplates:
        return load_templates(self.settings.config_dir)

    @cached_property
    def sms_delivery(self):
        """This process's sending loop; one per process, so its share of the fleet's rate holds across ticks."""
        from prom_service.domain.sending_window import SendingWindow
        from prom_service.services.outbox import DeliveryPolicy
        from prom_service.services.send_rate import send_pace
        from prom_service.services.sms_delivery import SmsDelivery

        return SmsDelivery(
            make_uow=self.uow, sender=self.sms_sender, clock=self.clock,
            window=SendingWindow.from_settings(self.settings), policy=DeliveryPolicy.from_settings(self.settings),
            pace=send_pace(self.engine, self.uow, self.settings),
            price_per_segment=Decimal(str(self.settings["sms.price_per_segment_gbp"])),
            status_callback=status_callback_url(self.settings), in_flight=texts_in_flight(self.settings),
        )


def bootstrap(
    settings: Settings,
    *,
    engine: Engine | None = None,
    session_factory: Callable[[], Session] | None = None,
    clock: Clock | None = None,
    sms_sender: SmsSender | None = None,
) -> Parts:
    """Build the parts; tests pass their own engine, session factory, clock or SMS sender."""
    engine = engine or build_engine(
        settings["database.url"],
        echo=settings["database.echo"],
        busy_timeout_ms=settings["database.sqlite_busy_timeout_ms"],
        pool_size=settings["database.pool_size"],
    )
    factory = session_factory or sessionmaker(bind=engine, expire_on_commit=False)
    clock = clock or SystemClock()
    sender = sms_sender or build_sms_sender(settings, factory, clock)
    return Parts(settings=settings, engine=engine, session_factory=factory, clock=clock, sms_sender=sender)
