"""Guesses for ``pipeline.py init``: which of our fields each profiled column is, and how its
codes map to ours. Only ever written into a draft config, marked for the analyst to confirm.
"""

from __future__ import annotations

import re

from sv_assessment.ingest.columns import COLUMN_ALIASES, normalise_header
from sv_assessment.ingest.profile import (
    FLAG_WORDS,
    ColumnProfile,
    FileProfile,
    looks_like_offence_codes,
)
from sv_assessment.schema import OFFENCE_GROUPS, SCHEMAS

# Headers seen in police record-management exports, beyond the aliases ingest accepts as they
# are. Used only to guess: the analyst confirms each one in the draft.
HEADER_GUESSES: dict[str, str] = {
    "reference": "offence_id",
    "crimeref": "offence_id",
    "recorded": "recorded_date",
    "occurred": "occurred_at",
    "knife": "knife_flag",
    "firearm": "firearm_flag",
    "domesticabuse": "domestic_abuse_flag",
    "publicplace": "public_place_flag",
    "crimenumber": "offence_id",
    "crimeno": "offence_id",
    "occurrencenumber": "offence_id",
    "occurrenceref": "offence_id",
    "incidentnumber": "offence_id",
    "datecreated": "recorded_date",
    "crimerecordeddate": "recorded_date",
    "notifieddate": "recorded_date",
    "committedfromdate": "occurred_at",
    "committedfrom": "occurred_at",
    "offencedatefrom": "occurred_at",
    "datefrom": "occurred_at",
    "startdate": "occurred_at",
    "hoclass": "offence_code",
    "hoclassification": "offence_code",
    "hooffence": "offence_code",
    "homeofficeclass": "offence_code",
    "crimetype": "offence_description",
    "offence": "offence_description",
    "crimecategory": "offence_group",
    "weaponused": "knife_flag",
    "knifeused": "knife_flag",
    "knifeenabled": "knife_flag",
    "knifecrime": "knife_flag",
    "firearmused": "firearm_flag",
    "firearmsused": "firearm_flag",
    "damarker": "domestic_abuse_flag",
    "domestic": "domestic_abuse_flag",
    "domesticflag": "domestic_abuse_flag",
    "locationtype": "public_place_flag",
    "locationcategory": "public_place_flag",
    "premisestype": "public_place_flag",
    "placetype": "public_place_flag",
    "lacode": "district_code",
    "lad23cd": "district_code",
    "lad24cd": "district_code",
    "localauthority": "district_name",
    "laname": "district_name",
    "lsoa21nm": "lsoa_name",
    "lsoaname": "lsoa_name",
    "victimgender": "victim_sex",
    "ipgender": "victim_sex",
    "ipsex": "victim_sex",
    "ipage": "victim_age",
    "injuredpartyage": "victim_age",
    "offendergender": "suspect_sex",
    "suspectgender": "suspect_sex",
}
DERIVED_FROM = {
    "offence_group": "offence_code",
    "offence_description": "offence_code",
    "district_name": "district_code",
}
DERIVED_NOTES = {
    "offence_group": "Home Office code through the classification table",
    "offence_description": "Home Office code through the classification table",
    "district_name": "the config's name for each district code",
}
SEX_WORDS = {"m": "Male", "f": "Female", "u": "Unknown", "male": "Male", "female": "Female"}
PUBLIC_WORDS = r"street|road|highway|park|open|public|licen|pub|bar|club|shop|retail|station|transport|bus|car park|school"
PRIVATE_WORDS = r"dwelling|house|home|residen|flat|garden|private|domestic"


def _content_guess(column: ColumnProfile) -> tuple[str, str] | None:
    sample = list(column.codes) or column.examples
    text = [c for c in sample if c]
    if text and all(re.fullmatch(r"[EW]01\d{6}", c) for c in text):
        return "lsoa_code", "its values look like LSOA codes"
    if text and all(re.fullmatch(r"[EW]0[6-9]\d{6}", c) for c in text):
        return "district_code", "its values look like local authority codes"
    if text and all(re.fullmatch(r".+ \d{3}[A-Z]", c) for c in text):
        return "lsoa_name", "its values look like LSOA names"
    if looks_like_offence_codes(column):
        return "offence_code", "its values are Home Office offence codes"
    if text and {c.lower() for c in text} <= {g.lower() for g in OFFENCE_GROUPS}:
        return "offence_group", "its values are our offence groups"
    return None


def match_columns(profile: FileProfile, kind: str) -> dict[str, tuple[str, str]]:
    """Their header -> (our field, why we think so); one header per field, first wins."""
    fields = {f.name for f in SCHEMAS[kind]} | {"lsoa_name"}
    matched: dict[str, tuple[str, str]] = {}
    taken: set[str] = set()
    for column in profile.columns:
        # Punctuation ignored ("Knife?"): the draft then maps the header in `columns:`.
        key = re.sub(r"[^a-z0-9]", "", column.header.lower())
        target, why = None, ""
        if normalise_header(column.header) in {normalise_header(f) for f in fields}:
            target = next(f for f in fields if normalise_header(f) == key)
            why = "same name"
        elif key in {normalise_header(f) for f in fields}:
            target = next(f for f in fields if normalise_header(f) == key)
            why = "our name for it"
        elif COLUMN_ALIASES.get(key) in fields:
            target, why = COLUMN_ALIASES[key], "a known header for it"
        elif HEADER_GUESSES.get(key) in fields:
            target, why = HEADER_GUESSES[key], "a usual export header for it"
        elif (found := _content_guess(column)) is not None:
            target, why = found
        if target and target not in taken:
            matched[column.header] = (target, why)
            taken.add(target)
    groups = next((h for h, m in matched.items() if m[0] == "offence_group"), None)
    if groups and "offence_code" in taken:
        ours = {g.lower() for g in OFFENCE_GROUPS}
        if not {c.lower() for c in profile.column(groups).codes if c} <= ours:
            # Their own group codes: the Home Office code gives ours by a public rule instead.
            del matched[groups]
            taken.discard("offence_group")
    dates = [c for c in profile.columns if c.kind in ("date", "date-time")]
    if "recorded_date" not in taken and dates:
        first = next((c for c in dates if c.header not in matched), None)
        if first is not None:
            matched[first.header] = ("recorded_date", "the first date column")
    return matched


def guess_kind(profile: FileProfile) -> str:
    """The input kind whose fields the headers match best."""
    scores = {}
    for kind in ("police_offences", "population", "ae_attendances"):
        scores[kind] = len(match_columns(profile, kind))
    return max(scores, key=scores.get)


def value_guesses(field: str, column: ColumnProfile) -> dict[str, object] | None:
    codes = [c for c in column.codes]
    if not codes:
        return None
    lowered = {c: c.strip().lower() for c in codes}
    if field.endswith("_flag"):
        marks = [c for c, v in lowered.items() if v]
        if len(marks) == 1 and "" in lowered and field != "public_place_flag":
            # One code or blank: a marker ("K", "F", "DA"), even where the code is a flag
            # word ("F" for firearm must not read as false).
            return {marks[0]: True, "": False}
        if all(v in FLAG_WORDS for v in lowered.values() if v):
            return None
        if field == "public_place_flag":
            return {
                c: bool(re.search(PUBLIC_WORDS, v)) and not re.search(PRIVATE_WORDS, v)
                for c, v in lowered.items()
            }
        # A marker column: the marker (any text) means yes, blank means no.
        return {c: bool(v) for c, v in lowered.items()}
    words = [v for v in lowered.values() if v]
    single_letters = any(len(v) == 1 for v in words)
    if field.endswith("_sex") and single_letters and all(v in SEX_WORDS for v in words):
        return {c: SEX_WORDS[v] for c, v in lowered.items() if v}
    return None
