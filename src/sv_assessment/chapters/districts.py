"""Chapter: district breakdowns (rates with exact intervals, ranks, funnel plot, trends)."""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis import comparison, definitions, measures
from sv_assessment.analysis.disclosure import Gate, Protected
from sv_assessment.chapters import changes, charts, scope
from sv_assessment.config import AssessmentConfig


def area_rate(serious: pd.DataFrame, population: pd.DataFrame, config: AssessmentConfig) -> float:
    """The whole area's rate per 1,000 in the assessment year: every place's comparator."""
    year = config.assessment_year
    residents = population.loc[population["year"] == year, "population"].sum()
    return 1000 * int((serious["year"] == year).sum()) / residents


def district_table(
    serious: pd.DataFrame,
    population: pd.DataFrame,
    config: AssessmentConfig,
    family: pd.DataFrame,
    area_rate: float | None = None,
) -> pd.DataFrame:
    """Each district's count, rate and interval in the assessment year, its rank, how it
    compares with the area, and the change on the previous year judged within the family of
    tests the assessment publishes (p-values adjusted together)."""
    year, before = config.assessment_year, config.assessment_year - 1
    names = pd.DataFrame(
        {
            "district_code": config.district_codes,
            "district": [config.district_names[c] for c in config.district_codes],
        }
    )
    counts = serious.groupby(["district_code", "year"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=config.district_codes, columns=[before, year], fill_value=0)
    residents = definitions.population_by(population[population["year"] == year], ["district_code"])
    frame = names.merge(residents, on="district_code", how="left")
    frame["offences"] = counts[year].to_numpy()
    frame["offences_previous_year"] = counts[before].to_numpy()
    frame["change_percent"] = (
        100
        * (frame["offences"] - frame["offences_previous_year"])
        / frame["offences_previous_year"].where(frame["offences_previous_year"] > 0)
    ).round(1)
    earlier = definitions.population_by(population[population["year"] == before], ["district_code"])
    pop_before = frame["district_code"].map(earlier.set_index("district_code")["population"])
    frame["population_previous_year"] = pop_before.fillna(frame["population"])
    tests = family[
        (family["measure"] == changes.SERIOUS_VIOLENCE)
        & (family["comparison"] == changes.PREVIOUS_YEAR)
    ].set_index("group")
    frame["change_assessment"] = (
        frame["district"].map(tests["assessment"]).fillna("not tested (no population)")
    )
    return comparison.rank_against_area(frame, "offences", "population", area_rate)


RATE_VIEW = [
    "rank",
    "district",
    "population",
    "offences",
    "rate",
    "rate_lower",
    "rate_upper",
    "compared_with_area",
]
CHANGE_VIEW = [
    "district",
    "offences_previous_year",
    "offences",
    "change_percent",
    "change_assessment",
]


def rates_view(table: pd.DataFrame, year: int, protect: Gate) -> Protected:
    """Rank, rate and interval, and the funnel-plot comparison, through the gate (a hidden
    count hides its rate, interval, comparison and rank: each narrows the count)."""
    view = table[RATE_VIEW].rename(columns={"offences": f"offences_{year}"})
    return protect(
        view,
        [f"offences_{year}"],
        derived_columns=["rank", "rate", "rate_lower", "rate_upper", "compared_with_area"],
        measure="serious_violence",
        row_keys=["district"],
        column_keys={f"offences_{year}": {"year": str(year)}},
        rederive=measures.rates_from_counts(f"offences_{year}"),
    )


def change_view(table: pd.DataFrame, year: int, protect: Gate) -> Protected:
    """Counts this year and last, and whether the change is statistically significant, through
    the gate (each year's area total is published, so each column adds up to a known total)."""
    view = table[CHANGE_VIEW].rename(
        columns={"offences_previous_year": f"offences_{year - 1}", "offences": f"offences_{year}"}
    )
    counts = [f"offences_{year - 1}", f"offences_{year}"]
    return protect(
        view,
        counts,
        derived_columns=["change_percent", "change_assessment"],
        column_sums_known=True,
        measure="serious_violence",
        row_keys=["district"],
        column_keys={c: {"year": c.removeprefix("offences_")} for c in counts},
    )


def funnel_data(
    table: pd.DataFrame,
    protect: Gate,
    year: int,
    count_column: str = "offences",
    measure: str = "serious_violence",
    dims: dict | None = None,
) -> Protected:
    """What the funnel plot draws, through the gate: a hidden count hides its point. The count
    is the same cell as in the district tables (``measure``, and ``dims`` beside the year)."""
    return protect(
        table[["district", "population", count_column, "rate", "compared_with_area"]],
        [count_column],
        derived_columns=["rate", "compared_with_area"],
        rederive=measures.rates_from_counts(count_column),
        measure=measure,
        row_keys=["district"],
        column_keys={count_column: {"year": str(year), **(dims or {})}},
    )


def funnel_figure(
    protected: Protected,
    table: pd.DataFrame,
    config: AssessmentConfig,
    count_column: str = "offences",
    subject: str = "serious violence",
    unit: str = "Offences",
    area_rate: float | None = None,
    scope_text: str | None = None,
) -> charts.FigureSpec:
    """Each district's rate against its population, with 95% and 99.8% limits around the area's
    rate (``area_rate``, the whole area's in a district's edition); the title names the
    districts above the limits (or says none is). The points come from ``protected``, its data
    through the gate (``funnel_data``), so a hidden count's district is not drawn."""
    if area_rate is None:
        area_rate = 1000 * table[count_column].sum() / table["population"].sum()
    sizes = pd.Series(
        range(int(table["population"].min() * 0.8), int(table["population"].max() * 1.1), 2000)
    )
    limits = measures.funnel_limits(area_rate, sizes)
    shown = protected.frame
    is_above = shown["compared_with_area"].astype("string").str.startswith("above", na=False)
    above = shown.loc[is_above, "district"].tolist()
    finding = (
        f"{', '.join(above)} {'is' if len(above) == 1 else 'are'} above the area's 95% "
        f"control limit"
        if above
        else "No district is above the area's control limits"
    )
    return charts.FigureSpec(
        # Only districts whose rate is shown are drawn (or labelled).
        charts.funnel_plot(
            shown.dropna(subset=["rate"]).astype({"rate": float}), limits, area_rate, "district"
        ),
        title=f"{finding} for {subject} in {config.assessment_year}",
        alt_text=f"Funnel plot of the rate of {subject} per 1,000 residents against district "
        f"population, with the area-wide rate of {area_rate:.2f} and 95% and 99.8% "
        f"control limits. "
        + "; ".join(
            f"{r.district}: {protected.text(i, 'rate')} ({protected.text(i, 'compared_with_area')})"
            for i, r in enumerate(shown.itertuples())
        ),
        data=protected,
        x_title="Resident population",
        y_title=f"{unit} per 1,000 residents",
        zero_based=False,
        scope=scope_text
        if scope_text is not None
        else f"{scope.serious_violence_scope(config)}, {config.assessment_year}",
    )


def district_trends(serious: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    counts = serious.groupby(["district_code", "year"]).size().rename("offences").reset_index()
    grid = pd.MultiIndex.from_product(
        [config.district_codes, config.years], names=["district_code", "year"]
    )
    counts = counts.set_index(["district_code", "year"]).reindex(grid, fill_value=0).reset_index()
    counts["district"] = counts["district_code"].map(config.district_names)
    return counts[["district", "year", "offences"]]


def protect_trends(trends: pd.DataFrame, protect: Gate) -> Protected:
    """District-by-year counts through the gate; each year's area total is published."""
    return protect(
        trends,
        ["offences"],
        totals_by=["year"],
        measure="serious_violence",
        row_keys=["district", "year"],
        column_keys={"offences": {}},
    )


def trend_finding(family: pd.DataFrame, districts: list[str]) -> tuple[str, list[str], list[str]]:
    """The title's finding from each district's trend test (every year, not the two ends),
    judged within the family of tests; and the districts with a significant rise or fall."""
    tests = family[
        (family["measure"] == changes.SERIOUS_VIOLENCE) & (family["comparison"] == changes.TREND)
    ].set_index("group")
    verdicts = tests["assessment"].reindex(districts).fillna("")
    rising = [d for d, v in verdicts.items() if v.endswith("rise")]
    falling = [d for d, v in verdicts.items() if v.endswith("fall")]
    if not rising and not falling:
        return (
            f"No district's serious violence shows a statistically significant trend "
            f"(tested across every year, {len(districts)} districts)",
            rising,
            falling,
        )
    parts = []
    if rising:
        parts.append(f"a significant rising trend in {len(rising)} of {len(districts)} districts")
    if falling:
        parts.append(f"a significant falling trend in {len(falling)} of {len(districts)}")
    return "Serious violence shows " + " and ".join(parts), rising, falling


def trends_figure(
    protected: Protected, config: AssessmentConfig, family: pd.DataFrame
) -> charts.FigureSpec:
    """Small multiples from the district-by-year counts through the gate (``protect_trends``)."""
    trends = protected.frame
    from plotly.subplots import make_subplots

    districts = list(dict.fromkeys(trends["district"]))
    # Two columns keep each panel's title readable at 320 px; one y scale for every panel so
    # the shapes compare (the scale is stated in the title of the y axis).
    columns = 2
    rows = -(-len(districts) // columns)
    panel = 150
    fig = make_subplots(
        rows=rows,
        cols=columns,
        subplot_titles=districts,
        shared_xaxes=True,
        vertical_spacing=min(0.3 / rows, 46 / (rows * panel)),
        horizontal_spacing=0.14,
    )
    for index, name in enumerate(districts):
        one = trends[trends["district"] == name]
        fig.add_scatter(
            x=one["year"].astype(str),
            y=one["offences"].astype(float),
            mode="lines+markers",
            line={"color": charts.PALETTE[0]},
            showlegend=False,
            hovertemplate=f"{name}, %{{x}}: %{{y:,}}<extra></extra>",
            row=index // columns + 1,
            col=index % columns + 1,
        )
    top = float(pd.to_numeric(trends["offences"], errors="coerce").max() or 1)
    fig.update_yaxes(matches="y", range=[0, top * 1.1], nticks=4)
    fig.update_annotations(font={"size": 12})
    fig.update_layout(height=rows * panel + 200)
    title, rising, falling = trend_finding(family, districts)
    return charts.FigureSpec(
        fig,
        title=title,
        alt_text="Small-multiple line charts, one per district, of serious violence offences "
        f"each year {config.first_year} to {config.assessment_year}. A significant rising trend "
        f"(after adjustment for the number of tests): {', '.join(rising) or 'none'}; a "
        f"significant falling trend: {', '.join(falling) or 'none'}.",
        data=protected,
        x_title="",
        y_title="",
        scope=scope.serious_violence_scope(config)
        + ", by year recorded; "
        + scope.pandemic_note(config),
    )
