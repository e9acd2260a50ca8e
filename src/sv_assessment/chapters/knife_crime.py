"""Chapter: knife and weapon crime (knife or sharp-instrument offences and weapon possession)."""

from __future__ import annotations

import pandas as pd

from sv_assessment import analysis, charts, measures
from sv_assessment.config import AssessmentConfig


def knife_offences(offences: pd.DataFrame) -> pd.DataFrame:
    return offences[analysis.knife_crime_mask(offences)]


def monthly_with_rolling(knife: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    monthly = analysis.monthly_counts(knife, config.first_year, config.assessment_year)
    frame = pd.DataFrame({"month": monthly.index.astype(str), "offences": monthly.to_numpy()})
    frame["rolling_12_month_total"] = measures.rolling_12_month_total(monthly).to_numpy()
    return frame


def rolling_figure(monthly: pd.DataFrame) -> charts.FigureSpec:
    rolling = monthly.dropna(subset=["rolling_12_month_total"])
    first, last = rolling.iloc[0], rolling.iloc[-1]
    direction = "risen" if last.rolling_12_month_total > first.rolling_12_month_total else "fallen"
    long = rolling.melt(
        id_vars="month",
        value_vars=["offences", "rolling_12_month_total"],
        var_name="series",
        value_name="count",
    )
    long["series"] = long["series"].map(
        {"offences": "Offences in the month", "rolling_12_month_total": "Rolling 12-month total"}
    )
    fig = charts.line_chart(long, "month", "count", series="series")
    return charts.FigureSpec(
        fig,
        title=f"The rolling 12-month total of knife and weapon offences has {direction} "
        f"from {int(first.rolling_12_month_total):,} to "
        f"{int(last.rolling_12_month_total):,}",
        alt_text=f"Line chart of knife and weapon offences each month and the rolling 12-month "
        f"total, {monthly.month.iloc[0]} to {monthly.month.iloc[-1]}. The rolling total "
        f"was {int(first.rolling_12_month_total):,} in {first.month} and "
        f"{int(last.rolling_12_month_total):,} in {last.month}.",
        data=monthly,
        x_title="Month recorded",
        y_title="Offences",
    )


def year_on_year(
    knife: pd.DataFrame, population: pd.DataFrame, config: AssessmentConfig, by: str | None = None
) -> pd.DataFrame:
    """This year against last, with the rate ratio and its exact 95% interval, per group."""
    now, before = config.assessment_year, config.assessment_year - 1
    residents = analysis.population_by(population, ["year"])
    pop = dict(zip(residents["year"], residents["population"], strict=True))
    groups = [(None, knife)] if by is None else list(knife.groupby(by, observed=False))
    rows = []
    for name, group in groups:
        c_now = int((group["year"] == now).sum())
        c_before = int((group["year"] == before).sum())
        rr = measures.rate_ratio(c_now, pop[now], c_before, pop[before])
        rows.append(
            {
                "group": name or "All",
                f"offences_{before}": c_before,
                f"offences_{now}": c_now,
                "percent_change": round(rr.percent_change, 1),
                "rate_ratio": round(rr.ratio, 2),
                "ratio_lower": round(rr.lower, 2),
                "ratio_upper": round(rr.upper, 2),
                "assessment": measures.describe_change(rr),
            }
        )
    return pd.DataFrame(rows)


def by_age_group(knife: pd.DataFrame) -> pd.DataFrame:
    frame = knife.copy()
    frame["age_group"] = analysis.age_group(frame["victim_age"].fillna(frame["suspect_age"]))
    return frame
