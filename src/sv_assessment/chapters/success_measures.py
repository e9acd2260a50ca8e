"""The Home Office's three success measures for Violence Reduction Units, for under-25s, as the
summary's headline panel, where the inputs allow:

1. Hospital admissions for assault with a knife or sharp object, victims under 25 (from the
   hospital admissions input: NHS Hospital Episode Statistics).
2. Knife or sharp object enabled serious violence recorded by the police, victims under 25.
3. Non-domestic homicides recorded by the police, victims under 25.

Each has its latest count with an exact 95% interval, the trend across the periods available
(average change a year, with its interval; the three trends judged together by the
Benjamini–Hochberg method) and its source. A measure the inputs cannot give has no count: [x]
in the published table (machine-readable, the GSS symbol) and "not available" with what to
provide in the panel's words; never a different count under the measure's name, never a zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sv_assessment.analysis import measures, significance
from sv_assessment.analysis import partner_periods as periods
from sv_assessment.analysis.disclosure import Gate, Protected
from sv_assessment.config import AssessmentConfig

NOT_AVAILABLE = "not available"
UNDER_25_BANDS = ("0-9", "10-17", "18-24")
COUNTED = "counted from the inputs"
ADMISSIONS = "1. Hospital admissions for assault with a knife or sharp object, victims under 25"
KNIFE = "2. Knife or sharp object enabled serious violence, victims under 25"
HOMICIDE = "3. Non-domestic homicide, victims under 25"
SOURCE_HES = "NHS England, Hospital Episode Statistics, supplied by the partnership"
SOURCE_POLICE = "police-recorded crime (the partnership's extract)"
DERIVED = ["lower", "upper", "trend_percent_a_year", "trend_lower", "trend_upper"]


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].fillna(False).astype(bool)


def _under_25(frame: pd.DataFrame) -> pd.Series:
    return (frame["victim_age"] < 25).fillna(False).astype(bool)


def _residents_under_25(population: pd.DataFrame | None, years: list[int]) -> np.ndarray:
    """Under-25 residents each year (the trend is then in the rate), or ones (in the count)."""
    if population is None:
        return np.ones(len(years))
    young = population[population["age_band"].isin(UNDER_25_BANDS)]
    by_year = young.groupby("year")["population"].sum().astype(float)
    values = by_year.reindex(years).to_numpy()
    return values if np.all(values > 0) else np.ones(len(years))


def admissions_series(
    admissions: pd.DataFrame, config: AssessmentConfig, area_config=None
) -> pd.Series | None:
    """Under-25 admissions by period (label), from the bands wholly under 25, in the areas of
    this assessment; None when nothing is left. A band across 25 (e.g. 20-29) is not used."""
    from sv_assessment.chapters import partner_data

    covered = partner_data.areas(config, area_config)
    frame = admissions[admissions["area_code"].isin(covered)]
    frame = frame[frame["age_band"].map(lambda b: periods.under(b, 25))]
    if frame.empty:
        return None
    parsed = {p: periods.parse_period(p, "financial") for p in frame["period"].unique()}
    frame = frame[frame["period"].map(lambda p: parsed[p].first_year <= config.assessment_year)]
    sums = frame.groupby("period")["admissions"].agg(
        lambda s: s.sum() if s.notna().all() else pd.NA
    )
    return sums.loc[sorted(sums.index, key=lambda p: parsed[p].start)]


def _measure(name: str, series: pd.Series, residents: np.ndarray, source: str) -> dict:
    """The latest count with its interval, and the trend across the series."""
    latest = series.iloc[-1]
    row = {"measure": name, "period": str(series.index[-1]), "count": latest, "source": source}
    if pd.isna(latest):
        return {**row, "status": f"{NOT_AVAILABLE}: the latest count was suppressed at source"}
    lower, upper = measures.poisson_ci(float(latest))
    row.update(lower=round(lower, 1), upper=round(upper, 1), status=COUNTED)
    counts = series.astype(float).to_numpy()
    if len(series) >= 3 and not np.isnan(counts).any():
        trend = significance.poisson_trend(counts, residents, list(range(len(series))))
        row.update(
            trend_over=f"{series.index[0]} to {series.index[-1]}",
            trend_percent_a_year=round(trend.annual_percent_change, 1),
            trend_lower=round(trend.lower, 1),
            trend_upper=round(trend.upper, 1),
            p_value=trend.p_value,
        )
    return row


def _unavailable(name: str, why: str, source: str) -> dict:
    return {"measure": name, "count": pd.NA, "status": f"{NOT_AVAILABLE}: {why}", "source": source}


def success_measures(
    offences: pd.DataFrame,
    admissions: pd.DataFrame | None,
    config: AssessmentConfig,
    population: pd.DataFrame | None = None,
    area_config: AssessmentConfig | None = None,
) -> pd.DataFrame:
    """The three measures: raw counts, intervals and trends (shown only through the gate)."""
    years = config.years
    residents = _residents_under_25(population, years)
    young = _under_25(offences)
    enabled = _flag(offences, "knife_flag") & ~offences["offence_group"].eq("Possession of weapons")
    homicide = offences["offence_group"].eq("Homicide") & ~_flag(offences, "domestic_abuse_flag")

    def yearly(mask: pd.Series) -> pd.Series:
        counts = offences.loc[mask, "year"].value_counts().reindex(years, fill_value=0)
        return counts.rename(index=str)

    series = None if admissions is None else admissions_series(admissions, config, area_config)
    if admissions is None:
        first = _unavailable(ADMISSIONS, "no hospital admissions input was provided", SOURCE_HES)
    elif series is None:
        first = _unavailable(ADMISSIONS, "no under-25 age bands for these areas", SOURCE_HES)
    else:
        # Each period's residents: those of the calendar year it starts in, where known.
        starts = [periods.parse_period(p).first_year for p in series.index]
        known = population is not None and set(starts) <= set(population["year"])
        people = _residents_under_25(population if known else None, starts)
        first = _measure(ADMISSIONS, series, people, SOURCE_HES)
    rows = [
        first,
        _measure(KNIFE, yearly(enabled & young), residents, SOURCE_POLICE),
        _measure(HOMICIDE, yearly(homicide & young), residents, SOURCE_POLICE),
    ]
    table = pd.DataFrame(rows)
    for column in ["period", *DERIVED, "trend_over", "p_value"]:
        if column not in table:
            table[column] = pd.NA
    table["p_adjusted"] = _adjusted(table["p_value"])
    table["assessment"] = [
        _verdict(p, change)
        for p, change in zip(table["p_adjusted"], table["trend_percent_a_year"], strict=True)
    ]
    columns = ["measure", "period", "count", "lower", "upper", "trend_over",
               "trend_percent_a_year", "trend_lower", "trend_upper", "assessment", "source",
               "status"]  # fmt: skip
    return table[columns].astype({"count": "Float64", **{c: "Float64" for c in DERIVED}})


def _adjusted(p_values: pd.Series) -> pd.Series:
    """Benjamini–Hochberg across the trends that could be tested."""
    values = pd.to_numeric(p_values, errors="coerce").astype(float)
    tested = values.notna()
    adjusted = pd.Series(np.nan, index=values.index)
    if tested.any():
        adjusted[tested] = significance.benjamini_hochberg(values[tested].to_numpy())
    return adjusted


def _verdict(p_adjusted: float, change: object) -> str:
    if p_adjusted is None or pd.isna(p_adjusted) or pd.isna(change):
        return "no trend tested (too few periods, or offences in fewer than two)"
    if p_adjusted < 0.05:
        return f"a statistically significant {'rise' if float(change) > 0 else 'fall'}"
    return "no statistically significant trend"


def protected(table: pd.DataFrame, protect: Gate) -> Protected:
    """The measures through the gate: a small count is hidden with its interval and trend; a
    measure the inputs cannot give is [x]. The measures count different things: no total."""
    return protect(table, ["count"], derived_columns=DERIVED, grand_total_known=False)


def panel(published: Protected, config: AssessmentConfig) -> str:
    """The headline panel: each measure in words (hidden cells as [c]), or not available."""
    frame = published.frame
    items = []
    for i, row in enumerate(frame.itertuples()):
        name = row.measure.split(". ", 1)[1]
        if str(row.status).startswith(NOT_AVAILABLE):
            why = str(row.status)[len(NOT_AVAILABLE) + 2 :]
            items.append(
                f"- **{name}: not available** ({why}). See the data gaps chapter for what to "
                f"provide. *Source: {row.source}.*"
            )
            continue
        count = published.text(i, "count")
        text = f"- **{name}:** {count} in {row.period}"
        if count.startswith("["):
            text += " (a small number, not shown; its interval and trend are withheld with it)"
        else:
            text += f" (95% CI {row.lower:,.0f} to {row.upper:,.0f})"
            if not pd.isna(row.trend_percent_a_year):
                text += (
                    f"; trend {row.trend_over}: {row.trend_percent_a_year:+.1f}% a year (95% CI "
                    f"{row.trend_lower:+.1f}% to {row.trend_upper:+.1f}%), {row.assessment}"
                )
        items.append(f"{text}. *Source: {row.source}.*")
    return (
        "::: {.headline-panel}\n"
        f"**Home Office success measures for Violence Reduction Units, under-25s, "
        f"{config.area_name}**\n\n" + "\n".join(items) + "\n\n"
        "Trends are the average change a year across the periods shown (in the rate per "
        "under-25 resident where the population covers them), the three judged together "
        "(Benjamini–Hochberg); the 95% intervals are for each measure on its own.\n:::"
    )
