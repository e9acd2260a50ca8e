"""Chapter: summary and scope, with key findings worded by the statistics."""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis import measures
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
) -> list[str]:
    """Volume and change, knife crime, the districts and groups most affected."""
    yearly = violence_profile.yearly_volume(serious, population, config)
    findings = [violence_profile.headline(yearly, config)]
    knife = knife_crime.year_on_year(knife_crime.knife_offences(offences), population, config)
    row = knife.iloc[0]
    now, before = config.assessment_year, config.assessment_year - 1
    findings.append(
        f"Knife and weapon offences: {row[f'offences_{now}']:,} in {now} against "
        f"{row[f'offences_{before}']:,} in {before} ({row.percent_change:+.1f}%; rate ratio "
        f"{row.rate_ratio:.2f}, 95% CI {row.ratio_lower:.2f} to {row.ratio_upper:.2f}): "
        f"{row.assessment}."
    )
    findings.append(
        highest_rate_sentence(districts.district_table(serious, population, config), now)
    )
    findings += district_changes(serious, population, config)
    shares = violence_profile.young_people_shares(serious, now)
    if shares["with_age_recorded"].gt(0).all():
        findings.append(violence_profile.who_sentence(shares))
    return findings


def highest_rate_sentence(table: pd.DataFrame, year: int) -> str:
    top = table.iloc[0]
    above = table.loc[table["compared_with_area"].str.startswith("above", na=False), "district"]
    where = (
        f"{len(above)} district(s) were above the area's 95% control limit: {', '.join(above)}."
        if len(above)
        else "No district's rate was above the area's 95% control limit."
    )
    return (
        f"{top.district} had the highest rate of serious violence in {year}: "
        f"{top.rate:.2f} per 1,000 residents (95% CI {top.rate_lower:.2f} to "
        f"{top.rate_upper:.2f}). {where}"
    )


def district_changes(
    serious: pd.DataFrame, population: pd.DataFrame, config: AssessmentConfig
) -> list[str]:
    """A sentence for each district whose change on the previous year is significant, or one
    sentence saying none is."""
    now, before = config.assessment_year, config.assessment_year - 1
    sentences = []
    pop = population.groupby(["district_code", "year"])["population"].sum()
    for code in config.district_codes:
        one = serious[serious["district_code"] == code]
        c_now, c_before = int((one["year"] == now).sum()), int((one["year"] == before).sum())
        p_now, p_before = pop.get((code, now), 0), pop.get((code, before), 0)
        if p_now <= 0 or p_before <= 0:
            continue
        rr = measures.rate_ratio(c_now, p_now, c_before, p_before)
        if rr.p_value < 0.05:
            sentences.append(
                measures.format_change_sentence(
                    config.district_names[code], c_now, c_before, rr, str(now), str(before)
                )
            )
    if not sentences:
        sentences.append(
            f"No district showed a statistically significant change in serious "
            f"violence between {before} and {now}."
        )
    return sentences
