"""Chapter: the violence profile (volume and rate over time, offence mix, when, who, where)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sv_assessment.analysis import definitions, measures
from sv_assessment.chapters import charts
from sv_assessment.config import AssessmentConfig, SeriousViolenceDefinition


def yearly_volume(
    serious: pd.DataFrame, population: pd.DataFrame, config: AssessmentConfig
) -> pd.DataFrame:
    """Serious violence offences and the rate per 1,000 residents, each year of the window."""
    counts = definitions.yearly_counts(serious, config.years)
    residents = definitions.population_by(population, ["year"])
    frame = counts.merge(residents, on="year", how="left")
    return measures.rates_with_ci(frame, "offences", "population").round(
        {"rate": 2, "rate_lower": 2, "rate_upper": 2}
    )


def headline(yearly: pd.DataFrame, config: AssessmentConfig) -> str:
    now, before = yearly.iloc[-1], yearly.iloc[-2]
    rr = measures.rate_ratio(
        int(now.offences), float(now.population), int(before.offences), float(before.population)
    )
    return (
        f"In {config.assessment_year} there were **{int(now.offences):,} serious violence "
        f"offences** in {config.area_name}, {now.rate:.2f} per 1,000 residents. "
        + measures.format_change_sentence(
            "Compared with the year before",
            int(now.offences),
            int(before.offences),
            rr,
            str(int(now.year)),
            str(int(before.year)),
        )
    )


def yearly_figure(yearly: pd.DataFrame, config: AssessmentConfig) -> charts.FigureSpec:
    first, last = yearly.iloc[0], yearly.iloc[-1]
    direction = "higher" if last.rate > first.rate else "lower"
    fig = charts.bar_chart(yearly, "year", "rate", error_low="rate_lower", error_high="rate_upper")
    return charts.FigureSpec(
        fig,
        title=f"Serious violence rate was {direction} in {int(last.year)} than in "
        f"{int(first.year)} ({last.rate:.2f} against {first.rate:.2f} per 1,000 residents)",
        alt_text=f"Bar chart of serious violence offences per 1,000 residents by year, "
        f"{int(first.year)} to {int(last.year)}, with 95% confidence intervals. "
        + "; ".join(f"{int(r.year)}: {r.rate:.2f}" for r in yearly.itertuples()),
        data=yearly[["year", "offences", "population", "rate", "rate_lower", "rate_upper"]],
        x_title="Year",
        y_title="Offences per 1,000 residents",
    )


def offence_mix(serious: pd.DataFrame, year: int) -> pd.DataFrame:
    latest = serious[serious["year"] == year]
    mix = latest["offence_group"].value_counts().rename("offences").rename_axis("offence_group")
    frame = mix.reset_index()
    frame["percent"] = (100 * frame["offences"] / frame["offences"].sum()).round(1)
    return frame


def monthly_figure(serious: pd.DataFrame, config: AssessmentConfig) -> charts.FigureSpec:
    monthly = definitions.monthly_counts(serious, config.first_year, config.assessment_year)
    frame = pd.DataFrame({"month": monthly.index.astype(str), "offences": monthly.to_numpy()})
    peak = frame.loc[frame["offences"].idxmax()]
    by_calendar_month = monthly.groupby(monthly.index.month).mean()
    busiest = pd.Timestamp(2000, int(by_calendar_month.idxmax()), 1).strftime("%B")
    fig = charts.line_chart(frame, "month", "offences")
    return charts.FigureSpec(
        fig,
        title=f"{busiest} is the busiest month for serious violence on average; the "
        f"single highest month was {peak.month}",
        alt_text=f"Line chart of serious violence offences each month from {frame.month.iloc[0]} "
        f"to {frame.month.iloc[-1]}. The highest month was {peak.month} with "
        f"{int(peak.offences):,} offences.",
        data=frame,
        x_title="Month recorded",
        y_title="Offences",
    )


def weekday_hour_figure(serious: pd.DataFrame, year: int) -> charts.FigureSpec:
    matrix = definitions.weekday_hour_matrix(serious[serious["year"] == year])
    day, hour = matrix.stack().idxmax()
    total = matrix.to_numpy().sum()
    evening = matrix[[*range(18, 24), *range(0, 4)]].to_numpy().sum()
    evening_share = 100 * evening / total if total else 0.0
    fig = charts.heatmap(matrix)
    data = matrix.reset_index().rename(columns={"weekday": "day"})
    data.columns = [str(c) if c == "day" else f"{int(c):02d}:00" for c in data.columns]
    return charts.FigureSpec(
        fig,
        title=f"Serious violence in {year} peaks on {day}s at {hour:02d}:00; "
        f"{evening_share:.0f}% happens between 18:00 and 03:59",
        alt_text=f"Heat map of serious violence offences in {year} by day of week (rows) and "
        f"hour of the day (columns). Darker cells mean more offences. The busiest hour "
        f"is {day} {hour:02d}:00.",
        data=data,
        x_title="Hour of the day",
        y_title="Day of the week",
    )


def who_table(serious: pd.DataFrame, year: int) -> pd.DataFrame:
    latest = serious[serious["year"] == year]
    rows = []
    for role in ("victim", "suspect"):
        groups = definitions.age_group(latest[f"{role}_age"])
        sex = latest[f"{role}_sex"].fillna("Unknown")
        table = pd.crosstab(groups, sex).reindex(
            columns=["Female", "Male", "Unknown"], fill_value=0
        )
        table.insert(0, "role", role.capitalize())
        rows.append(
            table.reset_index().rename(
                columns={"victim_age": "age_group", "suspect_age": "age_group"}
            )
        )
    frame = pd.concat(rows, ignore_index=True)
    frame.columns = [
        "age_group" if c not in ("role", "Female", "Male", "Unknown") else c for c in frame.columns
    ]
    frame["Total"] = frame[["Female", "Male", "Unknown"]].sum(axis=1)
    return frame[["role", "age_group", "Female", "Male", "Unknown", "Total"]]


def seasonality(serious: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    """Average offences in each calendar month over the window, and its index against the
    average month (100 = an average month)."""
    monthly = definitions.monthly_counts(serious, config.first_year, config.assessment_year)
    mean = monthly.groupby(monthly.index.month).mean()
    frame = pd.DataFrame(
        {
            "month": [pd.Timestamp(2000, m, 1).strftime("%B") for m in mean.index],
            "average_offences": mean.round(1).to_numpy(),
        }
    )
    overall = mean.mean()
    frame["index_average_month_100"] = (100 * mean / overall).round(0).to_numpy() if overall else 0
    return frame


def young_people_shares(serious: pd.DataFrame, year: int) -> pd.DataFrame:
    """Under-25s and, separately, under-18s as a share of victims and of suspects whose age
    is recorded (unrecorded ages are counted but not in the denominator)."""
    latest = serious[serious["year"] == year]
    rows = []
    for role in ("victim", "suspect"):
        ages = latest[f"{role}_age"].astype("Float64")
        known = int(ages.notna().sum())
        for label, limit in (("Under 18", 18), ("Under 25", 25)):
            count = int((ages < limit).fillna(False).sum())
            rows.append(
                {
                    "role": role.capitalize() + "s",
                    "age": label,
                    "people": count,
                    "with_age_recorded": known,
                    "percent": round(100 * count / known, 1) if known else None,
                }
            )
    return pd.DataFrame(rows)


def public_place_split(
    offences: pd.DataFrame, definition: SeriousViolenceDefinition, year: int
) -> pd.DataFrame:
    """Offences meeting the definition in every respect except place: public against other."""
    wider = definitions.serious_violence_mask(
        offences, replace(definition, public_place_only=False)
    )
    latest = offences[wider & (offences["year"] == year)]
    place = latest["public_place_flag"].map({True: "Public place", False: "Other place"})
    counts = (
        place.fillna("Not recorded")
        .value_counts()
        .reindex(["Public place", "Other place", "Not recorded"], fill_value=0)
    )
    frame = counts.rename_axis("place").rename("offences").reset_index()
    total = frame["offences"].sum()
    frame["percent"] = (100 * frame["offences"] / total).round(1) if total else 0.0
    return frame


def who_sentence(shares: pd.DataFrame) -> str:
    """One line on young people's share, worded from the table."""
    pick = shares.set_index(["role", "age"])["percent"]
    wanted = [(role, age) for role in ("Victims", "Suspects") for age in ("Under 25", "Under 18")]
    if any(key not in pick.index or pd.isna(pick[key]) for key in wanted):
        return "Too few offences had a victim's and a suspect's age recorded to give these shares."
    return (
        f"Of victims with an age recorded, {pick[('Victims', 'Under 25')]:.0f}% were under 25 "
        f"and {pick[('Victims', 'Under 18')]:.0f}% under 18; of suspects, "
        f"{pick[('Suspects', 'Under 25')]:.0f}% were under 25 and "
        f"{pick[('Suspects', 'Under 18')]:.0f}% under 18."
    )
