"""Chapter: knife and weapon crime (knife or sharp-instrument offences and weapon possession).

Long because each table's disclosure protection (which totals a reader knows) sits beside it,
with the yearly counts the summary's sentences state."""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis import definitions, measures
from sv_assessment.analysis.disclosure import Gate, Protected, yearly_relations
from sv_assessment.chapters import changes, charts, scope
from sv_assessment.chapters.changes import AGE_GROUP_BANDS, NOT_RECORDED
from sv_assessment.config import AssessmentConfig


def knife_offences(offences: pd.DataFrame) -> pd.DataFrame:
    return offences[definitions.knife_crime_mask(offences)]


def protected_yearly(knife: pd.DataFrame, config: AssessmentConfig, protect: Gate) -> Protected:
    """Knife and weapon offences each year, through the gate, for the sentences that state
    them (the summary's changes): the monthly table's months add up to these totals, which it
    takes as known unless small. Their sum over the years is published nowhere."""
    return protect(
        definitions.yearly_counts(knife, config.years),
        ["offences"],
        grand_total_known=False,
    )


def monthly_with_rolling(knife: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    monthly = definitions.monthly_counts(knife, config.first_year, config.assessment_year)
    frame = pd.DataFrame({"month": monthly.index.astype(str), "offences": monthly.to_numpy()})
    frame["rolling_12_month_total"] = measures.rolling_12_month_total(monthly).to_numpy()
    return frame


def protected_monthly(monthly: pd.DataFrame, protect: Gate) -> Protected:
    """Monthly offences and the rolling 12-month total through the gate. A reader knows each
    rolling total is the sum of its 12 months, so the audit knows it too: two rolling totals
    a month apart give back the difference of two months."""
    relations = [
        ([(m - k, "offences") for k in range(12)], (m, "rolling_12_month_total"))
        for m in range(11, len(monthly))
    ]
    relations += yearly_relations(monthly["month"], ["offences"])
    return protect(
        monthly,
        ["offences", "rolling_12_month_total"],
        relations=relations,
        grand_total_known=False,
    )


def rolling_figure(protected: Protected) -> charts.FigureSpec:
    monthly = protected.frame
    rolling = monthly.dropna(subset=["rolling_12_month_total"])
    # Monthly counts (~300) and a 12-month total (~3,500) on one axis flatten the monthly line:
    # two panels over one time axis, each on its own scale.
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        subplot_titles=("Offences in the month", "Rolling 12-month total"),
    )
    for row, column in ((1, "offences"), (2, "rolling_12_month_total")):
        shown = monthly if row == 1 else rolling
        fig.add_scatter(
            x=shown["month"].astype(str),
            y=pd.to_numeric(shown[column], errors="coerce").astype(float),
            mode="lines",
            line={"color": charts.PALETTE[row - 1], "width": 2.5},
            showlegend=False,
            row=row,
            col=1,
        )
    fig.update_annotations(font={"size": 13}, xanchor="left", x=0)
    fig.update_layout(height=600)
    title = "Knife and weapon offences each month and the rolling 12-month total"
    alt = ""
    if len(rolling) >= 2:
        first, last = rolling.iloc[0], rolling.iloc[-1]
        change = last.rolling_12_month_total > first.rolling_12_month_total
        title = (
            f"The rolling 12-month total of knife and weapon offences has "
            f"{'risen' if change else 'fallen'} from {int(first.rolling_12_month_total):,} to "
            f"{int(last.rolling_12_month_total):,}"
        )
        alt = (
            f" The rolling total was {int(first.rolling_12_month_total):,} in {first.month} and "
            f"{int(last.rolling_12_month_total):,} in {last.month}."
        )
    return charts.FigureSpec(
        fig,
        title=title,
        alt_text=f"Line chart of knife and weapon offences each month and the rolling 12-month "
        f"total, {monthly.month.iloc[0]} to {monthly.month.iloc[-1]}.{alt}",
        data=protected,
        x_title="Month recorded",
        y_title="Offences",
        scope=scope.KNIFE_AND_WEAPON_SCOPE,
    )


CHANGE_DERIVED = [
    "percent_change",
    "rate_ratio",
    "ratio_lower",
    "ratio_upper",
    "assessment",
    "adjusted_p_value",
]


def protected_change(table: pd.DataFrame, protect: Gate, **options) -> Protected:
    """A change table (``year_on_year``, ``age_group_change``, ``district_change``) through
    the gate: a hidden count hides its rate, change, ratio, interval and verdict. Each year's
    column adds up to the area's total that year, which ``year_on_year`` publishes."""
    options.setdefault("column_sums_known", True)
    counts = [c for c in table.columns if c.startswith("offences_")]
    derived = [c for c in table.columns if c.startswith("rate_") or c in CHANGE_DERIVED]
    return protect(table, counts, derived_columns=derived, not_applicable=derived, **options)


def change_sentence(protected: Protected, row: int, label: str, config: AssessmentConfig) -> str:
    """'Knife and weapon offences: 512 in 2024 against 470 in 2023 (+8.9%; ...)', with [c] for
    a hidden count and no change figures beside it."""
    now, before = config.assessment_year, config.assessment_year - 1
    frame = protected.frame
    text_now = protected.text(row, f"offences_{now}")
    text_before = protected.text(row, f"offences_{before}")
    values = frame.iloc[row]
    if pd.isna(values[f"offences_{now}"]) or pd.isna(values[f"offences_{before}"]):
        return (
            f"{label}: {text_now} in {now} against {text_before} in {before} (the change is "
            "not shown for counts this small)."
        )
    return (
        f"{label}: {text_now} in {now} against {text_before} in {before} "
        f"({values.percent_change:+.1f}%; rate ratio {values.rate_ratio:.2f}, 95% CI "
        f"{values.ratio_lower:.2f} to {values.ratio_upper:.2f}): {values.assessment}."
    )


def _change_row(
    group: str, c_now: int, c_before: int, pop_now: float, pop_before: float, now: int, before: int
) -> dict:
    rr = measures.rate_ratio(c_now, pop_now, c_before, pop_before)
    return {
        "group": group,
        f"offences_{before}": c_before,
        f"offences_{now}": c_now,
        f"rate_{now}": round(1000 * c_now / pop_now, 2),
        "percent_change": round(rr.percent_change, 1),
        "rate_ratio": round(rr.ratio, 2),
        "ratio_lower": round(rr.lower, 2),
        "ratio_upper": round(rr.upper, 2),
        "assessment": measures.describe_change(rr),
    }


def _years_population(
    population: pd.DataFrame, now: int, before: int, bands: list[str] | None = None
) -> tuple[float, float]:
    residents = definitions.population_by(population, ["year"], bands).set_index("year")[
        "population"
    ]
    return float(residents.get(now, 0)), float(residents.get(before, 0))


def with_verdicts(table: pd.DataFrame, family: pd.DataFrame, group_column: str) -> pd.DataFrame:
    """The verdict on each row from the family of tests (p-values adjusted together), so no
    chance result among the dozens published is called a finding."""
    tests = family[
        (family["measure"] == changes.KNIFE) & (family["comparison"] == changes.PREVIOUS_YEAR)
    ].set_index("group")
    key = table[group_column].replace({"All ages": changes.AREA})
    out = table.copy()
    out["adjusted_p_value"] = key.map(tests["p_adjusted"]).astype(float).round(3).to_numpy()
    out["assessment"] = key.map(tests["assessment"]).to_numpy()
    return out


def year_on_year(
    knife: pd.DataFrame, population: pd.DataFrame, config: AssessmentConfig, family: pd.DataFrame
) -> pd.DataFrame:
    """This year against last for the whole area, with the rate ratio and its exact 95% CI."""
    now, before = config.assessment_year, config.assessment_year - 1
    pop_now, pop_before = _years_population(population, now, before)
    table = pd.DataFrame(
        [
            _change_row(
                "All ages",
                int((knife["year"] == now).sum()),
                int((knife["year"] == before).sum()),
                pop_now,
                pop_before,
                now,
                before,
            )
        ]
    )
    return with_verdicts(table, family, "group")


def by_age_group(knife: pd.DataFrame) -> pd.DataFrame:
    """Knife offences with an age group from the victim's age (the suspect's if no victim age):
    children, young adults, adults, or not recorded."""
    frame = knife.copy()
    frame["age_group"] = changes.by_age_group(frame)
    return frame


def age_group_change(
    knife: pd.DataFrame, population: pd.DataFrame, config: AssessmentConfig, family: pd.DataFrame
) -> pd.DataFrame:
    """Change on the previous year by age group, each rate on its matching population band.
    The 'not recorded' group has no population of its own: it has no rate, and its rate ratio
    uses all residents (the same in both years' terms)."""
    now, before = config.assessment_year, config.assessment_year - 1
    aged = by_age_group(knife)
    rows = []
    for group in [*AGE_GROUP_BANDS, NOT_RECORDED]:
        one = aged[aged["age_group"] == group]
        pop_now, pop_before = _years_population(population, now, before, AGE_GROUP_BANDS.get(group))
        row = _change_row(
            group,
            int((one["year"] == now).sum()),
            int((one["year"] == before).sum()),
            pop_now,
            pop_before,
            now,
            before,
        )
        if group == NOT_RECORDED:
            row[f"rate_{now}"] = "n/a"  # no population of people whose age is not recorded
        rows.append(row)
    return with_verdicts(pd.DataFrame(rows), family, "group")


def district_change(
    knife: pd.DataFrame, population: pd.DataFrame, config: AssessmentConfig, family: pd.DataFrame
) -> pd.DataFrame:
    """Change on the previous year in each district (rate ratio on the district's residents),
    without the rate and percentage columns so the table fits a page."""
    now, before = config.assessment_year, config.assessment_year - 1
    rows = []
    for code in config.district_codes:
        one = knife[knife["district_code"] == code]
        pop_now, pop_before = _years_population(
            population[population["district_code"] == code], now, before
        )
        rows.append(
            _change_row(
                config.district_names[code],
                int((one["year"] == now).sum()),
                int((one["year"] == before).sum()),
                pop_now,
                pop_before,
                now,
                before,
            )
        )
    table = pd.DataFrame(rows).rename(columns={"group": "district"})
    return with_verdicts(table, family, "district").drop(columns=[f"rate_{now}", "percent_change"])


def protected_trend(trend: pd.DataFrame, protect: Gate) -> Protected:
    """Offences and rates by age group and year through the gate (each year's total of knife
    offences with an age recorded is not published, so only the grand total is assumed)."""
    return protect(trend, ["offences"], derived_columns=["rate"], row_keys=["age_group", "year"])


def age_group_trend(
    knife: pd.DataFrame, population: pd.DataFrame, config: AssessmentConfig
) -> pd.DataFrame:
    """Offences and rate per 1,000 residents of the same age, by age group and year."""
    aged = by_age_group(knife)
    rows = []
    for group, bands in AGE_GROUP_BANDS.items():
        residents = definitions.population_by(population, ["year"], bands).set_index("year")
        for year in config.years:
            count = int(((aged["age_group"] == group) & (aged["year"] == year)).sum())
            pop = float(residents["population"].get(year, float("nan")))
            rows.append(
                {
                    "age_group": group,
                    "year": year,
                    "offences": count,
                    "rate": round(1000 * count / pop, 3) if pop > 0 else None,
                }
            )
    return pd.DataFrame(rows)


def age_group_figure(protected: Protected) -> charts.FigureSpec:
    """Rates by age group over the years, drawn from the trend through the gate."""
    trend = protected.frame
    latest = trend[trend["year"] == trend["year"].max()].dropna(subset=["rate"])
    top = latest.loc[latest["rate"].astype(float).idxmax()] if len(latest) else None
    finding = (
        f"{top.age_group} have the highest rate of knife and weapon offences in {int(top.year)}"
        if top is not None
        else "Knife and weapon offence rates by age"
    )
    fig = charts.line_chart(trend, "year", "rate", series="age_group")
    return charts.FigureSpec(
        fig,
        title=finding,
        alt_text="Line chart of knife and weapon offences per 1,000 residents of the same age, "
        "by year, for children, young adults and adults. "
        + "; ".join(f"{r.age_group} {int(r.year)}: {r.rate:.2f}" for r in latest.itertuples()),
        data=protected,
        x_title="Year recorded",
        y_title="Offences per 1,000 residents of that age",
        scope=scope.KNIFE_AND_WEAPON_SCOPE
        + "; age group from the victim's age, or the suspect's where no victim age is recorded",
    )


def knife_involved_serious_violence(
    serious: pd.DataFrame, population: pd.DataFrame, config: AssessmentConfig
) -> pd.DataFrame:
    """Serious violence (the local definition) flagged as involving a knife or sharp
    instrument, each year: the like-for-like knife measure beside the serious violence total."""
    knife = serious[serious["knife_flag"].fillna(False).astype(bool)]
    counts = definitions.yearly_counts(knife, config.years)
    totals = definitions.yearly_counts(serious, config.years).rename(
        columns={"offences": "all_serious_violence"}
    )
    frame = counts.merge(totals, on="year")
    frame["percent_of_serious_violence"] = (
        100
        * frame["offences"]
        / frame["all_serious_violence"].where(frame["all_serious_violence"] > 0)
    ).round(1)
    return frame
