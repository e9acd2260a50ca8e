"""The canonical inputs: every reader produces these columns and types, every step after reads them.

The same definitions drive the README's data dictionary, ingest's type coercion and the data
contracts, so a field is described once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    dtype: str  # a pandas dtype name after ingest
    required: bool
    description: str


OFFENCE_GROUPS: tuple[str, ...] = (
    "Homicide",
    "Attempted murder",
    "Violence with injury",
    "Violence without injury",
    "Robbery",
    "Possession of weapons",
)

SEXES: tuple[str, ...] = ("Female", "Male", "Unknown")

# Population age bands: fine enough to give under-18s, 18-24s and under-25s separately.
AGE_BANDS: tuple[str, ...] = ("0-9", "10-17", "18-24", "25-34", "35-49", "50-64", "65+")

OFFENCE_FIELDS: tuple[Field, ...] = (
    Field("offence_id", "string", True,
          "Pseudonymised crime reference, unique per recorded offence"),
    Field("recorded_date", "datetime64[ns]", True, "Date the offence was recorded by the police"),
    Field("occurred_at", "datetime64[ns]", False,
          "Date and time the offence happened (may be missing)"),
    Field("offence_code", "string", True, "Home Office offence classification code, e.g. 5D"),
    Field("offence_description", "string", True, "Home Office offence description"),
    Field("offence_group", "string", True, "Offence group: " + ", ".join(OFFENCE_GROUPS)),
    Field("knife_flag", "boolean", True, "Knife or sharp instrument used or threatened"),
    Field("firearm_flag", "boolean", True, "Firearm used or threatened"),
    Field("domestic_abuse_flag", "boolean", True, "Flagged as domestic abuse"),
    Field("public_place_flag", "boolean", True, "Happened in a public place"),
    Field("district_code", "string", True, "ONS local authority district code, e.g. E07000105"),
    Field("district_name", "string", True, "Local authority district name"),
    Field("lsoa_code", "string", False, "Lower layer super output area (2021) code"),
    Field("victim_age", "Int64", False, "Victim's age in years at the offence (may be missing)"),
    Field("victim_sex", "string", False, "Victim's sex: Female, Male or Unknown"),
    Field("suspect_age", "Int64", False, "Suspect's age in years (may be missing)"),
    Field("suspect_sex", "string", False, "Suspect's sex: Female, Male or Unknown"),
)

POPULATION_FIELDS: tuple[Field, ...] = (
    Field("district_code", "string", True, "ONS local authority district code"),
    Field("district_name", "string", True, "Local authority district name"),
    Field("year", "Int64", True, "Calendar year of the estimate"),
    Field("age_band", "string", True, "Age band: " + ", ".join(AGE_BANDS)),
    Field("population", "Int64", True, "Usual residents in the band"),
)

AE_FIELDS: tuple[Field, ...] = (
    Field("attendance_date", "datetime64[ns]", True, "Date of the emergency department attendance"),
    Field("age_band", "string", True, "Patient's age band: " + ", ".join(AGE_BANDS)),
    Field("sex", "string", False, "Patient's sex: Female, Male or Unknown"),
    Field("mechanism", "string", True,
          "Injury mechanism, e.g. Sharp object, Blunt object, Body part"),
    Field("district_code", "string", True, "District of the patient's residence (ONS code)"),
)

SCHEMAS: dict[str, tuple[Field, ...]] = {
    "police_offences": OFFENCE_FIELDS,
    "population": POPULATION_FIELDS,
    "ae_attendances": AE_FIELDS,
}


def required_columns(kind: str) -> list[str]:
    return [f.name for f in SCHEMAS[kind] if f.required]


def all_columns(kind: str) -> list[str]:
    return [f.name for f in SCHEMAS[kind]]
