"""Every statement in the demo assessment true on its own data (issue 15): the definition shown
is the one applied, who is counted, missing ages, multiple comparisons, baselines and trends,
scopes, and no duplicate tables, raw field names, paths or hashes in the reader's text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.built_report import built_demo, page_words, table_rows


@pytest.fixture(scope="module")
def published() -> Path:
    return built_demo().published


@pytest.fixture(scope="module")
def words(published: Path) -> str:
    return page_words(published)


rows = table_rows


def test_every_offence_group_counted_is_explained_by_the_definition_shown(published: Path):
    definition = " ".join(r["Value"] for r in rows(published, "methods_definitions"))
    assert "knife or sharp instrument (any offence group)" in definition
    routes = rows(published, "methods_definition_routes")
    explained = {r["Offence group"] for r in routes}
    counted = {r["Offence group"] for r in rows(published, "sv_offence_mix")}
    assert counted == explained
    knife_route = {r["Offence group"] for r in routes if "knife" in r["Route"]}
    assert {"Possession of weapons", "Robbery"} <= knife_route
    for route in {r["Route"] for r in routes}:
        assert route in definition  # every route in the data is a rule shown


def test_missing_ages_are_described_as_they_are_handled(words: str):
    assert "count in totals but not in breakdowns by age" not in words
    assert re.search(
        r"[\d,]+ offences met every other part of the definition but had neither", words
    )
    assert "depend on how completely ages are recorded" in words


def test_young_victims_share_is_not_made_by_the_definition(published: Path, words: str):
    shares = {(r["Role"], r["Age"]): r for r in rows(published, "sv_young_people")}
    victims = float(shares[("Victims", "Under 25")]["Share (%)"])
    assert victims < 70  # on the age-selected set it was 76%, by construction
    assert "apart from age" in words
    counted = rows(published, "sv_who_is_counted")
    assert any(r["Counted because"].startswith("Suspect under 25") for r in counted)


def test_changes_are_controlled_for_the_number_of_tests(words: str):
    assert "Benjamini–Hochberg" in words
    assert re.search(r"publishes \d+ tests of change", words)
    assert "Tunbridge Wells: 181 offences in 2024 against 229" not in words  # p = 0.02 alone


def test_no_endpoint_trend_and_a_flagged_baseline(words: str):
    assert "rose over the five years" not in words
    assert "higher in 2024 than in 2020" not in words
    assert "Against the 2021 to 2023 average" in words
    assert "2020 and 2021 affected by pandemic restrictions" in words
    assert "tested over every year" in words


def test_every_chart_states_its_scope(published: Path):
    html = (published / "assessment.html").read_text(encoding="utf-8")
    figures = re.findall(r"<figure class=\"chart\".*?</figure>", html, flags=re.S)
    assert len(figures) >= 8
    for figure in figures:
        assert '<p class="chart-scope">Scope:' in figure, figure[:200]
    knife = [f for f in figures if "knife_monthly_rolling" in f][0]
    assert "any age, any place, domestic abuse included" in knife


def test_health_compares_like_with_like_and_credits_both_sources(published: Path, words: str):
    header = rows(published, "health_monthly")[0].keys()
    assert "A&E assault under 25" in header and "Police injury violence victim under 25" in header
    html = (published / "assessment.html").read_text(encoding="utf-8")
    health = re.search(r'id="figure-health_monthly".*?</figure>', html, flags=re.S).group(0)
    source = re.search(r"Source: ([^\"<]*)", health).group(1)  # drawn in the chart
    assert "emergency department" in source and "police-recorded crime" in source


def test_success_measures_are_reported_or_said_unavailable(published: Path):
    """The demo has every input, so each measure is counted, with its interval and source. A
    measure without its input is [x] in the table and "not available" in words: checked on the
    build without optional inputs (test_optional_inputs_missing)."""
    measures = {r["Measure"][:2]: r for r in rows(published, "summary_success_measures")}
    assert measures["1."]["Count"].replace(",", "").isdigit()
    assert "Hospital Episode Statistics" in measures["1."]["Source"]
    assert measures["1."]["Lower"] and measures["1."]["Trend over"]
    assert measures["2."]["Count"].replace(",", "").isdigit()
    assert measures["3."]["Count"] not in ("", "[x]")
    html = (published / "assessment.html").read_text(encoding="utf-8")
    panel = re.search(r'<div class="headline-panel">(.*?)</div>', html, flags=re.S).group(1)
    assert "[x]" not in panel and "95% CI" in panel and "Source:" in panel


def test_population_held_flat_is_said(words: str):
    assert "held flat" in words  # the demo population is Census 2021 in every year


def test_no_duplicate_tables_raw_names_paths_or_hashes(published: Path, words: str):
    contents = {}
    for path in sorted((published / "tables").glob("*.csv")):
        contents.setdefault(path.read_bytes(), []).append(path.name)
    assert [names for names in contents.values() if len(names) > 1] == []
    assert "district(s)" not in words
    # Field names read as words wherever a reader meets them outside the table (in Methods)
    # whose job is to map the extract's own column names.
    for table in ("dq_completeness", "dq_completeness_ae"):
        assert all("_" not in r["Field"] for r in rows(published, table)), table
    assert not re.search(r"\b[0-9a-f]{16}…", words)  # no truncated hashes for readers
    for row in rows(published, "methods_inputs"):
        assert "/" not in row["File"] and "\\" not in row["File"]


def test_heatmap_says_how_many_offences_have_no_time(words: str):
    assert re.search(r"[\d,]+ offences with no time recorded are left out", words)


def test_publication_date_is_not_read_as_the_assessment_period(words: str):
    assert "Published 2" not in words
    assert "Assessment year 2024: data from January 2020 to December 2024" in words
