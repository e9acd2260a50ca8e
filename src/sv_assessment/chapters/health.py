"""Chapter: health (assault-related A&E attendances beside police-recorded violence).

The A&E input is optional. Every function here takes ``None`` for a missing input, and
``not_provided_note`` says so plainly instead of failing.
"""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis.disclosure import Gate, Protected, yearly_relations
from sv_assessment.chapters import charts
from sv_assessment.config import AssessmentConfig

SHARP = "Sharp object"
# The published list of injury mechanisms. The input's mechanism column is free text in some
# systems ("stabbed with scissors at school"), so a value is published only as one of these
# categories: anything that is not one of them, word for word, is counted as "Other".
MECHANISM_CATEGORIES = (SHARP, "Blunt object", "Body part (hit, kick)", "Firearm", "Other")
NOT_RECORDED = "Not recorded"
_NOT_RECORDED_WORDS = {"", "unknown", "not known", "not recorded"}


def mechanism_category(values: pd.Series) -> pd.Series:
    """Each mechanism as a published category: free text never reaches an output."""
    lookup = {c.lower(): c for c in MECHANISM_CATEGORIES}
    text = values.astype("string").str.strip().str.lower()
    category = text.map(lambda v: lookup.get(v, "Other") if isinstance(v, str) else NOT_RECORDED)
    return category.where(~text.fillna("").isin(_NOT_RECORDED_WORDS), NOT_RECORDED).astype(str)


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
            "ae_sharp_object": per_year(frame[mechanism_category(frame["mechanism"]) == SHARP]),
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
    counts = mechanism_category(latest["mechanism"]).value_counts()
    order = [*MECHANISM_CATEGORIES, NOT_RECORDED]
    counts = counts.reindex(order, fill_value=0)
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


YEARLY_COUNTS = [
    "ae_assault_attendances",
    "ae_sharp_object",
    "police_serious_violence",
    "police_knife_and_weapon",
]


def protected_yearly(yearly: pd.DataFrame, protect: Gate) -> Protected:
    """The yearly comparison through the gate. Sharp-object attendances are a part of all
    attendances, not a sum with them, and the columns count different things: no total."""
    return protect(
        yearly, YEARLY_COUNTS, derived_columns=["sharp_object_percent"], grand_total_known=False
    )


def protected_monthly(monthly: pd.DataFrame, protect: Gate) -> Protected:
    """The two monthly series through the gate; each year's months add up to the year's
    totals, which ``yearly_comparison`` publishes."""
    counts = ["ae_assault_attendances", "police_serious_violence"]
    relations = yearly_relations(monthly["month"], counts)
    return protect(monthly, counts, relations=relations, grand_total_known=False)


def comparison_figure(monthly: Protected, yearly: Protected) -> charts.FigureSpec:
    """Both monthly series on one chart, from the tables through the gate."""
    frame, years = monthly.frame, yearly.frame
    last_row = len(years) - 1
    first, last = years.iloc[0], years.iloc[-1]
    title = "A&E assault attendances and police-recorded serious violence each month"
    if not (pd.isna(first.ae_assault_attendances) or pd.isna(last.ae_assault_attendances)):
        more = last.ae_assault_attendances > first.ae_assault_attendances
        title = (
            f"A&E saw {'more' if more else 'fewer'} assault attendances in {int(last.year)} than "
            f"in {int(first.year)} ({yearly.text(last_row, 'ae_assault_attendances')} against "
            f"{yearly.text(0, 'ae_assault_attendances')})"
        )
    long = frame.melt(id_vars="month", var_name="series", value_name="count")
    long["series"] = long["series"].map(
        {
            "ae_assault_attendances": "A&E assault attendances",
            "police_serious_violence": "Police-recorded serious violence",
        }
    )
    fig = charts.line_chart(long, "month", "count", series="series")
    return charts.FigureSpec(
        fig,
        title=title,
        alt_text="Line chart of assault-related A&E attendances and police-recorded serious "
        f"violence offences each month, {frame.month.iloc[0]} to {frame.month.iloc[-1]}. "
        + "; ".join(
            f"{int(r.year)}: {yearly.text(i, 'ae_assault_attendances')} attendances, "
            f"{yearly.text(i, 'police_serious_violence')} police offences"
            for i, r in enumerate(years.itertuples())
        ),
        data=monthly,
        x_title="Month",
        y_title="Attendances or offences",
    )


def headline(yearly: Protected, config: AssessmentConfig) -> str:
    last = len(yearly.frame) - 1
    share = yearly.text(last, "sharp_object_percent")
    share = share if share.startswith("[") else f"{share}%"
    return (
        f"In {config.assessment_year}, emergency departments recorded "
        f"{yearly.text(last, 'ae_assault_attendances')} assault-related attendances by "
        f"residents of {config.area_name}; {share} involved "
        f"a sharp object. The police recorded {yearly.text(last, 'police_serious_violence')} "
        f"serious violence offences in the same year. The two sources count different things "
        f"(injuries treated against offences recorded) and neither is a subset of the other."
    )
