"""Chapters of the open-data assessment: what data.police.uk street-level crime can show.

The public files carry the crime type, the month, the LSOA (from an anonymised map point) and the
latest outcome. They carry no ages, no knife or domestic-abuse flag and no day or time, so the
partner-data assessment's local definition of serious violence cannot be applied; this one is
about the crime types the config names (by default violence and sexual offences, possession of
weapons and robbery), and says so.
"""

from __future__ import annotations

import pandas as pd

from sv_assessment import charts, measures
from sv_assessment.chapters import districts
from sv_assessment.config import AssessmentConfig

NO_LOCATION = "Location not published"
DEMO_CONFIG = "config/kent_open_data.yml"  # what a chapter opened with no config_path builds


def open_chapter(
    config_path: str | None = None,
    assessment_year: int | None = None,
    staged_dir: str | None = None,
    tables_dir: str | None = None,
    static_images: bool = False,
):
    """``sv_assessment.chapter.open_chapter``, defaulting to the open-data demo config, so an
    open-data notebook runs top to bottom in JupyterLab as it is."""
    from sv_assessment.chapter import open_chapter as open_any

    return open_any(
        config_path or DEMO_CONFIG, assessment_year, staged_dir, tables_dir, static_images
    )


# Loading ---------------------------------------------------------------------------------------
def input_name(config: AssessmentConfig) -> str:
    """The configured input of kind police_uk_street."""
    return next(s.name for s in config.inputs.values() if s.kind == "police_uk_street")


def crimes(chapter) -> pd.DataFrame:
    """Published records in the assessment window, with year and month (as a period) added."""
    frame = chapter.read(input_name(chapter.config))
    frame["year"] = frame["month"].dt.year
    frame["period"] = frame["month"].dt.to_period("M")
    in_window = frame["year"].between(chapter.config.first_year, chapter.year)
    return frame[in_window].reset_index(drop=True)


def focus(frame: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    return frame[frame["crime_type"].isin(config.police_uk.focus_crime_types)]


def population(chapter) -> pd.DataFrame:
    """Residents per district: the population input for the assessment year if one is given,
    otherwise the Census 2021 figures in the config."""
    config = chapter.config
    names = {d.code: d.name for d in config.districts}
    if chapter.provided("population"):
        pop = chapter.read("population")
        has_year = (pop["year"] == config.assessment_year).any()
        year = config.assessment_year if has_year else pop["year"].max()
        totals = pop[pop["year"] == year].groupby("district_code")["population"].sum()
        frame = totals.reindex(config.district_codes).rename("population").reset_index()
    else:
        frame = pd.DataFrame(
            {
                "district_code": config.district_codes,
                "population": [d.population for d in config.districts],
            }
        )
    frame["district"] = frame["district_code"].map(names)
    frame["population"] = frame["population"].astype("int64")
    return frame[["district_code", "district", "population"]]


def months_in(frame: pd.DataFrame, year: int) -> int:
    return int(frame.loc[frame["year"] == year, "period"].nunique())


# Front matter and scope ------------------------------------------------------------------------
def front_matter(config: AssessmentConfig) -> str:
    settings = config.police_uk
    types = ", ".join(t.lower() for t in settings.focus_crime_types)
    synthetic = (
        "\n\n::: {.synthetic}\n**This assessment was built from synthetic data** in the "
        "data.police.uk format, made by a seeded generator for demonstration; it "
        "describes no real person, place or event.\n:::\n"
        if config.synthetic_data
        else ""
    )
    return (
        "# About this assessment\n\n"
        f"This is a strategic needs assessment of violence for {config.area_name} and its "
        f"{len(config.districts)} districts, {config.first_year} to {config.assessment_year}, "
        f"built from **public data only**: the street-level crime files that {settings.force_name} "
        "publishes on data.police.uk.\n\n"
        f"It covers {types}, as the police publish them. The public files have no ages, no knife "
        "or domestic-abuse flag, only the month of each crime and an approximate location, so the "
        "local definition of serious violence used with partner data cannot be applied here; "
        "*Scope: what public data can and cannot show* lists what is left out.\n\n"
        f"All figures are aggregates. Counts from 1 to {config.minimum_count - 1} are suppressed "
        f"and shown as [c]."
        f"{synthetic}\n"
    )


def scope_table() -> pd.DataFrame:
    rows = [
        (
            "Volume and trend of violence and sexual offences, possession of weapons, robbery",
            "Yes",
            "Monthly counts by crime type",
        ),
        (
            "Rates per 1,000 residents by district, with confidence intervals",
            "Yes",
            "District from the LSOA of each crime",
        ),
        ("Hotspots by neighbourhood (LSOA)", "Yes", "LSOA of the anonymised map point"),
        ("Outcomes", "Yes", "Latest outcome published for each crime"),
        (
            "Local definition of serious violence (e.g. under-25s, public place, "
            "excluding domestic abuse)",
            "No",
            "No ages, no place type, no domestic-abuse flag",
        ),
        (
            "Knife and sharp-instrument crime",
            "No",
            "No knife flag; possession of weapons is the nearest published type",
        ),
        (
            "Homicide, attempted murder, violence with or without injury separately",
            "No",
            "Published as one type: violence and sexual offences",
        ),
        ("Victims and suspects by age and sex", "No", "No person-level fields are published"),
        ("Day of week and time of day", "No", "Dates are published as months"),
        (
            "Exact locations, streets, premises",
            "No",
            "Locations are snapped to anonymised map points; street text is not used",
        ),
    ]
    return pd.DataFrame(rows, columns=["analysis", "possible_from_public_data", "why"])


# Data quality ----------------------------------------------------------------------------------
def reader_table(info: dict) -> pd.DataFrame:
    reader = info.get("reader", {})
    rows = [
        ("Monthly files read", reader.get("files")),
        ("Records in the files", reader.get("rows_read")),
        (
            "Earlier copies of re-published crimes removed (latest kept)",
            reader.get("republished_copies_removed"),
        ),
        (
            "Records in LSOAs outside the assessment area removed",
            reader.get("outside_area_removed"),
        ),
        ("Records kept", reader.get("rows_kept")),
        (
            "of which anti-social behaviour (no crime ID or outcome)",
            reader.get("anti_social_behaviour_rows"),
        ),
        (
            "of which with no published location (counted in area totals only)",
            reader.get("rows_without_location"),
        ),
        ("Set aside by the data contract", info.get("rows_set_aside")),
    ]
    return pd.DataFrame(rows, columns=["step", "records"])


def outside_area_table(info: dict) -> pd.DataFrame:
    found = info.get("reader", {}).get("outside_area_districts", {})
    return pd.DataFrame(list(found.items()), columns=["district_in_lsoa_name", "records_removed"])


def completeness(frame: pd.DataFrame) -> pd.DataFrame:
    crimes_only = frame[frame["crime_type"] != "Anti-social behaviour"]
    columns = ["crime_id", "lsoa_code", "district_code", "last_outcome_category"]
    filled = crimes_only[columns].notna().sum()
    total = len(crimes_only)
    return pd.DataFrame(
        {
            "field": columns,
            "crimes_with_value": filled.to_numpy(),
            "percent_complete": (100 * filled / max(total, 1)).round(1).to_numpy(),
        }
    )


# Volume and trends -----------------------------------------------------------------------------
def crime_type_table(frame: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    """Every published crime type, each year of the window (focus types first)."""
    counts = frame.groupby(["crime_type", "year"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=config.years, fill_value=0)
    counts.columns = [f"records_{y}" for y in counts.columns]
    counts = counts.reset_index()
    counts["in_focus"] = (
        counts["crime_type"]
        .isin(config.police_uk.focus_crime_types)
        .map({True: "Yes", False: "No"})
    )
    order = {t: i for i, t in enumerate(config.police_uk.focus_crime_types)}
    counts["_order"] = counts["crime_type"].map(order).fillna(len(order))
    counts = counts.sort_values(["_order", "crime_type"]).drop(columns="_order")
    return counts.reset_index(drop=True)


def monthly_by_type(frame: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    chosen = focus(frame, config)
    periods = pd.period_range(frame["period"].min(), frame["period"].max(), freq="M")
    grid = pd.MultiIndex.from_product(
        [periods, list(config.police_uk.focus_crime_types)], names=["period", "crime_type"]
    )
    counts = chosen.groupby(["period", "crime_type"]).size().reindex(grid, fill_value=0)
    out = counts.rename("crimes").reset_index()
    out["month"] = out["period"].astype(str)
    return out[["month", "crime_type", "crimes"]]


def monthly_figure(monthly: pd.DataFrame) -> charts.FigureSpec:
    totals = monthly.groupby("month")["crimes"].sum()
    peak = totals.idxmax()
    by_type = monthly.groupby("crime_type")["crimes"].sum()
    share = 100 * by_type.max() / max(by_type.sum(), 1)
    fig = charts.line_chart(monthly, "month", "crimes", series="crime_type")
    return charts.FigureSpec(
        fig,
        title=f"{by_type.idxmax()} made up {share:.0f}% of the crimes in scope; the "
        f"busiest month was {peak}",
        alt_text=f"Line chart of crimes each month by crime type, {monthly.month.iloc[0]} to "
        f"{monthly.month.iloc[-1]}. The highest month overall was {peak} with "
        f"{int(totals.max()):,} crimes.",
        data=monthly,
        x_title="Month",
        y_title="Crimes",
    )


def year_on_year(frame: pd.DataFrame, pop: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    """Each focus crime type this year against last, with the exact rate ratio, compared only
    over the calendar months present in both years."""
    now, before = config.assessment_year, config.assessment_year - 1
    months_now = set(frame.loc[frame["year"] == now, "period"].dt.month)
    months_before = set(frame.loc[frame["year"] == before, "period"].dt.month)
    common = sorted(months_now & months_before)
    residents = float(pop["population"].sum())
    rows = []
    for crime_type in config.police_uk.focus_crime_types:
        one = frame[(frame["crime_type"] == crime_type) & frame["period"].dt.month.isin(common)]
        c_now, c_before = int((one["year"] == now).sum()), int((one["year"] == before).sum())
        row = {
            "crime_type": crime_type,
            "months_compared": len(common),
            f"crimes_{before}": c_before,
            f"crimes_{now}": c_now,
        }
        if common:
            rr = measures.rate_ratio(c_now, residents, c_before, residents)
            row.update(
                percent_change=round(rr.percent_change, 1),
                rate_ratio=round(rr.ratio, 2),
                ratio_lower=round(rr.lower, 2),
                ratio_upper=round(rr.upper, 2),
                assessment=measures.describe_change(rr),
            )
        else:
            row.update(assessment="no months in common to compare")
        rows.append(row)
    return pd.DataFrame(rows)


# Districts -------------------------------------------------------------------------------------
def district_table(
    frame: pd.DataFrame, pop: pd.DataFrame, config: AssessmentConfig
) -> pd.DataFrame:
    """Focus crimes in the assessment year by district, with the rate of all of them per 1,000
    residents, its exact 95% interval and how it compares with the area (funnel limits)."""
    latest = focus(frame[frame["year"] == config.assessment_year], config)
    counts = latest.groupby(["district_code", "crime_type"]).size().unstack(fill_value=0)
    counts = counts.reindex(
        index=config.district_codes, columns=list(config.police_uk.focus_crime_types), fill_value=0
    )
    table = pop.merge(counts, left_on="district_code", right_index=True, how="left")
    table["crimes"] = counts.sum(axis=1).to_numpy()
    table = measures.rates_with_ci(table, "crimes", "population")
    area_rate = 1000 * table["crimes"].sum() / table["population"].sum()
    table["compared_with_area"] = measures.funnel_flags(table, "crimes", "population", area_rate)[
        "funnel_flag"
    ].to_numpy()
    for column in ("rate", "rate_lower", "rate_upper"):
        table[column] = table[column].round(2)
    table["rank"] = table["rate"].rank(ascending=False, method="min").astype(int)
    return table.sort_values("rank").reset_index(drop=True)


def funnel_figure(table: pd.DataFrame, config: AssessmentConfig) -> charts.FigureSpec:
    return districts.funnel_figure(table, config, "crimes", "the crimes in scope", "Crimes")


def district_crime_types(frame: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    """Records of every crime type by district in the assessment year, with a row for records
    whose location was not published."""
    latest = frame[frame["year"] == config.assessment_year]
    district = latest["district_name"].astype(object).fillna(NO_LOCATION)
    table = pd.crosstab(district, latest["crime_type"])
    rows = [config.district_names[c] for c in config.district_codes] + [NO_LOCATION]
    table = table.reindex(index=rows, fill_value=0)
    table = table[sorted(table.columns)]
    table.index.name = "district"
    table.columns.name = None
    return table.reset_index()


# Hotspots and outcomes -------------------------------------------------------------------------
def lsoa_counts(frame: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    latest = focus(frame[frame["year"] == config.assessment_year], config)
    latest = latest.dropna(subset=["lsoa_code"])
    counts = latest.groupby(["lsoa_code", "lsoa_name", "district_name"]).size().rename("crimes")
    return counts.reset_index().sort_values(["crimes", "lsoa_code"], ascending=[False, True])


def hotspot_table(counts: pd.DataFrame, top: int = 20) -> pd.DataFrame:
    table = counts.head(top).rename(columns={"district_name": "district"}).copy()
    table["share_of_area_percent"] = (100 * table["crimes"] / counts["crimes"].sum()).round(1)
    return table.reset_index(drop=True)


def concentration_sentence(counts: pd.DataFrame, config: AssessmentConfig) -> str:
    share = measures.concentration_share(counts["crimes"], 0.1)
    return (
        f"In {config.assessment_year}, the 10% of neighbourhoods (LSOAs) with the most crimes "
        f"in scope had **{100 * share:.0f}%** of them ({len(counts):,} LSOAs had at least "
        "one). "
        "LSOAs with no recorded crime in scope are not counted, so the true concentration is "
        "a little higher."
    )


def outcome_table(frame: pd.DataFrame, config: AssessmentConfig) -> pd.DataFrame:
    latest = focus(frame[frame["year"] == config.assessment_year], config)
    outcome = latest["last_outcome_category"].astype(object).fillna("No outcome published")
    table = pd.crosstab(outcome, latest["crime_type"])
    table = table.reindex(columns=list(config.police_uk.focus_crime_types), fill_value=0)
    table["all_in_scope"] = table.sum(axis=1)
    table = table.sort_values("all_in_scope", ascending=False)
    table.index.name = "last_outcome_category"
    table.columns.name = None
    return table.reset_index()


# Summary ---------------------------------------------------------------------------------------
def _shown(count: int, config: AssessmentConfig) -> str:
    """A count as a sentence may show it: suppressed as [c] when it is small."""
    return "[c]" if 1 <= count < config.minimum_count else f"{count:,}"


def key_findings(frame: pd.DataFrame, pop: pd.DataFrame, config: AssessmentConfig) -> list[str]:
    now = config.assessment_year
    in_scope = focus(frame[frame["year"] == now], config)
    residents = int(pop["population"].sum())
    months = months_in(frame, now)
    findings = [
        f"In {now} ({months} month{'s' if months != 1 else ''} of published data) there "
        f"were **{len(in_scope):,} crimes in scope** in {config.area_name}: "
        + ", ".join(
            f"{_shown(int((in_scope['crime_type'] == t).sum()), config)} {t.lower()}"
            for t in config.police_uk.focus_crime_types
        )
        + f"; {1000 * len(in_scope) / residents:.2f} per 1,000 residents."
    ]
    for row in year_on_year(frame, pop, config).to_dict("records"):
        small = any(_shown(row[f"crimes_{y}"], config) == "[c]" for y in (now, now - 1))
        if row["months_compared"] and not small:
            findings.append(
                f"{row['crime_type']}: {row[f'crimes_{now}']:,} in {now} against "
                f"{row[f'crimes_{now - 1}']:,} in {now - 1}, over the {row['months_compared']} "
                f"months published in both ({row['percent_change']:+.1f}%; rate ratio "
                f"{row['rate_ratio']:.2f}, 95% CI {row['ratio_lower']:.2f} to "
                f"{row['ratio_upper']:.2f}): {row['assessment']}."
            )
    table = district_table(frame, pop, config)
    top = table.iloc[0]
    findings.append(
        f"{top.district} had the highest rate of crimes in scope in {now}: "
        f"{top.rate:.2f} per 1,000 residents ({top.compared_with_area})."
    )
    return findings


# Methods ---------------------------------------------------------------------------------------
def source_table(config: AssessmentConfig, inputs: dict) -> pd.DataFrame:
    info = inputs.get(input_name(config), {})
    reader = info.get("reader", {})
    months = reader.get("months", [])
    rows = [
        (
            "Source",
            f"data.police.uk street-level crime, {config.police_uk.force_name} "
            "(Open Government Licence v3.0)",
        ),
        ("Files", f"{info.get('source', '')}: {reader.get('files', 0)} monthly files"),
        ("Months", f"{months[0]} to {months[-1]}" if months else "none"),
        ("SHA-256 of the files", info.get("sha256", "")),
        ("Crime types in scope", ", ".join(config.police_uk.focus_crime_types)),
        (
            "Population",
            "Population input for the assessment year"
            if "population" in inputs and inputs["population"].get("provided")
            else "Census 2021 usual residents (ONS TS001), from the config",
        ),
        ("Small-number suppression", f"Counts from 1 to {config.minimum_count - 1} shown as [c]"),
    ]
    return pd.DataFrame(rows, columns=["setting", "value"])


METHODS = """\
- **Reading the files.** Every monthly file `YYYY-MM/YYYY-MM-<force>-street.csv` of the force is
  read as published. Coordinates, the street description (Location) and Context are dropped as
  the files are read and are never stored or published.
- **Re-published crimes.** A crime can appear again in a later month's file (for example with an
  updated outcome). Each Crime ID is kept once, from the latest file; the earlier copies removed
  are counted in the data-quality chapter.
- **Districts.** The district is the LSOA name without its code (`Tonbridge and Malling 012C` →
  Tonbridge and Malling), matched by the whole name to the configured districts. A force's
  files include a few crimes in LSOAs of neighbouring areas; these are removed and counted.
  Crimes with no published location stay in area-wide totals but not in district or LSOA
  figures.
- **Anti-social behaviour** incidents are published without a Crime ID or outcome; they are
  shown in the crime-type tables for context and are not in scope.
- **Rates** are crimes per 1,000 residents, with exact (Garwood) Poisson 95% intervals; districts
  are compared with the area on a funnel plot with 95% and 99.8% limits. **Year-on-year
  change** compares the same calendar months in both years, with an exact conditional rate
  ratio; a change is called significant only where p < 0.05.
- **Disclosure control**: counts from 1 to the threshold minus one are suppressed ([c]).
"""

LIMITATIONS = """\
- **No ages, no knife flag, no domestic-abuse flag, no place type.** The partner-data
  definition of serious violence (for example under-25s, public place, excluding domestic
  abuse), knife and sharp-instrument crime, and victim and suspect profiles cannot be produced
  from public data.
- **Months, not dates.** Crimes are published by month only: no day of week, time of day or
  recording lag can be shown.
- **Approximate locations.** Each crime is snapped to the nearest of a fixed set of anonymised
  map points, so a crime may be placed in a neighbouring LSOA; hotspots are indicative.
- **Broad crime types.** Violence and sexual offences are one published type, from common
  assault to homicide and including sexual offences; they cannot be split.
- **LSOA vintages.** data.police.uk moved from 2011 to 2021 LSOAs, so a download spanning the
  change can mix codes of both vintages. Codes are kept as published and no lookup is applied;
  an LSOA whose boundary changed may appear under two codes.
- **Outcomes change.** The last outcome is the latest published; recent crimes are more often
  still under investigation.
- **Published data lag and revision.** Forces publish about two months in arrears and can revise
  earlier months; data.police.uk keeps about the latest three years.
"""
