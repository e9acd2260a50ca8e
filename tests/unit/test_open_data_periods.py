"""Open-data chapters state the period of every figure (issue 15): missing months are missing,
rates are annual only for a full year, no comparison without months in common."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from sv_assessment.analysis import disclosure
from sv_assessment.chapters import (
    open_data,
    open_data_periods,
    open_data_published,
    open_data_scope,
)
from sv_assessment.config import parse_config

DISTRICTS = [("E07000105", "Ashford", 132700), ("E07000114", "Thanet", 140600)]
FOCUS = ("Violence and sexual offences", "Possession of weapons", "Robbery")


def _config(tmp: Path, years_covered: int = 2):
    raw = {
        "source": "police_uk",
        "assessment": {
            "area_name": "Test",
            "assessment_year": 2024,
            "years_covered": years_covered,
        },
        "police_uk": {"force": "kent", "force_name": "Kent Police"},
        "inputs": {"crimes": {"path": str(tmp / "kent"), "kind": "police_uk_street"}},
        "districts": [{"code": c, "name": n, "population": p} for c, n, p in DISTRICTS],
    }
    return parse_config(raw, tmp / "c.yml")


def _crimes(months: dict[str, int]) -> pd.DataFrame:
    rows = []
    for month, n in months.items():
        for i in range(n):
            code, name = DISTRICTS[i % 2][:2]
            rows.append(
                {
                    "month": pd.Timestamp(month + "-01"),
                    "crime_type": FOCUS[i % 3],
                    "district_code": code,
                    "district_name": name,
                    "lsoa_code": f"L{i % 30:03d}",
                    "lsoa_name": f"{name} {i % 30:03d}A",
                    "last_outcome_category": "Under investigation",
                }
            )
    frame = pd.DataFrame(rows)
    frame["year"] = frame["month"].dt.year
    frame["period"] = frame["month"].dt.to_period("M")
    return frame


def test_a_month_with_no_file_is_missing_not_zero(tmp_path: Path) -> None:
    config = _config(tmp_path)
    crimes = _crimes({"2024-01": 30, "2024-03": 30})
    monthly = open_data.monthly_by_type(crimes, config, ["2024-01", "2024-03"])
    feb = monthly[monthly["month"] == "2024-02"]
    assert len(feb) == 3
    assert feb["crimes"].isna().all()
    assert (feb["coverage"] != "published").all()


def test_period_label_names_the_months() -> None:
    assert open_data_periods.period_label(["2024-01", "2024-02", "2024-03"], 2024) == (
        "January to March 2024 (3 months)"
    )
    assert open_data_periods.period_label([f"2024-{m:02d}" for m in range(1, 13)], 2024) == "2024"
    assert open_data_periods.period_label(["2024-01", "2024-03"], 2024) == (
        "January and March 2024 (2 months)"
    )


def test_rates_are_not_published_for_part_of_a_year(tmp_path: Path) -> None:
    config = _config(tmp_path)
    crimes = _crimes({"2024-01": 40})
    pop = pd.DataFrame(
        {
            "district_code": [c for c, _, _ in DISTRICTS],
            "district": [n for _, n, _ in DISTRICTS],
            "population": [p for *_, p in DISTRICTS],
        }
    )
    table = open_data.district_table(crimes, pop, config)
    shown = open_data_periods.district_view(table, ["2024-01"], 2024)
    assert "rate" not in shown.columns and "crimes" in shown.columns
    gate = disclosure.gate_for(disclosure.DisclosurePolicy(5))
    tables = open_data_published.published_tables(crimes, pop, config, gate, ["2024-01"])
    findings = " ".join(open_data_published.key_findings(tables, crimes, pop, config, ["2024-01"]))
    assert not re.search(r"\d per 1,000", findings)  # no part-year rate given as annual
    assert "January 2024 (1 month)" in findings


def test_year_on_year_with_no_month_in_common_shows_no_counts(tmp_path: Path) -> None:
    config = _config(tmp_path)
    crimes = _crimes({"2023-01": 20, "2024-02": 20})
    pop = pd.DataFrame({"district_code": ["x"], "district": ["x"], "population": [1000]})
    table = open_data.year_on_year(crimes, pop, config)
    assert (table["months_compared"] == 0).all()
    assert table["crimes_2023"].isna().all() and table["crimes_2024"].isna().all()


def test_concentration_claims_no_size_it_cannot_support(tmp_path: Path) -> None:
    config = _config(tmp_path)
    counts = open_data.lsoa_counts(_crimes({"2024-01": 60}), config)
    sentence = open_data.concentration_sentence(counts, config)
    assert "a little higher" not in sentence


def test_ties_at_the_last_place_of_the_hotspot_list_are_stated(tmp_path: Path) -> None:
    counts = pd.DataFrame(
        {
            "lsoa_code": [f"L{i:02d}" for i in range(25)],
            "lsoa_name": [f"A {i:03d}A" for i in range(25)],
            "district_name": "A",
            "crimes": [50 - i for i in range(18)] + [5] * 7,
        }
    )
    note = open_data_scope.hotspot_ties_note(counts, top=20)
    assert "5 more LSOAs" in note and "5 crimes" in note
    assert open_data_scope.hotspot_ties_note(counts.head(20), top=20) == ""


def test_period_missing_months_are_named(tmp_path: Path) -> None:
    config = _config(tmp_path)
    coverage = open_data_periods.coverage_table(config, ["2023-01", "2023-02"], ["2023-03"])
    assert len(coverage) == 24
    status = coverage.set_index("month")["status"]
    assert status["2023-01"] == "published"
    assert status["2023-03"].startswith("file with no records")
    assert status["2024-12"] == "no file"
    assert not math.isnan(len(coverage))


def test_year_on_year_uses_the_months_of_the_files_not_of_the_rows(tmp_path: Path) -> None:
    config = _config(tmp_path)
    # 2023-01 had no file; a few of its crimes came back in a later file with their own month.
    crimes = _crimes({"2023-01": 3, "2023-02": 20, "2024-01": 20, "2024-02": 20})
    pop = pd.DataFrame({"district_code": ["x"], "district": ["x"], "population": [1000]})
    table = open_data.year_on_year(crimes, pop, config, ["2023-02", "2024-01", "2024-02"])
    assert (table["months_compared"] == 1).all()  # February only
    assert "adjusted_p_value" not in table.columns and "p_value" not in table.columns


OUTCOMES = ["Under investigation", "Unable to prosecute suspect", "Local resolution"]


def _typed(counts: dict[str, int], month: str = "2024-01", outcomes: int = 1) -> pd.DataFrame:
    """Crimes of each focus type in one month, alternating between the two districts (and
    among ``outcomes`` outcome categories)."""
    rows = []
    for crime_type, n in counts.items():
        for i in range(n):
            code, name = DISTRICTS[i % 2][:2]
            rows.append(
                {
                    "month": pd.Timestamp(month + "-01"),
                    "crime_type": crime_type,
                    "district_code": code,
                    "district_name": name,
                    "lsoa_code": f"L{i % 7:03d}",
                    "lsoa_name": f"{name} {i % 7:03d}A",
                    "last_outcome_category": OUTCOMES[i % outcomes],
                }
            )
    frame = pd.DataFrame(rows)
    frame["year"] = frame["month"].dt.year
    frame["period"] = frame["month"].dt.to_period("M")
    return frame


def test_key_findings_never_state_a_count_hidden_to_protect_another(tmp_path: Path) -> None:
    """3 possession of weapons is hidden for its size; the area's 110 crimes in scope are
    known, so 7 robbery would give the 3 back (110 - 100 - 7) and is hidden too. The summary
    says neither (the primary rule alone printed '7 robbery')."""
    config = _config(tmp_path)
    crimes = _typed({FOCUS[0]: 100, FOCUS[1]: 3, FOCUS[2]: 7})
    pop = pd.DataFrame(
        {
            "district_code": [c for c, _, _ in DISTRICTS],
            "district": [n for _, n, _ in DISTRICTS],
            "population": [p for *_, p in DISTRICTS],
        }
    )
    gate = disclosure.gate_for(disclosure.DisclosurePolicy(5))
    tables = open_data_published.published_tables(crimes, pop, config, gate, ["2024-01"])
    text = " ".join(open_data_published.key_findings(tables, crimes, pop, config, ["2024-01"]))
    assert "**110 crimes in scope**" in text
    assert "[c] possession of weapons" in text and "[c] robbery" in text
    assert not re.search(r"\b[37] (possession|robbery)", text)


def test_open_data_tables_give_nothing_away_together(tmp_path: Path) -> None:
    """Every open-data table, protected together and published, read back by the checker
    (which links them by what their cells count) and by an attack that links them by their
    labels alone: no hidden count can be worked out from all of them."""
    from sv_assessment.build.disclosure_check import check_published
    from sv_assessment.chapters import publishing
    from tests.e2e.test_disclosure_outputs import open_data_attack

    config = _config(tmp_path)
    crimes = _typed({FOCUS[0]: 61, FOCUS[1]: 7, FOCUS[2]: 6}, outcomes=3)
    pop = pd.DataFrame(
        {
            "district_code": [c for c, _, _ in DISTRICTS],
            "district": [n for _, n, _ in DISTRICTS],
            "population": [p for *_, p in DISTRICTS],
        }
    )
    policy = disclosure.DisclosurePolicy(5)
    tables = open_data_published.published_tables(
        crimes, pop, config, disclosure.gate_for(policy), ["2024-01"]
    )
    names = {"crime_types": "od_crime_types", "district_rates": "od_district_rates",
             "district_crime_types": "od_district_crime_types", "monthly": "od_monthly",
             "year_on_year": "od_year_on_year", "outcomes": "od_outcomes",
             "hotspots": "od_lsoa_hotspots"}  # fmt: skip
    folder = tmp_path / "published"
    (folder / "tables").mkdir(parents=True)
    for key, name in names.items():
        publishing.write_table(tables[key], name, name, policy, folder / "tables")
    assert any(tables[k].status.isin(["[c]"]).any().any() for k in names)  # small ones exist
    assert check_published(folder, policy) == []
    assert open_data_attack(folder, 2024) == []
