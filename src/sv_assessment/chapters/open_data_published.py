"""The open-data assessment's tables through the disclosure gate, protected together, and the
summary and charts worded from them.

The open-data tables share their counts: a district's crimes of each type appear in the district
rates table and in the district by crime type table, each type's year in the crime-type table,
the monthly series and the outcomes table, the area's crimes in scope in the summary. A cell
hidden in one table and shown in another, or a table whose totals are another table's cells,
gives a count back by subtraction, so ``published_tables`` protects all of them in one fixed
order with one register (``Chapter.protect``), each naming what its cells count (``measure``,
row and column keys) and the totals it shares. Every chapter calls it and shows the tables it
needs, so every chapter makes the same decisions; the disclosure checker links the tables by
the same names and audits them together.

Long because every open-data table is here with the totals it shares, so that the decisions
for all of them are made in one place and one order.
"""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis import measures
from sv_assessment.analysis.disclosure import Gate, Protected
from sv_assessment.chapters import charts, districts
from sv_assessment.chapters.open_data import (
    NO_LOCATION,
    crime_type_table,
    district_crime_types,
    district_table,
    focus,
    hotspot_table,
    lsoa_counts,
    monthly_by_type,
    outcome_table,
    year_on_year,
)
from sv_assessment.chapters.open_data_periods import (
    district_view,
    full_year,
    period_label,
    published_months,
)
from sv_assessment.config import AssessmentConfig

CHANGE_DERIVED = ["percent_change", "rate_ratio", "ratio_lower", "ratio_upper", "assessment"]
IN_SCOPE = "In scope"
RATE_DERIVED = ["rank", "rate", "rate_lower", "rate_upper", "compared_with_area"]
MEASURE = "records"


def everywhere(config: AssessmentConfig) -> str:
    """The label of a sum over every district and the records with no location."""
    return "+".join(sorted([*config.district_names.values(), NO_LOCATION]))


def _type_year(crime_type: str, year, config: AssessmentConfig, **more) -> dict:
    """What a crime type's count for a year over the whole area is called in every table."""
    return {"crime_type": crime_type, "year": str(year), "district": everywhere(config), **more}


def published_tables(
    frame: pd.DataFrame,
    pop: pd.DataFrame,
    config: AssessmentConfig,
    protect: Gate,
    months: list[str] | None = None,
    area_rate: float | None = None,
) -> dict[str, Protected | pd.DataFrame]:
    """Every open-data table of counts, protected as one (``protect_tables``): the crime-type
    table, the district rates (rates only for a whole year of published months), the district
    by crime type table, the monthly series, the year-on-year table, the outcomes and the LSOA
    hotspots. Their cells are named alike where they count the same crimes, so each count is
    shown or hidden alike wherever it appears, and no hidden count can be narrowed from all of
    them together. ``rates_table`` is the district table before the gate (the funnel draws its
    limits from it)."""
    months = published_months(frame) if months is None else months
    year = str(config.assessment_year)
    types = list(config.police_uk.focus_crime_types)
    every_row = everywhere(config)
    by_type = district_crime_types(frame, config)
    rates_table = district_table(frame, pop, config, area_rate)
    all_types = [c for c in by_type.columns if c != "district"]
    keys = {t: {"crime_type": t, "year": year} for t in [*all_types, *types]}
    keys["crimes"] = {"crime_type": IN_SCOPE, "year": year}
    options = {"measure": MEASURE, "row_keys": ["district"]}
    specs: list[tuple] = []

    def later(table: pd.DataFrame, counts: list, **more) -> int:
        specs.append((table, counts, more))
        return len(specs) - 1

    type_table = crime_type_table(frame, config)
    counts = [f"records_{y}" for y in config.years]
    focus_rows = [i for i, t in enumerate(type_table["crime_type"]) if t in types]
    named = {
        "crime_types": later(
            type_table,
            counts,
            relations=[
                ([(r, f"records_{year}") for r in focus_rows], _type_year(IN_SCOPE, year, config))
            ],
            measure=MEASURE,
            row_keys=["crime_type"],
            column_keys={
                c: {"year": c.removeprefix("records_"), "district": every_row} for c in counts
            },
        )
    }
    view = district_view(rates_table, months, config.assessment_year)
    named["district_rates"] = later(
        view,
        [*types, "crimes"],
        row_total_column="crimes",
        derived_columns=[c for c in RATE_DERIVED if c in view.columns],
        rederive=measures.rates_from_counts("crimes"),
        column_keys={c: keys[c] for c in [*types, "crimes"]},
        **options,
    )
    if all_types:
        named["district_crime_types"] = later(
            by_type,
            all_types,
            column_sums_known=True,
            column_keys={c: keys[c] for c in all_types},
            **options,
        )
    change = year_on_year(frame, pop, config, months)
    named["monthly"] = monthly(frame, config, months, change, later)
    named["year_on_year"] = year_on_year_table(frame, config, change, later, months)
    outcome_counts = outcome_table(frame, config)
    if len(outcome_counts):
        named["outcomes"] = outcomes(outcome_counts, config, later)
    lsoas = lsoa_counts(frame, config)
    if len(lsoas):
        named["hotspots"] = hotspots(lsoas, config, later)
    protected = _together(protect)(specs)
    tables: dict[str, Protected | pd.DataFrame] = {k: protected[i] for k, i in named.items()}
    for name, (table, counts, more) in [
        ("district_crime_types", (by_type, all_types, {})),
        ("outcomes", (outcome_counts, [c for c in outcome_counts.columns][1:], {})),
        ("hotspots", (hotspot_table(lsoas), ["crimes"], {})),
    ]:
        if name not in tables:  # nothing to protect: an empty table, shown as none
            tables[name] = protect(table, counts, **more)
    tables["rates_table"] = rates_table
    return tables


def _together(protect: Gate):
    """The joint form of a gate: ``Chapter.protect``'s chapter's ``protect_together``, or the
    ``together`` of ``disclosure.gate_for``."""
    joint = getattr(protect, "together", None)
    if joint is None:
        joint = getattr(getattr(protect, "__self__", None), "protect_together", None)
    if joint is None:
        raise TypeError("the open-data tables need a gate that protects tables together")
    return joint


def _common_months(change: pd.DataFrame, config: AssessmentConfig, months: list[str]) -> list:
    """The months ('YYYY-MM') the year-on-year table compares, in both years."""
    now, before = config.assessment_year, config.assessment_year - 1
    if change.empty or not int(change["months_compared"].iloc[0]):
        return []
    common = {int(m[5:]) for m in months if m[:4] == str(now)} & {
        int(m[5:]) for m in months if m[:4] == str(before)
    }
    return [f"{y}-{m:02d}" for y in (before, now) for m in sorted(common)]


def _compared(change: pd.DataFrame, frame, config, months: list[str]) -> dict[int, dict]:
    """For each year the year-on-year table counts, what its counts are called beyond the crime
    type and year: nothing when the months compared hold all of that year's records in scope
    (the counts are the crime-type table's cells), else the months summed."""
    common = _common_months(change, config, months)
    chosen = focus(frame, config)
    names = {}
    for year in (config.assessment_year - 1, config.assessment_year):
        mine = [m for m in common if m.startswith(f"{year}-")]
        if not mine:
            continue
        periods = chosen.loc[chosen["year"] == year, "period"].astype(str)
        names[year] = {} if periods.isin(mine).all() else {"months": "+".join(mine)}
    return names


def monthly(
    frame: pd.DataFrame,
    config: AssessmentConfig,
    months: list[str],
    change: pd.DataFrame,
    protect: Gate,
) -> Protected:
    """Crimes by month and type (a month with nothing published is [x], never 0). Each type's
    months of a year add up to its total in the crime-type table, and the months the
    year-on-year table compares add up to its counts."""
    data = monthly_by_type(frame, config, months).drop(columns="coverage")
    chosen = focus(frame, config)
    yearly = chosen.groupby(["year", "crime_type"]).size()
    compared = _compared(change, frame, config, months)
    common = _common_months(change, config, months)
    relations = []
    groups = data.groupby([data["month"].str[:4], "crime_type"]).indices
    for (year, crime_type), rows in groups.items():
        shown = [int(r) for r in rows if pd.notna(data["crimes"].iloc[r])]
        total = data["crimes"].iloc[shown].sum() if shown else 0
        if shown and total == yearly.get((int(year), crime_type), 0):
            relations.append(([(r, "crimes") for r in shown], _type_year(crime_type, year, config)))
        months_compared = compared.get(int(year), {})
        parts = [r for r in shown if data["month"].iloc[r] in common]
        if parts and months_compared:
            key = _type_year(crime_type, year, config, **months_compared)
            relations.append(([(r, "crimes") for r in parts], key))
    return protect(
        data,
        ["crimes"],
        relations=relations,
        grand_total_known=False,
        measure=MEASURE,
        row_keys=["month", "crime_type"],
        column_keys={"crimes": {"district": everywhere(config)}},
    )


def year_on_year_table(
    frame: pd.DataFrame,
    config: AssessmentConfig,
    change: pd.DataFrame,
    protect: Gate,
    months: list[str] | None = None,
) -> Protected:
    """This year against last over the months published in both: its counts are the crime-type
    table's (a whole year) or the monthly series' sums, named so the register links them."""
    months = published_months(frame) if months is None else months
    counts = [c for c in change.columns if c.startswith("crimes_")]
    derived = [c for c in CHANGE_DERIVED if c in change.columns]
    compared = _compared(change, frame, config, months)
    every_row = everywhere(config)
    column_keys = {
        c: {"year": c.removeprefix("crimes_"), "district": every_row, **compared[int(c[7:])]}
        for c in counts
        if int(c.removeprefix("crimes_")) in compared
    }
    return protect(
        change,
        counts,
        derived_columns=derived,
        not_applicable=derived,
        grand_total_known=False,
        measure=MEASURE if column_keys else None,
        row_keys=["crime_type"],
        column_keys=column_keys,
    )


def funnel(
    table: pd.DataFrame, config: AssessmentConfig, protect: Gate, area_rate: float | None = None
) -> charts.FigureSpec:
    protected = districts.funnel_data(
        table, protect, config.assessment_year, "crimes", MEASURE, {"crime_type": IN_SCOPE}
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


def outcomes(table: pd.DataFrame, config: AssessmentConfig, protect: Gate) -> Protected:
    """Outcomes by type with their total: each type's column adds up to that type's total for
    the year in the crime-type table, named so that the checker links the two."""
    year = config.assessment_year
    counts = [c for c in table.columns if c != "last_outcome_category"]
    keys = {c: {"crime_type": c, "year": str(year)} for c in counts}
    keys["all_in_scope"] = {"crime_type": IN_SCOPE, "year": str(year)}
    rows = range(len(table))
    relations = [
        ([(r, c) for r in rows], _type_year(keys[c]["crime_type"], year, config)) for c in counts
    ]
    return protect(
        table,
        counts,
        row_total_column="all_in_scope",
        relations=relations,
        grand_total_known=False,
        measure=MEASURE,
        row_keys=["last_outcome_category"],
        column_keys=keys,
    )


def hotspots(counts: pd.DataFrame, config: AssessmentConfig, protect: Gate, top=20) -> Protected:
    """The LSOAs with the most crimes in scope, each with its share of the area (hidden beside a
    hidden count). When the list holds every LSOA with a crime, each district's LSOAs add up
    to its crimes in scope in the district table, and the audit knows it."""
    table = hotspot_table(counts, top)
    year = str(config.assessment_year)
    whole = len(counts) <= top
    groups = table.groupby("district", sort=False).indices if whole else {}
    relations = [
        ([(int(r), "crimes") for r in rows], {"district": d, "crime_type": IN_SCOPE, "year": year})
        for d, rows in groups.items()
    ]
    return protect(
        table,
        ["crimes"],
        derived_columns=["share_of_area_percent"],
        relations=relations,
        grand_total_known=False,
        measure=MEASURE,
        row_keys=["lsoa_code", "district"],
        column_keys={"crimes": {"crime_type": IN_SCOPE, "year": year}},
    )


def key_findings(
    tables: dict, frame: pd.DataFrame, pop: pd.DataFrame, config: AssessmentConfig, months
) -> list[str]:
    """The year's crimes in scope, the change on the year before over the months published in
    both, and the district with the highest rate, every count as the tables it comes from
    show it (``published_tables``: a count hidden there, by its size or to protect another, is
    [c] here, and nothing derived from it is given). Every figure names its period; rates are
    given only for a whole year (a part-year 'rate' would read as an annual one)."""
    now = config.assessment_year
    label = period_label(months, now)
    whole = full_year(months, now)
    types = tables["crime_types"]
    rows = {t: i for i, t in enumerate(types.frame["crime_type"])}
    column = f"records_{now}"
    parts = [
        f"{types.text(rows[t], column) if t in rows else '0'} {t.lower()}"
        for t in config.police_uk.focus_crime_types
    ]
    # The area's total in scope: the crime-type table's focus rows add up to it.
    said = [
        t["value"]
        for _, t in types.relations
        if isinstance(t, dict) and t["key"].get("crime_type") == IN_SCOPE
    ]
    total = said[0] if said else "[c]"
    stated = total if isinstance(total, str) else f"{total:,}"
    rate = ""
    if whole and not isinstance(total, str) and total:
        rate = f"; {1000 * total / int(pop['population'].sum()):.2f} per 1,000 residents"
    findings = [
        f"In {label} there were **{stated} crimes in scope** in {config.area_name}: "
        + ", ".join(parts)
        + f"{rate}."
    ]
    if not whole:
        findings.append(
            f"Only {label} of {now} is in the published files, so no rate per 1,000 "
            f"residents is given: a rate for part of a year is not an annual rate."
        )
    change = tables["year_on_year"]
    for i, row in enumerate(change.frame.to_dict("records")):
        counts = (row[f"crimes_{now}"], row[f"crimes_{now - 1}"])
        if not row["months_compared"] or any(pd.isna(c) for c in counts):
            continue
        if pd.isna(row["percent_change"]):  # rounded counts: no change from the true ones
            findings.append(
                f"{row['crime_type']}: {change.text(i, f'crimes_{now}')} in {now} against "
                f"{change.text(i, f'crimes_{now - 1}')} in {now - 1}, over the "
                f"{row['months_compared']} months published in both (counts rounded; the "
                "change is not shown)."
            )
            continue
        findings.append(
            f"{row['crime_type']}: {change.text(i, f'crimes_{now}')} in {now} against "
            f"{change.text(i, f'crimes_{now - 1}')} in {now - 1}, over the "
            f"{row['months_compared']} months published in both ({row['percent_change']:+.1f}%; "
            f"rate ratio {row['rate_ratio']:.2f}, 95% CI {row['ratio_lower']:.2f} to "
            f"{row['ratio_upper']:.2f}): {row['assessment']}."
        )
    rates = tables["district_rates"].frame
    shown = rates.dropna(subset=["rate"]) if whole and "rate" in rates.columns else rates[:0]
    if len(shown):
        top = shown.loc[shown["rate"].astype(float).idxmax()]
        findings.append(
            f"{top.district} had the highest rate of crimes in scope in {now} among districts "
            f"whose count is shown: {top.rate:.2f} per 1,000 residents "
            f"({top.compared_with_area})."
        )
    return findings
