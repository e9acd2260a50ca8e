"""Chapter: methods, definitions and limitations, written from the config and the run."""

from __future__ import annotations

from pathlib import Path, PurePath

import pandas as pd

from sv_assessment import provenance
from sv_assessment.analysis import significance
from sv_assessment.analysis.disclosure import LOW, SYMBOLS
from sv_assessment.catalog import StagedData
from sv_assessment.chapters import scope
from sv_assessment.config import AssessmentConfig
from sv_assessment.schema import input_label

definition_table = scope.definition_table  # the definition shown is the rules applied


def _period(info: dict) -> str:
    first, last = info.get("first_date"), info.get("last_date")
    return f"{first} to {last}" if first and last else ""


def inputs_table(inputs: dict[str, dict], periods: dict[str, str] | None = None) -> pd.DataFrame:
    """Each input: the file (its name only: a local folder is nobody else's business), the
    dates it covers, and rows read, used and set aside. Fingerprints are in run.json."""
    periods = periods or {}
    rows = []
    for name, info in inputs.items():
        rows.append(
            {
                "input": input_label(info, name),
                "file": PurePath(str(info.get("source", ""))).name,
                "period_covered": (periods.get(name) or _period(info))
                if info.get("provided")
                else "not provided",
                "rows_read": info.get("rows_read"),
                "rows_used": info.get("rows_used"),
                "rows_set_aside": info.get("rows_set_aside"),
            }
        )
    return pd.DataFrame(rows)


def date_span(dates: pd.Series) -> str:
    """'January 2020 to December 2024' for a date column, or '' if it has no dates. Months,
    not days: the first and last dates are one offence's or attendance's own dates."""
    known = dates.dropna()
    if known.empty:
        return ""
    return f"{known.min():%B %Y} to {known.max():%B %Y}"


def input_periods(staged_dir: Path) -> dict[str, str]:
    """The dates each staged input covers, read from the staged files."""
    columns = {"offences": "recorded_date", "ae_attendances": "attendance_date"}
    periods = {}
    staged = StagedData(staged_dir)
    for name, column in columns.items():
        if staged.provided(name):
            periods[name] = date_span(staged.read(name, [column])[column])
    if staged.provided("population"):
        years = staged.read("population", ["year"])["year"]
        periods["population"] = f"{int(years.min())} to {int(years.max())} (yearly)"
    return periods


def software_table() -> pd.DataFrame:
    versions = provenance.package_versions()
    rows = [("sv_assessment code version", provenance.code_version())]
    rows += [(name, version) for name, version in versions.items()]
    return pd.DataFrame(rows, columns=["software", "version"])


def statistical_methods(config: AssessmentConfig, family_summary: str) -> str:
    base = significance.baseline_years(config.assessment_year, config.first_year)
    baseline = (
        (f"the average of {base[0]} to {base[-1]}" if len(base) > 1 else f"{base[0]}")
        if base
        else "no earlier year (the window is one year)"
    )
    pandemic = scope.pandemic_note(config)
    return f"""\
- **Periods.** Every count is by calendar year of the date recorded, {config.first_year} to
  {config.assessment_year}; the assessment year is {config.assessment_year}. Months are
  calendar months of the date recorded; time of day and day of week use when the offence
  happened, where it is recorded.
- **Rates** are offences per 1,000 residents, using the population input for the same year;
  rates for an age group use the residents in the matching age bands (children: 0-9 and 10-17;
  young adults: 18-24; adults: 25 and over).
- **Confidence intervals** for counts and rates are exact (Garwood) Poisson 95% intervals.
- **Change on the previous year** is the ratio of the rate in {config.assessment_year} to the
  rate in {config.assessment_year - 1}, with an exact 95% interval from the conditional
  binomial method.
- **Baseline.** The assessment year is also compared with a baseline of the three years before
  it, {baseline}: one unusual year is not a trustworthy yardstick.
  {(pandemic + " (COVID-19 restrictions changed where people went and what was reported), so a baseline or trend that includes them is marked.") if pandemic else ""}
- **Trends** are tested across every year of the window, not by comparing its two ends: a
  log-linear Poisson model of the yearly counts with the population as offset, its variance
  scaled by the over-dispersion of the counts (quasi-Poisson), gives the average change a year
  and a t test of it.
- **Multiple significance.** {family_summary} A change is called *statistically significant*
  only where its adjusted p-value is below 0.05; otherwise *no statistically significant
  change*.
- **Funnel plots** compare each district's rate with the area-wide rate, with 95% and 99.8%
  control limits from exact Poisson quantiles (Spiegelhalter, 2005).
- **Rolling 12-month totals** sum the latest twelve complete months, smoothing seasonality.
- **Concentration** is the share of offences with a known location in the busiest 5% and 10%
  of LSOAs; a **persistent hotspot** is an LSOA in the busiest 10% in every year
  {config.first_year} to {config.assessment_year}.
"""


def disclosure_rule(config: AssessmentConfig) -> str:
    """What the disclosure control guarantees, the policy in force and what each symbol means."""
    small = f"1 to {config.minimum_count - 1}"
    zeros = (
        "Zeros are shown as 0 (a true zero discloses no one), so a hidden cell is never zero."
        if config.show_zeros
        else "Zeros are hidden as [c] like the small counts."
    )
    rule = (
        "its interval spans at least the threshold, or it reaches from the smallest count a "
        "hidden cell can be up to the threshold"
        if config.protection == "range"
        else "its interval spans at least the threshold"
    )
    symbols = "\n".join(f"- **{s}**: {meaning}." for s, meaning in SYMBOLS.items() if s != LOW)
    base = config.rounding
    rounding = (
        f"every count shown is rounded to a multiple of {base}, by controlled rounding: each "
        f"goes to the multiple of {base} just below or just above it, chosen (by integer "
        "programming) so that every total in a table still equals the sum of its parts as "
        "shown, and as close to the true counts as that allows; a count already a multiple of "
        f"{base}, 0 among them, is unchanged, and a count in more than one table is rounded "
        "alike in each. Rates, percentages and other figures are worked out from the rounded "
        "counts, or hidden ([c]) where they would need the true count. Rounding comes after "
        "suppression, which is audited on the true counts, so it only adds protection"
        if base
        else "counts are shown exactly (setting `disclosure.rounding: 5` would round every "
        "count shown to a multiple of 5, keeping each table's totals equal to its parts)"
    )
    return f"""\
Every published number comes from a table that passed one disclosure gate: the tables and
their CSVs, every chart's data (the chart itself, its hover text and its *Data for this chart*
table), the sentences and titles, the data-quality pages and the run record.

- **Threshold {config.minimum_count}**: counts from {small} are hidden (primary suppression).
  {zeros}
- **Secondary suppression, audited exactly.** A hidden count could be worked out by
  subtraction from a total shown in the same table or published elsewhere in the report (a
  district's count in another table, the area's total in a headline). So for every table, with
  its margins and the totals a reader knows, the least and greatest value each hidden cell
  could take are found by linear programming (the interval audit of tau-Argus and sdcTable);
  further cells, the smallest that will do, are hidden until every hidden cell is protected:
  {rule} (protection rule `{config.protection}`). Tables that share counts (a district's
  count in the district tables, a crime type's year in the trend, outcome and district tables)
  are audited as one, so nothing hidden can be narrowed from all of them together.
- **Rounding**: {rounding}.
- **Derived figures**: a rate, interval, percentage, ratio, rank or comparison on a row with
  a hidden count is hidden too, since with the population it would give the count back.
- **Free text and exact dates** are never published: injury mechanisms are published only as
  one of a fixed list of categories (anything else is counted as Other), and periods are given
  in months.
- **Checked before publishing**: the build reads back every published file (CSVs, the web page
  with its embedded chart data, the PDF text, the executed notebooks, the data-quality pages
  and the run record), looks for any count from {small} and tries to recover every hidden cell
  by subtraction across all the tables; any breach stops the build and nothing is published.

The symbols, as the Government Statistical Service uses them (in the CSVs too, where each
table's `.csv-metadata.json` declares them):

{symbols}
"""


def limitations(
    config: AssessmentConfig, provided: dict[str, bool], measured: list[str] | None = None
) -> str:
    """Known limitations; ``measured`` are those worked out from the data of this run (what
    missing ages do to the total, whether the population is held flat)."""
    items = [
        "Police-recorded crime measures what is reported to and recorded by the police; "
        "changes in recording practice and reporting rates affect trends.",
        *(measured or []),
        "Counts by year use the date an offence was recorded, as national statistics do; time "
        "of day and day of week use the date and time it happened, where known.",
        "Hotspot shares are out of LSOAs with at least one offence in the window (the data "
        "hold no list of every LSOA), which if anything understates concentration.",
    ]
    if provided.get("ae_attendances"):
        items.append(
            "A&E attendances are counted by the patient's district of residence and "
            "police offences by where they happened, so the two are not directly "
            "comparable; A&E data cover only those who sought treatment."
        )
    else:
        items.append(
            "No A&E assault attendance data were provided, so the assessment has no "
            "health-service view of violence."
        )
    if config.synthetic_data:
        items.append(
            "**This run used synthetic demonstration data**; no figure in it describes "
            "a real place or person."
        )
    return "\n".join(f"- {item}" for item in items)
