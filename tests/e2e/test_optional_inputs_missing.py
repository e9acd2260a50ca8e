"""A build with every optional input missing succeeds, and each section it cannot fill says
"not available" with what to provide, in its own chapter, in the data gaps chapter and, for the
Home Office success measure it feeds, in the summary's headline panel (issue 13, items 4 to 6).
The same sections with every input present are checked on the demo (test_partner_data_demo)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sv_assessment.chapters import availability
from sv_assessment.schema import PARTNER_KINDS
from tests.built_report import built_without_optional_inputs, page_words, table_rows


@pytest.fixture(scope="module")
def published() -> Path:
    return built_without_optional_inputs().published


@pytest.fixture(scope="module")
def words(published: Path) -> str:
    return page_words(published)


rows = table_rows


@pytest.mark.parametrize("kind", PARTNER_KINDS)
def test_each_missing_partner_input_says_what_to_provide(published, words, kind):
    label = availability.need(kind).label.lower()
    assert f"Not available: {label}." in words
    assert not list((published / "tables").glob(f"partner_{kind}_*.csv"))  # no empty table
    gaps = {r["Input"]: r for r in rows(published, "data_gaps")}
    gap = gaps[availability.need(kind).label]
    assert gap["Status"] == "not provided"
    assert gap["What to provide"] and gap["Where to get it"]


def test_the_headline_panel_says_the_hospital_measure_is_not_available(published, words):
    assert re.search(
        r"Hospital admissions for assault with a knife or sharp object, victims under 25: not "
        r"available \(no hospital admissions input was provided",
        words,
    )
    measures = {r["Measure"][:2]: r for r in rows(published, "summary_success_measures")}
    assert measures["1."]["Count"] == "[x]"  # machine-readable: the GSS symbol
    assert measures["2."]["Count"].replace(",", "").isdigit()
    assert measures["3."]["Count"] not in ("", "[x]")


def test_no_chart_is_drawn_empty(published):
    html = (published / "assessment.html").read_text(encoding="utf-8")
    for figure in re.findall(r'<figure class="chart".*?</figure>', html, flags=re.S):
        assert "partner_" not in figure and "health_" not in figure
