"""What each number covers, written from the objects that select the data: the local definition
of serious violence (its routes in and its conditions), who it counts, what depends on how
completely ages are recorded, the population behind the rates, and each figure's scope line."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from sv_assessment.analysis import definitions, significance
from sv_assessment.config import AssessmentConfig, SeriousViolenceDefinition

KNIFE_AND_WEAPON_COVERS = (
    "offences flagged as involving a knife or sharp instrument, plus possession of weapons "
    "offences; any age, any place, domestic abuse included"
)
KNIFE_AND_WEAPON_SCOPE = "Knife and weapon offences: " + KNIFE_AND_WEAPON_COVERS


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 district', '3 districts': never 'district(s)'."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def serious_violence_scope(config: AssessmentConfig) -> str:
    """The scope line for a serious-violence figure: the definition in a few words."""
    sv = config.serious_violence
    parts = ["Serious violence as defined in Methods"]
    if sv.age_under is not None:
        parts.append(f"victim or suspect under {sv.age_under}")
    if sv.public_place_only:
        parts.append("public place")
    if sv.exclude_domestic_abuse:
        parts.append("domestic abuse excluded")
    return ", ".join(parts)


def measure_scope(config: AssessmentConfig) -> str:
    """The first part of a scope line for the assessment's own measure: serious violence as
    defined (partner data) or the focus crime types as data.police.uk publishes them."""
    if config.source == "police_uk":
        return (
            f"{', '.join(config.police_uk.focus_crime_types)} as published on data.police.uk, "
            "any age, any place"
        )
    return serious_violence_scope(config)


def definition_table(config: AssessmentConfig) -> pd.DataFrame:
    """The definition as applied: each route in (any one is enough) and each condition (all
    must hold), in the words of the rules that filter the data."""
    rows = []
    for rule in definitions.definition_rules(config.serious_violence):
        setting = (
            "Comes in through (any one of)" if rule.kind == "route" else "And meets (every one of)"
        )
        rows.append((setting, rule.label))
    rows += [
        (
            "Period",
            f"{config.first_year} to {config.assessment_year} (calendar years, by date recorded)",
        ),
        ("Knife and weapon crime (separate measure)", KNIFE_AND_WEAPON_SCOPE),
        (
            "Small-number suppression",
            f"Counts from 1 to {config.minimum_count - 1} shown as [c], with further cells "
            f"hidden where a total would reveal them (protection rule: {config.protection}; "
            f"zeros {'shown' if config.show_zeros else 'hidden'})",
        ),
    ]
    return pd.DataFrame(rows, columns=["setting", "value"])


def routes_table(
    offences: pd.DataFrame, definition: SeriousViolenceDefinition, year: int
) -> pd.DataFrame:
    """Offences counted in ``year`` by the route they came in through (the first that applies)
    and their offence group: which groups enter only through a flag."""
    counted = offences[
        definitions.serious_violence_mask(offences, definition) & (offences["year"] == year)
    ]
    route = definitions.entry_route(counted, definition)
    frame = (
        pd.DataFrame({"route": route, "offence_group": counted["offence_group"]})
        .groupby(["route", "offence_group"], sort=False)
        .size()
        .rename("offences")
        .reset_index()
    )
    order = {r.label: i for i, r in enumerate(definitions.definition_rules(definition))}
    frame["_order"] = frame["route"].map(order)
    frame = frame.sort_values(["_order", "offences"], ascending=[True, False])
    return frame.drop(columns="_order").reset_index(drop=True)


def routes_sentence(
    routes: pd.DataFrame,
    definition: SeriousViolenceDefinition,
    year: int,
    where: str = "the table below gives each group and the route it came in by",
) -> str:
    """Which offence groups outside the named groups come in, and through which flag."""
    named = set(definition.offence_groups)
    outside = routes[~routes["offence_group"].isin(named)]
    total = int(routes["offences"].sum())
    if outside.empty or total == 0:
        return (
            f"In {year} every offence counted was in one of the named offence groups "
            f"({', '.join(definition.offence_groups)})."
        )
    by_group = outside.groupby("offence_group", sort=False)["offences"].sum()
    share = 100 * by_group.sum() / total
    groups = ", ".join(by_group.index)
    return (
        f"In {year}, {share:.0f}% of the offences counted ({groups}) are outside the named "
        f"offence groups and come in only through a knife, sharp instrument or firearm flag; "
        f"{where}."
    )


def age_completeness_note(
    offences: pd.DataFrame,
    definition: SeriousViolenceDefinition,
    year: int,
    minimum_count: int = 5,
) -> str:
    """What really happens to offences with no age recorded, and what the total depends on."""
    if definition.age_under is None:
        return "The definition has no age condition, so missing ages do not change the total."
    apart = definitions.serious_violence_mask(offences, replace(definition, age_under=None))
    wider = offences[apart & (offences["year"] == year)]
    neither = int((wider["victim_age"].isna() & wider["suspect_age"].isna()).sum())
    victim = 100 * wider["victim_age"].notna().mean() if len(wider) else 0.0
    suspect = 100 * wider["suspect_age"].notna().mean() if len(wider) else 0.0
    # A small count is not published, in a sentence as in a table.
    small = 1 <= neither < minimum_count
    how_many = f"fewer than {minimum_count} offences" if small else plural(neither, "offence")
    return (
        f"An offence is counted only when a recorded age is under {definition.age_under}. In "
        f"{year}, {how_many} met every other part of the definition but had "
        f"neither age recorded, and {'is' if neither == 1 and not small else 'are'} not in the "
        f"total. Among "
        f"offences meeting the rest of the definition, the victim's age was recorded for "
        f"{victim:.0f}% and the suspect's for {suspect:.0f}%, so the total, and its trend, "
        f"depend on how completely ages are recorded (more suspects identified means more "
        f"offences counted). Offences with no location recorded count in totals but not in "
        f"figures by place."
    )


def population_note(population: pd.DataFrame, config: AssessmentConfig) -> str:
    """Whether rates rest on a population for each year or on one held flat."""
    years = [y for y in config.years if (population["year"] == y).any()]
    missing = [y for y in config.years if y not in years]
    by_year = population[population["year"].isin(years)].groupby("year")["population"].sum()
    by_district_year = (
        population[population["year"].isin(years)]
        .groupby(["district_code", "year"])["population"]
        .sum()
        .unstack()
    )
    flat = len(years) > 1 and bool((by_district_year.nunique(axis=1) <= 1).all())
    text = (
        f"The population input gives the same figure for every year {years[0]} to {years[-1]} "
        f"(held flat, {int(by_year.iloc[0]):,} residents): rates change from year to year only "
        f"as the counts do, and for years far from the population's own date they carry that "
        f"approximation. Supply mid-year estimates for each year to measure rates properly."
        if flat
        else f"Rates use the population input for each year {years[0]} to {years[-1]} "
        f"(mid-year estimates or as supplied), so they allow for population change."
    )
    if missing:
        text += f" No population was supplied for {', '.join(map(str, missing))}: no rate is shown."
    return text


def pandemic_years(config: AssessmentConfig) -> list[int]:
    """The years of the window that COVID-19 restrictions affected."""
    return [y for y in significance.PANDEMIC_YEARS if y in config.years]


def pandemic_note(config: AssessmentConfig) -> str:
    """'2020 and 2021 affected by pandemic restrictions', or '' when the window has neither."""
    years = pandemic_years(config)
    if not years:
        return ""
    return " and ".join(map(str, years)) + " affected by pandemic restrictions"
