"""The open-data assessment's tables through the disclosure gate, each with the totals a reader
knows from the other tables, and the summary and charts worded from them.

One month of open data for a small area has many counts from 1 to 4, so every table here says
which of its totals are published elsewhere: a crime type's total for the year (the crime-type
table), a district's crimes (the district table), the area's in-scope total (the summary).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from sv_assessment.analysis.disclosure import Gate, Protected
from sv_assessment.chapters import charts, districts
from sv_assessment.chapters.open_data import (
    NO_LOCATION,
    crime_type_table,
    district_crime_types,
    district_table,
    focus,
    months_in,
    year_on_year,
)
from sv_assessment.config import AssessmentConfig

CHANGE_DERIVED = ["percent_change", "rate_ratio", "ratio_lower", "ratio_upper", "assessment"]
IN_SCOPE = "In scope"
RATE_DERIVED = ["rank", "rate", "rate_lower", "rate_upper", "compared_with_area"]


def monthly(monthly_counts: pd.DataFrame, protect: Gate) -> Protected:
    """Crimes by month and type: each type's months in a year add up to the crime-type table."""
    groups = monthly_counts.groupby([monthly_counts["month"].str[:4], "crime_type"]).indices
    relations = [([(int(r), "crimes") for r in rows], None) for rows in groups.values()]
    return protect(monthly_counts, ["crimes"], relations=relations, grand_total_known=False)


def monthly_figure(protected: Protected) -> charts.FigureSpec:
    frame = protected.frame
    shown = frame.dropna(subset=["crimes"]).astype({"crimes": float})
    fig = charts.line_chart(frame, "month", "crimes", series="crime_type")
    title, alt = "Crimes in scope each month by crime type", ""
    if len(shown):
        totals = shown.groupby("month")["crimes"].sum()
        by_type = shown.groupby("crime_type")["crimes"].sum()
        title = f"{by_type.idxmax()} made up most of the crimes in scope shown"
        peak = shown.loc[shown["crimes"].idxmax()]
        title += f"; the highest month for one type was {peak.month}"
        alt = f" {len(totals)} months shown."
    return charts.FigureSpec(
        fig,
        title=title,
        alt_text=f"Line chart of crimes each month by crime type, {frame.month.iloc[0]} to "
        f"{frame.month.iloc[-1]}; months with a hidden count are gaps.{alt}",
        data=protected,
        x_title="Month",
        y_title="Crimes",
    )


def year_on_year_table(table: pd.DataFrame, protect: Gate) -> Protected:
    """This year against last over the months in both: partial years, no published total."""
    counts = [c for c in table.columns if c.startswith("crimes_")]
    derived = [c for c in CHANGE_DERIVED if c in table.columns]
    return protect(
        table, counts, derived_columns=derived, not_applicable=derived, grand_total_known=False
    )


def published_tables(
    frame: pd.DataFrame,
    pop: pd.DataFrame,
    config: AssessmentConfig,
    protect: Gate,
    area_rate: float | None = None,
) -> dict[str, Protected]:
    """The tables that share the year's counts by district and crime type, protected together
    and in the same order in every chapter that shows any of them: first the joint table
    (districts and records with no location by every crime type, each district's crimes in
    scope), then the crime-type table (whose year column is the joint table's column totals,
    and whose focus types add up to the summary's total), the district rates and the district
    by crime type tables. ``Chapter.protect`` holds each to the decisions before it."""
    year = str(config.assessment_year)
    types = list(config.police_uk.focus_crime_types)
    by_type = district_crime_types(frame, config)
    rates_table = district_table(frame, pop, config, area_rate)
    all_types = [c for c in by_type.columns if c != "district"]
    every_row = everywhere(config)
    keys = {t: {"crime_type": t, "year": year} for t in all_types}
    keys["crimes"] = {"crime_type": IN_SCOPE, "year": year}
    options = {"measure": "records", "row_keys": ["district"]}
    joint = by_type.merge(rates_table[["district", "crimes"]], on="district", how="left")
    # The year's totals by type (the crime-type table) and in scope (the summary), as a row.
    every = {t: int(by_type[t].sum()) for t in all_types}
    every |= {"district": every_row, "crimes": sum(every.get(t, 0) for t in types)}
    joint = pd.concat([joint, pd.DataFrame([every])], ignore_index=True)
    joint.index = [*range(len(joint) - 1), "All"]
    relations = [
        ([(r, t) for t in types if t in all_types], (r, "crimes"))
        for r in range(len(joint))
        if pd.notna(joint["crimes"].iloc[r])
    ]
    protect(
        joint,
        [*all_types, "crimes"],
        relations=relations,
        column_total_row="All",
        column_keys=keys,
        **options,
    )
    type_table = crime_type_table(frame, config)
    counts = [f"records_{y}" for y in config.years]
    focus_rows = [i for i, t in enumerate(type_table["crime_type"]) if t in types]
    in_scope = {"crime_type": IN_SCOPE, "district": every_row, "year": year}
    crime_types = protect(
        type_table,
        counts,
        relations=[([(r, f"records_{year}") for r in focus_rows], in_scope)],
        measure="records",
        row_keys=["crime_type"],
        column_keys={
            c: {"year": c.removeprefix("records_"), "district": every_row} for c in counts
        },
    )
    rates = protect(
        rates_table.drop(columns=["district_code"]),
        [*types, "crimes"],
        row_total_column="crimes",
        derived_columns=RATE_DERIVED,
        column_keys={c: keys[c] for c in [*types, "crimes"]},
        **options,
    )
    by_district = protect(
        by_type,
        all_types,
        column_sums_known=True,
        column_keys={c: keys[c] for c in all_types},
        **options,
    )
    return {
        "crime_types": crime_types,
        "district_rates": rates,
        "district_crime_types": by_district,
        "rates_table": rates_table,
    }


def funnel(
    table: pd.DataFrame, config: AssessmentConfig, protect: Gate, area_rate: float | None = None
) -> charts.FigureSpec:
    protected = districts.funnel_data(
        table, protect, config.assessment_year, "crimes", "records", {"crime_type": IN_SCOPE}
    )
    return districts.funnel_figure(
        protected,
        table,
        config,
        "crimes",
        "the crimes in scope",
        "Crimes",
        area_rate,
        f"{', '.join(config.police_uk.focus_crime_types)} as published on data.police.uk, any "
        f"age, any place, {config.assessment_year} (every month published)",
    )


def everywhere(config: AssessmentConfig) -> str:
    """The label of a sum over every district and the records with no location."""
    return "+".join(sorted([*config.district_names.values(), NO_LOCATION]))


def outcomes(table: pd.DataFrame, config: AssessmentConfig, protect: Gate) -> Protected:
    """Outcomes by type with their total: each type's column adds up to that type's total for
    the year in the crime-type table, named so that the checker links the two."""
    year = str(config.assessment_year)
    counts = [c for c in table.columns if c != "last_outcome_category"]
    keys = {c: {"crime_type": c, "year": year} for c in counts}
    keys["all_in_scope"] = {"crime_type": IN_SCOPE, "year": year}
    rows = range(len(table))
    relations = [
        ([(r, c) for r in rows], {**keys[c], "district": everywhere(config)}) for c in counts
    ]
    return protect(
        table,
        counts,
        row_total_column="all_in_scope",
        relations=relations,
        grand_total_known=False,
        measure="records",
        row_keys=["last_outcome_category"],
        column_keys=keys,
    )


def key_findings(
    frame: pd.DataFrame,
    pop: pd.DataFrame,
    config: AssessmentConfig,
    protect: Gate,
    count: Callable[[float], str],
) -> list[str]:
    """The summary, its counts from the crime-type, year-on-year and district tables as
    protected there (``count`` words a lone count: ``Chapter.count``)."""
    now = config.assessment_year
    in_scope = focus(frame[frame["year"] == now], config)
    residents = int(pop["population"].sum())
    months = months_in(frame, now)
    tables = published_tables(frame, pop, config, protect)
    types = tables["crime_types"]
    by_type = {t: i for i, t in enumerate(types.frame["crime_type"])}
    column = f"records_{now}"
    parts = [
        f"{types.text(by_type[t], column) if t in by_type else '0'} {t.lower()}"
        for t in config.police_uk.focus_crime_types
    ]
    total = len(in_scope)
    said = [t["value"] for _, t in types.relations if isinstance(t, dict)]
    stated = count(total) if said and said[0] != "[c]" else "[c]"
    findings = [
        f"In {now} ({months} month{'s' if months != 1 else ''} of published data) there "
        f"were **{stated} crimes in scope** in {config.area_name}: "
        + ", ".join(parts)
        + (
            f"; {1000 * total / residents:.2f} per 1,000 residents."
            if stated not in ("0", "[c]")
            else "."
        )
    ]
    change = year_on_year_table(year_on_year(frame, pop, config), protect)
    for i, row in enumerate(change.frame.to_dict("records")):
        counts = (row[f"crimes_{now}"], row[f"crimes_{now - 1}"])
        if row["months_compared"] and not any(pd.isna(c) for c in counts):
            findings.append(
                f"{row['crime_type']}: {change.text(i, f'crimes_{now}')} in {now} against "
                f"{change.text(i, f'crimes_{now - 1}')} in {now - 1}, over the "
                f"{row['months_compared']} months published in both ({row['percent_change']:+.1f}%;"
                f" rate ratio {row['rate_ratio']:.2f}, 95% CI {row['ratio_lower']:.2f} to "
                f"{row['ratio_upper']:.2f}): {row['assessment']}."
            )
    rates = tables["district_rates"].frame
    shown = rates.dropna(subset=["rate"])
    if len(shown):
        top = shown.loc[shown["rate"].astype(float).idxmax()]
        findings.append(
            f"{top.district} had the highest rate of crimes in scope in {now} among districts "
            f"whose count is shown: {top.rate:.2f} per 1,000 residents "
            f"({top.compared_with_area})."
        )
    return findings
