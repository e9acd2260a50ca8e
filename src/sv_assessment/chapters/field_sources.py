"""Where each field came from: the extract's column and the config's mapping, or the rule that
derived it. Shown in the data-quality and methods chapters, from what ingest recorded in the
staged ``inputs.json``; no value of any row is shown, only headers, codes and rules."""

from __future__ import annotations

import pandas as pd

from sv_assessment.config import AssessmentConfig, SeriousViolenceDefinition

DERIVATION_RULES = {
    "offence_group": (
        "**Offence group from the Home Office offence code.** Each code is looked up in the "
        "classification table committed with the pipeline "
        "(`src/sv_assessment/ingest/home_office_offence_codes.csv`), compiled from the Home "
        "Office Counting Rules for Recorded Crime and the offence groups of ONS police "
        "recorded crime tables (its source and date are written at its top). Attempted "
        "murder is counted as its own group, and stalking and harassment as violence without "
        "injury. A code the table does not hold stops the build and is listed: none is guessed."
    ),
    "district_code": (
        "**District from the place of the offence.** From the LSOA (2021) code through the ONS "
        "lookup of LSOAs to local authority districts named in the config, or from the LSOA "
        "name's prefix (e.g. 'Ashford 001B' is Ashford), or from the district's name, each "
        "matched to the districts in the config; an LSOA or name that matches none stops the "
        "build and is listed."
    ),
}


def field_sources_table(inputs: dict[str, dict]) -> pd.DataFrame:
    """One row per field of each input: the column it was read from, or how it was derived,
    and the mapping of codes or the date format the config applied."""
    rows = [
        {"input": name, "field": f["field"], "source": f["source"], "mapping": f["mapping"]}
        for name, info in inputs.items()
        if info.get("provided")
        for f in info.get("fields") or []
    ]
    return pd.DataFrame(rows, columns=["input", "field", "source", "mapping"])


def eligibility(group: str, definition: SeriousViolenceDefinition) -> str:
    """Whether offences in a group can count as serious violence under the local definition
    (before the place, domestic-abuse and age conditions)."""
    if group in definition.offence_groups:
        return "Yes"
    if group == "Possession of weapons" and definition.include_possession_of_weapons:
        return "Yes"
    means = [
        what
        for what, included in (
            ("a knife or sharp instrument", definition.include_knife_or_sharp_instrument),
            ("a firearm", definition.include_firearm),
        )
        if included
    ]
    return f"Only with {' or '.join(means)}" if means else "No"


def offence_code_table(inputs: dict[str, dict], config: AssessmentConfig) -> pd.DataFrame:
    """The Home Office codes in the extract whose group was derived, each with its group and
    whether that group can count as serious violence."""
    from sv_assessment.ingest.derive import offence_classification

    table = offence_classification()
    rows = []
    for info in inputs.values():
        for code, group in (info.get("offence_codes") or {}).items():
            rows.append(
                {
                    "offence_code": code,
                    "offence_description": table.at[code, "offence_description"],
                    "offence_group": group,
                    "can_count_as_serious_violence": eligibility(group, config.serious_violence),
                }
            )
    columns = ["offence_code", "offence_description", "offence_group"]
    return pd.DataFrame(rows, columns=[*columns, "can_count_as_serious_violence"])


def derivation_notes(inputs: dict[str, dict]) -> str:
    """The rule behind each derived field, for the fields some input derived."""
    derived = {
        f["field"]
        for info in inputs.values()
        for f in info.get("fields") or []
        if str(f["source"]).startswith("derived")
    }
    notes = [text for name, text in DERIVATION_RULES.items() if name in derived]
    if not notes:
        return (
            "Every field was read from a column of the extract; none was derived. Columns of "
            "the extract that no field maps were dropped on reading."
        )
    notes.append("Columns of the extract that no field maps were dropped on reading.")
    return "\n\n".join(notes)
