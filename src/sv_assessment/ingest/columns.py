"""Matching an input's headers to the canonical fields: case-, space- and punctuation-insensitive,
through a list of header variants seen in partner exports."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sv_assessment.ingest.errors import InputError
from sv_assessment.schema import SCHEMAS, Field

if TYPE_CHECKING:
    from sv_assessment.ingest.mapping import ExtractMapping

HEADER_SEARCH_ROWS = 20  # the header is the first row, within these, naming every required column

# Header variants seen in partner exports, matched after lower-casing and squashing spaces,
# hyphens and underscores. Extend here when a partner renames a column.
COLUMN_ALIASES: dict[str, str] = {
    "crimeid": "offence_id",
    "crimereference": "offence_id",
    "crimeref": "offence_id",
    "offenceid": "offence_id",
    "urn": "offence_id",
    "datereported": "recorded_date",
    "recordeddate": "recorded_date",
    "daterecorded": "recorded_date",
    "occurredat": "occurred_at",
    "occurrencedatetime": "occurred_at",
    "datetimeofoffence": "occurred_at",
    "hocode": "offence_code",
    "homeofficecode": "offence_code",
    "offencecode": "offence_code",
    "hooffencecode": "offence_code",
    "offencedescription": "offence_description",
    "hodescription": "offence_description",
    "offencegroup": "offence_group",
    "knife": "knife_flag",
    "knifeflag": "knife_flag",
    "knifeorsharpinstrument": "knife_flag",
    "firearm": "firearm_flag",
    "firearmflag": "firearm_flag",
    "domesticabuse": "domestic_abuse_flag",
    "domesticabuseflag": "domestic_abuse_flag",
    "daflag": "domestic_abuse_flag",
    "publicplace": "public_place_flag",
    "publicplaceflag": "public_place_flag",
    "districtcode": "district_code",
    "ladcode": "district_code",
    "lad22cd": "district_code",
    "localauthoritycode": "district_code",
    "districtname": "district_name",
    "district": "district_name",
    "ladname": "district_name",
    "lad22nm": "district_name",
    "lsoacode": "lsoa_code",
    "lsoa21cd": "lsoa_code",
    "lsoa": "lsoa_code",
    "long": "longitude",
    "lon": "longitude",
    "lng": "longitude",
    "lat": "latitude",
    "xcoordinate": "easting",
    "ycoordinate": "northing",
    "gridx": "easting",
    "gridy": "northing",
    "eastings": "easting",
    "northings": "northing",
    "victimage": "victim_age",
    "victimsex": "victim_sex",
    "suspectage": "suspect_age",
    "suspectsex": "suspect_sex",
    "offenderage": "suspect_age",
    "offendersex": "suspect_sex",
    "victimid": "victim_id",
    "victimnominalid": "victim_id",
    "suspectid": "suspect_id",
    "offenderid": "suspect_id",
    "suspectnominalid": "suspect_id",
    "agegroup": "age_band",
    "ageband": "age_band",
    "attendancedate": "attendance_date",
    "arrivaldate": "attendance_date",
    "injurymechanism": "mechanism",
    "mechanism": "mechanism",
    # English Indices of Deprivation (File 7) and the Welsh index, as published.
    "lsoacode2021": "lsoa_code",
    "lsoaname2021": "lsoa_name",
    "lsoaname": "lsoa_name",
    "lsoa21nm": "lsoa_name",
    "localauthoritydistrictcode2024": "district_code",
    "localauthoritydistrictcode2019": "district_code",
    "imddecile": "imd_decile",
    "indexofmultipledeprivationimddecile": "imd_decile",
    "indexofmultipledeprivationimddecilewhere1ismostdeprived10%oflsoas": "imd_decile",
    "wimd2019overalldecile": "imd_decile",
    "totalpopulation": "population",
    "totalpopulation:mid2022": "population",
    "totalpopulation:mid2015excludingprisoners": "population",
    # Partner data (schema.PARTNER_KINDS) in its publishers' layouts. The area and period
    # headers are matched for those kinds only (a police extract's "Year" is not a field).
}

# Headers of the partner-data inputs as their publishers write them: NHS Hospital Episode
# Statistics tables, ambulance trusts' returns, the DfE's "Suspensions and permanent
# exclusions in England" local-authority CSV and the youth justice statistics' local tables.
PARTNER_ALIASES: dict[str, str] = {
    "areacode": "area_code",
    "onscode": "area_code",
    "lacode": "area_code",
    "localauthoritycode": "area_code",
    "newlacode": "area_code",
    "districtcode": "area_code",
    "ladcode": "area_code",
    "lad24cd": "area_code",
    "yjscode": "area_code",
    "areaname": "area_name",
    "laname": "area_name",
    "localauthority": "area_name",
    "localauthorityname": "area_name",
    "districtname": "area_name",
    "yjsname": "area_name",
    "youthjusticeservice": "area_name",
    "period": "period",
    "timeperiod": "period",
    "year": "period",
    "financialyear": "period",
    "academicyear": "period",
    "calendaryear": "period",
    "agegroup": "age_band",
    "ageband": "age_band",
    "admissions": "admissions",
    "emergencyadmissions": "admissions",
    "finishedadmissionepisodes": "admissions",
    "fae": "admissions",
    "incidents": "callouts",
    "callouts": "callouts",
    "assaultincidents": "callouts",
    "assaultcallouts": "callouts",
    "schooltype": "school_type",
    "headcount": "headcount",
    "susp": "suspensions",
    "suspensions": "suspensions",
    "permexcl": "permanent_exclusions",
    "permanentexclusions": "permanent_exclusions",
    "firsttimeentrants": "first_time_entrants",
    "fte": "first_time_entrants",
    "numberoffirsttimeentrants": "first_time_entrants",
}


# The date forms ingest reads without a ``date_format`` in the config, tried in this order.
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    *DATE_FORMATS,
)

TRUE_WORDS = frozenset({"true", "t", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "f", "no", "n", "0"})


def normalise_header(name: str) -> str:
    return re.sub(r"[\s_\-./()]+", "", str(name).strip().lstrip("\ufeff").lower())


def _column_targets(
    columns: list[str], fields: tuple[Field, ...], mapping: ExtractMapping | None = None
) -> dict[str, list[str]]:
    """Canonical name -> the raw headers that name it (more than one is ambiguous).

    Headers the config maps (``columns:``) come first: a field the config maps is taken only
    from the column it names, whatever other headers might also name it."""
    wanted = {normalise_header(f.name): f.name for f in fields}
    allowed = set(wanted.values())
    mapped: dict[str, str] = {}
    if mapping is not None:
        mapped = mapping.header_targets
        allowed |= mapping.helper_fields
    claimed = set(mapped.values())
    targets: dict[str, list[str]] = {}
    for column in columns:
        key = normalise_header(column)
        if key in mapped:
            target = mapped[key]
        else:
            target = wanted.get(key) or _alias(key, allowed)
            if target in claimed:
                continue
        if target in allowed:
            targets.setdefault(target, []).append(column)
    return targets


def _alias(key: str, allowed: set[str]) -> str | None:
    """The field a header variant names: partner-data headers where the input is partner data
    (its fields include ``area_code``), the police and health variants otherwise."""
    if "area_code" in allowed:
        return PARTNER_ALIASES.get(key) or COLUMN_ALIASES.get(key)
    return COLUMN_ALIASES.get(key)


def canonical_column_names(
    columns: list[str], fields: tuple[Field, ...], mapping: ExtractMapping | None = None
) -> dict[str, str]:
    """Map raw headers to canonical names, case- and space-insensitively, via the config's
    mapping and the alias map."""
    return {raw[0]: target for target, raw in _column_targets(columns, fields, mapping).items()}


def _missing(
    cells: list[str], fields: tuple[Field, ...], mapping: ExtractMapping | None
) -> list[str]:
    """Required fields no header names and no derivation can make."""
    targets = _column_targets(cells, fields, mapping)
    missing = [f.name for f in fields if f.required and f.name not in targets]
    if mapping is None:
        return missing
    return [name for name in missing if not mapping.derivable(name, set(targets))]


def names_every_required(
    cells: list[str], fields: tuple[Field, ...], mapping: ExtractMapping | None = None
) -> bool:
    return not _missing(cells, fields, mapping)


def check_unambiguous(
    columns: list[str],
    fields: tuple[Field, ...],
    path: Path,
    sheet=None,
    mapping: ExtractMapping | None = None,
):
    for target, raw in _column_targets(columns, fields, mapping).items():
        if len(raw) > 1:
            raise InputError(
                path,
                f"more than one column could be '{target}': "
                f"{', '.join(repr(c) for c in raw)}; rename or remove all but one, or name "
                f"the one to use under 'columns:' for this input in the config",
                target,
                sheet=sheet,
            )
    if mapping is not None:
        mapping.check_headers(columns, path, sheet)


def missing_columns_error(
    path: Path, cells: list[str], kind: str, sheet=None, mapping: ExtractMapping | None = None
) -> InputError:
    # A row of several headers (not a title) that lacks a header the config maps: say that.
    if mapping is not None and (mapping.names_any(cells) or sum(map(bool, cells)) >= 3):
        mapping.check_headers(cells, path, sheet)
    missing = _missing(cells, SCHEMAS[kind], mapping)
    found = ", ".join(repr(c) for c in cells if str(c).strip()) or "nothing"
    return InputError(
        path,
        f"required column missing: no header row within the first {HEADER_SEARCH_ROWS} rows "
        f"names every required column (the first row found: {found[:400]}); map a column "
        "to each missing field under 'columns:' for this input in the config",
        ", ".join(missing),
        sheet=sheet,
    )
