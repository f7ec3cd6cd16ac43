"""Publishing communities' outcome sets, and reading back the exact version a score was made with.

A version is stored with its YAML source and fingerprint. It is never updated: the same version
number with different content is refused, so every old score can be reproduced from its version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from prom_service.db.models import Community, OutcomeSetVersion
from prom_service.db.unit_of_work import UnitOfWork
from prom_service.domain.outcome_set import OutcomeSet
from prom_service.domain.outcome_set_loader import read_community
from prom_service.domain.published_version import (
    Publication, PublicationError, canonical_definition, check_publication, fingerprint,
)
from prom_service.services.errors import Conflict, NotFound


@dataclass
class PublishReport:
    created_communities: list[str] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def publish_directory(uow: UnitOfWork, directory: Path, now: datetime) -> PublishReport:
    """Publish every `<code>.yaml` in `directory` that is new; all or nothing."""
    report = PublishReport()
    with uow:
        for path in sorted(directory.glob("*.yaml")):
            _publish(uow, path.read_text(encoding="utf-8"), str(path), path.stem, now, report)
        uow.commit()
    return report


def publish_text(uow: UnitOfWork, text: str, now: datetime, file: str = "<upload>") -> PublishReport:
    """Publish one community definition given as YAML text."""
    report = PublishReport()
    with uow:
        _publish(uow, text, file, None, now, report)
        uow.commit()
    return report


def _publish(uow: UnitOfWork, text: str, file: str, code: str | None, now: datetime, report: PublishReport) -> None:
    community = read_community(text, file, expected_code=code)
    row = uow.session.scalar(select(Community).where(Community.code == community.code))
    if row is None:
        row = Community(code=community.code, name=community.name, description=community.description, created_at=now)
        uow.session.add(row)
        uow.session.flush()
        report.created_communities.append(community.code)
    row.name, row.description = community.name, community.description
    stored = dict(uow.session.execute(
        select(OutcomeSetVersion.version, OutcomeSetVersion.fingerprint)
        .where(OutcomeSetVersion.community_id == row.id)
    ).all())
    label = f"{community.code} v{community.outcome_set.version}"
    try:
        publication = check_publication(community.outcome_set, stored)
    except PublicationError as error:
        raise Conflict(str(error)) from None
    if publication is Publication.ALREADY_PUBLISHED:
        report.unchanged.append(label)
        return
    uow.session.add(OutcomeSetVersion(
        community_id=row.id, version=community.outcome_set.version, fingerprint=fingerprint(community.outcome_set),
        definition={"source": text, "outcome_set": canonical_definition(community.outcome_set)},
        published_at=now, created_at=now,
    ))
    report.published.append(label)


def current_version(uow: UnitOfWork, code: str) -> OutcomeSetVersion:
    """The newest published version of a community's outcome set."""
    row = uow.session.scalar(
        select(OutcomeSetVersion).join(Community).where(Community.code == code)
        .order_by(OutcomeSetVersion.version.desc()).limit(1)
    )
    if row is None:
        raise NotFound(f"no community {code!r} (see GET /api/v1/communities)")
    return row


_PARSED: dict[tuple[int, str], OutcomeSet] = {}


def outcome_set_of(version: OutcomeSetVersion) -> OutcomeSet:
    """The domain object of a stored version, parsed once per process (versions never change)."""
    key = (version.id, version.fingerprint)
    if key not in _PARSED:
        _PARSED[key] = read_community(version.definition["source"], "<stored outcome set>").outcome_set
    return _PARSED[key]


def outcome_set_by_id(uow: UnitOfWork, version_id: int, fingerprint: str) -> OutcomeSet:
    """The same, known by id and fingerprint: the stored definition, a long document, is read only the
    first time. The fingerprint hashes the whole parsed definition, so it is a safe key for it."""
    known = _PARSED.get((version_id, fingerprint))
    return known if known is not None else outcome_set_of(uow.session.get(OutcomeSetVersion, version_id))


def list_communities(uow: UnitOfWork) -> list[tuple[Community, int]]:
    """Every community with its current outcome-set version number."""
    from sqlalchemy import func

    newest = (
        select(OutcomeSetVersion.community_id, func.max(OutcomeSetVersion.version).label("version"))
        .group_by(OutcomeSetVersion.community_id).subquery()
    )
    rows = uow.session.execute(
        select(Community, newest.c.version).join(newest, newest.c.community_id == Community.id).order_by(Community.code)
    ).all()
    return [(community, version) for community, version in rows]
