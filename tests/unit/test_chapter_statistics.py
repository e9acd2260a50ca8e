"""Chapter functions checked against independent computation on small frames."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sv_assessment.analysis import definitions, disclosure, measures
from sv_assessment.chapters import (
    changes,
    districts,
    knife_crime,
    places,
    summary,
    violence_profile,
)
from sv_assessment.config import AssessmentConfig
from tests.conftest import DISTRICTS, make_config, make_offences, make_population

COUNTS = {
    ("E0000001", 2023): 120,
    ("E0000001", 2024): 130,
    ("E0000002", 2023): 90,
    ("E0000002", 2024): 95,
    ("E0000003", 2023): 3,
    ("E0000003", 2024): 40,
}


def _serious(config: AssessmentConfig, counts: dict = COUNTS) -> pd.DataFrame:
    offences = definitions.with_calendar(make_offences(counts))
    return offences[definitions.serious_violence_mask(offences, config.serious_violence)]


def _family(config: AssessmentConfig, counts: dict = COUNTS) -> pd.DataFrame:
    offences = definitions.with_calendar(make_offences(counts))
    return changes.change_family(offences, make_population(config.years), config)


def test_district_rates_and_exact_intervals(config: AssessmentConfig) -> None:
    table = districts.district_table(
        _serious(config), make_population(config.years), config, _family(config)
    )
    for row in table.itertuples():
        pop = dict((c, p) for c, _, p in DISTRICTS)[row.district_code]
        count = COUNTS[(row.district_code, 2024)]
        assert row.offences == count
        assert row.rate == pytest.approx(round(1000 * count / pop, 2))
        # Garwood limits straight from the chi-squared distribution.
        lower = stats.chi2.ppf(0.025, 2 * count) / 2 * 1000 / pop
        upper = stats.chi2.ppf(0.975, 2 * count + 2) / 2 * 1000 / pop
        assert row.rate_lower == pytest.approx(round(lower, 2))
        assert row.rate_upper == pytest.approx(round(upper, 2))
    assert table["rank"].tolist() == sorted(table["rank"])
    assert table.iloc[0]["rate"] == table["rate"].max()


def test_district_funnel_flag_matches_independent_poisson_limits(config: AssessmentConfig) -> None:
    table = districts.district_table(
        _serious(config), make_population(config.years), config, _family(config)
    )
    area = table["offences"].sum() / table["population"].sum()
    for row in table.itertuples():
        expected = area * row.population
        upper95 = stats.poisson.ppf(0.975, expected)
        lower95 = stats.poisson.ppf(0.025, expected)
        if row.offences > upper95:
            assert row.compared_with_area.startswith("above")
        elif row.offences < lower95:
            assert row.compared_with_area.startswith("below")
        elif lower95 < row.offences < upper95 - 1:
            assert row.compared_with_area == "within limits"


def test_funnel_limits_bracket_poisson_quantiles() -> None:
    pops = np.array([10_000, 50_000, 200_000])
    limits = measures.funnel_limits(2.0, pops)
    for pop, upper in zip(pops, limits["upper_95"], strict=True):
        mu = 2.0 * pop / 1000
        q = stats.poisson.ppf(0.975, mu)
        assert (q - 1) / pop * 1000 <= upper <= q / pop * 1000 + 1e-12


def _exact_ratio_ci(a: int, pop_a: float, b: int, pop_b: float) -> tuple[float, float]:
    ci = stats.binomtest(a, a + b).proportion_ci(0.95, method="exact")
    return (ci.low / (1 - ci.low) * pop_b / pop_a, ci.high / (1 - ci.high) * pop_b / pop_a)


def test_knife_age_groups_use_matching_population_bands(config: AssessmentConfig) -> None:
    knife = knife_crime.knife_offences(definitions.with_calendar(make_offences(COUNTS)))
    population = make_population(config.years)
    table = knife_crime.age_group_change(knife, population, config, _family(config)).set_index(
        "group"
    )
    aged = knife_crime.by_age_group(knife)
    for group, bands in knife_crime.AGE_GROUP_BANDS.items():
        pop = population[(population["year"] == 2024) & population["age_band"].isin(bands)]
        residents = float(pop["population"].sum())
        count = int(((aged["age_group"] == group) & (aged["year"] == 2024)).sum())
        before = int(((aged["age_group"] == group) & (aged["year"] == 2023)).sum())
        assert table.loc[group, "offences_2024"] == count
        assert table.loc[group, "rate_2024"] == pytest.approx(round(1000 * count / residents, 2))
        low, high = _exact_ratio_ci(count, residents, before, residents)
        assert table.loc[group, "ratio_lower"] == pytest.approx(round(low, 2))
        assert table.loc[group, "ratio_upper"] == pytest.approx(round(high, 2))
    assert table.loc[knife_crime.NOT_RECORDED, "rate_2024"] == "n/a"
    assert table["offences_2024"].sum() == int((knife["year"] == 2024).sum())


def test_knife_district_change_counts(config: AssessmentConfig) -> None:
    knife = knife_crime.knife_offences(definitions.with_calendar(make_offences(COUNTS)))
    table = knife_crime.district_change(
        knife, make_population(config.years), config, _family(config)
    )
    assert table["offences_2024"].sum() == int((knife["year"] == 2024).sum())
    assert set(table["district"]) == {n for _, n, _ in DISTRICTS}


def test_concentration_share_against_manual_sort(config: AssessmentConfig) -> None:
    counts = places.lsoa_year_counts(_serious(config), config)
    table = places.concentration_table(counts, 2024)
    latest = counts[counts["year"] == 2024]["offences"].sort_values(ascending=False)
    n = len(latest)
    for fraction, share in zip(places.TOP_FRACTIONS, table["percent_of_offences"], strict=True):
        k = math.ceil(fraction * n)
        assert share == pytest.approx(round(100 * latest.iloc[:k].sum() / latest.sum(), 1))
    assert table["lsoas"].tolist() == [math.ceil(f * n) for f in places.TOP_FRACTIONS]


def test_persistent_hotspots_are_top_every_year(config: AssessmentConfig) -> None:
    counts = places.lsoa_year_counts(_serious(config), config)
    persistent = places.persistent_hotspots(counts, config)
    for lsoa in persistent["lsoa_code"]:
        for year in config.years:
            one = counts[counts["year"] == year].sort_values(
                ["offences", "lsoa_code"], ascending=[False, True]
            )
            top = one.head(math.ceil(0.1 * len(one)))["lsoa_code"]
            assert lsoa in set(top)


def gate() -> disclosure.Gate:
    """A fresh gate: its register holds one build's decisions, not another test's."""
    return disclosure.gate_for(disclosure.DisclosurePolicy(5))


def shown_counts(protected: disclosure.Protected, columns: list[str]) -> list[float]:
    cells = disclosure.published_cells(protected, thousands=False)
    return [v for c in columns for v in cells[c] if not isinstance(v, str)]


def test_top_lsoas_table_published_safely(config: AssessmentConfig) -> None:
    counts = places.lsoa_year_counts(_serious(config), config)
    top = places.top_lsoas(counts, config, n=30)
    assert top["offences_2024"].is_monotonic_decreasing
    safe = gate()(top, ["offences_2023", "offences_2024"])
    assert not any(1 <= v < 5 for v in shown_counts(safe, ["offences_2023", "offences_2024"]))


def test_who_table_suppression_leaves_nothing_recoverable(config: AssessmentConfig) -> None:
    table = violence_profile.who_table(_serious(config, {("E0000003", 2024): 23}), 2024)
    body = ["Female", "Male", "Unknown"]
    out = gate()(table, [*body, "Total"], row_total_column="Total")
    assert not any(1 <= v < 5 for v in shown_counts(out, [*body, "Total"]))
    for row in range(len(table)):
        hidden = sum(out.status[c].iloc[row] == disclosure.CONFIDENTIAL for c in [*body, "Total"])
        assert hidden != 1, "a single hidden cell in a row could be worked out from the total"


def test_district_changes_never_state_a_small_count(config: AssessmentConfig) -> None:
    # Alpha: 2 offences in 2024 against 15 in 2023 (a significant fall) was stated in full.
    counts = {
        ("E0000001", 2023): 15,
        ("E0000001", 2024): 2,
        ("E0000002", 2023): 150,
        ("E0000002", 2024): 300,
        ("E0000003", 2023): 60,
        ("E0000003", 2024): 57,
    }
    findings = "\n".join(_findings(config, counts))
    assert "2 offences" not in findings and "Alpha: " not in findings
    assert "Beta: 300 offences in 2024 against 150 in 2023" in findings


def test_weekday_hour_heatmap_hides_small_cells_in_chart_and_data(config: AssessmentConfig) -> None:
    serious = _serious(config)
    data = violence_profile.weekday_hour_counts(serious, 2024)
    hours = [c for c in data.columns if c != "day"]
    small = (data[hours] >= 1) & (data[hours] < 5)
    assert small.to_numpy().any(), "the fixture must have small cells"
    protected = gate()(data, hours, row_keys=["day"])
    spec = violence_profile.weekday_hour_figure(protected, config, 0)
    z = spec.figure.data[0].z
    for row, column in zip(*small.to_numpy().nonzero(), strict=True):
        assert protected.status[hours[column]].iloc[row] == disclosure.CONFIDENTIAL
        assert z[row][column] != z[row][column]  # NaN: the chart draws nothing there
    assert not any(1 <= v < 5 for v in shown_counts(spec.data, hours))


def test_funnel_hides_a_small_district_with_its_rate(config: AssessmentConfig) -> None:
    counts = {("E0000001", 2024): 3, ("E0000002", 2024): 120, ("E0000003", 2024): 60}
    counts |= {(c, 2023): 50 for c, _, _ in DISTRICTS}
    offences = definitions.with_calendar(make_offences(counts))
    serious = offences[definitions.serious_violence_mask(offences, config.serious_violence)]
    population = make_population(config.years)
    family = changes.change_family(offences, population, config)
    table = districts.district_table(serious, population, config, family)
    funnel = districts.funnel_data(table, gate(), 2024)
    cells = disclosure.published_cells(funnel, thousands=False).set_index("district")
    assert cells.loc["Alpha", "offences"] == disclosure.CONFIDENTIAL
    assert cells.loc["Alpha", "rate"] == disclosure.CONFIDENTIAL
    spec = districts.funnel_figure(funnel, table, config)
    points = spec.figure.data[-1]
    assert "Alpha" not in [t for t, y in zip(points.text, points.y, strict=True) if y == y]
    rates = districts.rates_view(table, 2024, gate())
    row = disclosure.published_cells(rates, thousands=False).set_index("district").loc["Alpha"]
    assert {row[c] for c in ("rank", "rate", "rate_lower", "compared_with_area")} == {"[c]"}


def test_young_people_shares_against_direct_count(config: AssessmentConfig) -> None:
    serious = _serious(config)  # every offence made meets the definition apart from age too
    offences = definitions.with_calendar(make_offences(COUNTS))
    shares = violence_profile.young_people_shares(offences, config.serious_violence, 2024)
    shares = shares.set_index(["role", "age"])
    latest = serious[serious["year"] == 2024]
    ages = latest["suspect_age"].dropna()
    assert shares.loc[("Suspects", "Under 18"), "people"] == int((ages < 18).sum())
    assert shares.loc[("Suspects", "Under 25"), "percent"] == pytest.approx(
        round(100 * (ages < 25).mean(), 1)
    )


def _findings(config: AssessmentConfig, counts: dict) -> list[str]:
    offences = definitions.with_calendar(make_offences(counts))
    serious = offences[definitions.serious_violence_mask(offences, config.serious_violence)]
    population = make_population(config.years)
    return summary.key_findings(offences, serious, population, config, gate())


def test_sharp_district_rise_called_significant_and_wobble_not(config: AssessmentConfig) -> None:
    counts = {
        ("E0000001", 2023): 100,
        ("E0000001", 2024): 200,  # a sharp rise
        ("E0000002", 2023): 150,
        ("E0000002", 2024): 158,  # a small wobble
        ("E0000003", 2023): 60,
        ("E0000003", 2024): 57,
    }
    findings = "\n".join(_findings(config, counts))
    alpha = [f for f in findings.splitlines() if f.startswith("Alpha:")]
    assert alpha and "a statistically significant rise" in alpha[0]
    assert not any(f.startswith(("Beta:", "Gamma:")) for f in findings.splitlines())
    assert "Beta" not in findings.replace("Beta had the highest", "")


def test_wobble_only_says_no_significant_change(config: AssessmentConfig) -> None:
    counts = {
        ("E0000001", 2023): 100,
        ("E0000001", 2024): 106,
        ("E0000002", 2023): 150,
        ("E0000002", 2024): 143,
        ("E0000003", 2023): 60,
        ("E0000003", 2024): 64,
    }
    findings = _findings(config, counts)
    text = "\n".join(findings)
    assert "statistically significant rise" not in text
    assert "statistically significant fall" not in text
    assert "no statistically significant change" in findings[0]
    assert any(
        f.startswith("No district showed a statistically significant change") for f in findings
    )


def test_who_sentence_says_so_when_no_age_share_can_be_given():
    shares = pd.DataFrame(
        {
            "role": ["Victims", "Victims", "Suspects", "Suspects"],
            "age": ["Under 18", "Under 25"] * 2,
            "people": [0, 0, 2, 3],
            "with_age_recorded": [0, 0, 3, 3],
            "percent": [None, None, 66.7, 100.0],
        }
    )
    counted = pd.DataFrame({"counted_because": ["Suspect under 25"], "offences": [3]})
    counted["percent"] = 100.0
    protect = gate()
    text = violence_profile.who_sentence(
        violence_profile.protected_shares(shares, protect),
        violence_profile.protected_counted(counted, protect),
        25,
    )
    assert "of victims with an age recorded, no ages were recorded" in text
    assert "too few ages were recorded to publish shares" in text  # 2 and 3 would be disclosed
    assert "%" not in text


def test_who_sentence_never_states_a_share_hidden_to_protect_another() -> None:
    """3 offences in only because of the victim's age are hidden for their size; the year's 73
    are known, so the 30 in only because of the suspect's age are hidden too (else 73 - 40 - 30
    gives the 3 back), and so is their share: the primary rule alone stated it (41%)."""
    counted = pd.DataFrame(
        {
            "counted_because": [
                "Victim and suspect both under 25",
                "Victim under 25; suspect 25 or over or not recorded",
                "Suspect under 25; victim 25 or over or not recorded",
            ],
            "offences": [40, 3, 30],
        }
    )
    counted["percent"] = (100 * counted["offences"] / 73).round(1)
    shares = pd.DataFrame(
        {
            "role": ["Victims", "Victims", "Suspects", "Suspects"],
            "age": ["Under 18", "Under 25"] * 2,
            "people": [20, 60, 3, 50],
            "with_age_recorded": [70, 70, 60, 60],
            "percent": [28.6, 85.7, 5.0, 83.3],
        }
    )
    protect = gate()
    protected = violence_profile.protected_counted(counted, protect)
    assert protected.status["offences"].tolist() == ["", "[c]", "[c]"]
    text = violence_profile.who_sentence(
        violence_profile.protected_shares(shares, protect), protected, 25
    )
    assert "41%" not in text and "only because the suspect" not in text
    # Suspects under 18 are 3: their share (5%) is not given; victims' shares are.
    assert "of victims with an age recorded, 86% were under 25 and 29% under 18" in text
    assert "of suspects, too few ages were recorded to publish shares" in text


def test_change_sentences_never_state_a_count_hidden_to_protect_another(tmp_path) -> None:
    """The first year's 3 offences are hidden for their size and, the years' total being
    known, the next smallest year too: the baseline average and the trend rest on hidden counts
    and give no figures (the primary rule alone stated the average and the trend)."""
    config = make_config(tmp_path, first_year=2020)
    years = config.years
    counts = dict(zip(years, [3, 50, 90, 95, 100], strict=True))
    offences = definitions.with_calendar(
        make_offences({("E0000001", y): n for y, n in counts.items()})
    )
    population = make_population(years)
    family = changes.change_family(offences, population, config)
    serious = offences[definitions.serious_violence_mask(offences, config.serious_violence)]
    yearly = violence_profile.protected_yearly(
        violence_profile.yearly_volume(serious, population, config), gate()
    )
    assert (yearly.status["offences"] == "[c]").sum() == 2
    text = changes.change_sentences(family, changes.SERIOUS_VIOLENCE, config, yearly)
    assert "100 offences against 95" in text  # the year before: both counts shown
    assert "average (" not in text and "a year on average" not in text
    assert text.count(changes.NOT_SHOWN) == 2


def test_sentences_say_none_in_words_not_as_a_zero():
    import pandas as pd

    from sv_assessment.chapters import places

    counts = pd.DataFrame({"lsoa_code": ["E1", "E2"], "year": [2024, 2024], "offences": [3, 4]})
    empty = pd.DataFrame({"lsoa_code": [], "district": []})

    class Config:
        first_year, assessment_year = 2020, 2024

    sentence = places.persistence_sentence(empty, counts, Config())
    assert sentence.startswith("No LSOA was in the busiest 10%")
