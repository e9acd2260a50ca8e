"""Chapter: places (how concentrated serious violence is in a few neighbourhoods, LSOAs)."""

from __future__ import annotations

import math

import pandas as pd

from sv_assessment.analysis import measures
from sv_assessment.config import AssessmentConfig

TOP_FRACTIONS = (0.05, 0.10)


def top_count(n: int, fraction: float) -> int:
    """How many units make the top ``fraction`` of ``n`` (as measures.concentration_share)."""
    return max(1, math.ceil(fraction * n - 1e-9)) if n else 0


def lsoa_year_counts(serious: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    """Offences per LSOA and year, every LSOA seen in the window by every year (zeros kept).
    Offences with no LSOA recorded are left out."""
    located = serious.dropna(subset=["lsoa_code"])
    lsoa_district = located.groupby("lsoa_code")["district_code"].agg(lambda s: s.mode().iloc[0])
    counts = located.groupby(["lsoa_code", "year"]).size()
    grid = pd.MultiIndex.from_product(
        [sorted(lsoa_district.index), config.years], names=["lsoa_code", "year"]
    )
    frame = counts.reindex(grid, fill_value=0).rename("offences").reset_index()
    frame["district"] = frame["lsoa_code"].map(lsoa_district).map(config.district_names)
    return frame


def concentration_table(counts: pd.DataFrame, year: int) -> pd.DataFrame:
    """Share of the year's located offences in the top 5% and 10% of LSOAs."""
    latest = counts[counts["year"] == year]
    n = latest["lsoa_code"].nunique()
    rows = []
    for fraction in TOP_FRACTIONS:
        share = measures.concentration_share(latest["offences"], fraction)
        k = top_count(n, fraction)
        rows.append(
            {
                "neighbourhoods": f"Top {fraction:.0%} of LSOAs",
                "lsoas": k,
                "percent_of_offences": round(100 * share, 1) if share == share else None,
            }
        )
    return pd.DataFrame(rows)


def concentration_sentence(table: pd.DataFrame, counts: pd.DataFrame, year: int) -> str:
    n = counts.loc[counts["year"] == year, "lsoa_code"].nunique()
    top5, top10 = table["percent_of_offences"].tolist()
    if top5 is None or top5 != top5:
        return f"No serious violence with a known location was recorded in {year}."
    return (
        f"In {year}, the busiest 5% of neighbourhoods (LSOAs) saw {top5:.0f}% of serious "
        f"violence with a known location, and the busiest 10% saw {top10:.0f}%. Had it been "
        f"spread evenly they would have seen 5% and 10%. The shares are out of the {n:,} "
        f"LSOAs with at least one offence in the five years; LSOAs with none are not in the "
        f"data, so the true concentration is, if anything, higher."
    )


def top_lsoas(counts: pd.DataFrame, config: AssessmentConfig, n: int = 20) -> pd.DataFrame:
    """The ``n`` LSOAs with most offences in the assessment year, with each year's count."""
    wide = counts.pivot_table(
        index=["lsoa_code", "district"], columns="year", values="offences", fill_value=0
    )
    wide = wide.sort_values(
        [config.assessment_year, *reversed(config.years[:-1])], ascending=False
    ).head(n)
    wide.columns = [f"offences_{y}" for y in wide.columns]
    wide = wide.reset_index()
    wide.insert(0, "rank", range(1, len(wide) + 1))
    return wide


def persistent_hotspots(
    counts: pd.DataFrame, config: AssessmentConfig, top_fraction: float = 0.10
) -> pd.DataFrame:
    """LSOAs in the top ``top_fraction`` in every year of the window, busiest first."""
    persistent = measures.persistent_top_units(
        counts, "lsoa_code", "year", "offences", top_fraction, min_years=len(config.years)
    )
    districts = counts.drop_duplicates("lsoa_code").set_index("lsoa_code")["district"]
    persistent.insert(1, "district", persistent["lsoa_code"].map(districts).to_numpy())
    return persistent.rename(columns={"total_count": "offences_in_window"})


def persistence_sentence(
    persistent: pd.DataFrame,
    counts: pd.DataFrame,
    config: AssessmentConfig,
    top_fraction: float = 0.10,
) -> str:
    n = counts["lsoa_code"].nunique()
    k = top_count(n, top_fraction)
    by_district = persistent["district"].value_counts()
    where = ", ".join(f"{name} ({count})" for name, count in by_district.items())
    found = f"{len(persistent):,} LSOAs were" if len(persistent) else "No LSOA was"
    return (
        f"{found} in the busiest {top_fraction:.0%} (the top {k:,}) "
        f"in every year from {config.first_year} to {config.assessment_year}"
        + (f": by district, {where}." if len(persistent) else ".")
    )
