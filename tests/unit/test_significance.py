"""Multiple comparisons, baselines and trend tests (issue 15)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sv_assessment.analysis import significance


def test_holm_matches_hand_computation() -> None:
    # sorted 0.005, 0.01, 0.03, 0.04 scaled by 4, 3, 2, 1 -> 0.02, 0.03, 0.06, 0.04 -> running max
    adjusted = significance.holm([0.01, 0.04, 0.03, 0.005])
    np.testing.assert_allclose(adjusted, [0.03, 0.06, 0.06, 0.02])


def test_benjamini_hochberg_matches_scipy() -> None:
    rng = np.random.default_rng(3)
    p = rng.uniform(0, 0.2, 32)
    np.testing.assert_allclose(
        significance.benjamini_hochberg(p), stats.false_discovery_control(p, method="bh")
    )


def test_tests_not_made_do_not_count_towards_the_family() -> None:
    adjusted = significance.holm([0.01, math.nan, 0.02])
    assert math.isnan(adjusted[1])
    np.testing.assert_allclose(adjusted[[0, 2]], [0.02, 0.02])


def test_p_values_outside_0_1_are_refused() -> None:
    with pytest.raises(ValueError):
        significance.holm([0.5, 1.5])


def test_one_chance_result_in_32_is_not_significant_after_control() -> None:
    p = np.full(32, 0.5)
    p[0] = 0.02
    assert significance.benjamini_hochberg(p)[0] > 0.05
    assert significance.holm(p)[0] > 0.05


def test_flat_counts_have_no_trend() -> None:
    trend = significance.poisson_trend([100] * 5, [1000] * 5, range(2020, 2025))
    assert trend.annual_percent_change == pytest.approx(0, abs=1e-9)
    assert trend.p_value == pytest.approx(1)


def test_steady_rise_is_a_significant_trend() -> None:
    counts = [round(1000 * 1.1**i) for i in range(5)]
    trend = significance.poisson_trend(counts, [1e6] * 5, range(2020, 2025))
    assert trend.annual_percent_change == pytest.approx(10, abs=0.2)
    assert trend.p_value < 0.01
    assert trend.lower < 10 < trend.upper


def test_overdispersion_widens_the_interval() -> None:
    wobbly = [1000, 1300, 900, 1250, 1100]
    trend = significance.poisson_trend(wobbly, [1e6] * 5, range(2020, 2025))
    assert trend.dispersion > 10
    assert trend.p_value > 0.05  # a Poisson-only test would call it significant


def test_trend_uses_population_per_year() -> None:
    # Counts rise only because the population does: the rate has no trend.
    pops = [1e5 * 1.05**i for i in range(5)]
    counts = [round(500 * 1.05**i) for i in range(5)]
    trend = significance.poisson_trend(counts, pops, range(2020, 2025))
    assert abs(trend.annual_percent_change) < 0.5


def test_baseline_is_the_three_years_before_within_the_window() -> None:
    assert significance.baseline_years(2024, 2020) == [2021, 2022, 2023]
    assert significance.baseline_years(2024, 2023) == [2023]


def test_a_series_with_offences_in_one_year_is_not_tested() -> None:
    for counts in ([5, 0, 0, 0, 0], [0, 0, 0, 0, 0]):
        trend = significance.poisson_trend(counts, [1000] * 5, range(2020, 2025))
        assert math.isnan(trend.p_value) and math.isnan(trend.annual_percent_change)


def test_zeros_in_some_years_still_give_a_trend() -> None:
    trend = significance.poisson_trend([0, 0, 3, 9, 20], [1000] * 5, range(2020, 2025))
    assert trend.annual_percent_change > 50 and trend.p_value < 0.05
