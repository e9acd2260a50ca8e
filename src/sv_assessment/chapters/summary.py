"""Chapter: summary and scope, with key findings worded by the statistics."""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis.disclosure import Gate, Protected
from sv_assessment.chapters import (
    changes,
    districts,
    front_matter,
    knife_crime,
    scope,
    violence_profile,
)
from sv_assessment.config import AssessmentConfig
from sv_assessment.schema import input_label

SOURCE_NAMES = {
    "police_offences": "Police-recorded crime (offence-level extract)",
    "population": "Resident population by district, year and age band",
    "ae_attendances": "Assault-related A&E attendances (optional)",
}  # other kinds as schema.INPUT_LABELS names them


def scope_text(config: AssessmentConfig, inputs: dict[str, dict]) -> str:
    """The local definition, the period and the data sources, from the config and the run."""
    sources = []
    for name, spec in config.inputs.items():
        provided = inputs.get(name, {}).get("provided", False)
        label = SOURCE_NAMES.get(spec.kind) or input_label({"kind": spec.kind}, name)
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
    """Volume and change, knife crime, the districts most affected, and who is counted; every
    change judged within the family of tests the assessment publishes, every count and rate
    from a table through the gate, protected as where the table itself is shown."""
    family = changes.change_family(offences, population, config)
    yearly = violence_profile.protected_yearly(
        violence_profile.yearly_volume(serious, population, config), protect
    )
    findings = [violence_profile.headline(yearly, config, family)]
    knife_yearly = knife_crime.protected_yearly(
        knife_crime.knife_offences(offences), config, protect
    )
    knife = changes.change_sentences(family, changes.KNIFE, config, knife_yearly)
    if knife:
        findings.append(f"Knife and weapon offences ({scope.KNIFE_AND_WEAPON_COVERS}). {knife}")
    now = config.assessment_year
    table = districts.district_table(serious, population, config, family)
    findings.append(highest_rate_sentence(districts.rates_view(table, now, protect), now))
    findings += district_changes(family, config, districts.change_view(table, now, protect))
    definition = config.serious_violence
    shares = violence_profile.young_people_shares(offences, definition, now)
    counted = violence_profile.who_is_counted(serious, definition, now)
    findings.append(
        violence_profile.who_sentence(
            violence_profile.protected_shares(shares, protect),
            violence_profile.protected_counted(counted, protect),
            definition.age_under,
        )
    )
    return findings


def highest_rate_sentence(rates: Protected, year: int) -> str:
    """The district with the highest rate whose count is shown, and those above the limit."""
    shown = rates.frame.dropna(subset=["rate"])
    flags = shown["compared_with_area"].astype("string")
    above = shown.loc[flags.str.startswith("above", na=False), "district"].tolist()
    where = (
        f"{scope.plural(len(above), 'district')} {'was' if len(above) == 1 else 'were'} above "
        f"the area's 95% control limit: {', '.join(above)}."
        if len(above)
        else "No district's rate shown was above the area's 95% control limit."
    )
    if shown.empty:
        return where
    top = shown.loc[shown["rate"].astype(float).idxmax()]
    return (
        f"{top.district} had the highest rate of serious violence in {year}: "
        f"{top.rate:.2f} per 1,000 residents (95% CI {top.rate_lower:.2f} to "
        f"{top.rate_upper:.2f}). {where}"
    )


def district_changes(
    family: pd.DataFrame, config: AssessmentConfig, change: Protected
) -> list[str]:
    """A sentence for each district whose serious violence changed significantly (on the year
    before, or as a trend across the window) after adjusting for the number of tests; or one
    sentence saying none did. A change on the year before is worded only where the change
    table (``change``, through the gate) shows both years' counts."""
    now, before = config.assessment_year, config.assessment_year - 1
    frame = change.frame
    hidden = set(
        frame.loc[frame[f"offences_{now}"].isna() | frame[f"offences_{before}"].isna(), "district"]
    )
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
        elif row.group not in hidden:
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
