from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sv_assessment.analysis.measures import (
    RateRatio,
    concentration_share,
    describe_change,
    format_change_sentence,
    funnel_flags,
    funnel_limits,
    persistent_top_units,
    poisson_ci,
    rate_ratio,
    rates_with_ci,
    rolling_12_month_total,
)


@pytest.mark.parametrize(
    ("count", "lower", "upper"),
    [(0, 0.0, 3.6889), (1, 0.0253, 5.5716), (10, 4.7954, 18.3904)],
)
def test_poisson_ci_textbook_values(count: int, lower: float, upper: float) -> None:
    lo, hi = poisson_ci(count)
    assert lo == pytest.approx(lower, abs=1e-4)
    assert hi == pytest.approx(upper, abs=1e-4)


def test_poisson_ci_matches_scipy_exact_interval() -> None:
    for k in [1, 3, 17, 250]:
        lo, hi = poisson_ci(k, confidence=0.9)
        # Garwood limits are where the Poisson tail probabilities equal alpha/2.
        assert stats.poisson.sf(k - 1, lo) == pytest.approx(0.05, rel=1e-6)
        assert stats.poisson.cdf(k, hi) == pytest.approx(0.05, rel=1e-6)


def test_poisson_ci_vectorised() -> None:
    lo, hi = poisson_ci(np.array([0, 10]))
    assert lo == pytest.approx([0.0, 4.7954], abs=1e-4)
    assert hi == pytest.approx([3.6889, 18.3904], abs=1e-4)
    with pytest.raises(ValueError):
        poisson_ci(-1)


def test_rates_with_ci() -> None:
    frame = pd.DataFrame({"area": ["a", "b", "c"], "n": [10, 0, 5], "pop": [2000, 1000, 0]})
    out = rates_with_ci(frame, "n", "pop", per=1000)
    assert "rate" not in frame.columns
    assert out.loc[0, "rate"] == pytest.approx(5.0)
    assert out.loc[0, "rate_lower"] == pytest.approx(4.7954 / 2, abs=1e-4)
    assert out.loc[0, "rate_upper"] == pytest.approx(18.3904 / 2, abs=1e-4)
    assert out.loc[1, "rate"] == 0.0
    assert out.loc[1, "rate_upper"] == pytest.approx(3.6889, abs=1e-4)
    assert out.loc[2, ["rate", "rate_lower", "rate_upper"]].isna().all()


def _independent_rate_ratio_ci(a: int, b: int, t1: float, t0: float) -> tuple[float, float]:
    # Clopper-Pearson via scipy's binomtest, then p -> R = p/(1-p) * t0/t1.
    ci = stats.binomtest(a, a + b).proportion_ci(confidence_level=0.95, method="exact")
    return ci.low / (1 - ci.low) * t0 / t1, ci.high / (1 - ci.high) * t0 / t1


def test_rate_ratio_matches_independent_computation() -> None:
    rr = rate_ratio(45, 12_000, 30, 11_000)
    lo, hi = _independent_rate_ratio_ci(45, 30, 12_000, 11_000)
    assert rr.ratio == pytest.approx((45 / 12_000) / (30 / 11_000))
    assert rr.lower == pytest.approx(lo, rel=1e-8)
    assert rr.upper == pytest.approx(hi, rel=1e-8)
    assert rr.percent_change == pytest.approx((rr.ratio - 1) * 100)
    expected_p = stats.binomtest(45, 75, 12_000 / 23_000).pvalue
    assert rr.p_value == pytest.approx(expected_p)
    assert rr.lower < rr.ratio < rr.upper


def test_sharp_rise_is_significant_and_wobble_is_not() -> None:
    rise = rate_ratio(200, 50_000, 100, 50_000)
    assert rise.p_value < 0.001
    assert rise.lower > 1
    assert describe_change(rise) == "a statistically significant rise"
    wobble = rate_ratio(103, 50_000, 100, 50_000)
    assert wobble.p_value > 0.05
    assert wobble.lower < 1 < wobble.upper
    assert describe_change(wobble, "knife crime") == (
        "no statistically significant change in knife crime"
    )
    fall = rate_ratio(100, 50_000, 200, 50_000)
    assert describe_change(fall, "robbery") == "a statistically significant fall in robbery"


def test_rate_ratio_zero_counts() -> None:
    none = rate_ratio(0, 1000, 0, 1000)
    assert math.isnan(none.ratio) and none.p_value == 1.0
    assert describe_change(none) == "no statistically significant change"
    from_zero = rate_ratio(7, 1000, 0, 1000)
    assert math.isinf(from_zero.ratio) and math.isinf(from_zero.upper)
    assert 0 < from_zero.lower < math.inf
    to_zero = rate_ratio(0, 1000, 7, 1000)
    assert to_zero.ratio == 0 and to_zero.lower == 0 and to_zero.upper < 1
    assert to_zero.percent_change == -100


def test_format_change_sentence() -> None:
    rr = rate_ratio(512, 300_000, 470, 300_000)
    assert isinstance(rr, RateRatio)
    sentence = format_change_sentence("Knife crime", 512, 470, rr, "2024", "2023")
    assert sentence == (
        "Knife crime: 512 offences in 2024 against 470 in 2023 "
        "(+8.9%; rate ratio 1.09, 95% CI 0.96 to 1.24): no statistically significant change."
    )
    big = format_change_sentence("Violence", 2400, 1200, rate_ratio(2400, 1, 1200, 1))
    assert "2,400 offences" in big and big.endswith("a statistically significant rise.")


def test_funnel_limits_narrow_with_population_and_contain_area_rate() -> None:
    populations = [500, 2_000, 10_000, 50_000, 250_000, 1_000_000]
    limits = funnel_limits(8.0, populations, per=1000)
    assert list(limits.columns) == ["population", "lower_95", "upper_95", "lower_998", "upper_998"]
    for level in ("95", "998"):
        assert limits[f"upper_{level}"].is_monotonic_decreasing
        assert limits[f"lower_{level}"].is_monotonic_increasing
        assert (limits[f"lower_{level}"] <= 8.0).all()
        assert (limits[f"upper_{level}"] >= 8.0).all()
    assert (limits["upper_998"] >= limits["upper_95"]).all()
    assert (limits["lower_998"] <= limits["lower_95"]).all()
    # Large populations approach the normal approximation.
    mu = 8.0 / 1000 * 1_000_000
    assert limits["upper_95"].iloc[-1] == pytest.approx((mu + 1.96 * mu**0.5) / 1000, rel=2e-3)


def test_funnel_flags() -> None:
    frame = pd.DataFrame({"unit": list("abcd"), "n": [80, 160, 5, 300], "pop": [10_000] * 4})
    out = funnel_flags(frame, "n", "pop", area_rate_per=8.0)
    assert "funnel_flag" not in frame.columns
    assert out["funnel_flag"].tolist() == [
        "within limits",
        "above 99.8% limit",
        "below 99.8% limit",
        "above 99.8% limit",
    ]
    mild = funnel_flags(
        pd.DataFrame({"n": [99, 62], "pop": [10_000, 10_000]}), "n", "pop", area_rate_per=8.0
    )
    assert mild["funnel_flag"].tolist() == ["above 95% limit", "below 95% limit"]


def test_concentration_share_hand_computed() -> None:
    counts = pd.Series([50, 20, 10, 10, 5, 5, 0, 0, 0, 0])
    assert concentration_share(counts, 0.1) == pytest.approx(0.5)
    assert concentration_share(counts, 0.2) == pytest.approx(0.7)
    # ceil(0.25 * 10) = 3 units.
    assert concentration_share(counts, 0.25) == pytest.approx(0.8)
    assert concentration_share(counts, 0.01) == pytest.approx(0.5)
    assert concentration_share(pd.Series([1] * 30), 0.1) == pytest.approx(0.1)
    assert math.isnan(concentration_share(pd.Series([0, 0]), 0.5))


def test_rolling_12_month_total() -> None:
    index = pd.period_range("2023-01", periods=14, freq="M")
    monthly = pd.Series(range(1, 15), index=index, dtype=float)
    out = rolling_12_month_total(monthly)
    assert out.iloc[:11].isna().all()
    assert out.iloc[11] == sum(range(1, 13))
    assert out.iloc[13] == sum(range(3, 15))
    dated = pd.Series(1.0, index=pd.date_range("2023-01-01", periods=13, freq="MS"))
    dated_out = rolling_12_month_total(dated)
    assert dated_out.index.equals(dated.index)
    assert dated_out.iloc[-1] == 12
    gappy = monthly.drop(index[5])
    assert rolling_12_month_total(gappy).isna().all()


def test_persistent_top_units() -> None:
    frame = pd.DataFrame(
        {
            "lsoa": list("abcde") * 3,
            "year": [2022] * 5 + [2023] * 5 + [2024] * 5,
            "n": [9, 1, 1, 8, 0, 9, 8, 1, 1, 0, 9, 1, 8, 1, 0],
        }
    )
    out = persistent_top_units(frame, "lsoa", "year", "n", top_fraction=0.4, min_years=2)
    assert out["lsoa"].tolist() == ["a"]
    assert out["years_in_top"].tolist() == [3]
    some = persistent_top_units(frame, "lsoa", "year", "n", top_fraction=0.4, min_years=1)
    assert set(some["lsoa"]) == {"a", "b", "c", "d"}
