"""Rates, intervals, change tests, funnel limits and concentration measures for counts."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats

__all__ = [
    "RateRatio",
    "concentration_share",
    "describe_change",
    "format_change_sentence",
    "funnel_flags",
    "funnel_limits",
    "persistent_top_units",
    "poisson_ci",
    "rate_ratio",
    "rates_with_ci",
    "rolling_12_month_total",
]


def _check_confidence(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return 1 - confidence


def poisson_ci(
    count: float | npt.ArrayLike, confidence: float = 0.95
) -> tuple[float, float] | tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) Poisson interval for a count, or element-wise for an array of counts.

    Returns ``(lower, upper)`` as floats for a scalar, or as float arrays for array input.
    """
    alpha = _check_confidence(confidence)
    k = np.asarray(count, dtype=float)
    if np.any(k < 0):
        raise ValueError("counts must be non-negative")
    with np.errstate(invalid="ignore"):
        # chi2 with 0 degrees of freedom is undefined, so a zero count needs an explicit 0.
        lower = np.where(k > 0, stats.chi2.ppf(alpha / 2, 2 * k) / 2, 0.0)
    upper = stats.chi2.ppf(1 - alpha / 2, 2 * k + 2) / 2
    lower = np.where(np.isnan(k), np.nan, lower)
    if np.ndim(k) == 0:
        return float(lower), float(upper)
    return lower, upper


def rates_with_ci(
    frame: pd.DataFrame,
    count_col: str,
    population_col: str,
    per: float = 1000,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Copy of ``frame`` with ``rate``, ``rate_lower`` and ``rate_upper`` per ``per`` residents."""
    out = frame.copy()
    counts = pd.to_numeric(out[count_col], errors="coerce").astype(float).to_numpy()
    pops = pd.to_numeric(out[population_col], errors="coerce").astype(float).to_numpy()
    lower, upper = poisson_ci(counts, confidence)
    # A zero or missing population has no meaningful rate; NaN is safer than inf downstream.
    safe_pop = np.where(pops > 0, pops, np.nan)
    out["rate"] = counts / safe_pop * per
    out["rate_lower"] = lower / safe_pop * per
    out["rate_upper"] = upper / safe_pop * per
    return out


def rates_from_counts(count_col: str, population_col: str = "population", places: int = 2):
    """A recipe the disclosure gate uses under rounding (``protect_table(rederive=...)``): the
    rate and its interval worked out again from the rounded count, so that neither gives the
    true count back."""

    def rederive(frame: pd.DataFrame) -> pd.DataFrame:
        rates = rates_with_ci(frame, count_col, population_col)
        out = frame.copy()
        for column in ("rate", "rate_lower", "rate_upper"):
            if column in out.columns:  # only the table's own columns
                out[column] = rates[column].round(places)
        return out

    return rederive


@dataclass(frozen=True)
class RateRatio:
    """Ratio of the current rate to the earlier rate, with exact interval and p-value."""

    ratio: float
    lower: float
    upper: float
    p_value: float
    percent_change: float
    confidence: float = 0.95


def rate_ratio(
    count_now: int,
    pop_now: float,
    count_before: int,
    pop_before: float,
    confidence: float = 0.95,
) -> RateRatio:
    """Exact conditional rate ratio: Clopper-Pearson on the share of events in the current period.

    Conditional on the total ``n = count_now + count_before``, ``count_now`` is binomial with
    ``p = R*pop_now / (R*pop_now + pop_before)``, so limits on ``p`` map to limits on ``R``.
    """
    alpha = _check_confidence(confidence)
    if pop_now <= 0 or pop_before <= 0:
        raise ValueError("populations must be positive")
    a, b = int(count_now), int(count_before)
    if a < 0 or b < 0 or a != count_now or b != count_before:
        raise ValueError("counts must be non-negative integers")
    n = a + b
    scale = pop_before / pop_now

    def to_ratio(p: float) -> float:
        if p >= 1:
            return math.inf
        return float(p / (1 - p) * scale)

    if n == 0:
        # No events in either period: the data say nothing about the ratio.
        return RateRatio(math.nan, 0.0, math.inf, 1.0, math.nan, confidence)
    p_lower = stats.beta.ppf(alpha / 2, a, b + 1) if a > 0 else 0.0
    p_upper = stats.beta.ppf(1 - alpha / 2, a + 1, b) if b > 0 else 1.0
    p_value = stats.binomtest(a, n, pop_now / (pop_now + pop_before)).pvalue
    ratio = math.inf if b == 0 else (a / pop_now) / (b / pop_before)
    percent = math.inf if b == 0 else (ratio - 1) * 100
    return RateRatio(
        float(ratio),
        to_ratio(p_lower),
        to_ratio(p_upper),
        float(p_value),
        float(percent),
        confidence,
    )


def describe_change(rr: RateRatio, noun: str = "", alpha: float = 0.05) -> str:
    """Plain-English verdict: only a change with p < alpha is called a rise or fall."""
    suffix = f" in {noun}" if noun else ""
    if rr.p_value < alpha and not math.isnan(rr.ratio):
        direction = "rise" if rr.ratio > 1 else "fall"
        return f"a statistically significant {direction}{suffix}"
    return f"no statistically significant change{suffix}"


def _fmt_ratio(value: float) -> str:
    return "infinity" if math.isinf(value) else f"{value:.2f}"


def format_change_sentence(
    label: str,
    count_now: int,
    count_before: int,
    rr: RateRatio,
    period_now: str = "the latest period",
    period_before: str = "the previous period",
    unit: str = "offences",
    alpha: float = 0.05,
) -> str:
    """One-line summary, e.g. 'Knife crime: 512 offences in 2024 against 470 in 2023 (...)'."""
    if math.isnan(rr.ratio):
        detail = "no offences in either period"
    else:
        change = "n/a" if math.isinf(rr.percent_change) else f"{rr.percent_change:+.1f}%"
        level = f"{rr.confidence * 100:g}%"
        detail = (
            f"{change}; rate ratio {_fmt_ratio(rr.ratio)}, {level} CI "
            f"{_fmt_ratio(rr.lower)} to {_fmt_ratio(rr.upper)}"
        )
    return (
        f"{label}: {count_now:,} {unit} in {period_now} against {count_before:,} in "
        f"{period_before} ({detail}): {describe_change(rr, alpha=alpha)}."
    )


def _level_suffix(level: float) -> str:
    # 0.95 -> "95", 0.998 -> "998", matching the column names used in published funnel plots.
    return f"{level * 100:g}".replace(".", "")


def _poisson_limit(p: float, mu: np.ndarray) -> np.ndarray:
    """Spiegelhalter (2005) interpolated Poisson quantile, so limits are smooth in population."""
    r = stats.poisson.ppf(p, mu)
    cdf_r = stats.poisson.cdf(r, mu)
    cdf_below = stats.poisson.cdf(r - 1, mu)
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = np.where(cdf_r > cdf_below, (cdf_r - p) / (cdf_r - cdf_below), 0.0)
    return np.clip(r - frac, 0.0, None)


def funnel_limits(
    area_rate_per: float,
    populations: Sequence[float] | np.ndarray | pd.Series,
    per: float = 1000,
    levels: Sequence[float] = (0.95, 0.998),
) -> pd.DataFrame:
    """Exact Poisson control limits (as rates per ``per``) around the area-wide rate."""
    pops = np.asarray(populations, dtype=float)
    if np.any(pops <= 0):
        raise ValueError("populations must be positive")
    expected = area_rate_per / per * pops
    out = pd.DataFrame({"population": pops})
    for level in levels:
        tail = (1 - level) / 2
        suffix = _level_suffix(level)
        out[f"lower_{suffix}"] = _poisson_limit(tail, expected) / pops * per
        out[f"upper_{suffix}"] = _poisson_limit(1 - tail, expected) / pops * per
    return out


def funnel_flags(
    frame: pd.DataFrame,
    count_col: str,
    population_col: str,
    area_rate_per: float,
    per: float = 1000,
) -> pd.DataFrame:
    """Copy of ``frame`` with ``rate`` and ``funnel_flag`` against 95% and 99.8% limits."""
    out = frame.copy()
    counts = pd.to_numeric(out[count_col], errors="coerce").astype(float).to_numpy()
    pops = pd.to_numeric(out[population_col], errors="coerce").astype(float).to_numpy()
    valid = pops > 0
    flags = np.full(len(out), None, dtype=object)
    rate = np.full(len(out), np.nan)
    if valid.any():
        limits = funnel_limits(area_rate_per, pops[valid], per=per, levels=(0.95, 0.998))
        r = counts[valid] / pops[valid] * per
        rate[valid] = r
        flags[valid] = np.select(
            [
                r > limits["upper_998"].to_numpy(),
                r > limits["upper_95"].to_numpy(),
                r < limits["lower_998"].to_numpy(),
                r < limits["lower_95"].to_numpy(),
            ],
            ["above 99.8% limit", "above 95% limit", "below 99.8% limit", "below 95% limit"],
            default="within limits",
        )
    out["rate"] = rate
    out["funnel_flag"] = flags
    return out


def _top_n(n: int, top_fraction: float) -> int:
    if not 0 < top_fraction <= 1:
        raise ValueError(f"top_fraction must be in (0, 1], got {top_fraction}")
    # The small tolerance stops float noise (0.1 * 30 = 3.0000000000000004) adding a unit.
    return max(1, math.ceil(top_fraction * n - 1e-9))


def concentration_share(counts: pd.Series, top_fraction: float) -> float:
    """Share of the total held by the top ``ceil(top_fraction * n)`` units (NaN counts as 0)."""
    values = pd.to_numeric(pd.Series(counts), errors="coerce").fillna(0).to_numpy(dtype=float)
    if values.size == 0:
        return math.nan
    total = values.sum()
    if total == 0:
        return math.nan
    k = _top_n(values.size, top_fraction)
    return float(np.sort(values)[::-1][:k].sum() / total)


def rolling_12_month_total(monthly: pd.Series) -> pd.Series:
    """Rolling 12-month sum; NaN until 12 consecutive months are present.

    Gaps in the index are treated as missing months (not zeros), so any window spanning a gap is
    NaN rather than silently short.
    """
    index = monthly.index
    if isinstance(index, pd.DatetimeIndex):
        periods = index.to_period("M")
    elif isinstance(index, pd.PeriodIndex):
        periods = index.asfreq("M")
    else:
        raise TypeError("monthly must have a DatetimeIndex or PeriodIndex")
    if periods.has_duplicates:
        raise ValueError("monthly has more than one value for a month")
    if len(periods) == 0:
        return monthly.astype(float)
    values = pd.Series(monthly.to_numpy(dtype=float), index=periods).sort_index()
    full = pd.period_range(values.index.min(), values.index.max(), freq="M")
    totals = values.reindex(full).rolling(12, min_periods=12).sum()
    return pd.Series(totals.reindex(periods).to_numpy(), index=index, name=monthly.name)


def persistent_top_units(
    frame: pd.DataFrame,
    unit_col: str,
    year_col: str,
    count_col: str,
    top_fraction: float,
    min_years: int,
) -> pd.DataFrame:
    """Units ranked in the top ``top_fraction`` in at least ``min_years`` years.

    Ties at the cut-off are broken by unit identifier so results are reproducible. Returns
    ``unit_col``, ``years_in_top`` and ``total_count`` (summed over the years in the top).
    """
    per_year = frame.groupby([year_col, unit_col], as_index=False)[count_col].sum()
    tops = []
    for _, year_frame in per_year.groupby(year_col):
        ranked = year_frame.sort_values([count_col, unit_col], ascending=[False, True])
        tops.append(ranked.head(_top_n(len(ranked), top_fraction)))
    columns = [unit_col, "years_in_top", "total_count"]
    if not tops:
        return pd.DataFrame(columns=columns)
    top = pd.concat(tops)
    summary = top.groupby(unit_col).agg(
        years_in_top=(year_col, "nunique"), total_count=(count_col, "sum")
    )
    summary = summary[summary["years_in_top"] >= min_years].reset_index()
    return summary.sort_values(
        ["years_in_top", "total_count", unit_col], ascending=[False, False, True]
    ).reset_index(drop=True)[columns]
