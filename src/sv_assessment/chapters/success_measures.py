"""The Home Office's three success measures for Violence Reduction Units, where the inputs allow.

1. Hospital admissions for assault with a knife or sharp object, especially of victims under 25.
2. Knife and sharp object enabled serious violence recorded by the police, especially of victims
   under 25.
3. Homicides recorded by the police, especially non-domestic homicides of victims under 25.

A measure the inputs cannot give is reported as "not available", with the nearest figure the
inputs do give, named as such: never a different count under the measure's name.
"""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis.disclosure import Gate, Protected
from sv_assessment.config import AssessmentConfig

NOT_AVAILABLE = "not available"
UNDER_25_BANDS = ("0-9", "10-17", "18-24")
SHARP = "Sharp object"


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].fillna(False).astype(bool)


def _under_25(frame: pd.DataFrame) -> pd.Series:
    return (frame["victim_age"] < 25).fillna(False).astype(bool)


def success_measures(
    offences: pd.DataFrame, ae: pd.DataFrame | None, config: AssessmentConfig
) -> pd.DataFrame:
    """Each measure's count in the assessment year and the year before, or "not available"
    with the reason. Counts are raw: the table goes through disclosure control when shown."""
    now, before = config.assessment_year, config.assessment_year - 1
    enabled = _flag(offences, "knife_flag") & ~offences["offence_group"].eq("Possession of weapons")
    homicide = offences["offence_group"].eq("Homicide") & ~_flag(offences, "domestic_abuse_flag")
    rows = [
        _unavailable(
            "1. Hospital admissions for assault with a knife or sharp object, victims under 25",
            "no hospital admissions input; see the nearest available measure below",
        ),
    ]
    if ae is not None:
        years = ae["attendance_date"].dt.year
        sharp = ae["mechanism"].eq(SHARP) & ae["age_band"].isin(UNDER_25_BANDS)
        rows.append(
            _counted(
                "1a. Nearest available: A&E attendances for assault with a sharp object, "
                "patients under 25 (attendances, not admissions)",
                years[sharp],
                now,
                before,
            )
        )
    else:
        rows.append(
            _unavailable(
                "1a. Nearest available: A&E attendances for assault with a sharp object, "
                "patients under 25",
                "no A&E input was provided",
            )
        )
    rows += [
        _counted(
            "2. Knife or sharp object enabled violence recorded by the police (any age; "
            "possession offences excluded)",
            offences.loc[enabled, "year"],
            now,
            before,
        ),
        _counted(
            "2a. The same, victims under 25",
            offences.loc[enabled & _under_25(offences), "year"],
            now,
            before,
        ),
        _counted(
            "3. Non-domestic homicides recorded by the police (any age)",
            offences.loc[homicide, "year"],
            now,
            before,
        ),
        _counted(
            "3a. Non-domestic homicides, victims under 25",
            offences.loc[homicide & _under_25(offences), "year"],
            now,
            before,
        ),
    ]
    table = pd.DataFrame(rows)
    return table.rename(columns={"now": f"count_{now}", "before": f"count_{before}"})


def _counted(measure: str, years: pd.Series, now: int, before: int) -> dict:
    return {
        "measure": measure,
        "before": int((years == before).sum()),
        "now": int((years == now).sum()),
        "status": "counted from the inputs",
    }


def _unavailable(measure: str, why: str) -> dict:
    return {"measure": measure, "before": None, "now": None, "status": f"{NOT_AVAILABLE}: {why}"}


def count_columns(table: pd.DataFrame) -> list[str]:
    return [c for c in table.columns if str(c).startswith("count_")]


def protected(table: pd.DataFrame, protect: Gate) -> Protected:
    """The measures through the gate: a measure the inputs cannot count has no count (shown
    as [x], not available, never as a suppressed or zero count); the measures count different
    things, so they add up to no total."""
    columns = count_columns(table)
    available = table["status"].eq("counted from the inputs")
    frame = table.astype({c: "Float64" for c in columns})
    frame.loc[~available, columns] = pd.NA
    return protect(frame, columns, grand_total_known=False)
