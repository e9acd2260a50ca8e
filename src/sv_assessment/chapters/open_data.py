"""Chapters of the open-data assessment: what data.police.uk street-level crime can show.

The public files carry the crime type, the month, the LSOA (from an anonymised map point) and the
latest outcome. They carry no ages, no knife or domestic-abuse flag and no day or time, so the
partner-data assessment's local definition of serious violence cannot be applied; this one is
about the crime types the config names (by default violence and sexual offences, possession of
weapons and robbery), and says so.
"""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis import comparison, measures
from sv_assessment.config import AssessmentConfig

NO_LOCATION = "Location not published"


# Loading ---------------------------------------------------------------------------------------
def input_name(config: AssessmentConfig) -> str:
    """The configured input of kind police_uk_street."""
    return next(s.name for s in config.inputs.values() if s.kind == "police_uk_street")


def crimes(chapter) -> pd.DataFrame:
    """Published records in the assessment window, with year and month (as a period) added."""
    frame = chapter.read(input_name(chapter.config))
    frame["year"] = frame["month"].dt.year
    frame["period"] = frame["month"].dt.to_period("M")
    in_window = frame["year"].between(chapter.config.first_year, chapter.year)
    return frame[in_window].reset_index(drop=True)


def focus(frame: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    return frame[frame["crime_type"].isin(config.police_uk.focus_crime_types)]


def population(chapter) -> pd.DataFrame:
    """Residents per district: the population input for the assessment year if one is given,
    otherwise the Census 2021 figures in the config."""
    config = chapter.config
    names = {d.code: d.name for d in config.districts}
    if chapter.provided("population"):
        pop = chapter.read("population")
        has_year = (pop["year"] == config.assessment_year).any()
        year = config.assessment_year if has_year else pop["year"].max()
        totals = pop[pop["year"] == year].groupby("district_code")["population"].sum()
        frame = totals.reindex(config.district_codes).rename("population").reset_index()
    else:
        frame = pd.DataFrame(
            {
                "district_code": config.district_codes,
                "population": [d.population for d in config.districts],
            }
        )
    frame["district"] = frame["district_code"].map(names)
    frame["population"] = frame["population"].astype("int64")
    return frame[["district_code", "district", "population"]]


def months_in(frame: pd.DataFrame, year: int) -> int:
    return int(frame.loc[frame["year"] == year, "period"].nunique())


# Volume and trends -----------------------------------------------------------------------------
def crime_type_table(frame: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    """Every published crime type, each year of the window (focus types first)."""
    counts = frame.groupby(["crime_type", "year"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=config.years, fill_value=0)
    counts.columns = [f"records_{y}" for y in counts.columns]
    counts = counts.reset_index()
    counts["in_focus"] = (
        counts["crime_type"]
        .isin(config.police_uk.focus_crime_types)
        .map({True: "Yes", False: "No"})
    )
    order = {t: i for i, t in enumerate(config.police_uk.focus_crime_types)}
    counts["_order"] = counts["crime_type"].map(order).fillna(len(order))
    counts = counts.sort_values(["_order", "crime_type"]).drop(columns="_order")
    return counts.reset_index(drop=True)


def monthly_by_type(frame: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    chosen = focus(frame, config)
    periods = pd.period_range(frame["period"].min(), frame["period"].max(), freq="M")
    grid = pd.MultiIndex.from_product(
        [periods, list(config.police_uk.focus_crime_types)], names=["period", "crime_type"]
    )
    counts = chosen.groupby(["period", "crime_type"]).size().reindex(grid, fill_value=0)
    # A month with no record of any kind has no file in the download: it is left out (the
    # data-quality chapter lists the months read), never drawn as a month of zero crimes.
    counts = counts[counts.index.get_level_values("period").isin(set(frame["period"]))]
    out = counts.rename("crimes").reset_index()
    out["month"] = out["period"].astype(str)
    return out[["month", "crime_type", "crimes"]]


def year_on_year(frame: pd.DataFrame, pop: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    """Each focus crime type this year against last, with the exact rate ratio, compared only
    over the calendar months present in both years."""
    now, before = config.assessment_year, config.assessment_year - 1
    months_now = set(frame.loc[frame["year"] == now, "period"].dt.month)
    months_before = set(frame.loc[frame["year"] == before, "period"].dt.month)
    common = sorted(months_now & months_before)
    residents = float(pop["population"].sum())
    rows = []
    for crime_type in config.police_uk.focus_crime_types:
        one = frame[(frame["crime_type"] == crime_type) & frame["period"].dt.month.isin(common)]
        c_now, c_before = int((one["year"] == now).sum()), int((one["year"] == before).sum())
        row = {
            "crime_type": crime_type,
            "months_compared": len(common),
            f"crimes_{before}": c_before,
            f"crimes_{now}": c_now,
        }
        if common:
            rr = measures.rate_ratio(c_now, residents, c_before, residents)
            row.update(
                percent_change=round(rr.percent_change, 1),
                rate_ratio=round(rr.ratio, 2),
                ratio_lower=round(rr.lower, 2),
                ratio_upper=round(rr.upper, 2),
                assessment=measures.describe_change(rr),
            )
        else:
            row.update(assessment="no months in common to compare")
        rows.append(row)
    return pd.DataFrame(rows)


# Districts -------------------------------------------------------------------------------------
def area_rate(frame: pd.DataFrame, pop: pd.DataFrame, config: AssessmentConfig) -> float:
    """The whole area's rate of crimes in scope per 1,000 in the assessment year."""
    crimes = len(focus(frame[frame["year"] == config.assessment_year], config))
    return 1000 * crimes / pop["population"].sum()


def district_table(
    frame: pd.DataFrame, pop: pd.DataFrame, config: AssessmentConfig, area_rate: float | None = None
) -> pd.DataFrame:
    """Focus crimes in the assessment year by district, with the rate of all of them per 1,000
    residents, its exact 95% interval and how it compares with the area (funnel limits)."""
    latest = focus(frame[frame["year"] == config.assessment_year], config)
    counts = latest.groupby(["district_code", "crime_type"]).size().unstack(fill_value=0)
    counts = counts.reindex(
        index=config.district_codes, columns=list(config.police_uk.focus_crime_types), fill_value=0
    )
    table = pop.merge(counts, left_on="district_code", right_index=True, how="left")
    table["crimes"] = counts.sum(axis=1).to_numpy()
    return comparison.rank_against_area(table, "crimes", "population", area_rate)


def district_crime_types(frame: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    """Records of every crime type by district in the assessment year, with a row for records
    whose location was not published."""
    latest = frame[frame["year"] == config.assessment_year]
    district = latest["district_name"].astype(object).fillna(NO_LOCATION)
    table = pd.crosstab(district, latest["crime_type"])
    rows = [config.district_names[c] for c in config.district_codes] + [NO_LOCATION]
    table = table.reindex(index=rows, fill_value=0)
    table = table[sorted(table.columns)]
    table.index.name = "district"
    table.columns.name = None
    return table.reset_index()


# Hotspots and outcomes -------------------------------------------------------------------------
def lsoa_counts(frame: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    latest = focus(frame[frame["year"] == config.assessment_year], config)
    latest = latest.dropna(subset=["lsoa_code"])
    counts = latest.groupby(["lsoa_code", "lsoa_name", "district_name"]).size().rename("crimes")
    return counts.reset_index().sort_values(["crimes", "lsoa_code"], ascending=[False, True])


def hotspot_table(counts: pd.DataFrame, top: int = 20) -> pd.DataFrame:
    table = counts.head(top).rename(columns={"district_name": "district"}).copy()
    table["share_of_area_percent"] = (100 * table["crimes"] / counts["crimes"].sum()).round(1)
    return table.reset_index(drop=True)


def concentration_sentence(counts: pd.DataFrame, config: AssessmentConfig) -> str:
    share = measures.concentration_share(counts["crimes"], 0.1)
    return (
        f"In {config.assessment_year}, the 10% of neighbourhoods (LSOAs) with the most crimes "
        f"in scope had **{100 * share:.0f}%** of them ({len(counts):,} LSOAs had at least "
        "one). "
        "LSOAs with no recorded crime in scope are not counted, so the true concentration is "
        "a little higher."
    )


def outcome_table(frame: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    latest = focus(frame[frame["year"] == config.assessment_year], config)
    outcome = latest["last_outcome_category"].astype(object).fillna("No outcome published")
    table = pd.crosstab(outcome, latest["crime_type"])
    table = table.reindex(columns=list(config.police_uk.focus_crime_types), fill_value=0)
    table["all_in_scope"] = table.sum(axis=1)
    table = table.sort_values("all_in_scope", ascending=False)
    table.index.name = "last_outcome_category"
    table.columns.name = None
    return table.reset_index()
