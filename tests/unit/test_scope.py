"""The definition shown is the definition applied (issue 15)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from sv_assessment.analysis import definitions, disclosure
from sv_assessment.analysis.disclosure import DisclosurePolicy
from sv_assessment.chapters import changes, methods, scope, success_measures, violence_profile
from tests.conftest import DISTRICTS, make_config, make_offences, make_population


def _offences() -> pd.DataFrame:
    base = {
        "offence_group": "Violence with injury",
        "knife_flag": False,
        "firearm_flag": False,
        "domestic_abuse_flag": False,
        "public_place_flag": True,
        "victim_age": 20,
        "suspect_age": 30,
    }
    rows = [
        base,
        {**base, "offence_group": "Possession of weapons", "knife_flag": True},
        {**base, "offence_group": "Robbery", "knife_flag": True},
        {**base, "offence_group": "Robbery"},  # no route in
        {**base, "victim_age": None, "suspect_age": None},  # no age: not counted
        {**base, "victim_age": 40, "suspect_age": 19},  # counted through the suspect
    ]
    frame = pd.DataFrame(rows)
    frame["victim_age"] = frame["victim_age"].astype("Int64")
    frame["suspect_age"] = frame["suspect_age"].astype("Int64")
    frame["year"] = 2024
    return frame


def test_mask_is_the_rules(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    definition = replace(config.serious_violence, include_knife_or_sharp_instrument=True)
    mask = definitions.serious_violence_mask(_offences(), definition)
    assert mask.tolist() == [True, True, True, False, False, True]


def test_routes_name_the_groups_that_enter_through_the_knife_flag(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    definition = replace(config.serious_violence, include_knife_or_sharp_instrument=True)
    routes = scope.routes_table(_offences(), definition, 2024)
    knife = routes[routes["route"].str.contains("knife", case=False)]
    assert set(knife["offence_group"]) == {"Possession of weapons", "Robbery"}
    assert routes["offences"].sum() == 4


def test_definition_table_is_written_from_the_rules(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    definition = replace(config.serious_violence, include_knife_or_sharp_instrument=True)
    shown = " ".join(
        methods.definition_table(replace(config, serious_violence=definition))
        .astype(str)
        .to_numpy()
        .ravel()
    )
    for rule in definitions.definition_rules(definition):
        assert rule.label in shown
    assert "any offence group" in shown
    assert "neither age" in shown  # says what happens to offences with no age recorded


def test_missing_ages_statement_says_what_happens(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    text = scope.age_completeness_note(_offences(), config.serious_violence, 2024, 1)
    assert "count in totals but not in breakdowns by age" not in text  # the old, false claim
    assert "not in the total" in text
    assert "1 offence met every other part" in text  # the one with neither age recorded
    assert "depend on how completely ages are recorded" in text


def test_who_is_counted_compares_like_with_like(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    offences = _offences()
    shares = violence_profile.young_people_shares(offences, config.serious_violence, 2024)
    victims = shares.set_index(["role", "age"]).loc[("Victims", "Under 25")]
    # among offences meeting the definition apart from age: victims 20, 20, 20, 40 -> 3 of 4
    assert victims["people"] == 3 and victims["with_age_recorded"] == 4


def test_population_held_flat_is_said_and_a_yearly_one_is_not(tmp_path: Path) -> None:
    config = make_config(tmp_path, first_year=2022, last_year=2024)
    flat = make_population(config.years)
    assert "held flat" in scope.population_note(flat, config)
    growing = flat.copy()
    growing["population"] = growing["population"] * (1 + (growing["year"] - 2022) / 100)
    note = scope.population_note(growing, config)
    assert "held flat" not in note and "each year" in note


def test_no_district_s_in_reader_text() -> None:
    assert scope.plural(1, "district") == "1 district"
    assert scope.plural(3, "district") == "3 districts"


def test_one_chance_rise_among_many_districts_is_not_a_headline(tmp_path: Path) -> None:
    config = make_config(tmp_path, first_year=2020, last_year=2024)
    counts = {(c, y): 100 for c, _, _ in DISTRICTS for y in config.years}
    counts[("E0000001", 2024)] = 132  # p ~ 0.03 on its own
    offences = definitions.with_calendar(make_offences(counts))
    family = changes.change_family(offences, make_population(config.years), config)
    alpha = changes.pick(family, changes.SERIOUS_VIOLENCE, "Alpha", changes.PREVIOUS_YEAR)
    assert alpha.p_value < 0.05
    assert alpha.p_adjusted >= 0.05
    assert alpha.assessment == "no statistically significant change"
    assert (family["p_adjusted"] >= family["p_value"]).all()
    assert set(family["comparison"]) == {"previous year", "baseline", "trend"}


def test_success_measures_say_not_available_rather_than_zero(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    offences = definitions.with_calendar(make_offences({("E0000001", 2024): 40}))
    table = success_measures.success_measures(offences, None, config)
    protected = success_measures.protected(table, disclosure.gate_for(DisclosurePolicy(5)))
    shown = disclosure.published_cells(protected, thousands=False)
    unavailable = table["status"].str.startswith("not available")
    assert unavailable.tolist() == [True, False, False]  # no hospital admissions input
    # In the table (machine-readable): [x], never a suppressed [c] or a zero.
    assert (shown.loc[unavailable, "count"] == "[x]").all()
    young = (offences["victim_age"] < 25).fillna(False)
    knife = offences["knife_flag"] & (offences["year"] == 2024) & young
    knife_row = table.index[table["measure"].str.startswith("2.")][0]
    assert shown.loc[knife_row, "count"] == int(knife.sum())
    # In words (the headline panel): "not available", with the reason.
    text = success_measures.panel(protected, config)
    assert (
        "knife or sharp object, victims under 25: not available** (no hospital admissions input was provided"
        in text
    )
    assert "[x]" not in text


def test_age_completeness_note_never_states_a_small_count(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    text = scope.age_completeness_note(_offences(), config.serious_violence, 2024, 5)
    assert "fewer than 5 offences met every other part" in text
    assert "1 offence" not in text
