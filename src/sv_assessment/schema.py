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
    Field(
        "offence_id", "string", True, "Pseudonymised crime reference, unique per recorded offence"
    ),
    Field("recorded_date", "datetime64[ns]", True, "Date the offence was recorded by the police"),
    Field(
        "occurred_at",
        "datetime64[ns]",
        False,
        "Date and time the offence happened (may be missing)",
    ),
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
    # Pseudonymised person ids: counted for repeat victims and suspects, never published.
    Field("victim_id", "string", False, "Pseudonymised victim id, the same across offences"),
    Field("suspect_id", "string", False, "Pseudonymised suspect id, the same across offences"),
    # Where the offence happened, for hexagon density maps (only counts per hexagon of at least
    # the publication minimum are published): either pair.
    Field("longitude", "float64", False, "Longitude of the offence's location (WGS84)"),
    Field("latitude", "float64", False, "Latitude of the offence's location (WGS84)"),
    Field("easting", "float64", False, "British National Grid easting of the location (m)"),
    Field("northing", "float64", False, "British National Grid northing of the location (m)"),
)

# The range a decimal field's values must fall in (a value outside is an input error).
NUMBER_RANGES: dict[str, tuple[float, float]] = {
    "longitude": (-180.0, 180.0),
    "latitude": (-90.0, 90.0),
    "easting": (0.0, 800_000.0),
    "northing": (0.0, 1_300_000.0),
}

POPULATION_FIELDS: tuple[Field, ...] = (
    Field("district_code", "string", True, "ONS local authority district code"),
    Field("district_name", "string", True, "Local authority district name"),
    Field("year", "Int64", True, "Calendar year of the estimate"),
    Field("age_band", "string", True, "Age band: " + ", ".join(AGE_BANDS)),
    Field("population", "Int64", True, "Usual residents in the band"),
    Field(
        "sex",
        "string",
        False,
        "Female or Male, where the estimates are by sex (the two rows make up the band); "
        "empty where they are for everyone",
    ),
)

AE_FIELDS: tuple[Field, ...] = (
    Field("attendance_date", "datetime64[ns]", True, "Date of the emergency department attendance"),
    Field("age_band", "string", True, "Patient's age band: " + ", ".join(AGE_BANDS)),
    Field("sex", "string", False, "Patient's sex: Female, Male or Unknown"),
    Field(
        "mechanism", "string", True, "Injury mechanism, e.g. Sharp object, Blunt object, Body part"
    ),
    Field("district_code", "string", True, "District of the patient's residence (ONS code)"),
)

# English Indices of Deprivation 2025 (File 7 of the release: ranks, deciles and population
# denominators, on LSOA 2021 codes), or the Welsh Index of Multiple Deprivation for Welsh LSOAs.
# The file is national: LSOAs outside the area are simply not used.
DEPRIVATION_FIELDS: tuple[Field, ...] = (
    Field("lsoa_code", "string", True, "LSOA (2021) code"),
    Field("lsoa_name", "string", False, "LSOA (2021) name, e.g. 'Ashford 001A'"),
    Field("district_code", "string", False, "Local authority district code of the LSOA"),
    Field(
        "imd_decile",
        "Int64",
        True,
        "Index of Multiple Deprivation decile (1 = most deprived 10% of LSOAs nationally)",
    ),
    Field("population", "Int64", False, "Residents of the LSOA (the release's denominator)"),
)

# data.police.uk street-level crime files, exactly as downloaded (the header is checked as is).
POLICE_UK_STREET_HEADER: tuple[str, ...] = (
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
)

# The crime types data.police.uk publishes (its "crime categories").
POLICE_UK_CRIME_TYPES: tuple[str, ...] = (
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
)

# The street text and the free-text context are dropped at ingest: they never reach the staged
# data, let alone a published output. The anonymised map point is kept for hexagon density maps
# (only hexagons with a publishable count are drawn).
POLICE_UK_STREET_FIELDS: tuple[Field, ...] = (
    Field(
        "crime_id",
        "string",
        False,
        "data.police.uk crime identifier (empty for anti-social behaviour)",
    ),
    Field("month", "datetime64[ns]", True, "Month of the crime, as the first day of that month"),
    Field("reported_by", "string", True, "Force that provided the record"),
    Field("falls_within", "string", True, "Force area the crime falls within"),
    Field(
        "lsoa_code",
        "string",
        False,
        "LSOA code as published (2011 or 2021 vintage; may be missing)",
    ),
    Field("lsoa_name", "string", False, "LSOA name as published, e.g. 'Ashford 001B'"),
    Field("district_name", "string", False, "District: the LSOA name without its ' NNNX' code"),
    Field(
        "district_code", "string", False, "ONS code of that district, from the assessment config"
    ),
    Field(
        "crime_type", "string", True, "data.police.uk crime type, e.g. Violence and sexual offences"
    ),
    Field(
        "last_outcome_category",
        "string",
        False,
        "Latest outcome published (empty for anti-social behaviour)",
    ),
    Field("longitude", "float64", False, "Longitude of the anonymised map point (WGS84)"),
    Field("latitude", "float64", False, "Latitude of the anonymised map point (WGS84)"),
)

# Last year's published assessment, read from its tables folder (ingest.previous): one row per
# published number of the tables the comparison uses.
PREVIOUS_TABLES_FIELDS: tuple[Field, ...] = (
    Field("table", "string", True, "Published table: sv_rate_by_year, district_rates, ..."),
    Field("key", "string", True, "The row: a year, a district or an LSOA code"),
    Field("measure", "string", True, "offences, rate or rank"),
    Field("value", "float64", False, "The number as published (missing where suppressed)"),
)

# District boundaries from a GeoJSON file (ingest.boundaries): one row per polygon vertex.
BOUNDARY_FIELDS: tuple[Field, ...] = (
    Field("district_code", "string", True, "ONS code of the district the polygon belongs to"),
    Field("ring", "Int64", True, "Which outer ring of the district (a district may have islands)"),
    Field("point", "Int64", True, "Order of the vertex along the ring"),
    Field("longitude", "float64", True, "Longitude (WGS84)"),
    Field("latitude", "float64", True, "Latitude (WGS84)"),
)

# Partner data beyond police and A&E (chapters/partner_data.py), each optional, each read in a
# simplified version of its publisher's layout. ``area_code`` is the ONS code of a district or
# of an upper-tier local authority (a county council: its districts are those the config gives
# that ``upper_tier`` code); rows of other areas (a national file) are simply not used.
# ``period`` is the publisher's own label: a calendar year (2024), a financial year (2023-24,
# April to March) or, for schools, an academic year (202324 or 2023/24, September to August).
_AREA_FIELDS: tuple[Field, ...] = (
    Field("area_code", "string", True, "ONS code of the district or upper-tier local authority"),
    Field("area_name", "string", False, "Name of the district or local authority"),
    Field("period", "string", True, "Period as published: 2024, 2023-24 or 202324"),
)

HOSPITAL_ADMISSIONS_FIELDS: tuple[Field, ...] = (
    *_AREA_FIELDS,
    Field("age_band", "string", True, "Patients' age band as published, e.g. 15-19, 25+"),
    Field(
        "admissions",
        "Int64",
        True,
        "Emergency admissions for assault by a sharp object (ICD-10 X99), residents of the area",
    ),
)

AMBULANCE_FIELDS: tuple[Field, ...] = (
    *_AREA_FIELDS,
    Field("age_band", "string", True, "Patients' age band, e.g. 0-17, 18-24, All ages"),
    Field("callouts", "Int64", True, "Ambulance incidents attended for assault"),
)

SCHOOL_EXCLUSIONS_FIELDS: tuple[Field, ...] = (
    *_AREA_FIELDS,
    Field("school_type", "string", False, "School type as published; 'Total' rows are used"),
    Field("headcount", "Int64", False, "Pupils on roll (the rate's denominator)"),
    Field("suspensions", "Int64", True, "Suspensions (fixed-period exclusions)"),
    Field("permanent_exclusions", "Int64", True, "Permanent exclusions"),
)

YOUTH_JUSTICE_FIELDS: tuple[Field, ...] = (
    *_AREA_FIELDS,
    Field(
        "first_time_entrants",
        "Int64",
        True,
        "Children aged 10 to 17 receiving their first caution or conviction",
    ),
)

PARTNER_KINDS: tuple[str, ...] = (
    "hospital_admissions",
    "ambulance_callouts",
    "school_exclusions",
    "youth_justice",
)

SCHEMAS: dict[str, tuple[Field, ...]] = {
    "police_offences": OFFENCE_FIELDS,
    "population": POPULATION_FIELDS,
    "ae_attendances": AE_FIELDS,
    "police_uk_street": POLICE_UK_STREET_FIELDS,
    "deprivation": DEPRIVATION_FIELDS,
    "previous_tables": PREVIOUS_TABLES_FIELDS,
    "boundaries": BOUNDARY_FIELDS,
    "hospital_admissions": HOSPITAL_ADMISSIONS_FIELDS,
    "ambulance_callouts": AMBULANCE_FIELDS,
    "school_exclusions": SCHOOL_EXCLUSIONS_FIELDS,
    "youth_justice": YOUTH_JUSTICE_FIELDS,
}


def required_columns(kind: str) -> list[str]:
    return [f.name for f in SCHEMAS[kind] if f.required]


def all_columns(kind: str) -> list[str]:
    return [f.name for f in SCHEMAS[kind]]


# What each kind of input is, in a reader's words (a config's own input names are its choice).
INPUT_LABELS: dict[str, str] = {
    "police_offences": "Police-recorded offences",
    "police_uk_street": "Police-recorded street-level crime (data.police.uk)",
    "population": "Population",
    "ae_attendances": "A&E assault attendances",
    "deprivation": "Deprivation by LSOA (Indices of Deprivation)",
    "boundaries": "District boundaries",
    "previous_tables": "Last year's published assessment tables",
    "hospital_admissions": "Hospital admissions for assault by a sharp object",
    "ambulance_callouts": "Ambulance call-outs for assault",
    "school_exclusions": "School suspensions and permanent exclusions",
    "youth_justice": "Youth justice first-time entrants",
}


def input_label(info: dict, name: str) -> str:
    """An input as a reader meets it: by its kind (``info`` is the staged summary of it)."""
    return INPUT_LABELS.get(str(info.get("kind")), name.replace("_", " ").capitalize())
