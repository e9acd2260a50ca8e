"""The summary's headline panel: the Home Office's three success measures for under-25s, each
with its latest count, interval, trend and source, or "not available" (issue 13, item 5)."""

from __future__ import annotations

import pandas as pd

from sv_assessment.analysis import definitions
from sv_assessment.analysis.disclosure import DisclosurePolicy, gate_for
from sv_assessment.chapters import priorities, success_measures
from tests.conftest import make_config, make_offences, make_population

COUNTS = {(code, year): 50 for code in ("E0000001", "E0000002") for year in (2022, 2023, 2024)}


def _admissions() -> pd.DataFrame:
    rows = []
    for period, young in (("2020-21", 80), ("2021-22", 70), ("2022-23", 60), ("2023-24", 50)):
        rows += [
            ("E0000001", period, "15-19", young),
            ("E0000001", period, "20-29", 500),  # across 25: not an under-25 band
            ("E0000001", period, "25+", 900),
            ("E0000009", period, "15-19", 1000),  # another area's row
        ]
    frame = pd.DataFrame(rows, columns=["area_code", "period", "age_band", "admissions"])
    return frame.assign(area_name=pd.NA).astype({"admissions": "Int64"})


def test_the_hospital_measure_counts_only_under_25_bands_of_the_area(tmp_path):
    config = make_config(tmp_path, first_year=2022, last_year=2024)
    offences = definitions.with_calendar(make_offences(COUNTS))
    table = success_measures.success_measures(
        offences, _admissions(), config, make_population([2022, 2023, 2024])
    )
    first = table.iloc[0]
    assert first["period"] == "2023-24" and first["count"] == 50
    assert first["lower"] < 50 < first["upper"]
    assert first["trend_over"] == "2020-21 to 2023-24" and first["trend_percent_a_year"] < 0
    assert "Hospital Episode Statistics" in first["source"]
    knife = table.iloc[1]
    young = (offences["victim_age"] < 25).fillna(False)
    enabled = offences["knife_flag"] & ~offences["offence_group"].eq("Possession of weapons")
    assert knife["count"] == int((enabled & young & (offences["year"] == 2024)).sum())


def test_the_panel_says_each_measure_in_words_and_hides_small_counts(tmp_path):
    config = make_config(tmp_path, first_year=2022, last_year=2024)
    offences = definitions.with_calendar(make_offences(COUNTS))
    table = success_measures.success_measures(offences, _admissions(), config)
    published = success_measures.protected(table, gate_for(DisclosurePolicy(5)))
    text = success_measures.panel(published, config)
    assert text.startswith("::: {.headline-panel}")
    assert "50 in 2023-24 (95% CI" in text and "a year (95% CI" in text
    # No homicide in the data: 0 is shown (a true zero), never "not available".
    assert "Non-domestic homicide, victims under 25:** 0 in 2024" in text
    small = table.assign(count=table["count"].where(table.index != 1, 3))
    hidden = success_measures.panel(
        success_measures.protected(small, gate_for(DisclosurePolicy(5))), config
    )
    assert "enabled serious violence, victims under 25:** [c] in 2024 (a small number" in hidden


def test_the_summary_lists_priorities_linked_to_their_sections():
    entries = priorities.parse(
        "- priority: Knife crime\n  owner: VRU\n  evidence:\n"
        "    - {figure: knife_monthly, says: Knife crime by month}\n"
        "- priority: Night-time economy\n  owner: Licensing\n",
        "test",
    )
    text = priorities.summary_markdown(entries, synthetic=False)
    assert "1. [Knife crime](#priority-1). Owner: VRU." in text
    assert "[Knife crime by month](#figure-knife_monthly)" in text
    assert "2. [Night-time economy](#priority-2)" in text
    assert "{#priority-2}" in priorities.markdown(entries, synthetic=False)
