"""The chapters' account of where each field came from, from the staged inputs record."""

from __future__ import annotations

from dataclasses import replace

from sv_assessment.chapters import field_sources

INPUTS = {
    "offences": {
        "provided": True,
        "fields": [
            {
                "field": "knife_flag",
                "source": "column 'Weapon Used' (config 'columns:')",
                "mapping": "values: K → true; (blank) → false",
            },
            {
                "field": "offence_group",
                "source": "derived from offence_code: the Home Office table",
                "mapping": "",
            },
        ],
        "offence_codes": {"8N": "Violence with injury", "10D": "Possession of weapons"},
    },
    "ae_attendances": {"provided": False},
}


def test_one_row_per_field_of_each_provided_input():
    table = field_sources.field_sources_table(INPUTS)
    assert table["field"].tolist() == ["knife_flag", "offence_group"]
    assert table.loc[0, "mapping"].startswith("values: K")


def test_codes_show_their_group_and_whether_it_can_count(config):
    table = field_sources.offence_code_table(INPUTS, config).set_index("offence_code")
    assert table.at["8N", "offence_description"] == "Assault with injury"
    assert table.at["8N", "can_count_as_serious_violence"] == "Yes"
    assert table.at["10D", "can_count_as_serious_violence"].startswith("Only with a knife")
    definition = replace(config.serious_violence, include_possession_of_weapons=True)
    assert field_sources.eligibility("Possession of weapons", definition) == "Yes"


def test_the_rules_are_stated_only_for_fields_derived():
    notes = field_sources.derivation_notes(INPUTS)
    assert "Home Office" in notes and "LSOA" not in notes
    plain = {"offences": {"provided": True, "fields": [INPUTS["offences"]["fields"][0]]}}
    assert "none was derived" in field_sources.derivation_notes(plain)
