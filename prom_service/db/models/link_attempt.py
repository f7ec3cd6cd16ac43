"""Identity-check attempts on a patient link: what the rate limit counts and the audit trail cites."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from prom_service.db.base import Base, BigId
from prom_service.db.models._columns import id_column


class LinkAttempt(Base):
    """One date-of-birth answer given on an invitation's link, right or wrong."""

    __tablename__ = "link_attempts"
    __table_args__ = (Index("ix_link_attempts_invitation_at", "invitation_id", "at"),)

    id: Mapped[int] = id_column()
    invitation_id: Mapped[int] = mapped_column(BigId, ForeignKey("invitations.id"))
    succeeded: Mapped[bool]
    at: Mapped[datetime]
