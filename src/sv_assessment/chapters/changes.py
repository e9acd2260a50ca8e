"""Every change over time the assessment publishes, tested as one family.

Each test (the assessment year against the year before, against the baseline of the three years
before it, and the trend across the whole window; for the area, each district and each age
group) is made here, and their p-values are adjusted together by the Benjamini–Hochberg method,
so that a few chance results among dozens of comparisons are not reported as findings. Every
chapter reads its verdicts from this one table, so the same comparison is worded the same way
wherever it appears.
"""

from __future__ import annotations

import math

import pandas as pd

from sv_assessment.analysis import definitions, measures, significance
from sv_assessment.analysis.disclosure import Protected
from sv_assessment.config import AssessmentConfig

ALPHA = 0.05
METHOD = "Benjamini–Hochberg"
SERIOUS_VIOLENCE = "Serious violence"
KNIFE = "Knife and weapon offences"
AREA = "Whole area"
PREVIOUS_YEAR, BASELINE, TREND = "previous year", "baseline", "trend"
# Age groups for knife crime and the population bands that match them.
AGE_GROUP_BANDS: dict[str, list[str]] = {
    "Children (under 18)": ["0-9", "10-17"],
    "Young adults (18 to 24)": ["18-24"],
    "Adults (25 and over)": ["25-34", "35-49", "50-64", "65+"],
}
NOT_RECORDED = "Age not recorded"


def by_age_group(knife: pd.DataFrame) -> pd.Series:
    """Age group from the victim's age (the suspect's where no victim age is recorded)."""
    ages = knife["victim_age"].fillna(knife["suspect_age"]).astype("Float64")
    groups = pd.cut(ages, bins=[-1, 17, 24, 200], labels=list(AGE_GROUP_BANDS))
    return groups.cat.add_categories([NOT_RECORDED]).fillna(NOT_RECORDED)


def _residents(population: pd.DataFrame, bands: list[str] | None = None) -> pd.Series:
    return definitions.population_by(population, ["year"], bands).set_index("year")["population"]


def _tests(
    measure: str, group: str, years: pd.Series, residents: pd.Series, config: AssessmentConfig
) -> list[dict]:
    """The previous-year, baseline and trend tests for one series of offences."""
    now, before = config.assessment_year, config.assessment_year - 1
    counts = years.value_counts().reindex(config.years, fill_value=0)
    pops = residents.reindex(config.years).astype(float)
    rows = []
    if pops.get(now, 0) > 0 and pops.get(before, 0) > 0:
        rr = measures.rate_ratio(int(counts[now]), pops[now], int(counts[before]), pops[before])
        rows.append(
            _row(
                measure,
                group,
                PREVIOUS_YEAR,
                str(before),
                counts[before],
                counts[now],
                rr.percent_change,
                rr.lower,
                rr.upper,
                rr.p_value,
                rr.ratio,
            )
        )
    base = significance.baseline_years(now, config.first_year)
    if base and (pops[base] > 0).all() and pops.get(now, 0) > 0:
        rr = measures.rate_ratio(
            int(counts[now]), pops[now], int(counts[base].sum()), float(pops[base].sum())
        )
        rows.append(
            _row(
                measure,
                group,
                BASELINE,
                _span(base),
                counts[base].mean(),
                counts[now],
                rr.percent_change,
                rr.lower,
                rr.upper,
                rr.p_value,
                rr.ratio,
            )
        )
    if len(config.years) >= 3 and (pops > 0).all():
        trend = significance.poisson_trend(counts.to_numpy(), pops.to_numpy(), config.years)
        rows.append(
            _row(
                measure,
                group,
                TREND,
                _span(config.years),
                counts.iloc[0],
                counts[now],
                trend.annual_percent_change,
                trend.lower,
                trend.upper,
                trend.p_value,
                math.nan,
            )
        )
    return rows


def _span(years: list[int]) -> str:
    return str(years[0]) if len(years) == 1 else f"{years[0]} to {years[-1]}"


def _row(measure, group, comparison, against, count_before, count_now, change, lower, upper,
         p_value, ratio) -> dict:  # fmt: skip
    return {
        "measure": measure,
        "group": group,
        "comparison": comparison,
        "compared_with": against,
        "offences_before": float(count_before),
        "offences_now": int(count_now),
        "rate_ratio": ratio,
        "percent_change": change,
        "lower": lower,
        "upper": upper,
        "p_value": p_value,
    }


def change_family(
    offences: pd.DataFrame, population: pd.DataFrame, config: AssessmentConfig
) -> pd.DataFrame:
    """Every published test of change, with Benjamini–Hochberg adjusted p-values and a verdict.

    ``percent_change``, ``lower`` and ``upper`` are the change in the rate (for a trend, the
    average change a year) and its unadjusted 95% interval."""
    serious = offences[definitions.serious_violence_mask(offences, config.serious_violence)]
    knife = offences[definitions.knife_crime_mask(offences)]
    everyone = _residents(population)
    rows = _tests(SERIOUS_VIOLENCE, AREA, serious["year"], everyone, config)
    for code in config.district_codes:
        residents = _residents(population[population["district_code"] == code])
        one = serious.loc[serious["district_code"] == code, "year"]
        rows += [r for r in _tests(SERIOUS_VIOLENCE, config.district_names[code], one,
                                   residents, config) if r["comparison"] != BASELINE]  # fmt: skip
    rows += _tests(KNIFE, AREA, knife["year"], everyone, config)
    groups = by_age_group(knife)
    for group in [*AGE_GROUP_BANDS, NOT_RECORDED]:
        residents = _residents(population, AGE_GROUP_BANDS.get(group))
        rows += [r for r in _tests(KNIFE, group, knife.loc[groups == group, "year"], residents,
                                   config) if r["comparison"] == PREVIOUS_YEAR]  # fmt: skip
    for code in config.district_codes:
        residents = _residents(population[population["district_code"] == code])
        one = knife.loc[knife["district_code"] == code, "year"]
        rows += [r for r in _tests(KNIFE, config.district_names[code], one, residents, config)
                 if r["comparison"] == PREVIOUS_YEAR]  # fmt: skip
    family = pd.DataFrame(rows)
    family["p_adjusted"] = significance.benjamini_hochberg(family["p_value"].to_numpy())
    family["assessment"] = [
        verdict(p, change)
        for p, change in zip(family["p_adjusted"], family["percent_change"], strict=True)
    ]
    return family


def verdict(p_adjusted: float, percent_change: float) -> str:
    """A rise or fall only where the adjusted p-value is below 5%."""
    if math.isnan(p_adjusted):
        return "not tested (too few offences)"
    if math.isnan(percent_change) or p_adjusted >= ALPHA:
        return "no statistically significant change"
    return f"a statistically significant {'rise' if percent_change > 0 else 'fall'}"


def pick(family: pd.DataFrame, measure: str, group: str, comparison: str) -> pd.Series | None:
    """One test's row, or None when it could not be made (e.g. no population)."""
    hit = family[
        (family["measure"] == measure)
        & (family["group"] == group)
        & (family["comparison"] == comparison)
    ]
    return hit.iloc[0] if len(hit) else None


NOT_SHOWN = "not shown, as a count it rests on is hidden ([c])"


def change_sentences(
    family: pd.DataFrame, measure: str, config: AssessmentConfig, yearly: Protected
) -> str:
    """The area's change against the year before, the baseline and the trend, in words, every
    count as ``yearly`` (the measure's offences each year, through the gate) shows it. A
    comparison resting on a count hidden there (small, or hidden so that another cannot be
    worked out) gives no count, change, interval or verdict: any of them would narrow it."""
    now, before = config.assessment_year, config.assessment_year - 1
    rows = {int(year): i for i, year in enumerate(yearly.frame["year"])}

    def shown(*years: int) -> bool:
        return all(y in rows and not yearly.status["offences"].iloc[rows[y]] for y in years)

    def count(year: int) -> float:
        return float(yearly.frame["offences"].iloc[rows[year]])

    parts = []
    previous = pick(family, measure, AREA, PREVIOUS_YEAR)
    if previous is not None and not shown(now, before):
        parts.append(f"Against {before}: {NOT_SHOWN}.")
    elif previous is not None:
        parts.append(
            f"Against {before}: {count(now):,.0f} offences against {count(before):,.0f} "
            f"({_ratio_change(previous)}): {previous.assessment}."
        )
    baseline = pick(family, measure, AREA, BASELINE)
    base = significance.baseline_years(now, config.first_year)
    if baseline is not None and not shown(now, *base):
        parts.append(f"Against the {baseline.compared_with} average: {NOT_SHOWN}.")
    elif baseline is not None:
        flagged = [y for y in significance.PANDEMIC_YEARS if str(y) in baseline.compared_with]
        note = (
            f"; {' and '.join(map(str, flagged))} affected by pandemic restrictions"
            if flagged
            else ""
        )
        average = sum(count(y) for y in base) / len(base)
        parts.append(
            f"Against the {baseline.compared_with} average ({average:,.0f} "
            f"a year{note}): {_ratio_change(baseline)}: {baseline.assessment}."
        )
    trend = pick(family, measure, AREA, TREND)
    if trend is not None and not shown(*config.years):
        parts.append(f"Trend across {trend.compared_with}: {NOT_SHOWN}.")
    elif trend is not None and math.isnan(trend.percent_change):
        parts.append(f"Trend across {trend.compared_with}: too few offences to test.")
    elif trend is not None:
        parts.append(
            f"Trend across {trend.compared_with}, tested over every year: "
            f"{trend.percent_change:+.1f}% a year on average (95% CI {trend.lower:+.1f}% to "
            f"{trend.upper:+.1f}%): {trend.assessment}."
        )
    if parts:
        parts.append(
            f"(Verdicts allow for the {len(family)} tests of change this assessment makes; the 95% "
            "intervals are for each comparison on its own.)"
        )
    return " ".join(parts)


def _ratio_change(row: pd.Series) -> str:
    if math.isnan(row.rate_ratio) or math.isinf(row.rate_ratio):
        return "no rate ratio: no offences in one of the periods"
    return (
        f"{row.percent_change:+.1f}% in the rate; rate ratio {row.rate_ratio:.2f}, 95% CI "
        f"{row.lower:.2f} to {row.upper:.2f}"
    )


def family_summary(family: pd.DataFrame) -> str:
    """How many tests were made and how they were controlled, for the methods chapter."""
    significant = int((family["p_adjusted"] < ALPHA).sum())
    unadjusted = int((family["p_value"] < ALPHA).sum())
    return (
        f"The assessment publishes {len(family)} tests of change (each year against the one "
        f"before, against the three-year baseline, and trends, for the area, its districts and "
        f"age groups). Their p-values are adjusted together by the {METHOD} method, which keeps "
        f"the expected share of false findings among those called significant below 5%: "
        f"{significant} {'is' if significant == 1 else 'are'} significant after adjustment "
        f"({unadjusted} would have been at p < 0.05 taken one at a time). Confidence intervals "
        f"are 95% intervals for each comparison on its own."
    )
