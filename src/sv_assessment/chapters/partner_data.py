"""Chapter: partner data beside the police picture, like for like.

Four optional inputs, each in a simplified version of its publisher's layout (``schema``):
hospital admissions for assault by a sharp object (NHS Hospital Episode Statistics), ambulance
call-outs for assault (the ambulance trust), school suspensions and permanent exclusions (DfE)
and youth justice first-time entrants (youth justice statistics). Each is set beside the police
count for the same areas, the same months (``analysis.partner_periods``: a financial or academic
year is matched month for month) and the same ages. A police figure is left out ([x]) where
the police data do not cover every month of the period. An input not provided gives the
"not available: what to provide" note instead of a table.
"""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis import partner_periods as periods
from sv_assessment.analysis.disclosure import Gate, Protected
from sv_assessment.chapters.partner_kinds import KINDS, POLICE, PartnerKind
from sv_assessment.config import AssessmentConfig

__all__ = ["KINDS", "POLICE", "comparison", "show"]


def areas(
    config: AssessmentConfig, area_config: AssessmentConfig | None = None
) -> dict[str, tuple[str, ...]]:
    """Each area a partner row may name, with the config's districts it covers: every district,
    and every upper-tier authority whose districts are all in this (edition's) config."""
    whole = area_config or config
    found = {d.code: (d.code,) for d in config.districts}
    for tier in {d.upper_tier for d in whole.districts if d.upper_tier}:
        members = tuple(d.code for d in whole.districts if d.upper_tier == tier)
        if set(members) <= set(config.district_codes):
            found[tier] = members
    return found


def _sum(frame: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """Counts added up by ``keys``; missing (NA) where any part is missing (a cell the publisher
    suppressed, a period the police data do not cover), never a total of what is left."""
    grouped = frame.groupby(keys, as_index=False, sort=False)[columns].agg(
        lambda s: s.sum() if s.notna().all() else pd.NA
    )
    return grouped.astype({c: "Int64" for c in columns})


def _published_rows(frame: pd.DataFrame, spec: PartnerKind) -> pd.DataFrame:
    """The rows that count: a DfE file's 'Total' school-type rows where it has them (its other
    rows break the total down and would count pupils twice)."""
    if "school_type" in frame.columns:
        total = frame["school_type"].astype("string").str.strip().str.lower().eq("total")
        if total.any():
            return frame[total.fillna(False)]
    return frame


def comparison(
    kind: str,
    partner: pd.DataFrame,
    offences: pd.DataFrame,
    config: AssessmentConfig,
    area_config: AssessmentConfig | None = None,
) -> pd.DataFrame:
    """One row per area, period (and age band) of the partner input that falls in this
    assessment: its counts, and the like-for-like police count (NA where the police data do not
    cover every month of the period). Raw counts: shown only through the gate."""
    spec = KINDS[kind]
    covered_areas = areas(config, area_config)
    frame = _published_rows(partner, spec)
    frame = frame[frame["area_code"].isin(covered_areas)].copy()
    window_start = pd.Timestamp(config.first_year, 1, 1)
    window_end = pd.Timestamp(config.assessment_year + 1, 1, 1)
    parsed = {p: periods.parse_period(p, spec.split_year) for p in frame["period"].unique()}
    overlaps = [
        parsed[p].end > window_start and parsed[p].start < window_end for p in frame["period"]
    ]
    frame = frame.loc[pd.Series(overlaps, index=frame.index, dtype=bool)]
    if "age_band" not in frame.columns or not spec.by_age_band:
        frame = frame.assign(age_band=f"{spec.ages[0]}-{spec.ages[1]}")
    keys = ["area_code", "period", "age_band"]
    table = _sum(frame, keys, list(spec.counts))
    ages = offences[f"{spec.age_role}_age"]
    chosen = offences[spec.police_rows(offences)]
    police = []
    for row in table.itertuples():
        period = parsed[row.period]
        if not periods.covered(period, config.first_year, config.assessment_year):
            police.append(pd.NA)
            continue
        low, high = periods.age_bounds(row.age_band)
        rows = (
            periods.in_period(chosen["recorded_date"], period)
            & periods.aged(ages.loc[chosen.index], low, high)
            & chosen["district_code"].isin(covered_areas[row.area_code])
        )
        police.append(int(rows.sum()))
    table[POLICE] = pd.array(police, dtype="Int64")
    names = frame.dropna(subset=["area_name"]).groupby("area_code")["area_name"].first()
    own = config.district_names
    table.insert(0, "area", table["area_code"].map(lambda c: own.get(c) or names.get(c, c)))
    table["start"] = table["period"].map(lambda p: parsed[p].start)
    table["period"] = table["period"].map(lambda p: parsed[p].display)
    return table.sort_values(["start", "area_code", "age_band"]).reset_index(drop=True)


def _band_order(bands: pd.Series) -> pd.Series:
    return bands.map(lambda b: periods.age_bounds(b)[0] * 1000 + periods.age_bounds(b)[1])


def by_period(table: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The whole area's counts by period (and age band), partner beside police."""
    spec = KINDS[kind]
    columns = [*spec.counts, POLICE]
    grouped = _sum(table, ["start", "period", "age_band"], columns)
    grouped["order"] = _band_order(grouped["age_band"])
    grouped = grouped.sort_values(["start", "order"]).drop(columns=["start", "order"])
    if not spec.by_age_band:
        grouped = grouped.drop(columns="age_band")
    return grouped.reset_index(drop=True)


def latest_by_area(table: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Each area in the latest period, every age band together."""
    spec = KINDS[kind]
    latest = table[table["start"] == table["start"].max()]
    grouped = _sum(latest, ["area", "area_code", "period"], [*spec.counts, POLICE])
    return grouped.drop(columns="area_code")


def protected_by_period(frame: pd.DataFrame, kind: str, protect: Gate) -> Protected:
    """Partner and police counts count different things: no total across the columns; each
    period's total is the area's figure, known from the latest-period table."""
    spec = KINDS[kind]
    return protect(
        frame,
        [*spec.counts, POLICE],
        grand_total_known=False,
        totals_by=["period"] if "age_band" in frame.columns else (),
    )


def protected_by_area(frame: pd.DataFrame, kind: str, protect: Gate) -> Protected:
    spec = KINDS[kind]
    return protect(frame, [*spec.counts, POLICE], column_sums_known=True)


WORDS = {"callouts": "call-outs", "first_time_entrants": "first-time entrants"}


def _words(column: str) -> str:
    return WORDS.get(column, column.replace("_", " "))


def sentence(published: Protected, kind: str, config: AssessmentConfig) -> str:
    """The latest period in words, each count as the table shows it ([c] where hidden)."""
    spec = KINDS[kind]
    frame = published.frame
    if frame.empty:
        return no_rows_sentence(kind, config)
    latest = frame["period"].iloc[-1]
    rows = [i for i in range(len(frame)) if frame["period"].iloc[i] == latest]
    banded = "age_band" in frame.columns

    def listing(column: str) -> str:
        return ", ".join(
            published.text(i, column) + (f" aged {frame['age_band'].iloc[i]}" if banded else "")
            for i in rows
        )

    counts = "; ".join(f"{_words(c)}: {listing(c)}" for c in spec.counts)
    if all(published.status[POLICE].iloc[i] == "[x]" for i in rows):
        police = (
            "the police data do not cover every month of it, so no police figure is set beside it"
        )
    else:
        police = f"like for like, {spec.police_label}: {listing(POLICE)}"
    return (
        f"In {latest}, the latest period supplied, {counts}; {police}. The two sources count "
        "different things (partner records against police-recorded offences): the comparison "
        "shows whether they move together, not that one explains the other."
    )


def no_rows_sentence(kind: str, config: AssessmentConfig) -> str:
    return (
        f"The {KINDS[kind].title.lower()} input has no rows for {config.area_name}'s areas in "
        f"{config.first_year} to {config.assessment_year}: check its area codes (a district's "
        "code, or the county council's given as `upper_tier` in the config) and periods."
    )


def scope(kind: str, config: AssessmentConfig) -> str:
    spec = KINDS[kind]
    ages = "the same age band" if spec.by_age_band else "ages 10 to 17"
    return (
        f"{spec.title} in {config.area_name}'s areas, by the publisher's periods; like for "
        f"like, {spec.police_label}, in the same areas and months, {ages}. Source: {spec.source}, "
        "and police-recorded crime."
    )


def outside_areas_note(partner: pd.DataFrame, config: AssessmentConfig, area_config) -> str:
    """Said when an edition's place is only part of an area the input is published for."""
    known = areas(config, area_config)
    others = sorted(set(partner["area_code"].dropna()) - set(known))
    tiers = {d.upper_tier for d in (area_config or config).districts if d.upper_tier}
    partial = sorted(set(others) & tiers)
    if not partial:
        return ""
    return (
        f"Figures published for {', '.join(partial)} as a whole cover more than "
        f"{config.area_name}, so they are not set against its police figures here."
    )


OFFENCE_COLUMNS = [
    "recorded_date",
    "occurred_at",
    "offence_group",
    "knife_flag",
    "victim_age",
    "suspect_age",
    "district_code",
]


def show(chapter, kind: str, offences: pd.DataFrame) -> None:
    """One input's section: its tables beside the police figures, or what to provide."""
    from sv_assessment.chapters import availability

    spec = KINDS[kind]
    config = chapter.config
    chapter.markdown(f"## {spec.title}")
    name = availability.configured_name(config, kind)
    if name is None or not chapter.provided(name):
        chapter.markdown(availability.not_available_note(config, kind))
        return
    partner = chapter.read(name)
    table = comparison(kind, partner, offences, config, chapter.area_config)
    note = outside_areas_note(partner, config, chapter.area_config)
    if table.empty:
        chapter.markdown(" ".join(filter(None, [no_rows_sentence(kind, config), note])))
        return
    yearly = protected_by_period(by_period(table, kind), kind, chapter.protect)
    chapter.markdown(" ".join(filter(None, [sentence(yearly, kind, config), note])))
    chapter.table(
        yearly,
        f"partner_{kind}_by_period",
        f"{spec.title} and the police figure like for like, by period. Scope: "
        f"{scope(kind, config)}",
    )
    chapter.table(
        protected_by_area(latest_by_area(table, kind), kind, chapter.protect),
        f"partner_{kind}_by_area",
        f"{spec.title} beside the police figure, by area, {table['period'].iloc[-1]}",
    )
