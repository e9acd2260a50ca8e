"""Chapter: who is involved — victims and suspects by age and sex (a population pyramid of
counts, rates per 1,000 residents by age band), suspects' ages against victims', and repeat
victims, repeat suspects and the victim–suspect overlap where the extract carries pseudonymised
person ids (counts only: an id is never shown or written).

The offences are the local definition *without its age test*: with "victim or suspect under
25" in the definition, the age profile would be made by the definition rather than found.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from sv_assessment.analysis import definitions, people
from sv_assessment.analysis.protected import Protected
from sv_assessment.chapters import charts

ROLES = ("victim", "suspect")
ID_COLUMNS = ("victim_id", "suspect_id")
SEX_COLUMNS = ("Female", "Male", people.NOT_RECORDED)


def age_sex_options(role: str) -> dict:
    """How the gate is to protect a role's age-by-sex table: what each cell counts (so the
    rates table's people, each band's total, share the decisions made here) and the margins a
    reader knows from the rest of the report: each band's total, each sex's total and, per
    sex, the under-18 bands together (the violence profile's "Under 18" row)."""
    under_18 = [i for i, band in enumerate(people.AGE_BANDS) if band in ("0-9", "10-17")]
    return {
        "measure": f"who_{role}s",
        "row_keys": ("age_band",),
        "column_keys": {sex: {"sex": sex} for sex in SEX_COLUMNS},
        "row_sums_known": True,
        "column_sums_known": True,
        "relations": [(tuple((i, sex) for i in under_18), None) for sex in SEX_COLUMNS],
    }


def rates_options(role: str) -> dict:
    """The rates table's people are each band's total of the age-by-sex table: the same cells
    to the gate, so a total hidden to protect a cell there is hidden here too. Its own total
    (people with an age recorded) is published nowhere."""
    return {
        "grand_total_known": False,
        "measure": f"who_{role}s",
        "row_keys": ("age_band",),
        "column_keys": {"people": {"sex": "+".join(sorted(SEX_COLUMNS))}},
    }


def in_scope_any_age(offences: pd.DataFrame, config) -> pd.DataFrame:
    """The assessment year's offences meeting the definition with its age test removed."""
    definition = replace(config.serious_violence, age_under=None)
    latest = offences[offences["year"] == config.assessment_year]
    return latest[definitions.serious_violence_mask(latest, definition)]


def scope_sentence(offences: pd.DataFrame, config) -> str:
    age = config.serious_violence.age_under
    test = f" without its under-{age} test" if age else ""
    return (
        f"This chapter counts the {len(offences):,} offences recorded in "
        f"{config.assessment_year} that meet the assessment's definition of serious "
        f"violence{test}, so that the ages found are not set by the definition itself."
    )


def chart_scope(config, role: str) -> str:
    """The pyramids' scope line: the definition without its age test, the year, and who is
    drawn."""
    sv = config.serious_violence
    parts = ["Serious violence as defined in Methods, any age"]
    if sv.public_place_only:
        parts.append("public place")
    if sv.exclude_domestic_abuse:
        parts.append("domestic abuse excluded")
    return ", ".join(parts) + (
        f", {config.assessment_year}: each offence's {role}, where age and sex were recorded"
    )


def pyramid_figure(
    protected: Protected, role: str, year: int, scope: str = ""
) -> charts.FigureSpec:
    """Males to the left, females to the right, by age band; ``protected`` is the gated count
    table (a hidden cell is drawn as no bar, and listed as such in the alt text)."""
    published = protected.frame
    banded = published["age_band"] != people.NOT_RECORDED
    rows = published[banded]
    male = pd.to_numeric(rows["Male"], errors="coerce")
    female = pd.to_numeric(rows["Female"], errors="coerce")
    fig = go.Figure(
        [
            go.Bar(
                y=rows["age_band"],
                x=-male,
                name="Male",
                orientation="h",
                marker_color=charts.PALETTE[0],
                customdata=male,
                hovertemplate="%{y}: %{customdata} male<extra></extra>",
            ),
            go.Bar(
                y=rows["age_band"],
                x=female,
                name="Female",
                orientation="h",
                marker_color=charts.PALETTE[1],
                hovertemplate="%{y}: %{x} female<extra></extra>",
            ),
        ]
    )
    fig.update_layout(barmode="relative", showlegend=True)
    peak = rows.assign(total=male.fillna(0) + female.fillna(0)).sort_values("total").iloc[-1]

    def shown(value) -> str:
        return "not published (fewer than the minimum)" if pd.isna(value) else f"{int(value):,}"

    return charts.FigureSpec(
        fig,
        title=f"{role.capitalize()}s by age and sex, {year}: most were aged {peak.age_band}",
        alt_text=f"Population pyramid of {role}s of serious violence in {year}, by age band, "
        "males to the left and females to the right. "
        + "; ".join(
            f"{r.age_band}: {shown(m)} male, {shown(f)} female"
            for r, m, f in zip(rows.itertuples(), male, female, strict=True)
        ),
        data=protected.select(banded, ["age_band", "Male", "Female"]),
        x_title=f"{role.capitalize()}s (males left, females right)",
        y_title="Age band",
        scope=scope,
    )


def rates_sentence(rates: pd.DataFrame, role: str) -> str:
    rated = rates.dropna(subset=["rate_per_1000"])
    if rated.empty:
        return f"No rate per 1,000 residents can be given for {role}s."
    top = rated.sort_values("rate_per_1000").iloc[-1]
    return (
        f"Per 1,000 residents of their age, {role}s were most often aged {top.age_band} "
        f"({top.rate_per_1000:.2f}; 95% interval {top.rate_lower:.2f} to "
        f"{top.rate_upper:.2f})."
    )


def age_gap_sentence(offences: pd.DataFrame) -> str:
    share = people.older_suspect_share(offences)
    both = int(offences[["victim_age", "suspect_age"]].notna().all(axis=1).sum())
    if share != share or both == 0:
        return "No offence has both the victim's and the suspect's age recorded."
    return (
        f"Of the {both:,} offences with both ages recorded, the suspect was older than the "
        f"victim in {100 * share:.0f}%."
    )


def repeats_table(offences: pd.DataFrame) -> pd.DataFrame | None:
    """Repeat victims and repeat suspects, or None when no id column has values."""
    rows = [
        people.repeats(offences[column], role).as_row()
        for role, column in zip(ROLES, ID_COLUMNS, strict=True)
        if people.has_ids(offences, column)
    ]
    return pd.DataFrame(rows) if rows else None


def overlap_sentence(offences: pd.DataFrame, minimum_count: int) -> str:
    """How many people are recorded both as a victim and as a suspect (a count below the
    publication minimum is given as 'fewer than')."""
    if not all(people.has_ids(offences, c) for c in ID_COLUMNS):
        return (
            "The victim–suspect overlap needs both a victim id and a suspect id; the extract "
            "has only one of them."
        )
    both = people.victim_suspect_overlap(offences)
    shown = f"fewer than {minimum_count}" if 0 < both < minimum_count else f"{both:,}"
    return (
        f"{shown.capitalize()} people were recorded as a victim in one offence and as a "
        f"suspect in another (or the same) in {offences['year'].max()}: the victim–offender "
        "overlap that prevention work with young people often meets."
    )


def ids_not_available_note() -> str:
    return (
        "**Not available: repeat victims and suspects.** The police extract has no "
        "pseudonymised person ids, so this section cannot answer: *How many victims and "
        "suspects are involved again and again, and how many people are both?* To add it, "
        "include a pseudonymised victim id and suspect id column (mapped to `victim_id` and "
        "`suspect_id`; the same person keeps the same id across offences). The ids are only "
        "counted: no id is ever published. Where to get it: the force's crime system (the "
        "person's nominal id, hashed before the extract leaves the force)."
    )


def sex_rates_sentence(rates: pd.DataFrame, role: str) -> str:
    """Both sexes' rates in words (a rate hidden with its count is said to be)."""
    parts = []
    for row in rates.itertuples():
        if pd.isna(row.rate_per_1000):
            parts.append(f"{row.sex.lower()} {role}s: not published (small numbers)")
        else:
            parts.append(
                f"{row.sex.lower()} {role}s {row.rate_per_1000:.2f} per 1,000 {row.sex.lower()} "
                f"residents (95% interval {row.rate_lower:.2f} to {row.rate_upper:.2f})"
            )
    return "By sex: " + "; ".join(parts) + "."


def sex_rates_not_available_note() -> str:
    return (
        "**Not available: rates by sex.** The population input gives residents by age band "
        "but not by sex, so victims and suspects per 1,000 residents of their sex cannot be "
        "given (the counts by sex are above). To add them, give the population input a `sex` "
        "column (Female and Male rows for each district, year and age band). Where to get it: "
        "ONS mid-year population estimates by local authority, single year of age and sex."
    )
