"""What the open-data assessment can and cannot show: the scope of data.police.uk files, how the
files were read (quality), and the methods and limitations text of the open-data report."""

from __future__ import annotations

from pathlib import PurePath

import pandas as pd

from sv_assessment.chapters import labels
from sv_assessment.chapters.open_data import input_name
from sv_assessment.config import AssessmentConfig


# Scope ---------------------------------------------------------------------------------------
def scope_table() -> pd.DataFrame:
    rows = [
        (
            "Volume and trend of violence and sexual offences, possession of weapons, robbery",
            "Yes",
            "Monthly counts by crime type",
        ),
        (
            "Rates per 1,000 residents by district, with confidence intervals",
            "Yes",
            "District from the LSOA of each crime",
        ),
        ("Hotspots by neighbourhood (LSOA)", "Yes", "LSOA of the anonymised map point"),
        ("Outcomes", "Yes", "Latest outcome published for each crime"),
        (
            "Local definition of serious violence (e.g. under-25s, public place, "
            "excluding domestic abuse)",
            "No",
            "No ages, no place type, no domestic-abuse flag",
        ),
        (
            "Knife and sharp-instrument crime",
            "No",
            "No knife flag; possession of weapons is the nearest published type",
        ),
        (
            "Homicide, attempted murder, violence with or without injury separately",
            "No",
            "Published as one type: violence and sexual offences",
        ),
        (
            "Home Office success measures for under-25s (hospital admissions for knife assault, "
            "knife-enabled serious violence, non-domestic homicide)",
            "No",
            "No ages, knife flag or homicide type in the files, and hospital admissions are NHS "
            "data: a partner-data assessment reports them",
        ),
        ("Victims and suspects by age and sex", "No", "No person-level fields are published"),
        ("Day of week and time of day", "No", "Dates are published as months"),
        (
            "Exact locations, streets, premises",
            "No",
            "Locations are snapped to anonymised map points; street text is not used",
        ),
    ]
    return pd.DataFrame(rows, columns=["analysis", "possible_from_public_data", "why"])


# Data quality ----------------------------------------------------------------------------------
def reader_table(info: dict) -> pd.DataFrame:
    reader = info.get("reader", {})
    rows = [
        ("Monthly files read", reader.get("files")),
        ("Records in the files", reader.get("rows_read")),
        (
            "Earlier copies of re-published crimes removed (latest kept)",
            reader.get("republished_copies_removed"),
        ),
        (
            "Records of another force (Falls within not the force assessed) removed",
            reader.get("other_force_removed", 0),
        ),
        (
            "Records in LSOAs outside the assessment area removed",
            reader.get("outside_area_removed"),
        ),
        ("Records kept", reader.get("rows_kept")),
        (
            "of which anti-social behaviour (no crime ID or outcome)",
            reader.get("anti_social_behaviour_rows"),
        ),
        (
            "of which with no published location (counted in area totals only)",
            reader.get("rows_without_location"),
        ),
        ("Set aside by the data contract", info.get("rows_set_aside")),
    ]
    return pd.DataFrame(rows, columns=["step", "records"])


def outside_area_table(info: dict) -> pd.DataFrame:
    found = info.get("reader", {}).get("outside_area_districts", {})
    return pd.DataFrame(list(found.items()), columns=["district_in_lsoa_name", "records_removed"])


def completeness(frame: pd.DataFrame) -> pd.DataFrame:
    crimes_only = frame[frame["crime_type"] != "Anti-social behaviour"]
    columns = ["crime_id", "lsoa_code", "district_code", "last_outcome_category"]
    filled = crimes_only[columns].notna().sum()
    total = len(crimes_only)
    return pd.DataFrame(
        {
            "field": [labels.plain_header(c) for c in columns],
            "crimes_with_value": filled.to_numpy(),
            "percent_complete": (100 * filled / max(total, 1)).round(1).to_numpy(),
        }
    )


# Methods ---------------------------------------------------------------------------------------
def source_table(config: AssessmentConfig, inputs: dict) -> pd.DataFrame:
    info = inputs.get(input_name(config), {})
    reader = info.get("reader", {})
    months = reader.get("months", [])
    rows = [
        (
            "Source",
            f"data.police.uk street-level crime, {config.police_uk.force_name} "
            "(Open Government Licence v3.0)",
        ),
        (
            "Files",
            # The folder's name only: where it sits on the analyst's machine is not published.
            f"{PurePath(str(info.get('source', ''))).name}: {reader.get('files', 0)} monthly files",
        ),
        ("Months", f"{months[0]} to {months[-1]}" if months else "none"),
        ("Fingerprint (SHA-256) of the files", "in run.json"),
        ("Crime types in scope", ", ".join(config.police_uk.focus_crime_types)),
        (
            "Population",
            "Population input for the assessment year"
            if "population" in inputs and inputs["population"].get("provided")
            else "Census 2021 usual residents (ONS TS001), from the config",
        ),
        (
            "Small-number suppression",
            f"Counts from 1 to {config.minimum_count - 1} shown as [c], with further cells "
            "hidden where a total would reveal them",
        ),
        (
            "Rounding",
            f"Counts shown rounded to a multiple of {config.rounding} (controlled rounding)"
            if config.rounding
            else "None: counts shown exactly",
        ),
    ]
    return pd.DataFrame(rows, columns=["setting", "value"])


METHODS = """\
- **Reading the files.** Every monthly file `YYYY-MM/YYYY-MM-<force>-street.csv` of the force is
  read as published. Coordinates, the street description (Location) and Context are dropped as
  the files are read and are never stored or published.
- **Re-published crimes.** A crime can appear again in a later month's file (for example with an
  updated outcome). Each Crime ID is kept once, from the latest file; the earlier copies removed
  are counted in the data-quality chapter.
- **Districts.** The district is the LSOA name without its code (`Tonbridge and Malling 012C` →
  Tonbridge and Malling), matched by the whole name to the configured districts. A force's
  files include a few crimes in LSOAs of neighbouring areas; these are removed and counted.
  Crimes with no published location stay in area-wide totals but not in district or LSOA
  figures.
- **Anti-social behaviour** incidents are published without a Crime ID or outcome; they are
  shown in the crime-type tables for context and are not in scope.
- **Rates** are crimes per 1,000 residents, with exact (Garwood) Poisson 95% intervals; districts
  are compared with the area on a funnel plot with 95% and 99.8% limits. **Year-on-year
  change** compares the same calendar months in both years, with an exact conditional rate
  ratio; a change is called significant only where p < 0.05.
- **Disclosure control**: counts from 1 to the threshold minus one are suppressed ([c]), with
  further cells hidden, audited exactly by linear programming, wherever a total published
  anywhere in the report would let a hidden count be worked out; rates and comparisons beside
  a hidden count are hidden too. [x] marks a figure that is not available, [z] one that does
  not apply.
"""

LIMITATIONS = """\
- **No ages, no knife flag, no domestic-abuse flag, no place type.** The partner-data
  definition of serious violence (for example under-25s, public place, excluding domestic
  abuse), knife and sharp-instrument crime, and victim and suspect profiles cannot be produced
  from public data.
- **Months, not dates.** Crimes are published by month only: no day of week, time of day or
  recording lag can be shown.
- **Approximate locations.** Each crime is snapped to the nearest of a fixed set of anonymised
  map points, so a crime may be placed in a neighbouring LSOA; hotspots are indicative.
- **Broad crime types.** Violence and sexual offences are one published type, from common
  assault to homicide and including sexual offences; they cannot be split.
- **LSOA vintages.** data.police.uk moved from 2011 to 2021 LSOAs, so a download spanning the
  change can mix codes of both vintages. Codes are kept as published and no lookup is applied;
  an LSOA whose boundary changed may appear under two codes.
- **Outcomes change.** The last outcome is the latest published; recent crimes are more often
  still under investigation.
- **Published data lag and revision.** Forces publish about two months in arrears and can revise
  earlier months; data.police.uk keeps about the latest three years.
"""


def hotspot_ties_note(counts: pd.DataFrame, top: int = 20) -> str:
    """What a top-``top`` list leaves out at its last place: the LSOAs tied with it."""
    if len(counts) <= top:
        return ""
    last = int(counts["crimes"].iloc[top - 1])
    tied = int((counts["crimes"].iloc[top:] == last).sum())
    if not tied:
        return ""
    return (
        f"{tied} more LSOAs also had {last} crimes, the same as the last listed; the list "
        f"shows the tied LSOAs in order of LSOA code, so its last places are not a ranking."
    )
