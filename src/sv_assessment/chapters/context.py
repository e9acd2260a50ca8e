"""Chapter: context — who lives in the area (population structure by age, year by year) and how
violence falls across neighbourhoods by deprivation.

Both inputs are optional here: a missing one gives ``availability.not_available_note`` in place
of its section. Counts pass through the chapter's disclosure control before they are shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sv_assessment.analysis import deprivation as dep
from sv_assessment.chapters import charts, scope
from sv_assessment.config import AssessmentConfig
from sv_assessment.schema import AGE_BANDS

UNDER_25 = ("0-9", "10-17", "18-24")


# Population structure --------------------------------------------------------------------------
def population_structure(population: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    """Residents of the area by age band (rows) and year (columns), with each band's share in
    the assessment year."""
    frame = population[population["district_code"].isin(config.district_codes)]
    frame = frame[frame["year"].between(config.first_year, config.assessment_year)]
    wide = frame.pivot_table(
        index="age_band", columns="year", values="population", aggfunc="sum"
    ).reindex(list(AGE_BANDS))
    wide.columns = [f"population_{int(y)}" for y in wide.columns]
    wide = wide.fillna(0).astype("int64")
    latest = f"population_{config.assessment_year}"
    if latest in wide.columns and wide[latest].sum():
        wide[f"share_{config.assessment_year}_percent"] = (
            100 * wide[latest] / wide[latest].sum()
        ).round(1)
    return wide.rename_axis("age_band").reset_index()


def held_flat(structure: pd.DataFrame) -> bool:
    """True when every year's figures are the same (a census held constant, not estimates)."""
    years = [c for c in structure.columns if c.startswith("population_")]
    return len(years) > 1 and all(structure[c].equals(structure[years[0]]) for c in years[1:])


def population_sentence(structure: pd.DataFrame, config: AssessmentConfig) -> str:
    latest = f"population_{config.assessment_year}"
    if latest not in structure.columns:
        return f"The population input has no figures for {config.assessment_year}."
    total = int(structure[latest].sum())
    young = int(structure.loc[structure["age_band"].isin(UNDER_25), latest].sum())
    share = 100 * young / total if total else 0.0
    text = (
        f"In {config.assessment_year}, {config.area_name} had {total:,} residents, "
        f"{young:,} of them ({share:.1f}%) aged under 25, the age group serious violence "
        f"most affects."
    )
    if held_flat(structure):
        text += (
            " The population input gives the same figures for every year, so rates over time "
            "move with the counts alone; supply ONS mid-year estimates per year to correct this."
        )
    return text


def structure_figure(structure: pd.DataFrame, config: AssessmentConfig) -> charts.FigureSpec:
    share = f"share_{config.assessment_year}_percent"
    data = structure[["age_band", share]]
    young = float(data.loc[data["age_band"].isin(UNDER_25), share].sum())
    return charts.FigureSpec(
        charts.bar_chart(data, "age_band", share),
        title=f"{young:.1f}% of residents were under 25 in {config.assessment_year}",
        alt_text="Bar chart of the share of residents in each age band, "
        f"{config.assessment_year}: "
        + "; ".join(f"{r.age_band}: {getattr(r, share):.1f}%" for r in data.itertuples()),
        data=data,
        x_title="Age band",
        y_title="Share of residents (%)",
        scope=f"All residents of {config.area_name}, {config.assessment_year}, from the "
        "population input"
        + (" (the same figures in every year: held flat)" if held_flat(structure) else ""),
    )


# Deprivation ------------------------------------------------------------------------------------
def deprivation_tables(
    deprivation: pd.DataFrame, offence_lsoas: pd.Series, config: AssessmentConfig
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """(LSOA table, decile table, offences whose LSOA the file does not hold)."""
    lsoas = dep.area_lsoas(deprivation, config.district_codes)
    per_lsoa = dep.lsoa_counts(lsoas, offence_lsoas)
    return per_lsoa, dep.by_decile(per_lsoa), dep.unmatched_offences(lsoas, offence_lsoas)


def deprivation_sentence(
    decile_table: pd.DataFrame,
    gradient: dep.Gradient | None,
    index: float,
    unmatched: int,
    what: str,
    year: int,
    shown: pd.DataFrame | None = None,
    count=lambda n: f"{n:,}",
) -> str:
    """``shown`` is the decile table as published (hidden counts NA): the share in the most
    deprived fifth is given only where both its deciles are shown, since with the total it
    would give their sum away; ``count`` formats a count as a sentence may show it."""
    total = int(decile_table["offences"].sum())
    most = decile_table["imd_decile"].isin([1, 2])
    published = (shown if shown is not None else decile_table).loc[most, "offences"]
    if total and published.notna().all():
        share = 100 * decile_table.loc[most, "offences"].sum() / total
        text = (
            f"In {year}, {share:.0f}% of the {count(total)} {what} located in the area's LSOAs "
            "were in the most deprived fifth of neighbourhoods nationally (deciles 1 and 2)."
        )
    else:
        text = (
            f"In {year}, {count(total)} {what} were located in the area's LSOAs; the share in "
            "the most deprived fifth of neighbourhoods is not given, as it would reveal a "
            "decile's small count."
        )
    per = "rate per resident" if "rate_per_1000" in decile_table.columns else "count per LSOA"
    if gradient is not None:
        text += (
            f" With each decile towards the less deprived end, the {per} {gradient.direction}: "
            f"a ratio of {gradient.ratio_per_decile:.2f} per decile (95% interval "
            f"{gradient.lower:.2f} to {gradient.upper:.2f}, over {gradient.lsoas:,} LSOAs, "
            f"allowing for over-dispersion {gradient.dispersion:.1f})."
        )
    if index == index:  # not NaN
        text += f" The concentration index is {index:.2f} (0 = spread as residents are)."
    if unmatched:
        text += (
            f" {count(unmatched)} {what} had an LSOA code the deprivation file does not hold (for "
            "example a 2011 code) and are left out of this section."
        )
    return text


def rate_figure(
    decile_table: pd.DataFrame, year: int, what: str, scope_line: str = ""
) -> charts.FigureSpec:
    rated = "rate_per_1000" in decile_table.columns
    y = "rate_per_1000" if rated else "offences_per_lsoa"
    data = decile_table[["imd_decile", y, *(["rate_lower", "rate_upper"] if rated else [])]]
    data = data.dropna(subset=[y])
    first, last = data.iloc[0], data.iloc[-1]
    unit = "per 1,000 residents" if rated else "per LSOA"
    fig = charts.bar_chart(
        data,
        "imd_decile",
        y,
        error_low="rate_lower" if rated else None,
        error_high="rate_upper" if rated else None,
    )
    return charts.FigureSpec(
        fig,
        title=f"{what.capitalize()} {unit}: {first[y]:.1f} in decile {int(first.imd_decile)} "
        f"against {last[y]:.1f} in decile {int(last.imd_decile)}, {year}",
        alt_text=f"Bar chart of {what} {unit} by deprivation decile (1 = most deprived), "
        f"{year}"
        + (" with 95% intervals" if rated else "")
        + ": "
        + "; ".join(f"decile {int(r.imd_decile)}: {getattr(r, y):.1f}" for r in data.itertuples()),
        data=data,
        x_title="Deprivation decile (1 = most deprived)",
        y_title=f"{what.capitalize()} {unit}",
        scope=scope_line,
    )


def curve_figure(
    curve: pd.DataFrame, index: float, year: int, what: str, scope_line: str = ""
) -> charts.FigureSpec:
    x, y = curve.columns[1], curve.columns[2]
    base = "residents" if "residents" in x else "LSOAs"
    # A numeric x axis (line_chart's is categorical): the curve is read against the diagonal.
    fig = go.Figure(
        [
            go.Scatter(
                x=curve[x],
                y=curve[y],
                mode="lines+markers",
                name=f"Share of {what}",
                line={"color": charts.PALETTE[0], "width": 3},
            ),
            go.Scatter(
                x=[0, 100],
                y=[0, 100],
                mode="lines",
                name="Equal share",
                line={"dash": "dot", "color": "#6B6B6B"},
            ),
        ]
    )
    return charts.FigureSpec(
        fig,
        title=f"Concentration of {what} by deprivation, {year} (index {index:.2f})",
        alt_text=f"Concentration curve: cumulative share of {what} against cumulative share "
        f"of {base}, from the most deprived decile to the least, with the line of equal "
        "share. "
        + "; ".join(
            f"to decile {r[0]}: {r[1]:.1f}% of {base}, {r[2]:.1f}% of {what}"
            for r in curve.iloc[1:].itertuples(index=False)
        ),
        data=curve,
        x_title=f"Cumulative share of {base} (%), most deprived first",
        y_title=f"Cumulative share of {what} (%)",
        scope=scope_line,
    )


def located_in_year(offences: pd.DataFrame, year: int) -> pd.Series:
    """The LSOA code of each offence (or crime) in the assessment year."""
    return offences.loc[offences["year"] == year, "lsoa_code"]


def _counter(chapter):
    """A count as a sentence may give it: the number, or 'fewer than N' when it is small."""
    policy = chapter.disclosure

    def count(n: int) -> str:
        small = policy.is_small(np.array([float(n)]))[0]
        return f"fewer than {policy.threshold}" if small else f"{round(n):,}"

    return count


def show_deprivation(
    chapter, deprivation: pd.DataFrame, offence_lsoas: pd.Series, what: str, prefix: str = ""
) -> charts.FigureSpec | None:
    """The deprivation section: sentence, decile table and rate chart, every count through the
    chapter's disclosure control. Returns the concentration curve for a cell of its own (one
    chart per cell), or None when a decile's count cannot be published."""
    config = chapter.config
    per_lsoa, deciles, unmatched = deprivation_tables(deprivation, offence_lsoas, config)
    rated = "rate_per_1000" in deciles.columns
    rates = ["offences_per_lsoa", *(["rate_per_1000", "rate_lower", "rate_upper"] if rated else [])]
    # Counted under the name the reader sees (what is counted), drawn under "offences".
    named = what.replace(" ", "_")
    protected = chapter.protect(
        deciles.rename(columns={"offences": named}), [named], rate_columns=rates
    )
    shown = protected.frame.rename(columns={named: "offences"})
    curve = dep.concentration_curve(deciles, "population" if rated else "lsoas")
    index = dep.concentration_index(curve)
    slope = dep.gradient(per_lsoa)
    chapter.markdown(
        deprivation_sentence(
            deciles, slope, index, unmatched, what, chapter.year, shown, _counter(chapter)
        )
    )
    if not rated:
        chapter.markdown(
            "The deprivation file gives no population per LSOA, so this section compares "
            "offences per LSOA; File 7 of the English Indices of Deprivation carries the "
            "population denominators that give rates per 1,000 residents."
        )
    chapter.table(
        protected,
        f"{prefix}context_deprivation_deciles",
        f"{what.capitalize()} by deprivation decile of the LSOA, {chapter.year}",
    )
    if not shown["offences"].notna().all() or deciles["offences"].sum() == 0:
        chapter.markdown(
            "The rate chart and concentration curve are not shown: at least one decile has too "
            "few offences to publish, and the charts would reveal it."
        )
        return None
    from sv_assessment.chapters.availability import gated

    line = (
        f"{scope.measure_scope(config)}, {chapter.year}: those located in an LSOA of the "
        "deprivation file; deciles are national (English Indices of Deprivation)"
    )
    chapter.figure(
        gated(chapter, rate_figure(shown, chapter.year, what, line)),
        f"{prefix}context_deprivation_rates",
    )
    return gated(chapter, curve_figure(curve, index, chapter.year, what, line))


def with_lsoa_names(frame: pd.DataFrame, names: pd.DataFrame | None) -> pd.DataFrame:
    """``frame`` with each LSOA's name beside its code (from the deprivation file, which
    carries them); unchanged when there are no names to give."""
    if names is None or "lsoa_name" not in names.columns or names["lsoa_name"].isna().all():
        return frame
    lookup = names.dropna(subset=["lsoa_name"]).drop_duplicates("lsoa_code")
    named = frame.copy()
    position = list(named.columns).index("lsoa_code") + 1
    values = named["lsoa_code"].map(lookup.set_index("lsoa_code")["lsoa_name"])
    named.insert(position, "lsoa_name", values.fillna("name not in the file"))
    return named
