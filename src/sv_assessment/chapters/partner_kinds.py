"""What each partner input counts, where it comes from, and the police rows that match it like
for like (the chapter's table of kinds, ``chapters/partner_data.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sv_assessment.analysis import partner_periods as periods

INJURY_GROUPS = ("Homicide", "Attempted murder", "Violence with injury")
YOUTH = (10, 17)  # the ages of the youth justice system (criminal responsibility to 17)


def _knife_enabled(offences: pd.DataFrame) -> pd.Series:
    knife = offences["knife_flag"].fillna(False).astype(bool)
    return knife & ~offences["offence_group"].eq("Possession of weapons")


def _injury(offences: pd.DataFrame) -> pd.Series:
    return offences["offence_group"].isin(INJURY_GROUPS)


def _any(offences: pd.DataFrame) -> pd.Series:
    return pd.Series(True, index=offences.index)


@dataclass(frozen=True)
class PartnerKind:
    kind: str
    title: str
    counts: tuple[str, ...]  # the input's count columns, as published
    split_year: str  # what a two-year period label is: "financial" or "academic"
    police_label: str  # the like-for-like police count, in words
    police_rows: Callable[[pd.DataFrame], pd.Series]
    age_role: str  # whose age matches the partner's band: "victim" or "suspect"
    by_age_band: bool  # the input has an age band; otherwise the fixed ages below
    ages: tuple[int, int] = (0, periods.OPEN_AGE)
    source: str = ""


KINDS: dict[str, PartnerKind] = {
    "hospital_admissions": PartnerKind(
        "hospital_admissions",
        "Hospital admissions for assault by a sharp object",
        ("admissions",),
        "financial",
        "the police recorded knife or sharp object enabled violence (possession excluded) with "
        "a victim of the same age",
        _knife_enabled,
        "victim",
        True,
        source="NHS England, Hospital Episode Statistics (admitted patient care), supplied by "
        "the partnership",
    ),
    "ambulance_callouts": PartnerKind(
        "ambulance_callouts",
        "Ambulance call-outs for assault",
        ("callouts",),
        "financial",
        "the police recorded homicide, attempted murder and violence with injury with a victim "
        "of the same age",
        _injury,
        "victim",
        True,
        source="the regional ambulance service NHS trust, supplied by the partnership",
    ),
    "school_exclusions": PartnerKind(
        "school_exclusions",
        "School suspensions and permanent exclusions",
        ("suspensions", "permanent_exclusions"),
        "academic",
        "the police recorded offences (violence, robbery and weapons) with a suspect aged 10 to 17",
        _any,
        "suspect",
        False,
        YOUTH,
        "Department for Education, Suspensions and permanent exclusions in England",
    ),
    "youth_justice": PartnerKind(
        "youth_justice",
        "Youth justice first-time entrants",
        ("first_time_entrants",),
        "financial",
        "the police recorded offences (violence, robbery and weapons) with a suspect aged 10 to 17",
        _any,
        "suspect",
        False,
        YOUTH,
        "Ministry of Justice and Youth Justice Board, youth justice statistics",
    ),
}
POLICE = "police_like_for_like"
