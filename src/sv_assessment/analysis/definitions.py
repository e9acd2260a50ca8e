"""Domain aggregations the chapters call: who, what, where and when, from the staged inputs."""

from __future__ import annotations

import pandas as pd

from sv_assessment.config import SeriousViolenceDefinition

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
AGE_GROUPS = ("Under 18", "18 to 24", "25 and over", "Not recorded")


def serious_violence_mask(
    offences: pd.DataFrame, definition: SeriousViolenceDefinition
) -> pd.Series:
    """Which offences meet the local definition of serious violence set in the config."""
    offence = offences["offence_group"].isin(definition.offence_groups)
    if definition.include_knife_or_sharp_instrument:
        offence |= offences["knife_flag"].fillna(False)
    if definition.include_firearm:
        offence |= offences["firearm_flag"].fillna(False)
    if definition.include_possession_of_weapons:
        offence |= offences["offence_group"].eq("Possession of weapons")
    keep = offence
    if definition.public_place_only:
        keep &= offences["public_place_flag"].fillna(False)
    if definition.exclude_domestic_abuse:
        keep &= ~offences["domestic_abuse_flag"].fillna(False)
    if definition.age_under is not None:
        young = (offences["victim_age"] < definition.age_under) | (
            offences["suspect_age"] < definition.age_under
        )
        keep &= young.fillna(False)
    return keep.astype(bool)


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
