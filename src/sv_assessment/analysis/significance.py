"""Changes over time a reader can trust: a baseline of several years, a test of the trend across
the window (not of its two ends), and control of the family of tests a report publishes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

__all__ = [
    "PANDEMIC_YEARS",
    "Trend",
    "baseline_years",
    "benjamini_hochberg",
    "holm",
    "poisson_trend",
]

# Calendar years when COVID-19 restrictions changed where people went and what was recorded
# (lockdowns from March 2020 to July 2021 in England and Wales).
PANDEMIC_YEARS = (2020, 2021)


def _p_values(p_values: npt.ArrayLike) -> np.ndarray:
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1:
        raise ValueError("p-values must be a one-dimensional sequence")
    if np.any((p < 0) | (p > 1)):
        raise ValueError("p-values must be between 0 and 1")
    return p


def _adjusted(p_values: npt.ArrayLike, adjust) -> np.ndarray:
    """``adjust(sorted p-values, m)`` applied to the tests made, in the input order; NaN
    p-values (tests not made) stay NaN and do not count towards the family size ``m``."""
    p = _p_values(p_values)
    out = np.full(p.shape, np.nan)
    made = ~np.isnan(p)
    m = int(made.sum())
    if m == 0:
        return out
    order = np.argsort(p[made], kind="stable")
    values = np.empty(m)
    values[order] = adjust(p[made][order], m)
    out[made] = values
    return out


def holm(p_values: npt.ArrayLike) -> np.ndarray:
    """Holm's step-down adjusted p-values (family-wise error control), in the input order.

    With p-values sorted ascending, p_(i) becomes max over j <= i of min(1, (m - j + 1) p_(j)).
    """
    return _adjusted(
        p_values,
        lambda p, m: np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * p)),
    )


def benjamini_hochberg(p_values: npt.ArrayLike) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (false discovery rate control), in the input order.

    With p-values sorted ascending, p_(i) becomes min over j >= i of min(1, m p_(j) / j).
    """
    return _adjusted(
        p_values,
        lambda p, m: np.minimum(
            1.0, np.minimum.accumulate((p * m / np.arange(1, m + 1))[::-1])[::-1]
        ),
    )


def baseline_years(assessment_year: int, first_year: int, length: int = 3) -> list[int]:
    """The ``length`` years before the assessment year that lie inside the window."""
    return [y for y in range(assessment_year - length, assessment_year) if y >= first_year]


@dataclass(frozen=True)
class Trend:
    """Average change a year over the window from a log-linear (quasi-)Poisson model."""

    annual_percent_change: float
    lower: float
    upper: float
    p_value: float
    dispersion: float  # Pearson chi-square over its degrees of freedom, at least 1
    years: int


def poisson_trend(
    counts: Sequence[float] | npt.ArrayLike,
    populations: Sequence[float] | npt.ArrayLike,
    years: Sequence[int] | npt.ArrayLike,
    confidence: float = 0.95,
) -> Trend:
    """Test for a trend in rates across every year, not just the first against the last.

    A series with offences in fewer than two years cannot be tested: every field is NaN.

    Fits log(E[count]) = log(population) + a + b * year by maximum likelihood (Newton's method),
    scales the variance by the Pearson dispersion when the counts vary more than Poisson
    counts would (quasi-Poisson; yearly crime counts usually do), and tests b = 0 with a t test
    on n - 2 degrees of freedom. Returns the average percentage change a year, 100 (e^b - 1).
    """
    y = np.asarray(counts, dtype=float)
    pop = np.asarray(populations, dtype=float)
    t = np.asarray(years, dtype=float)
    if not (len(y) == len(pop) == len(t)):
        raise ValueError("counts, populations and years must be the same length")
    if len(y) < 3:
        raise ValueError("a trend needs at least three years")
    if np.any(pop <= 0) or np.any(y < 0):
        raise ValueError("populations must be positive and counts non-negative")
    n = len(y)
    untestable = Trend(math.nan, math.nan, math.nan, math.nan, math.nan, n)
    if np.count_nonzero(y) < 2:
        # Offences in at most one year: the slope's estimate runs off to infinity.
        return untestable
    x = np.column_stack([np.ones(n), t - t.mean()])
    offset = np.log(pop)
    beta = np.array([math.log(y.sum() / pop.sum()), 0.0])
    try:
        for _ in range(100):
            mu = np.exp(offset + x @ beta)
            information = x.T @ (mu[:, None] * x)
            step = np.linalg.solve(information, x.T @ (y - mu))
            beta += step
            if np.max(np.abs(step)) < 1e-10:
                break
        else:
            return untestable
        mu = np.exp(offset + x @ beta)
        information = x.T @ (mu[:, None] * x)
        inverse = np.linalg.inv(information)
    except np.linalg.LinAlgError:
        return untestable
    if not np.all(np.isfinite(beta)):
        return untestable
    dispersion = max(1.0, float(np.sum((y - mu) ** 2 / mu) / (n - 2)))
    se = math.sqrt(dispersion * inverse[1, 1])
    df = n - 2
    p_value = float(2 * stats.t.sf(abs(beta[1]) / se, df))
    q = stats.t.ppf(1 - (1 - confidence) / 2, df)
    change = 100 * (math.exp(beta[1]) - 1)
    return Trend(
        change,
        100 * (math.exp(beta[1] - q * se) - 1),
        100 * (math.exp(beta[1] + q * se) - 1),
        p_value,
        dispersion,
        n,
    )
