"""Chapter: summary and scope, with key findings worded by the statistics."""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis import measures
from sv_assessment.analysis.disclosure import Gate, Protected
from sv_assessment.chapters import districts, front_matter, knife_crime, violence_profile
from sv_assessment.config import AssessmentConfig

SOURCE_NAMES = {
    "police_offences": "Police-recorded crime (offence-level extract)",
    "population": "Resident population by district, year and age band",
    "ae_attendances": "Assault-related A&E attendances (optional)",
}


def scope_text(config: AssessmentConfig, inputs: dict[str, dict]) -> str:
    """The local definition, the period and the data sources, from the config and the run."""
    sources = []
    for name, spec in config.inputs.items():
        provided = inputs.get(name, {}).get("provided", False)
        label = SOURCE_NAMES.get(spec.kind, name)
        sources.append(f"- {label}: " + (f"`{spec.path.name}`" if provided else "not provided"))
    return (
        f"**Area:** {config.area_name} ({len(config.districts)} districts). "
        f"**Period:** {config.first_year} to {config.assessment_year}, calendar years by "
        f"date recorded; changes compare {config.assessment_year} with "
        f"{config.assessment_year - 1}.\n\n"
        f"**Serious violence** here means {front_matter.definition_text(config)}.\n\n"
        "**Data sources:**\n\n" + "\n".join(sources)
    )


def key_findings(
    offences: pd.DataFrame,
    serious: pd.DataFrame,
    population: pd.DataFrame,
    config: AssessmentConfig,
    protect: Gate,
) -> list[str]:
    """Volume and change, knife crime, the districts and groups most affected: every count
    and rate from a table through the gate, protected as where the table itself is shown."""
    yearly = violence_profile.protected_yearly(
        violence_profile.yearly_volume(serious, population, config), protect
    )
    findings = [violence_profile.headline(yearly, config)]
    knife = knife_crime.protected_change(
        knife_crime.year_on_year(knife_crime.knife_offences(offences), population, config),
        protect,
    )
    findings.append(knife_crime.change_sentence(knife, 0, "Knife and weapon offences", config))
    table = districts.district_table(serious, population, config)
    now = config.assessment_year
    findings.append(highest_rate_sentence(districts.rates_view(table, now, protect), now))
    findings += district_changes(table, config, protect)
    shares = violence_profile.young_people_shares(serious, now)
    if shares["with_age_recorded"].gt(0).all():
        findings.append(
            violence_profile.who_sentence(violence_profile.protected_shares(shares, protect))
        )
    return findings


def highest_rate_sentence(rates: Protected, year: int) -> str:
    """The district with the highest rate whose count is shown, and those above the limit."""
    shown = rates.frame.dropna(subset=["rate"])
    flags = shown["compared_with_area"].astype("string")
    above = shown.loc[flags.str.startswith("above", na=False), "district"]
    where = (
        f"{len(above)} district(s) were above the area's 95% control limit: {', '.join(above)}."
        if len(above)
        else "No district shown was above the area's 95% control limit."
    )
    if shown.empty:
        return where
    top = shown.loc[shown["rate"].astype(float).idxmax()]
    return (
        f"{top.district} had the highest rate of serious violence in {year}: "
        f"{top.rate:.2f} per 1,000 residents (95% CI {top.rate_lower:.2f} to "
        f"{top.rate_upper:.2f}). {where}"
    )


def district_changes(table: pd.DataFrame, config: AssessmentConfig, protect: Gate) -> list[str]:
    """A sentence for each district whose change on the previous year is significant, or one
    sentence saying none is; from the change table through the gate, so a district whose count
    is hidden there gets no sentence."""
    now, before = config.assessment_year, config.assessment_year - 1
    change = districts.change_view(table, now, protect).frame
    sentences = []
    for row in change.itertuples(index=False):
        c_now, c_before = getattr(row, f"offences_{now}"), getattr(row, f"offences_{before}")
        significant = str(row.change_assessment).startswith("a statistically significant")
        if pd.isna(c_now) or pd.isna(c_before) or not significant:
            continue
        full = table.set_index("district").loc[row.district]
        pop_before = full["population_previous_year"]
        rr = measures.rate_ratio(int(c_now), full["population"], int(c_before), pop_before)
        sentences.append(
            measures.format_change_sentence(
                row.district, int(c_now), int(c_before), rr, str(now), str(before)
            )
        )
    if not sentences:
        sentences.append(
            f"No district showed a statistically significant change in serious "
            f"violence between {before} and {now} (districts with small counts not assessed)."
        )
    return sentences
