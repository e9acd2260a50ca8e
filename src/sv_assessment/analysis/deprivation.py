"""Offences and deprivation: counts and rates by deprivation decile, the concentration curve
and index, and the gradient across deciles with its interval.

Deciles are the Index of Multiple Deprivation's (1 = the most deprived 10% of LSOAs nationally).
The gradient is a quasi-Poisson log-linear model of each LSOA's count on its decile with the
LSOA's population as exposure: offences cluster in a few LSOAs far more than a Poisson count
would, so the interval is widened by the observed over-dispersion rather than left too narrow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from sv_assessment.analysis.measures import rates_with_ci

DECILES = tuple(range(1, 11))


def area_lsoas(deprivation: pd.DataFrame, district_codes: list[str]) -> pd.DataFrame:
    """The LSOAs of the area: the file is national, so rows of other districts are left out
    (all rows are kept when the file gives no district)."""
    frame = deprivation.dropna(subset=["imd_decile"])
    if "district_code" in frame.columns and frame["district_code"].notna().any():
        frame = frame[frame["district_code"].isin(district_codes)]
    return frame.reset_index(drop=True)


def lsoa_counts(lsoas: pd.DataFrame, offence_lsoas: pd.Series) -> pd.DataFrame:
    """Each area LSOA with its decile, population (if given) and offence count (0 if none)."""
    counts = offence_lsoas.dropna().astype(str).value_counts()
    out = lsoas[["lsoa_code", "imd_decile"]].copy()
    out["population"] = lsoas["population"] if "population" in lsoas.columns else pd.NA
    out["offences"] = out["lsoa_code"].astype(str).map(counts).fillna(0).astype(int)
    return out


def unmatched_offences(lsoas: pd.DataFrame, offence_lsoas: pd.Series) -> int:
    """Offences with an LSOA code the deprivation file does not hold (e.g. a 2011 code)."""
    known = set(lsoas["lsoa_code"].astype(str))
    located = offence_lsoas.dropna().astype(str)
    return int((~located.isin(known)).sum())


def has_population(table: pd.DataFrame) -> bool:
    values = pd.to_numeric(table["population"], errors="coerce")
    return bool(values.notna().all() and (values > 0).all() and len(values))


def by_decile(table: pd.DataFrame) -> pd.DataFrame:
    """Per decile: LSOAs, residents, offences, offences per LSOA and (with populations) the
    rate per 1,000 residents with its 95% interval."""
    grouped = table.groupby("imd_decile").agg(
        lsoas=("lsoa_code", "size"),
        population=("population", lambda s: pd.to_numeric(s, errors="coerce").sum(min_count=1)),
        offences=("offences", "sum"),
    )
    out = grouped.reindex(DECILES).rename_axis("imd_decile").reset_index()
    out["lsoas"] = out["lsoas"].fillna(0).astype(int)
    out["offences"] = out["offences"].fillna(0).astype(int)
    out["offences_per_lsoa"] = (out["offences"] / out["lsoas"].where(out["lsoas"] > 0)).round(1)
    if has_population(table):
        rated = rates_with_ci(out, "offences", "population")
        out["rate_per_1000"] = rated["rate"].round(2)
        out["rate_lower"] = rated["rate_lower"].round(2)
        out["rate_upper"] = rated["rate_upper"].round(2)
    return out.drop(columns=[] if has_population(table) else ["population"])


def concentration_curve(decile_table: pd.DataFrame, weight: str) -> pd.DataFrame:
    """Cumulative share of ``weight`` (residents, or LSOAs) against cumulative share of
    offences, from the most deprived decile to the least, starting at the origin."""
    rows = decile_table[decile_table[weight] > 0].sort_values("imd_decile")
    x = np.concatenate([[0.0], rows[weight].cumsum().to_numpy() / rows[weight].sum()])
    total = rows["offences"].sum()
    y = np.concatenate([[0.0], rows["offences"].cumsum().to_numpy() / total if total else []])
    deciles = ["start", *[str(int(d)) for d in rows["imd_decile"]]]
    if not total:
        y = np.full(x.size, np.nan)
    base = "residents" if weight == "population" else "lsoas"
    return pd.DataFrame(
        {
            "up_to_decile": deciles,
            f"cumulative_share_of_{base}_percent": (100 * x).round(1),
            "cumulative_share_of_offences_percent": (100 * y).round(1),
        }
    )


def concentration_index(curve: pd.DataFrame) -> float:
    """Twice the area between the curve and the diagonal: 0 when offences are spread as
    residents are; positive (up to 1) when concentrated in the more deprived areas."""
    x = curve.iloc[:, 1].to_numpy(dtype=float) / 100
    y = curve.iloc[:, 2].to_numpy(dtype=float) / 100
    if np.isnan(y).any() or x.size < 2:
        return math.nan
    area = float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2))
    return round(2 * area - 1, 3)


@dataclass(frozen=True)
class Gradient:
    """The rate ratio for each step of one decile towards the less deprived end."""

    ratio_per_decile: float
    lower: float
    upper: float
    p_value: float
    dispersion: float
    lsoas: int

    @property
    def direction(self) -> str:
        if self.upper < 1:
            return "falls"
        if self.lower > 1:
            return "rises"
        return "shows no clear change"


def gradient(table: pd.DataFrame, confidence: float = 0.95) -> Gradient | None:
    """Quasi-Poisson fit of log(offences) = a + b * decile + log(exposure), by Newton steps.

    Exposure is the LSOA's residents where given, else 1 (offences per LSOA). None when the
    data cannot support a slope (fewer than three LSOAs, one decile only, or no offences)."""
    frame = table.dropna(subset=["imd_decile"])
    exposure = pd.to_numeric(frame["population"], errors="coerce").to_numpy(dtype=float)
    if not has_population(frame):
        exposure = np.ones(len(frame))
    y = frame["offences"].to_numpy(dtype=float)
    decile = frame["imd_decile"].to_numpy(dtype=float)
    if len(frame) < 3 or np.unique(decile).size < 2 or y.sum() == 0:
        return None
    design = np.column_stack([np.ones_like(decile), decile])
    offset = np.log(exposure)
    beta = np.array([math.log(y.sum() / exposure.sum()), 0.0])
    for _ in range(50):
        mu = np.exp(design @ beta + offset)
        information = design.T @ (design * mu[:, None])
        step = np.linalg.solve(information, design.T @ (y - mu))
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    mu = np.exp(design @ beta + offset)
    information = design.T @ (design * mu[:, None])
    degrees = max(len(y) - 2, 1)
    dispersion = max(float(np.sum((y - mu) ** 2 / mu) / degrees), 1.0)
    se = math.sqrt(np.linalg.inv(information)[1, 1] * dispersion)
    z = stats.norm.ppf(1 - (1 - confidence) / 2)
    p_value = float(2 * stats.norm.sf(abs(beta[1]) / se))
    return Gradient(
        ratio_per_decile=round(math.exp(beta[1]), 3),
        lower=round(math.exp(beta[1] - z * se), 3),
        upper=round(math.exp(beta[1] + z * se), 3),
        p_value=p_value,
        dispersion=round(dispersion, 2),
        lsoas=len(y),
    )
