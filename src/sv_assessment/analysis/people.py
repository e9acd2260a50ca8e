"""Who is involved: victims and suspects by age band and sex, rates per 1,000 residents of the
band, suspects' ages against victims', and repeat victims, repeat suspects and the people who
are both, from pseudonymised person ids (counted here; the ids themselves are never returned).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from sv_assessment.analysis.measures import rates_with_ci
from sv_assessment.schema import AGE_BANDS, SEXES

NOT_RECORDED = "Not recorded"
_BAND_EDGES = [-1, 9, 17, 24, 34, 49, 64, 200]


def age_band(ages: pd.Series) -> pd.Series:
    """Each age in the population input's bands (0-9 … 65+), or "Not recorded"."""
    bands = pd.cut(ages.astype("Float64"), bins=_BAND_EDGES, labels=list(AGE_BANDS))
    return bands.cat.add_categories([NOT_RECORDED]).fillna(NOT_RECORDED)


def age_sex_counts(offences: pd.DataFrame, role: str) -> pd.DataFrame:
    """``role`` is "victim" or "suspect": offences by that person's age band (rows, with "Not
    recorded") and sex (Female, Male, and Unknown or blank together as "Not recorded")."""
    sex = (
        offences[f"{role}_sex"]
        .astype("string")
        .where(offences[f"{role}_sex"].isin(SEXES[:2]), NOT_RECORDED)
    )
    table = pd.crosstab(age_band(offences[f"{role}_age"]), sex.fillna(NOT_RECORDED))
    table = table.reindex(
        index=[*AGE_BANDS, NOT_RECORDED], columns=[*SEXES[:2], NOT_RECORDED], fill_value=0
    )
    table.columns.name = None
    return table.rename_axis("age_band").reset_index()


def band_rates(counts: pd.DataFrame, population: pd.DataFrame, year: int) -> pd.DataFrame:
    """All sexes together per age band, with residents of the band and the rate per 1,000
    (the population input has no sex, so rates by sex cannot be given)."""
    residents = population[population["year"] == year].groupby("age_band")["population"].sum()
    frame = counts[counts["age_band"].isin(AGE_BANDS)].copy()
    frame["people"] = frame[[*SEXES[:2], NOT_RECORDED]].sum(axis=1)
    frame["population"] = frame["age_band"].map(residents)
    rated = rates_with_ci(frame, "people", "population")
    frame["rate_per_1000"] = rated["rate"].round(2)
    frame["rate_lower"] = rated["rate_lower"].round(2)
    frame["rate_upper"] = rated["rate_upper"].round(2)
    return frame[["age_band", "people", "population", "rate_per_1000", "rate_lower", "rate_upper"]]


def has_sex(population: pd.DataFrame) -> bool:
    """Whether the population input gives residents by sex (its optional ``sex`` column)."""
    return "sex" in population.columns and population["sex"].isin(SEXES[:2]).any()


def sex_rates(counts: pd.DataFrame, population: pd.DataFrame, year: int) -> pd.DataFrame | None:
    """People of each sex (every age band, age not recorded included) per 1,000 residents of
    that sex; None when the population input is not by sex. People whose sex is not recorded
    have no population to be a rate of, and are left out."""
    if not has_sex(population):
        return None
    residents = population[population["year"] == year].groupby("sex")["population"].sum()
    frame = pd.DataFrame({"sex": list(SEXES[:2])})
    frame["people"] = [int(counts[sex].sum()) for sex in SEXES[:2]]
    frame["population"] = frame["sex"].map(residents)
    rated = rates_with_ci(frame, "people", "population")
    for column, source in (("rate_per_1000", "rate"), ("rate_lower", "rate_lower"),
                           ("rate_upper", "rate_upper")):  # fmt: skip
        frame[column] = rated[source].round(2)
    return frame


SUSPECT_AGED = "Suspect aged"


def suspect_against_victim(offences: pd.DataFrame) -> pd.DataFrame:
    """Offences with both ages recorded, by victim's band (rows) and suspect's band."""
    both = offences.dropna(subset=["victim_age", "suspect_age"])
    table = pd.crosstab(age_band(both["victim_age"]), age_band(both["suspect_age"]))
    table = table.reindex(index=list(AGE_BANDS), columns=list(AGE_BANDS), fill_value=0)
    table.columns = [f"{SUSPECT_AGED} {c}" for c in table.columns]
    return table.rename_axis("victim_age_band").reset_index()


def older_suspect_share(offences: pd.DataFrame) -> float:
    """Share of offences (both ages recorded) where the suspect is older than the victim."""
    both = offences.dropna(subset=["victim_age", "suspect_age"])
    if both.empty:
        return float("nan")
    return float((both["suspect_age"] > both["victim_age"]).mean())


@dataclass(frozen=True)
class Repeats:
    role: str
    offences_with_id: int
    people: int
    repeat_people: int  # people in two or more offences
    offences_of_repeat_people: int

    def as_row(self) -> dict:
        return {
            "who": self.role,
            "offences_with_an_id": self.offences_with_id,
            "people": self.people,
            "people_in_two_or_more_offences": self.repeat_people,
            "offences_involving_them": self.offences_of_repeat_people,
        }


def repeats(ids: pd.Series, role: str) -> Repeats:
    present = ids.dropna().astype(str)
    present = present[present.str.strip() != ""]
    per_person = present.value_counts()
    repeat = per_person[per_person >= 2]
    return Repeats(role, len(present), len(per_person), len(repeat), int(repeat.sum()))


def has_ids(offences: pd.DataFrame, column: str) -> bool:
    return column in offences.columns and bool(offences[column].notna().any())


def victim_suspect_overlap(offences: pd.DataFrame) -> int:
    """People recorded as a victim in one offence and as a suspect in another (or the same)."""
    victims = set(offences["victim_id"].dropna().astype(str))
    suspects = set(offences["suspect_id"].dropna().astype(str))
    return len(victims & suspects)
