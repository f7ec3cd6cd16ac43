"""The Index of Multiple Deprivation decile of each small area (LSOA), loaded from the published file."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base


class DeprivationDecile(Base):
    """One LSOA's IMD decile: 1 is the most deprived tenth of areas, 10 the least."""

    __tablename__ = "deprivation_deciles"
    __table_args__ = (CheckConstraint("decile BETWEEN 1 AND 10", name="decile_range"),)

    lsoa: Mapped[str] = mapped_column(String(16), primary_key=True)
    decile: Mapped[int]
    # Which edition the row came from, e.g. "IoD2025 File 1", so a report can say what it used.
    source: Mapped[str] = mapped_column(String(200))
    loaded_at: Mapped[datetime]
