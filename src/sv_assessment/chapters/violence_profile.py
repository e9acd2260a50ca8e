"""Chapter: the violence profile (volume and rate over time, offence mix, when, who, where)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sv_assessment.analysis import definitions, measures
from sv_assessment.analysis.disclosure import Gate, Protected, yearly_relations
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


RATES = ["rate", "rate_lower", "rate_upper"]


def protected_yearly(yearly: pd.DataFrame, protect: Gate) -> Protected:
    """The yearly table through the gate, the same way wherever it is shown."""
    return protect(
        yearly,
        ["offences"],
        derived_columns=RATES,
        measure="serious_violence",
        row_keys=["year"],
        column_keys={"offences": {}},
    )


def protected_shares(shares: pd.DataFrame, protect: Gate) -> Protected:
    """Young people's shares through the gate: the groups nest (under 18 within under 25 within
    those with an age recorded), so they add up to no published total."""
    return protect(
        shares,
        ["people", "with_age_recorded"],
        derived_columns=["percent"],
        grand_total_known=False,
    )


def headline(yearly: Protected, config: AssessmentConfig) -> str:
    """The year's total and its change on the year before, from the protected table."""
    frame = yearly.frame
    last = len(frame) - 1
    now, before = frame.iloc[last], frame.iloc[last - 1]
    if pd.isna(now.offences) or pd.isna(before.offences):
        return (
            f"In {config.assessment_year} there were **{yearly.text(last, 'offences')} serious "
            f"violence offences** in {config.area_name} ({yearly.text(last - 1, 'offences')} the "
            "year before); the rate and the change are not shown for counts this small."
        )
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


def yearly_figure(yearly: Protected, config: AssessmentConfig) -> charts.FigureSpec:
    frame = yearly.frame
    shown = frame.dropna(subset=["rate"])
    fig = charts.bar_chart(frame, "year", "rate", error_low="rate_lower", error_high="rate_upper")
    title = "Serious violence rate by year"
    if len(shown) >= 2:
        first, last = shown.iloc[0], shown.iloc[-1]
        direction = "higher" if last.rate > first.rate else "lower"
        title = (
            f"Serious violence rate was {direction} in {int(last.year)} than in "
            f"{int(first.year)} ({last.rate:.2f} against {first.rate:.2f} per 1,000 residents)"
        )
    return charts.FigureSpec(
        fig,
        title=title,
        alt_text=f"Bar chart of serious violence offences per 1,000 residents by year, "
        f"{int(frame.year.iloc[0])} to {int(frame.year.iloc[-1])}, with 95% confidence "
        "intervals. "
        + "; ".join(
            f"{int(r.year)}: {yearly.text(i, 'rate')}" for i, r in enumerate(frame.itertuples())
        ),
        data=yearly,
        x_title="Year",
        y_title="Offences per 1,000 residents",
    )


def offence_mix(serious: pd.DataFrame, year: int) -> pd.DataFrame:
    latest = serious[serious["year"] == year]
    mix = latest["offence_group"].value_counts().rename("offences").rename_axis("offence_group")
    frame = mix.reset_index()
    frame["percent"] = (100 * frame["offences"] / frame["offences"].sum()).round(1)
    return frame


def monthly_counts(serious: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    monthly = definitions.monthly_counts(serious, config.first_year, config.assessment_year)
    return pd.DataFrame({"month": monthly.index.astype(str), "offences": monthly.to_numpy()})


def protected_monthly(monthly: pd.DataFrame, protect: Gate) -> Protected:
    """Monthly offences through the gate: each year's months add up to the yearly total."""
    relations = yearly_relations(monthly["month"], ["offences"])
    return protect(
        monthly,
        ["offences"],
        relations=relations,
        grand_total_known=False,
        measure="serious_violence",
        row_keys=["month"],
        column_keys={"offences": {}},
    )


def monthly_figure(monthly: Protected) -> charts.FigureSpec:
    """Offences each month; ``monthly`` is ``monthly_counts`` through the gate."""
    frame = monthly.frame
    shown = frame.dropna(subset=["offences"])
    fig = charts.line_chart(frame, "month", "offences")
    title = "Serious violence offences each month"
    peak_text = ""
    if len(shown):
        peak = shown.loc[shown["offences"].astype(float).idxmax()]
        calendar = pd.to_datetime(shown["month"]).dt.month
        busiest = shown["offences"].astype(float).groupby(calendar.to_numpy()).mean().idxmax()
        name = pd.Timestamp(2000, int(busiest), 1).strftime("%B")
        title = (
            f"{name} is the busiest month for serious violence on average; the single highest "
            f"month was {peak.month}"
        )
        peak_text = f" The highest month was {peak.month} with {int(peak.offences):,} offences."
    return charts.FigureSpec(
        fig,
        title=title,
        alt_text=f"Line chart of serious violence offences each month from {frame.month.iloc[0]} "
        f"to {frame.month.iloc[-1]}.{peak_text}",
        data=monthly,
        x_title="Month recorded",
        y_title="Offences",
    )


def weekday_hour_counts(serious: pd.DataFrame, year: int) -> pd.DataFrame:
    """Offences by day of the week (rows) and hour of the day (columns '00:00' to '23:00')."""
    matrix = definitions.weekday_hour_matrix(serious[serious["year"] == year])
    data = matrix.reset_index().rename(columns={"weekday": "day"})
    data.columns = [str(c) if c == "day" else f"{int(c):02d}:00" for c in data.columns]
    return data


def weekday_hour_figure(counts: Protected, year: int) -> charts.FigureSpec:
    """The heat map, drawn from the protected table: a hidden cell is drawn blank."""
    matrix = counts.frame.set_index("day").astype(float)
    day, hour = matrix.stack().idxmax()
    finding = f"Serious violence in {year} peaks on {day}s at {hour}"
    if not (counts.status == "[c]").any().any():  # a share of a total with hidden parts
        evening = matrix[[f"{h:02d}:00" for h in [*range(18, 24), *range(0, 4)]]].to_numpy()
        total = matrix.to_numpy().sum()
        if total:
            finding += f"; {100 * evening.sum() / total:.0f}% happens between 18:00 and 03:59"
    fig = charts.heatmap(matrix)
    return charts.FigureSpec(
        fig,
        title=finding,
        alt_text=f"Heat map of serious violence offences in {year} by day of week (rows) and "
        f"hour of the day (columns). Darker cells mean more offences; blank cells are hidden "
        f"small counts. The busiest hour is {day} {hour}.",
        data=counts,
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
    """Offences in each calendar month over the window, the average month's offences and its
    index against the average month (100 = an average month). The total is shown (and goes
    through the gate) because the average is the total divided by the years."""
    monthly = definitions.monthly_counts(serious, config.first_year, config.assessment_year)
    by_month = monthly.groupby(monthly.index.month)
    total, mean = by_month.sum(), by_month.mean()
    frame = pd.DataFrame(
        {
            "month": [pd.Timestamp(2000, m, 1).strftime("%B") for m in mean.index],
            "offences": total.to_numpy(),
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


def who_sentence(shares: Protected) -> str:
    """One line on young people's share, worded from the protected table ([c] for a share of
    a hidden count), or a line saying the shares cannot be given."""
    frame = shares.frame.reset_index(drop=True)
    row = {(r.role, r.age): i for i, r in enumerate(frame.itertuples())}
    wanted = [(role, age) for role in ("Victims", "Suspects") for age in ("Under 25", "Under 18")]
    if any(
        key not in row or shares.status["percent"].iloc[row[key]] not in ("", "[c]")
        for key in wanted
    ):
        return "Too few offences had a victim's and a suspect's age recorded to give these shares."

    def pct(role: str, age: str) -> str:
        i = row[(role, age)]
        value = frame["percent"].iloc[i]
        return shares.text(i, "percent") if pd.isna(value) else f"{value:.0f}%"

    return (
        f"Of victims with an age recorded, {pct('Victims', 'Under 25')} were under 25 "
        f"and {pct('Victims', 'Under 18')} under 18; of suspects, "
        f"{pct('Suspects', 'Under 25')} were under 25 and "
        f"{pct('Suspects', 'Under 18')} under 18."
    )
