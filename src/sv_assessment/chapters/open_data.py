"""Chapters of the open-data assessment: what data.police.uk street-level crime can show.

The public files carry the crime type, the month, the LSOA (from an anonymised map point) and the
latest outcome. They carry no ages, no knife or domestic-abuse flag and no day or time, so the
partner-data assessment's local definition of serious violence cannot be applied; this one is
about the crime types the config names (by default violence and sexual offences, possession of
weapons and robbery), and says so.
"""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis import comparison, disclosure, measures, significance
from sv_assessment.chapters import changes, charts
from sv_assessment.chapters.open_data_periods import published_months, window_months
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


def monthly_by_type(
    frame: pd.DataFrame, config: AssessmentConfig, months: list[str] | None = None
) -> pd.DataFrame:
    """Crimes of each focus type in every month of the window. A month with nothing published
    (no file, or a file with no records) is missing, never zero: ``crimes`` is empty there and
    ``coverage`` says so."""
    months = published_months(frame) if months is None else months
    chosen = focus(frame, config)
    periods = pd.PeriodIndex(window_months(config), freq="M")
    grid = pd.MultiIndex.from_product(
        [periods, list(config.police_uk.focus_crime_types)], names=["period", "crime_type"]
    )
    counts = chosen.groupby(["period", "crime_type"]).size().reindex(grid, fill_value=0)
    out = counts.rename("crimes").reset_index()
    out["month"] = out["period"].astype(str)
    published = out["month"].isin(set(months))
    out["crimes"] = out["crimes"].astype("Float64").where(published)
    out["coverage"] = published.map({True: "published", False: "nothing published"})
    return out[["month", "crime_type", "crimes", "coverage"]]


def monthly_figure(protected: disclosure.Protected, config: AssessmentConfig) -> charts.FigureSpec:
    """Each month's crimes by type, drawn from the monthly table through the gate: a hidden
    count ([c]) and a month with nothing published ([x]) are gaps in the lines, never zero."""
    monthly = protected.frame
    status = protected.status["crimes"]
    shown = monthly[status == ""].astype({"crimes": float})
    totals = shown.groupby("month")["crimes"].sum()
    peak = totals.idxmax() if len(totals) else "none"
    by_type = shown.groupby("crime_type")["crimes"].sum()
    missing = sorted(set(monthly.loc[status == disclosure.NOT_AVAILABLE, "month"]))
    title = "Crimes in scope each month by crime type"
    if len(by_type) and by_type.sum() > 0:
        share = 100 * by_type.max() / by_type.sum()
        title = (
            f"{by_type.idxmax()} made up {share:.0f}% of the crimes in scope shown; the "
            f"busiest month was {peak}"
        )
    fig = charts.line_chart(
        monthly.astype({"crimes": float}), "month", "crimes", series="crime_type"
    )
    return charts.FigureSpec(
        fig,
        title=title,
        alt_text=f"Line chart of crimes each month by crime type, {monthly.month.iloc[0]} to "
        f"{monthly.month.iloc[-1]}. The highest month overall was {peak}; a hidden count is a "
        "gap. "
        + (
            f"Nothing was published for {len(missing)} months ({', '.join(missing)}): they are "
            "gaps, not zeros."
            if missing
            else "Every month was published."
        ),
        data=protected,
        x_title="Month",
        y_title="Crimes",
        scope=f"{', '.join(config.police_uk.focus_crime_types)} as published on data.police.uk,"
        f" any age, any place; "
        + (f"no data for {len(missing)} of the months (gaps)" if missing else "every month"),
    )


def year_on_year(
    frame: pd.DataFrame, pop: pd.DataFrame, config: AssessmentConfig, months: list | None = None
) -> pd.DataFrame:
    """Each focus crime type this year against last, with the exact rate ratio, compared only
    over the calendar months published in both years (``months``: the files' months), the
    verdicts adjusted together (Benjamini–Hochberg) so one chance result is not a finding."""
    now, before = config.assessment_year, config.assessment_year - 1
    months = published_months(frame) if months is None else months
    common = sorted({int(m[5:]) for m in months if m[:4] == str(now)}
                    & {int(m[5:]) for m in months if m[:4] == str(before)})  # fmt: skip
    residents = float(pop["population"].sum())
    rows = []
    for crime_type in config.police_uk.focus_crime_types:
        one = frame[(frame["crime_type"] == crime_type) & frame["period"].dt.month.isin(common)]
        c_now, c_before = int((one["year"] == now).sum()), int((one["year"] == before).sum())
        # No month in common: nothing was compared, so no count is shown (not 0 and 0).
        row = {"crime_type": crime_type, "months_compared": len(common),
               f"crimes_{before}": c_before if common else None,
               f"crimes_{now}": c_now if common else None, "p_value": float("nan")}  # fmt: skip
        if common:
            rr = measures.rate_ratio(c_now, residents, c_before, residents)
            row.update(percent_change=round(rr.percent_change, 1), rate_ratio=round(rr.ratio, 2),
                       ratio_lower=round(rr.lower, 2), ratio_upper=round(rr.upper, 2),
                       p_value=rr.p_value)  # fmt: skip
        rows.append(row)
    table = pd.DataFrame(rows)
    adjusted = significance.benjamini_hochberg(table.pop("p_value").to_numpy())
    table["assessment"] = [
        changes.verdict(p, c) if common else "no months in common to compare"
        for p, c in zip(adjusted, table.get("percent_change", adjusted), strict=True)
    ]
    return table.astype({f"crimes_{before}": "Int64", f"crimes_{now}": "Int64"})


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
        "LSOAs with no recorded crime in scope are not in the files, so these shares are of the "
        "LSOAs with at least one; how many LSOAs had none cannot be told from these files."
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
