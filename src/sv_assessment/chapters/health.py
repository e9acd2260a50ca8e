"""Chapter: health (assault-related A&E attendances beside police-recorded violence).

The A&E input is optional. Every function here takes ``None`` for a missing input, and
``not_provided_note`` says so plainly instead of failing.
"""

from __future__ import annotations

import pandas as pd

from sv_assessment.chapters import charts
from sv_assessment.config import AssessmentConfig

SHARP = "Sharp object"


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
    ae: pd.DataFrame | None, serious: pd.DataFrame, knife: pd.DataFrame, config: AssessmentConfig
) -> pd.DataFrame | None:
    """A&E assault attendances (all, and with a sharp object) beside police serious violence
    and knife offences, by year. ``None`` when the A&E input is not provided."""
    if ae is None:
        return None
    frame = in_window(ae, config)
    years = config.years

    def per_year(rows: pd.DataFrame) -> list[int]:
        return rows["year"].value_counts().reindex(years, fill_value=0).astype(int).tolist()

    table = pd.DataFrame(
        {
            "year": years,
            "ae_assault_attendances": per_year(frame),
            "ae_sharp_object": per_year(frame[frame["mechanism"] == SHARP]),
            "police_serious_violence": per_year(serious),
            "police_knife_and_weapon": per_year(knife),
        }
    )
    total = table["ae_assault_attendances"].where(table["ae_assault_attendances"] > 0)
    table["sharp_object_percent"] = (100 * table["ae_sharp_object"] / total).round(1)
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
    ae: pd.DataFrame | None, serious: pd.DataFrame, config: AssessmentConfig
) -> pd.DataFrame | None:
    """Month by month: A&E assault attendances and police serious violence offences."""
    if ae is None:
        return None
    frame = in_window(ae, config)
    months = pd.period_range(f"{config.first_year}-01", f"{config.assessment_year}-12", freq="M")
    ae_counts = frame["month"].value_counts().reindex(months, fill_value=0)
    police = serious["month"].value_counts().reindex(months, fill_value=0)
    return pd.DataFrame(
        {
            "month": months.astype(str),
            "ae_assault_attendances": ae_counts.to_numpy(),
            "police_serious_violence": police.to_numpy(),
        }
    )


def comparison_figure(monthly: pd.DataFrame, yearly: pd.DataFrame) -> charts.FigureSpec:
    """Both monthly series on one chart; ``monthly`` must already be through suppression."""
    first, last = yearly.iloc[0], yearly.iloc[-1]
    ae_dir = "more" if last.ae_assault_attendances > first.ae_assault_attendances else "fewer"
    long = monthly.melt(id_vars="month", var_name="series", value_name="count")
    long["series"] = long["series"].map(
        {
            "ae_assault_attendances": "A&E assault attendances",
            "police_serious_violence": "Police-recorded serious violence",
        }
    )
    fig = charts.line_chart(long, "month", "count", series="series")
    return charts.FigureSpec(
        fig,
        title=f"A&E saw {ae_dir} assault attendances in {int(last.year)} than in "
        f"{int(first.year)} ({int(last.ae_assault_attendances):,} against "
        f"{int(first.ae_assault_attendances):,})",
        alt_text="Line chart of assault-related A&E attendances and police-recorded serious "
        f"violence offences each month, {monthly.month.iloc[0]} to "
        f"{monthly.month.iloc[-1]}. "
        + "; ".join(
            f"{int(r.year)}: {int(r.ae_assault_attendances):,} attendances, "
            f"{int(r.police_serious_violence):,} police offences"
            for r in yearly.itertuples()
        ),
        data=monthly,
        x_title="Month",
        y_title="Attendances or offences",
    )


def headline(yearly: pd.DataFrame, config: AssessmentConfig) -> str:
    last = yearly.iloc[-1]
    return (
        f"In {config.assessment_year}, emergency departments recorded "
        f"{int(last.ae_assault_attendances):,} assault-related attendances by residents of "
        f"{config.area_name}; {last.sharp_object_percent:.1f}% involved a sharp object. The "
        f"police recorded {int(last.police_serious_violence):,} serious violence offences in "
        f"the same year. The two sources count different things (injuries treated against "
        f"offences recorded) and neither is a subset of the other."
    )
