import pytest

from prom_service.domain.change import (
    ChangeClass,
    classify,
    domain_change,
    domain_change_summary,
    lis_change,
    lis_change_summary,
)


class TestClassify:
    @pytest.mark.parametrize(
        ("improvement", "expected"),
        [(5, ChangeClass.IMPROVED), (7, ChangeClass.IMPROVED), (4.9, ChangeClass.STABLE), (0, ChangeClass.STABLE),
         (-4.9, ChangeClass.STABLE), (-5, ChangeClass.DETERIORATED), (-12, ChangeClass.DETERIORATED)],
    )
    def test_a_change_reaching_the_mid_counts(self, improvement, expected):
        assert classify(improvement, mid=5) is expected


class TestDomainChange:
    def test_higher_is_better_domain_improves_when_it_rises(self, worked_example):
        change = domain_change(worked_example.domain("quality_of_life"), 0.743, 0.817)
        assert change.classification is ChangeClass.IMPROVED
        assert change.difference == pytest.approx(0.074)

    def test_lower_is_better_domain_improves_when_it_falls(self, worked_example):
        change = domain_change(worked_example.domain("anxiety"), 6, 4)
        assert change.classification is ChangeClass.IMPROVED
        assert (change.difference, change.improvement) == (-2, 2)

    def test_lower_is_better_domain_deteriorates_when_it_rises(self, worked_example):
        assert domain_change(worked_example.domain("anxiety"), 4, 5).classification is ChangeClass.DETERIORATED

    def test_a_change_smaller_than_the_mid_is_stable(self, worked_example):
        assert domain_change(worked_example.domain("time_at_home"), 81, 76).classification is ChangeClass.STABLE


class TestChangeSummary:
    def test_compares_with_baseline_and_with_previous(self, worked_example):
        summary = domain_change_summary(worked_example.domain("time_at_home"), [60, 81, 78])
        assert summary.from_baseline.classification is ChangeClass.IMPROVED
        assert summary.from_previous.classification is ChangeClass.STABLE
        assert (summary.from_previous.earlier, summary.from_previous.later) == (81, 78)

    def test_a_single_assessment_has_no_change(self, worked_example):
        summary = domain_change_summary(worked_example.domain("anxiety"), [4])
        assert summary.from_baseline is None and summary.from_previous is None

    def test_lis_change_uses_the_sets_lis_mid(self, worked_example):
        mid = worked_example.life_improver_score.mid
        summary = lis_change_summary([71.0, 64.0, 76.25], mid)
        assert summary.from_baseline.classification is ChangeClass.IMPROVED
        assert summary.from_previous.improvement == pytest.approx(12.25)
        assert lis_change(71.0, 67.0, mid).classification is ChangeClass.STABLE
        assert lis_change(71.0, 66.0, mid).classification is ChangeClass.DETERIORATED
