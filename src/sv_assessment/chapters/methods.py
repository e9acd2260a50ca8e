"""Chapter: methods, definitions and limitations, written from the config and the run."""

from __future__ import annotations

import pandas as pd

from sv_assessment import provenance
from sv_assessment.config import AssessmentConfig


def definition_table(config: AssessmentConfig) -> pd.DataFrame:
    sv = config.serious_violence
    rows = [
        ("Offence groups", ", ".join(sv.offence_groups)),
        (
            "Knife or sharp instrument offences included",
            "Yes" if sv.include_knife_or_sharp_instrument else "No",
        ),
        ("Firearm offences included", "Yes" if sv.include_firearm else "No"),
        ("Possession of weapons included", "Yes" if sv.include_possession_of_weapons else "No"),
        ("Public place only", "Yes" if sv.public_place_only else "No"),
        ("Domestic abuse excluded", "Yes" if sv.exclude_domestic_abuse else "No"),
        ("Victim or suspect under", str(sv.age_under) if sv.age_under else "Any age"),
        (
            "Period",
            f"{config.first_year} to {config.assessment_year} (calendar years, by date recorded)",
        ),
        ("Small-number suppression", f"Counts from 1 to {config.minimum_count - 1} shown as [c]"),
    ]
    return pd.DataFrame(rows, columns=["setting", "value"])


def inputs_table(inputs: dict[str, dict]) -> pd.DataFrame:
    rows = [
        {
            "input": name,
            "file": info.get("source", ""),
            "rows_read": info.get("rows_read"),
            "rows_used": info.get("rows_used"),
            "rows_set_aside": info.get("rows_set_aside"),
            "sha256": (info.get("sha256") or "")[:16] + "…"
            if info.get("sha256")
            else "not provided",
        }
        for name, info in inputs.items()
    ]
    return pd.DataFrame(rows)


def software_table() -> pd.DataFrame:
    versions = provenance.package_versions()
    rows = [("sv_assessment code version", provenance.code_version())]
    rows += [(name, version) for name, version in versions.items()]
    return pd.DataFrame(rows, columns=["software", "version"])


STATISTICAL_METHODS = """\
- **Rates** are offences per 1,000 residents, using the population input for the same year.
- **Confidence intervals** for counts and rates are exact (Garwood) Poisson 95% intervals.
- **Change on the previous year** is the ratio of the two years' rates, with an exact 95%
  interval from the conditional binomial method; a change is called *statistically significant*
  only where the exact conditional test gives p < 0.05, otherwise *no statistically significant
  change*.
- **Funnel plots** compare each district's rate with the area-wide rate, with 95% and 99.8%
  control limits from exact Poisson quantiles (Spiegelhalter, 2005).
- **Disclosure control**: counts from 1 to the threshold minus one are suppressed ([c]), with
  secondary suppression wherever a published total would reveal a suppressed cell.
"""

LIMITATIONS = """\
- Police-recorded crime measures what is reported to and recorded by the police; changes in
  recording practice and reporting rates affect trends.
- Ages and locations are missing for some offences; these offences count in totals but not in
  breakdowns by age or place.
- Population is held at the Census 2021 level for every year unless the partnership supplies
  mid-year estimates; rates for years far from 2021 carry that approximation.
- Counts by year use the date an offence was recorded, as national statistics do; time of day
  and day of week use the date and time it happened, where known.
"""
