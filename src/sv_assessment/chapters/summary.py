"""Chapter: summary and key findings, worded by the statistics."""

from __future__ import annotations

import pandas as pd

from sv_assessment import measures
from sv_assessment.chapters import districts, knife_crime, violence_profile
from sv_assessment.config import AssessmentConfig


def key_findings(
    offences: pd.DataFrame,
    serious: pd.DataFrame,
    population: pd.DataFrame,
    config: AssessmentConfig,
) -> list[str]:
    yearly = violence_profile.yearly_volume(serious, population, config)
    findings = [violence_profile.headline(yearly, config)]
    knife = knife_crime.year_on_year(knife_crime.knife_offences(offences), population, config)
    row = knife.iloc[0]
    now, before = config.assessment_year, config.assessment_year - 1
    findings.append(
        f"Knife and weapon offences: {row[f'offences_{now}']:,} in {now} against "
        f"{row[f'offences_{before}']:,} in {before} ({row.percent_change:+.1f}%; rate ratio "
        f"{row.rate_ratio:.2f}, 95% CI {row.ratio_lower:.2f} to {row.ratio_upper:.2f}): "
        f"{row.assessment}."
    )
    table = districts.district_table(serious, population, config)
    top = table.iloc[0]
    findings.append(
        f"{top.district} had the highest rate of serious violence in {now}: "
        f"{top.rate:.2f} per 1,000 residents ({top.compared_with_area})."
    )
    findings += district_changes(serious, population, config)
    return findings


def district_changes(
    serious: pd.DataFrame, population: pd.DataFrame, config: AssessmentConfig
) -> list[str]:
    """A sentence for each district whose change on the previous year is significant."""
    now, before = config.assessment_year, config.assessment_year - 1
    sentences = []
    pop = population.groupby(["district_code", "year"])["population"].sum()
    for code in config.district_codes:
        one = serious[serious["district_code"] == code]
        c_now, c_before = int((one["year"] == now).sum()), int((one["year"] == before).sum())
        rr = measures.rate_ratio(
            c_now, pop.get((code, now), 0), c_before, pop.get((code, before), 0)
        )
        if rr.p_value < 0.05:
            sentences.append(
                measures.format_change_sentence(
                    config.district_names[code], c_now, c_before, rr, str(now), str(before)
                )
            )
    return sentences
