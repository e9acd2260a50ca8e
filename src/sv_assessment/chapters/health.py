"""Chapter: health (assault-related A&E attendances beside police-recorded violence).

The A&E input is optional. Every function here takes ``None`` for a missing input, and
``not_provided_note`` says so plainly instead of failing.
"""

from __future__ import annotations

import pandas as pd

from sv_assessment.chapters import charts
from sv_assessment.config import AssessmentConfig

SHARP = "Sharp object"
UNDER_25_BANDS = ("0-9", "10-17", "18-24")
# Police offence groups that record an injury, the nearest like-for-like to A&E attendances.
INJURY_GROUPS = ("Homicide", "Attempted murder", "Violence with injury")
SOURCE_AE = "NHS emergency department (A&E) attendances supplied by the partnership"


def not_provided_note(config: AssessmentConfig) -> str:
    spec = config.inputs.get("ae_attendances")
    where = f" (expected at `{spec.path.name}`)" if spec else ""
    return (
        f"**A&E assault attendance data: not provided.** No emergency department data were "
        f"supplied for this assessment{where}, so this chapter has no health figures. To add "
        f"them, supply assault-related attendances with the columns attendance_date, "
        f"age_band, sex, mechanism and district_code, and set `inputs.ae_attendances` in the "
        f"assessment config."
    )


def in_window(ae: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    frame = ae.copy()
    frame["year"] = frame["attendance_date"].dt.year
    frame["month"] = frame["attendance_date"].dt.to_period("M")
    return frame[frame["year"].between(config.first_year, config.assessment_year)]


def yearly_comparison(
    ae: pd.DataFrame | None, offences: pd.DataFrame, config: AssessmentConfig
) -> pd.DataFrame | None:
    """A&E assault attendances beside the nearest like-for-like police counts, by year: all
    attendances, then under-25 patients (all injuries and sharp objects) against police
    injury violence and knife-enabled violence with a victim under 25. ``None`` when the A&E
    input is not provided."""
    if ae is None:
        return None
    frame = in_window(ae, config)
    young = frame[frame["age_band"].isin(UNDER_25_BANDS)]
    years = config.years

    def per_year(rows: pd.DataFrame) -> list[int]:
        return rows["year"].value_counts().reindex(years, fill_value=0).astype(int).tolist()

    victim_young = (offences["victim_age"] < 25).fillna(False).astype(bool)
    injury = offences["offence_group"].isin(INJURY_GROUPS)
    knife = offences["knife_flag"].fillna(False).astype(bool)
    enabled = knife & ~offences["offence_group"].eq("Possession of weapons")
    table = pd.DataFrame(
        {
            "year": years,
            "ae_assault_attendances": per_year(frame),
            "ae_assault_under_25": per_year(young),
            "ae_sharp_object_under_25": per_year(young[young["mechanism"] == SHARP]),
            "police_injury_violence_victim_under_25": per_year(offences[injury & victim_young]),
            "police_knife_enabled_victim_under_25": per_year(offences[enabled & victim_young]),
        }
    )
    total = table["ae_assault_under_25"].where(table["ae_assault_under_25"] > 0)
    table["sharp_object_under_25_percent"] = (
        100 * table["ae_sharp_object_under_25"] / total
    ).round(1)
    return table


def mechanism_table(ae: pd.DataFrame | None, config: AssessmentConfig) -> pd.DataFrame | None:
    """Attendances in the assessment year by injury mechanism, with shares."""
    if ae is None:
        return None
    frame = in_window(ae, config)
    latest = frame[frame["year"] == config.assessment_year]
    counts = latest["mechanism"].fillna("Not recorded").value_counts()
    table = counts.rename_axis("mechanism").rename("attendances").reset_index()
    total = table["attendances"].sum()
    table["percent"] = (100 * table["attendances"] / total).round(1) if total else 0.0
    return table


def monthly_series(
    ae: pd.DataFrame | None, offences: pd.DataFrame, config: AssessmentConfig
) -> pd.DataFrame | None:
    """Month by month, like with like: A&E assault attendances of patients under 25 and
    police-recorded injury violence with a victim under 25."""
    if ae is None:
        return None
    frame = in_window(ae, config)
    young = frame[frame["age_band"].isin(UNDER_25_BANDS)]
    victim_young = (offences["victim_age"] < 25).fillna(False).astype(bool)
    police = offences[offences["offence_group"].isin(INJURY_GROUPS) & victim_young]
    months = pd.period_range(f"{config.first_year}-01", f"{config.assessment_year}-12", freq="M")
    return pd.DataFrame(
        {
            "month": months.astype(str),
            "ae_assault_under_25": young["month"]
            .value_counts()
            .reindex(months, fill_value=0)
            .to_numpy(),
            "police_injury_violence_victim_under_25": police["month"]
            .value_counts()
            .reindex(months, fill_value=0)
            .to_numpy(),
        }
    )


def comparison_figure(
    monthly: pd.DataFrame, yearly: pd.DataFrame, config: AssessmentConfig, police_source: str
) -> charts.FigureSpec:
    """Both monthly series on one chart; ``monthly`` must already be through suppression."""
    first, last = yearly.iloc[0], yearly.iloc[-1]
    ae_dir = "more" if last.ae_assault_under_25 > first.ae_assault_under_25 else "fewer"
    long = monthly.melt(id_vars="month", var_name="series", value_name="count")
    long["series"] = long["series"].map(
        {
            "ae_assault_under_25": "A&E assault attendances, patients under 25",
            "police_injury_violence_victim_under_25": "Police-recorded injury violence, "
            "victims under 25",
        }
    )
    fig = charts.line_chart(long, "month", "count", series="series")
    return charts.FigureSpec(
        fig,
        title=f"A&E saw {ae_dir} assault attendances by under-25s in {int(last.year)} than in "
        f"{int(first.year)} ({int(last.ae_assault_under_25):,} against "
        f"{int(first.ae_assault_under_25):,})",
        alt_text="Line chart of assault-related A&E attendances by patients under 25 and "
        "police-recorded injury violence with a victim under 25, each month, "
        f"{monthly.month.iloc[0]} to {monthly.month.iloc[-1]}. "
        + "; ".join(
            f"{int(r.year)}: {int(r.ae_assault_under_25):,} attendances, "
            f"{int(r.police_injury_violence_victim_under_25):,} police offences"
            for r in yearly.itertuples()
        ),
        data=monthly,
        x_title="Month",
        y_title="Attendances or offences",
        scope=f"Under-25s, every place, domestic abuse included: A&E assault attendances by "
        f"residents of {config.area_name} aged under 25; police-recorded homicide, attempted "
        f"murder and violence with injury with a victim under 25",
        source=f"{SOURCE_AE} and {police_source}",
    )


def _shown(count: int, config: AssessmentConfig) -> str:
    """A count as a sentence may show it: [c] when small enough to be suppressed."""
    return "[c]" if 1 <= count < config.minimum_count else f"{count:,}"


def headline(yearly: pd.DataFrame, config: AssessmentConfig) -> str:
    last = yearly.iloc[-1]
    young = int(last.ae_assault_under_25)
    sharp = int(last.ae_sharp_object_under_25)
    share = (
        f"{last.sharp_object_under_25_percent:.1f}%"
        if young >= config.minimum_count and not 1 <= sharp < config.minimum_count
        else "a share not shown (small numbers)"
    )
    return (
        f"In {config.assessment_year}, emergency departments recorded "
        f"{_shown(int(last.ae_assault_attendances), config)} assault-related attendances by "
        f"residents of {config.area_name} of all ages, {_shown(young, config)} of them by "
        f"patients under 25, of whom {share} were injured with a sharp object. Like for like, "
        f"the police recorded {_shown(int(last.police_injury_violence_victim_under_25), config)} "
        f"homicides, attempted murders and violence with injury with a victim under 25 (any "
        f"place), {_shown(int(last.police_knife_enabled_victim_under_25), config)} of them "
        f"knife-enabled. The two sources count different things (injuries treated against "
        f"offences recorded) and neither is a subset of the other."
    )
