"""Chapter: the violence profile (volume and rate over time, offence mix, when, who, where)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sv_assessment.analysis import definitions, measures
from sv_assessment.chapters import changes, charts, scope
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


def headline(yearly: pd.DataFrame, config: AssessmentConfig, family: pd.DataFrame) -> str:
    """The year's count and rate, then its change against the year before, against the
    baseline of the three years before, and the trend across the window, each judged within
    the family of tests the assessment publishes."""
    now = yearly.iloc[-1]
    return f"In {config.assessment_year} there were **{int(now.offences):,} serious violence " + (
        f"offences** in {config.area_name}, {now.rate:.2f} per 1,000 residents. "
        + changes.change_sentences(family, changes.SERIOUS_VIOLENCE, config)
    )


def yearly_figure(
    yearly: pd.DataFrame, config: AssessmentConfig, family: pd.DataFrame
) -> charts.FigureSpec:
    """The rate each year; the title states the tested finding (the assessment year against
    its baseline, and the trend across every year), never the two ends of the window."""
    first, last = yearly.iloc[0], yearly.iloc[-1]
    baseline = changes.pick(family, changes.SERIOUS_VIOLENCE, changes.AREA, changes.BASELINE)
    trend = changes.pick(family, changes.SERIOUS_VIOLENCE, changes.AREA, changes.TREND)
    parts = [f"Serious violence: {last.rate:.2f} per 1,000 residents in {int(last.year)}"]
    if baseline is not None:
        parts.append(
            f"{abs(baseline.percent_change):.0f}% {'above' if baseline.percent_change > 0 else 'below'}"
            f" the {baseline.compared_with} average ({baseline.assessment})"
        )
    if trend is not None:
        parts.append(f"trend across {trend.compared_with}: {trend.assessment}")
    fig = charts.bar_chart(yearly, "year", "rate", error_low="rate_lower", error_high="rate_upper")
    return charts.FigureSpec(
        fig,
        title="; ".join(parts),
        alt_text=f"Bar chart of serious violence offences per 1,000 residents by year, "
        f"{int(first.year)} to {int(last.year)}, with 95% confidence intervals. "
        + "; ".join(f"{int(r.year)}: {r.rate:.2f}" for r in yearly.itertuples()),
        data=yearly[["year", "offences", "population", "rate", "rate_lower", "rate_upper"]],
        x_title="Year",
        y_title="Offences per 1,000 residents",
        scope="; ".join(
            filter(None, [scope.serious_violence_scope(config), scope.pandemic_note(config)])
        ),
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
        scope="; ".join(
            filter(None, [scope.serious_violence_scope(config), scope.pandemic_note(config)])
        ),
    )


def weekday_hour_figure(serious: pd.DataFrame, config: AssessmentConfig) -> charts.FigureSpec:
    """When in the week serious violence happens, from the offences with a time recorded; the
    scope line says how many have none and are left out."""
    year = config.assessment_year
    latest = serious[serious["year"] == year]
    untimed = int(latest["hour"].isna().sum())
    matrix = definitions.weekday_hour_matrix(latest)
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
        f"{evening_share:.0f}% of offences with a time recorded happen between 18:00 and 03:59",
        alt_text=f"Heat map of serious violence offences in {year} by day of week (rows) and "
        f"hour of the day (columns). Darker cells mean more offences. The busiest hour "
        f"is {day} {hour:02d}:00. {scope.plural(untimed, 'offence')} with no time recorded "
        f"{'is' if untimed == 1 else 'are'} not shown.",
        data=data,
        x_title="Hour of the day",
        y_title="Day of the week",
        scope=f"{scope.serious_violence_scope(config)}, {year}, by when it happened: "
        f"{scope.plural(int(total), 'offence')} with a time recorded; "
        f"{scope.plural(untimed, 'offence')} with no time recorded "
        f"{'is' if untimed == 1 else 'are'} left out",
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


def young_people_shares(
    offences: pd.DataFrame, definition: SeriousViolenceDefinition, year: int
) -> pd.DataFrame:
    """Under-25s and under-18s as a share of victims and of suspects whose age is recorded,
    among offences meeting the definition *apart from age*: among offences chosen because the
    victim or suspect is under 25, a high share of young victims would be the definition's
    doing, not a finding."""
    apart = definitions.serious_violence_mask(offences, replace(definition, age_under=None))
    latest = offences[apart & (offences["year"] == year)]
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


def who_is_counted(serious: pd.DataFrame, definition: SeriousViolenceDefinition, year: int):
    """Offences counted in ``year`` by which person's age brought them in."""
    latest = serious[serious["year"] == year]
    limit = definition.age_under
    if limit is None:
        return pd.DataFrame({"counted_because": ["No age condition"], "offences": [len(latest)]})
    victim = (latest["victim_age"] < limit).fillna(False).astype(bool)
    suspect = (latest["suspect_age"] < limit).fillna(False).astype(bool)
    rows = [
        (f"Victim and suspect both under {limit}", int((victim & suspect).sum())),
        (
            f"Victim under {limit}; suspect {limit} or over or not recorded",
            int((victim & ~suspect).sum()),
        ),
        (
            f"Suspect under {limit}; victim {limit} or over or not recorded",
            int((~victim & suspect).sum()),
        ),
    ]
    frame = pd.DataFrame(rows, columns=["counted_because", "offences"])
    total = frame["offences"].sum()
    frame["percent"] = (100 * frame["offences"] / total).round(1) if total else 0.0
    return frame


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


def _role_shares(shares: pd.DataFrame, role: str, minimum_count: int) -> str:
    """'35% were under 25 and 16% under 18', or why no share is given: no ages recorded, or
    counts so small a share would disclose them."""
    rows = shares[shares["role"] == role].set_index("age")
    known = int(rows["with_age_recorded"].iloc[0])
    people = rows["people"].astype(int)
    if known == 0:
        return "no ages were recorded"
    if known < minimum_count or people.between(1, minimum_count - 1).any():
        return "too few ages were recorded to publish shares"
    return (
        f"{rows.loc['Under 25', 'percent']:.0f}% were under 25 and "
        f"{rows.loc['Under 18', 'percent']:.0f}% under 18"
    )


def who_sentence(
    shares: pd.DataFrame, counted: pd.DataFrame, age_under: int | None, minimum_count: int = 5
) -> str:
    """Who the total counts, then young people's share among offences chosen without regard
    to age (like with like), worded from the tables."""
    share = counted.set_index("counted_because")
    because_suspect = next(
        (r for k, r in share.iterrows() if str(k).startswith("Suspect under")), None
    )
    counted_text = ""
    if (
        age_under is not None
        and because_suspect is not None
        and int(because_suspect["offences"]) not in range(1, minimum_count)
        and counted["offences"].sum() >= minimum_count
    ):
        counted_text = (
            f"The total counts an offence when the victim or the suspect is under {age_under}: "
            f"{because_suspect['percent']:.0f}% of those counted are in only because the "
            f"suspect was under {age_under}. "
        )
    return counted_text + (
        "Among offences meeting the definition apart from age: of victims with an age "
        f"recorded, {_role_shares(shares, 'Victims', minimum_count)}; of suspects, "
        f"{_role_shares(shares, 'Suspects', minimum_count)}."
    )
