"""Domain aggregations the chapters call: who, what, where and when, from the staged inputs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sv_assessment.config import SeriousViolenceDefinition

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
AGE_GROUPS = ("Under 18", "18 to 24", "25 and over", "Not recorded")


@dataclass(frozen=True)
class Rule:
    """One part of the local definition: the words a reader is shown and the test applied.

    ``route`` rules are alternatives (an offence comes in through any of them); ``condition``
    rules must all hold. The methods chapter shows these same objects, so the definition shown
    is the definition applied.
    """

    label: str
    kind: str  # "route" or "condition"
    test: Callable[[pd.DataFrame], pd.Series]


def _flag(column: str) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda frame: frame[column].fillna(False).astype(bool)


def _groups(groups: tuple[str, ...]) -> Callable[[pd.DataFrame], pd.Series]:
    return lambda frame: frame["offence_group"].isin(groups)


def _young(age_under: int) -> Callable[[pd.DataFrame], pd.Series]:
    def test(frame: pd.DataFrame) -> pd.Series:
        young = (frame["victim_age"] < age_under) | (frame["suspect_age"] < age_under)
        return young.fillna(False).astype(bool)

    return test


def _listing(items: tuple[str, ...]) -> str:
    items = tuple(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def definition_rules(definition: SeriousViolenceDefinition) -> list[Rule]:
    """The local definition of serious violence as the rules that filter the data."""
    rules = []
    if definition.offence_groups:
        rules.append(
            Rule(
                f"Offence group is {_listing(definition.offence_groups)}",
                "route",
                _groups(definition.offence_groups),
            )
        )
    if definition.include_knife_or_sharp_instrument:
        rules.append(
            Rule(
                "Flagged as involving a knife or sharp instrument (any offence group)",
                "route",
                _flag("knife_flag"),
            )
        )
    if definition.include_firearm:
        rules.append(
            Rule(
                "Flagged as involving a firearm (any offence group)", "route", _flag("firearm_flag")
            )
        )
    if definition.include_possession_of_weapons:
        rules.append(
            Rule(
                "Offence group is Possession of weapons",
                "route",
                _groups(("Possession of weapons",)),
            )
        )
    if definition.public_place_only:
        rules.append(Rule("Flagged as in a public place", "condition", _flag("public_place_flag")))
    if definition.exclude_domestic_abuse:
        rules.append(
            Rule(
                "Not flagged as domestic abuse",
                "condition",
                lambda frame: ~frame["domestic_abuse_flag"].fillna(False).astype(bool),
            )
        )
    if definition.age_under is not None:
        rules.append(
            Rule(
                f"Victim or suspect recorded as under {definition.age_under} (an offence with "
                f"neither age recorded, or both {definition.age_under} or over, is not counted)",
                "condition",
                _young(definition.age_under),
            )
        )
    return rules


def serious_violence_mask(
    offences: pd.DataFrame, definition: SeriousViolenceDefinition
) -> pd.Series:
    """Which offences meet the local definition: any route, and every condition."""
    rules = definition_rules(definition)
    keep = pd.Series(False, index=offences.index)
    for rule in rules:
        if rule.kind == "route":
            keep |= rule.test(offences)
    for rule in rules:
        if rule.kind == "condition":
            keep &= rule.test(offences)
    return keep.astype(bool)


def entry_route(offences: pd.DataFrame, definition: SeriousViolenceDefinition) -> pd.Series:
    """For each offence, the first route of the definition it comes in by (NA if none)."""
    route = pd.Series(pd.NA, index=offences.index, dtype="object")
    for rule in definition_rules(definition):
        if rule.kind == "route":
            route = route.where(route.notna() | ~rule.test(offences), rule.label)
    return route


def knife_crime_mask(offences: pd.DataFrame) -> pd.Series:
    """Knife or sharp-instrument offences plus possession of weapons (blades and others)."""
    return (
        offences["knife_flag"].fillna(False) | offences["offence_group"].eq("Possession of weapons")
    ).astype(bool)


def with_calendar(offences: pd.DataFrame) -> pd.DataFrame:
    """Add year and month (from the recorded date, as national crime statistics count) and
    weekday and hour (from the occurrence time, where known)."""
    frame = offences.copy()
    frame["year"] = frame["recorded_date"].dt.year
    frame["month"] = frame["recorded_date"].dt.to_period("M")
    frame["weekday"] = pd.Categorical(frame["occurred_at"].dt.day_name(), categories=WEEKDAYS)
    frame["hour"] = frame["occurred_at"].dt.hour
    return frame


def age_group(ages: pd.Series) -> pd.Series:
    groups = pd.cut(ages.astype("Float64"), bins=[-1, 17, 24, 200], labels=list(AGE_GROUPS[:3]))
    return groups.cat.add_categories([AGE_GROUPS[3]]).fillna(AGE_GROUPS[3])


def counts_by(frame: pd.DataFrame, by: list[str], name: str = "offences") -> pd.DataFrame:
    return frame.groupby(by, observed=False).size().rename(name).reset_index()


def population_by(
    population: pd.DataFrame, by: list[str], age_bands: list[str] | None = None
) -> pd.DataFrame:
    frame = population if age_bands is None else population[population["age_band"].isin(age_bands)]
    return frame.groupby(by, observed=True)["population"].sum().reset_index()


def yearly_counts(frame: pd.DataFrame, years: list[int]) -> pd.DataFrame:
    counts = frame["year"].value_counts().reindex(years, fill_value=0)
    return counts.rename_axis("year").rename("offences").reset_index()


def monthly_counts(frame: pd.DataFrame, first_year: int, last_year: int) -> pd.Series:
    months = pd.period_range(f"{first_year}-01", f"{last_year}-12", freq="M")
    return frame["month"].value_counts().reindex(months, fill_value=0).sort_index()


def weekday_hour_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    known = frame.dropna(subset=["hour"])
    matrix = pd.crosstab(known["weekday"], known["hour"].astype(int))
    return matrix.reindex(index=list(WEEKDAYS), columns=range(24), fill_value=0)


def completeness(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Share of rows with a value in each field."""
    total = len(frame)
    filled = frame[columns].notna().sum()
    return pd.DataFrame(
        {
            "field": columns,
            "rows_with_value": filled.to_numpy(),
            "percent_complete": (100 * filled / total).round(1).to_numpy() if total else 0.0,
        }
    )


def recording_lag_days(frame: pd.DataFrame) -> pd.Series:
    """Days between an offence happening and being recorded, where the occurrence is known."""
    lag = (frame["recorded_date"] - frame["occurred_at"].dt.normalize()).dt.days
    return lag.dropna()


def lag_summary(lags: pd.Series) -> pd.DataFrame:
    bands = pd.cut(
        lags,
        bins=[-(10**6), -1, 0, 1, 7, 30, 365, 10**6],
        labels=[
            "Before occurrence (error)",
            "Same day",
            "Next day",
            "2 to 7 days",
            "8 to 30 days",
            "31 to 365 days",
            "Over a year",
        ],
    )
    counts = bands.value_counts(sort=False).rename("offences")
    return counts.rename_axis("recording_lag").reset_index()
