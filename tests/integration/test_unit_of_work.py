"""A unit of work writes only what it commits."""

from sqlalchemy import func, select

from prom_service.db.models import Team


def count_teams(parts) -> int:
    with parts.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(Team))


class TestUnitOfWork:
    def test_leaving_without_commit_rolls_back(self, parts, clock):
        with parts.uow() as uow:
            uow.session.add(Team(code="a", name="A", created_at=clock.now()))
            uow.flush()
        assert count_teams(parts) == 0

    def test_commit_keeps_the_changes(self, parts, clock):
        with parts.uow() as uow:
            uow.session.add(Team(code="a", name="A", created_at=clock.now()))
            uow.commit()
        assert count_teams(parts) == 1

    def test_an_exception_rolls_back(self, parts, clock):
        try:
            with parts.uow() as uow:
                uow.session.add(Team(code="a", name="A", created_at=clock.now()))
                uow.flush()
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert count_teams(parts) == 0

    def test_datetimes_come_back_aware_in_utc(self, parts, clock):
        with parts.uow() as uow:
            uow.session.add(Team(code="a", name="A", created_at=clock.now()))
            uow.commit()
        with parts.uow() as uow:
            team = uow.session.scalar(select(Team))
            assert team.created_at == clock.now() and team.created_at.utcoffset().total_seconds() == 0
