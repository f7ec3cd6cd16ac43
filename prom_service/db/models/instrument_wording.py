"""Licensed instrument wording supplied by an organisation, per language (`prom instruments load-wording`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base
from prom_service.db.models._columns import id_column


class InstrumentWording(Base):
    """One item's text and option labels in one language; `option_labels` follow the item's option order."""

    __tablename__ = "instrument_wordings"
    __table_args__ = (UniqueConstraint("instrument", "language", "item_id"),)

    id: Mapped[int] = id_column()
    instrument: Mapped[str] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    option_labels: Mapped[list[Any]]
    source: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime]
