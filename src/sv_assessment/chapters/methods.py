"""Chapter: methods, definitions and limitations, written from the config and the run."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sv_assessment import provenance
from sv_assessment.analysis.disclosure import LOW, SYMBOLS
from sv_assessment.catalog import StagedData
from sv_assessment.config import AssessmentConfig


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def definition_table(config: AssessmentConfig) -> pd.DataFrame:
    sv = config.serious_violence
    rows = [
        ("Offence groups", ", ".join(sv.offence_groups)),
        ("Knife or sharp instrument offences included", _yes(sv.include_knife_or_sharp_instrument)),
        ("Firearm offences included", _yes(sv.include_firearm)),
        ("Possession of weapons included", _yes(sv.include_possession_of_weapons)),
        ("Public place only", _yes(sv.public_place_only)),
        ("Domestic abuse excluded", _yes(sv.exclude_domestic_abuse)),
        ("Victim or suspect under", str(sv.age_under) if sv.age_under else "Any age"),
        (
            "Period",
            f"{config.first_year} to {config.assessment_year} (calendar years, by date recorded)",
        ),
        (
            "Knife and weapon crime",
            "Offences flagged as involving a knife or sharp instrument, "
            "plus possession of weapons offences (any place, any age)",
        ),
        (
            "Small-number suppression",
            f"Counts from 1 to {config.minimum_count - 1} shown as [c], with further cells "
            f"hidden where a total would reveal them (protection rule: {config.protection}; "
            f"zeros {'shown' if config.show_zeros else 'hidden'})",
        ),
    ]
    return pd.DataFrame(rows, columns=["setting", "value"])


def _period(info: dict) -> str:
    first, last = info.get("first_date"), info.get("last_date")
    return f"{first} to {last}" if first and last else ""


def inputs_table(inputs: dict[str, dict], periods: dict[str, str] | None = None) -> pd.DataFrame:
    """Each input: the file, the dates it covers, rows read, used and set aside, fingerprint."""
    periods = periods or {}
    rows = []
    for name, info in inputs.items():
        digest = info.get("sha256")
        rows.append(
            {
                "input": name,
                "file": info.get("source", ""),
                "period_covered": (periods.get(name) or _period(info))
                if info.get("provided")
                else "not provided",
                "rows_read": info.get("rows_read"),
                "rows_used": info.get("rows_used"),
                "rows_set_aside": info.get("rows_set_aside"),
                "sha256": digest[:16] + "…" if digest else "not provided",
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


def statistical_methods(config: AssessmentConfig) -> str:
    return f"""\
- **Rates** are offences per 1,000 residents, using the population input for the same year;
  rates for an age group use the residents in the matching age bands (children: 0-9 and 10-17;
  young adults: 18-24; adults: 25 and over).
- **Confidence intervals** for counts and rates are exact (Garwood) Poisson 95% intervals.
- **Change on the previous year** is the ratio of the rate in {config.assessment_year} to
  the rate in {config.assessment_year - 1}, with an exact 95% interval from the conditional
  binomial method; a change is called *statistically significant* only where the exact
  conditional test gives p < 0.05, otherwise *no statistically significant change*. With
  many districts and groups tested, about one in twenty comparisons can be called
  significant by chance alone.
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
  {rule} (protection rule `{config.protection}`).
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


def limitations(config: AssessmentConfig, provided: dict[str, bool]) -> str:
    items = [
        "Police-recorded crime measures what is reported to and recorded by the police; "
        "changes in recording practice and reporting rates affect trends.",
        "Ages and locations are missing for some offences; these offences count in totals but "
        "not in breakdowns by age or place.",
        "Population is held at the Census 2021 level for every year unless the partnership "
        "supplies mid-year estimates; rates for years far from 2021 carry that approximation.",
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
