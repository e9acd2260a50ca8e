"""Chapter: summary and scope, with key findings worded by the statistics."""

from __future__ import annotations

import pandas as pd

from sv_assessment.chapters import changes, districts, front_matter, scope, violence_profile
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
    """Volume and change, knife crime, the districts most affected, and who is counted; every
    change judged within the family of tests the assessment publishes."""
    family = changes.change_family(offences, population, config)
    yearly = violence_profile.yearly_volume(serious, population, config)
    findings = [violence_profile.headline(yearly, config, family)]
    knife = changes.change_sentences(family, changes.KNIFE, config)
    if knife:
        findings.append(f"Knife and weapon offences ({scope.KNIFE_AND_WEAPON_COVERS}). {knife}")
    now = config.assessment_year
    findings.append(
        highest_rate_sentence(districts.district_table(serious, population, config, family), now)
    )
    findings += district_changes(family, config)
    definition = config.serious_violence
    shares = violence_profile.young_people_shares(offences, definition, now)
    counted = violence_profile.who_is_counted(serious, definition, now)
    findings.append(
        violence_profile.who_sentence(shares, counted, definition.age_under, config.minimum_count)
    )
    return findings


def highest_rate_sentence(table: pd.DataFrame, year: int) -> str:
    top = table.iloc[0]
    above = table.loc[table["compared_with_area"].str.startswith("above", na=False), "district"]
    where = (
        f"{scope.plural(len(above), 'district')} {'was' if len(above) == 1 else 'were'} above "
        f"the area's 95% control limit: {', '.join(above)}."
        if len(above)
        else "No district's rate was above the area's 95% control limit."
    )
    return (
        f"{top.district} had the highest rate of serious violence in {year}: "
        f"{top.rate:.2f} per 1,000 residents (95% CI {top.rate_lower:.2f} to "
        f"{top.rate_upper:.2f}). {where}"
    )


def district_changes(family: pd.DataFrame, config: AssessmentConfig) -> list[str]:
    """A sentence for each district whose serious violence changed significantly (on the year
    before, or as a trend across the window) after adjusting for the number of tests; or one
    sentence saying none did."""
    tests = family[
        (family["measure"] == changes.SERIOUS_VIOLENCE)
        & (family["group"] != changes.AREA)
        & (family["p_adjusted"] < changes.ALPHA)
    ]
    sentences = []
    for row in tests.itertuples():
        if row.comparison == changes.TREND:
            sentences.append(
                f"{row.group}: a trend of {row.percent_change:+.1f}% a year across "
                f"{row.compared_with} (95% CI {row.lower:+.1f}% to {row.upper:+.1f}%): "
                f"{row.assessment}."
            )
        else:
            sentences.append(
                f"{row.group}: {row.offences_now:,} offences in {config.assessment_year} "
                f"against {int(row.offences_before):,} in {row.compared_with} "
                f"({row.percent_change:+.1f}%; rate ratio {row.rate_ratio:.2f}, 95% CI "
                f"{row.lower:.2f} to {row.upper:.2f}): {row.assessment}."
            )
    if not sentences:
        sentences.append(
            f"No district showed a statistically significant change in serious violence, "
            f"on the year before or as a trend across {config.first_year} to "
            f"{config.assessment_year}, once the number of tests is allowed for."
        )
    return sentences
