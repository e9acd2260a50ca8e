"""Chapter: the violence profile (volume and rate over time, offence mix, when, who, where).

Long because each of its five parts has its table's disclosure protection beside it (which
totals a reader knows), so the chart, the sentence and the table are worded from one gate."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sv_assessment.analysis import definitions, measures
from sv_assessment.analysis.disclosure import DisclosurePolicy, Gate, Protected, yearly_relations
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
        rederive=measures.rates_from_counts("offences"),
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


def headline(yearly: Protected, config: AssessmentConfig, family: pd.DataFrame) -> str:
    """The year's count and rate, then its change against the year before, against the
    baseline of the three years before, and the trend across the window, each judged within
    the family of tests the assessment publishes; from the yearly table through the gate."""
    last = len(yearly.frame) - 1
    now = yearly.frame.iloc[last]
    if pd.isna(now.offences) or pd.isna(now.rate):
        return (
            f"In {config.assessment_year} there were **{yearly.text(last, 'offences')} serious "
            f"violence offences** in {config.area_name}; the rate and the change are not shown "
            "for counts this small."
        )
    return f"In {config.assessment_year} there were **{int(now.offences):,} serious violence " + (
        f"offences** in {config.area_name}, {now.rate:.2f} per 1,000 residents. "
        + changes.change_sentences(family, changes.SERIOUS_VIOLENCE, config, yearly)
    )


def yearly_figure(
    protected: Protected, config: AssessmentConfig, family: pd.DataFrame
) -> charts.FigureSpec:
    """The rate each year; the title states the tested finding (the assessment year against
    its baseline, and the trend across every year), never the two ends of the window. Drawn
    from the yearly table through the gate."""
    yearly = protected.frame
    first, last = yearly.iloc[0], yearly.iloc[-1]
    baseline = changes.pick(family, changes.SERIOUS_VIOLENCE, changes.AREA, changes.BASELINE)
    trend = changes.pick(family, changes.SERIOUS_VIOLENCE, changes.AREA, changes.TREND)
    parts = [
        f"Serious violence: {protected.text(len(yearly) - 1, 'rate')} per 1,000 residents in {int(last.year)}"
    ]
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
        + "; ".join(
            f"{int(r.year)}: {protected.text(i, 'rate')}" for i, r in enumerate(yearly.itertuples())
        ),
        data=protected,
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


def monthly_figure(monthly: Protected, config: AssessmentConfig) -> charts.FigureSpec:
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
        scope="; ".join(
            filter(None, [scope.serious_violence_scope(config), scope.pandemic_note(config)])
        ),
    )


def weekday_hour_counts(serious: pd.DataFrame, year: int) -> pd.DataFrame:
    """Offences by day of the week (rows) and hour of the day (columns '00:00' to '23:00')."""
    matrix = definitions.weekday_hour_matrix(serious[serious["year"] == year])
    data = matrix.reset_index().rename(columns={"weekday": "day"})
    data.columns = [str(c) if c == "day" else f"{int(c):02d}:00" for c in data.columns]
    return data


def weekday_hour_figure(
    counts: Protected, config: AssessmentConfig, untimed: int
) -> charts.FigureSpec:
    """The heat map, drawn from the protected table (a hidden cell is drawn blank), from the
    offences with a time recorded; the scope line says how many have none (``untimed``)."""
    year = config.assessment_year
    policy = DisclosurePolicy.from_config(config)
    left_out = policy.count_phrase(untimed, "offence")
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
        f"small counts. The busiest hour is {day} {hour}. "
        + (
            f"{left_out.capitalize()} with no time recorded are not shown."
            if untimed
            else "Every offence has a time recorded."
        ),
        data=counts,
        x_title="Hour of the day",
        y_title="Day of the week",
        scope=f"{scope.serious_violence_scope(config)}, {year}, by when it happened"
        + (
            f": offences with a time recorded; {left_out} with no time recorded are left out"
            if untimed
            else " (every offence has a time recorded)"
        ),
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


def protected_counted(counted: pd.DataFrame, protect: Gate) -> Protected:
    """Who the total counts, through the gate: the rows add up to the year's total."""
    return protect(counted, ["offences"], derived_columns=["percent"])


def _role_shares(shares: Protected, role: str) -> str:
    """'35% were under 25 and 16% under 18', as the shares table through the gate shows them,
    or why no share is given: no ages recorded, or a count so small (or hidden to protect
    another) that its share would give it away."""
    frame, status = shares.frame, shares.status
    mine = [i for i, r in enumerate(frame["role"]) if r == role]
    by_age = {frame["age"].iloc[i]: i for i in mine}
    known = frame["with_age_recorded"].iloc[mine[0]]
    if not status["with_age_recorded"].iloc[mine[0]] and float(known) == 0:
        return "no ages were recorded"
    if any(status["percent"].iloc[i] for i in mine):
        return "too few ages were recorded to publish shares"
    return (
        f"{float(frame['percent'].iloc[by_age['Under 25']]):.0f}% were under 25 and "
        f"{float(frame['percent'].iloc[by_age['Under 18']]):.0f}% under 18"
    )


def who_sentence(shares: Protected, counted: Protected, age_under: int | None) -> str:
    """Who the total counts, then young people's share among offences chosen without regard
    to age (like with like), worded from the two tables as the gate shows them
    (``protected_shares``, ``protected_counted``): a share hidden there is not stated."""
    frame = counted.frame
    suspect = next(
        (i for i, k in enumerate(frame["counted_because"]) if str(k).startswith("Suspect under")),
        None,
    )
    counted_text = ""
    if (
        age_under is not None
        and suspect is not None
        and not counted.status["percent"].iloc[suspect]
    ):
        counted_text = (
            f"The total counts an offence when the victim or the suspect is under {age_under}: "
            f"{float(frame['percent'].iloc[suspect]):.0f}% of those counted are in only because "
            f"the suspect was under {age_under}. "
        )
    return counted_text + (
        "Among offences meeting the definition apart from age: of victims with an age "
        f"recorded, {_role_shares(shares, 'Victims')}; of suspects, "
        f"{_role_shares(shares, 'Suspects')}."
    )


def untimed(serious: pd.DataFrame, year: int) -> int:
    """Offences in the year with no time recorded (left out of the heat map)."""
    return int(serious.loc[serious["year"] == year, "hour"].isna().sum())
