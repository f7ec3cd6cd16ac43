"""The t critical value and the confidence interval of a mean, against published values."""

import pytest

from prom_service.domain.student_t import t_critical_975
from prom_service.domain.value_figures import mean_confidence_interval


class TestStudentT:
    # Published t(0.975, ν) values (NIST/SEMATECH table 1.3.6.7.2; ν = 31 and up from R's qt).
    @pytest.mark.parametrize("nu, expected", [
        (1, 12.706), (2, 4.303), (10, 2.228), (30, 2.042), (31, 2.0395), (40, 2.0211), (60, 2.0003),
        (100, 1.9840), (120, 1.9799), (1000, 1.9623),
    ])
    def test_matches_the_published_table(self, nu, expected):
        assert t_critical_975(nu) == pytest.approx(expected, abs=1e-4 if nu > 30 else 1e-3)

    def test_the_expansion_meets_the_table_at_thirty(self):
        from prom_service.domain.student_t import Z_975, _cornish_fisher

        assert _cornish_fisher(Z_975, 30) == pytest.approx(t_critical_975(30), abs=1e-6)

    def test_no_degrees_of_freedom_is_refused(self):
        with pytest.raises(ValueError):
            t_critical_975(0)


class TestMeanInterval:
    def test_three_changes_give_the_textbook_interval(self):
        # 20, 3, 10: mean 11, s = √73, se = s/√3, t(2) = 4.302653.
        assert mean_confidence_interval(3, 33, 509) == (-10.22, 32.22)

    def test_one_value_has_no_interval(self):
        assert mean_confidence_interval(1, 5, 25) is None

    def test_identical_values_give_a_zero_width_interval(self):
        assert mean_confidence_interval(4, 20, 100) == (5.0, 5.0)
