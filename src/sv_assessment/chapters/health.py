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
UNDER_25_BANDS = ("0-9", "10-17", "18-24")
# Police offence groups that record an injury, the nearest like-for-like to A&E attendances.
INJURY_GROUPS = ("Homicide", "Attempted murder", "Violence with injury")
SOURCE_AE = "NHS emergency department (A&E) attendances supplied by the partnership"
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
            "ae_sharp_object_under_25": per_year(
                young[mechanism_category(young["mechanism"]) == SHARP]
            ),
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
    counts = mechanism_category(latest["mechanism"]).value_counts()
    counts = counts.reindex([*MECHANISM_CATEGORIES, NOT_RECORDED], fill_value=0)
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


YEARLY_COUNTS = [
    "ae_assault_attendances",
    "ae_assault_under_25",
    "ae_sharp_object_under_25",
    "police_injury_violence_victim_under_25",
    "police_knife_enabled_victim_under_25",
]
MONTHLY_COUNTS = ["ae_assault_under_25", "police_injury_violence_victim_under_25"]


def protected_yearly(yearly: pd.DataFrame, protect: Gate) -> Protected:
    """The yearly comparison through the gate. The columns nest (under-25s within all, sharp
    objects within under-25s) or count different things, so they add up to no total."""
    return protect(
        yearly,
        YEARLY_COUNTS,
        derived_columns=["sharp_object_under_25_percent"],
        grand_total_known=False,
    )


def protected_monthly(monthly: pd.DataFrame, protect: Gate) -> Protected:
    """The two monthly series through the gate; each year's months add up to the year's
    totals, which ``yearly_comparison`` publishes."""
    relations = yearly_relations(monthly["month"], MONTHLY_COUNTS)
    return protect(monthly, MONTHLY_COUNTS, relations=relations, grand_total_known=False)


def comparison_figure(
    monthly: Protected, yearly: Protected, config: AssessmentConfig, police_source: str
) -> charts.FigureSpec:
    """Both monthly series on one chart, from the tables through the gate."""
    frame, years = monthly.frame, yearly.frame
    first, last = years.iloc[0], years.iloc[-1]
    title = "A&E assault attendances by under-25s and police-recorded injury violence"
    if not (pd.isna(first.ae_assault_under_25) or pd.isna(last.ae_assault_under_25)):
        more = last.ae_assault_under_25 > first.ae_assault_under_25
        title = (
            f"A&E saw {'more' if more else 'fewer'} assault attendances by under-25s in "
            f"{int(last.year)} than in {int(first.year)} "
            f"({yearly.text(len(years) - 1, 'ae_assault_under_25')} against "
            f"{yearly.text(0, 'ae_assault_under_25')})"
        )
    long = frame.melt(id_vars="month", var_name="series", value_name="count")
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
        title=title,
        alt_text="Line chart of assault-related A&E attendances by patients under 25 and "
        "police-recorded injury violence with a victim under 25, each month, "
        f"{frame.month.iloc[0]} to {frame.month.iloc[-1]}. "
        + "; ".join(
            f"{int(r.year)}: {yearly.text(i, 'ae_assault_under_25')} attendances, "
            f"{yearly.text(i, 'police_injury_violence_victim_under_25')} police offences"
            for i, r in enumerate(years.itertuples())
        ),
        data=monthly,
        x_title="Month",
        y_title="Attendances or offences",
        scope=f"Under-25s, every place, domestic abuse included: A&E assault attendances by "
        f"residents of {config.area_name} aged under 25; police-recorded homicide, attempted "
        f"murder and violence with injury with a victim under 25",
        source=f"{SOURCE_AE} and {police_source}",
    )


def headline(yearly: Protected, config: AssessmentConfig) -> str:
    """The year's figures in words, each as the yearly table shows it ([c] where hidden)."""
    last = len(yearly.frame) - 1

    def shown(column: str) -> str:
        return yearly.text(last, column)

    share = shown("sharp_object_under_25_percent")
    share = "a share not shown (small numbers)" if share.startswith("[") else f"{float(share):.1f}%"
    return (
        f"In {config.assessment_year}, emergency departments recorded "
        f"{shown('ae_assault_attendances')} assault-related attendances by residents of "
        f"{config.area_name} of all ages, {shown('ae_assault_under_25')} of them by patients "
        f"under 25, of whom {share} were injured with a sharp object. Like for like, the police "
        f"recorded {shown('police_injury_violence_victim_under_25')} homicides, attempted "
        f"murders and violence with injury with a victim under 25 (any place), "
        f"{shown('police_knife_enabled_victim_under_25')} of them knife-enabled. The two "
        f"sources count different things (injuries treated against offences recorded) and "
        f"neither is a subset of the other."
    )
