"""Partner data beyond police and A&E (issue 13, item 4): each input read in its publisher's
layout, checked by its data contract, set beside like-for-like police counts (same areas,
months and ages) through the disclosure gate, and a missing input said to be not available."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sv_assessment.analysis import partner_periods as periods
from sv_assessment.analysis.disclosure import DisclosurePolicy, gate_for
from sv_assessment.chapters import availability, partner_data
from sv_assessment.config import parse_config
from sv_assessment.contracts import suites
from sv_assessment.demo import partner_data as demo
from sv_assessment.ingest import canonical
from sv_assessment.schema import PARTNER_KINDS

DISTRICTS = [
    {"code": "E07000105", "name": "Ashford", "population": 132700, "upper_tier": "E10000016"},
    {"code": "E07000114", "name": "Thanet", "population": 140600, "upper_tier": "E10000016"},
    {"code": "E06000035", "name": "Medway", "population": 279800},
]


def config(tmp_path: Path, year: int = 2024, years: int = 3):
    raw = {
        "assessment": {
            "area_name": "Test area",
            "assessment_year": year,
            "years_covered": years,
            "synthetic_data": True,
        },
        "serious_violence": {"offence_groups": ["Violence with injury"]},
        "inputs": {
            "offences": {"path": str(tmp_path / "o.csv"), "kind": "police_offences"},
            **{
                kind: {"path": str(tmp_path / f"{kind}.csv"), "kind": kind, "optional": True}
                for kind in PARTNER_KINDS
            },
        },
        "districts": DISTRICTS,
        "demo": {"seed": 3},
    }
    return parse_config(raw, tmp_path / "test.yml")


def offences(rows: list[tuple]) -> pd.DataFrame:
    """(recorded date, district, group, knife, victim age, suspect age) per offence."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "recorded_date",
            "district_code",
            "offence_group",
            "knife_flag",
            "victim_age",
            "suspect_age",
        ],
    )
    return frame.astype(
        {
            "recorded_date": "datetime64[ns]",
            "knife_flag": "boolean",
            "victim_age": "Int64",
            "suspect_age": "Int64",
        }
    )


# Periods and ages ------------------------------------------------------------------------------
def test_periods_are_read_as_their_publishers_write_them():
    calendar = periods.parse_period("2024")
    assert (calendar.start, calendar.end) == (pd.Timestamp(2024, 1, 1), pd.Timestamp(2025, 1, 1))
    financial = periods.parse_period("2023-24")
    assert (financial.start, financial.end) == (pd.Timestamp(2023, 4, 1), pd.Timestamp(2024, 4, 1))
    academic = periods.parse_period("202324")  # the DfE's time_period
    assert academic.start == pd.Timestamp(2023, 9, 1) and academic.display == "2023/24"
    assert periods.parse_period("2023/24", "academic").start == pd.Timestamp(2023, 9, 1)
    with pytest.raises(periods.PeriodError, match="must follow"):
        periods.parse_period("2023-25")
    with pytest.raises(periods.PeriodError, match="not a period"):
        periods.parse_period("Q1 2024")


def test_age_bands_give_the_ages_they_cover():
    assert periods.age_bounds("15-19") == (15, 19)
    assert periods.age_bounds("25+") == (25, periods.OPEN_AGE)
    assert periods.age_bounds("Under 18") == (0, 17)
    assert periods.age_bounds("All ages") == (0, periods.OPEN_AGE)
    assert periods.under("20-24", 25) and not periods.under("20-29", 25)
    with pytest.raises(ValueError, match="not an age band"):
        periods.age_bounds("young")


def test_a_period_is_covered_only_when_every_month_is_in_the_police_window():
    assert periods.covered(periods.parse_period("2023-24"), 2022, 2024)
    assert not periods.covered(periods.parse_period("2024-25"), 2022, 2024)
    assert not periods.covered(periods.parse_period("2021-22"), 2022, 2024)


# Reading the publishers' layouts ---------------------------------------------------------------
def test_the_dfe_layout_is_read_with_suppressed_cells_as_missing(tmp_path):
    path = tmp_path / "exclusions.csv"
    path.write_text(
        "time_period,time_identifier,geographic_level,new_la_code,la_name,school_type,"
        "headcount,perm_excl,susp\n"
        "202324,Academic year,Local authority,E10000016,Kent,Total,250000,300,20000\n"
        "202324,Academic year,Local authority,E10000016,Kent,Special,5000,c,400\n"
    )
    frame = canonical.read_input(path, "school_exclusions")
    assert list(frame["area_code"]) == ["E10000016", "E10000016"]
    assert list(frame["period"]) == ["202324", "202324"]
    assert frame["permanent_exclusions"].tolist()[0] == 300
    assert pd.isna(frame["permanent_exclusions"].iloc[1])  # "c": suppressed by the DfE


@pytest.mark.parametrize("kind", PARTNER_KINDS)
def test_each_demo_file_is_read_and_passes_its_contract(tmp_path, kind):
    cfg = config(tmp_path)
    path = demo.write_for_config(cfg, kind, tmp_path / f"{kind}.csv")
    frame = canonical.read_input(path, kind)
    frame["source_row"] = range(2, len(frame) + 2)
    report = suites.validate_input(frame, kind, kind, str(path), suites.contract_parameters(cfg))
    assert report.critical_failures == [] and report.rows_set_aside == 0
    assert frame["area_code"].isin(["E07000105", "E07000114", "E06000035", "E10000016"]).all()


def test_the_contract_stops_on_a_period_that_is_not_one(tmp_path):
    cfg = config(tmp_path)
    frame = pd.DataFrame(
        {
            "area_code": ["E06000035", "E06000035"],
            "area_name": ["Medway", "Medway"],
            "period": ["2023-24", "last year"],
            "first_time_entrants": pd.array([20, 21], dtype="Int64"),
            "source_row": [2, 3],
        }
    )
    report = suites.validate_input(
        frame, "youth_justice", "yj", "yj.csv", suites.contract_parameters(cfg)
    )
    failed = {(o.expectation, o.column) for o in report.critical_failures}
    assert ("expect_column_values_to_match_regex", "period") in failed
    assert any(o.example_rows == [3] for o in report.critical_failures)


# Like for like -------------------------------------------------------------------------------
def test_hospital_admissions_sit_beside_knife_violence_of_the_same_ages_and_months(tmp_path):
    cfg = config(tmp_path)
    police = offences(
        [
            ("2023-05-01", "E06000035", "Violence with injury", True, 17, 30),  # in 2023-24, 15-19
            ("2024-03-31", "E06000035", "Robbery", True, 19, 30),  # in 2023-24, 15-19
            ("2024-04-01", "E06000035", "Violence with injury", True, 18, 30),  # 2024-25
            ("2023-06-01", "E06000035", "Possession of weapons", True, 16, 16),  # not enabled
            ("2023-06-01", "E06000035", "Violence with injury", False, 16, 16),  # no knife
            ("2023-06-01", "E06000035", "Violence with injury", True, 30, 16),  # 25+
            ("2023-06-01", "E07000105", "Violence with injury", True, 16, 16),  # Ashford
        ]
    )
    admissions = pd.DataFrame(
        {
            "area_code": ["E06000035", "E06000035", "E06000035", "E09000001"],
            "area_name": ["Medway", "Medway", "Medway", "City of London"],
            "period": ["2023-24", "2023-24", "2024-25", "2023-24"],
            "age_band": ["15-19", "25+", "15-19", "15-19"],
            "admissions": pd.array([12, 7, 9, 40], dtype="Int64"),
        }
    )
    table = partner_data.comparison("hospital_admissions", admissions, police, cfg)
    assert "City of London" not in set(table["area"])  # another area's rows are not used
    got = table.set_index(["period", "age_band"])[partner_data.POLICE]
    assert got[("2023-24", "15-19")] == 2
    assert got[("2023-24", "25+")] == 1
    assert pd.isna(got[("2024-25", "15-19")])  # the police data end in December 2024


def test_county_figures_are_set_against_all_of_its_districts_and_not_one(tmp_path):
    cfg = config(tmp_path)
    police = offences(
        [
            ("2023-10-01", "E07000105", "Robbery", False, 30, 15),
            ("2024-02-01", "E07000114", "Violence with injury", False, 30, 12),
            ("2024-02-01", "E06000035", "Violence with injury", False, 30, 12),  # Medway
            ("2024-02-01", "E07000114", "Violence with injury", False, 30, 19),  # 19: not 10-17
        ]
    )
    entrants = pd.DataFrame(
        {
            "area_code": ["E10000016"],
            "area_name": ["Kent"],
            "period": ["2023-24"],
            "first_time_entrants": pd.array([30], dtype="Int64"),
        }
    )
    table = partner_data.comparison("youth_justice", entrants, police, cfg)
    assert table[partner_data.POLICE].tolist() == [2] and table["area"].tolist() == ["Kent"]
    # An edition for Ashford alone: Kent's figure is not set against Ashford's police figure.
    ashford = cfg.for_place("Ashford")
    assert partner_data.comparison("youth_justice", entrants, police, ashford, cfg).empty
    assert "E10000016" in partner_data.outside_areas_note(entrants, ashford, cfg)


def test_a_suppressed_part_leaves_the_total_missing_not_understated(tmp_path):
    cfg = config(tmp_path)
    admissions = pd.DataFrame(
        {
            "area_code": ["E06000035", "E07000105"],
            "area_name": ["Medway", "Ashford"],
            "period": ["2023-24", "2023-24"],
            "age_band": ["15-19", "15-19"],
            "admissions": pd.array([20, pd.NA], dtype="Int64"),
        }
    )
    table = partner_data.comparison("hospital_admissions", admissions, offences([]), cfg)
    assert pd.isna(partner_data.by_period(table, "hospital_admissions")["admissions"].iloc[0])


def test_published_counts_go_through_the_gate(tmp_path):
    cfg = config(tmp_path)
    admissions = pd.DataFrame(
        {
            "area_code": ["E06000035"] * 2,
            "area_name": ["Medway"] * 2,
            "period": ["2023-24"] * 2,
            "age_band": ["0-14", "15-19"],
            "admissions": pd.array([3, 40], dtype="Int64"),
        }
    )
    table = partner_data.comparison("hospital_admissions", admissions, offences([]), cfg)
    gate = gate_for(DisclosurePolicy(5))
    published = partner_data.protected_by_period(
        partner_data.by_period(table, "hospital_admissions"), "hospital_admissions", gate
    )
    assert published.status["admissions"].tolist() == ["[c]", "[c]"]  # 3, and 40 with it
    text = partner_data.sentence(published, "hospital_admissions", cfg)
    assert "3 aged" not in text and "[c] aged 0-14" in text


@pytest.mark.parametrize("kind", PARTNER_KINDS)
def test_a_missing_input_says_what_to_provide_and_where_to_get_it(tmp_path, kind):
    cfg = config(tmp_path)
    note = availability.not_available_note(cfg, kind)
    assert note.startswith("**Not available:")
    assert "list it under `inputs:`" in note and "Where to get it" in note
    gaps = availability.data_gaps(cfg, {"police_offences"}).set_index("input")
    row = gaps.loc[availability.need(kind).label]
    assert row["status"] == "not provided" and row["where_to_get_it"]


def test_a_config_without_the_partner_inputs_still_builds_the_chapter_that_reads_them():
    """The partner data chapter and the summary declare the four inputs: a config that does
    not name them (most partnerships', the national fan-out's) has them 'not provided'."""
    from sv_assessment.build import cache

    manifest = {"raw": {"offences": {}}, "columns": {"offences": {"a": "1"}}, "files": {}}
    reads = {"inputs": {kind: "*" for kind in PARTNER_KINDS}}
    found = cache.reads_fingerprint(reads, manifest)["inputs"]
    assert found == {kind: "not provided" for kind in PARTNER_KINDS}


def test_the_open_data_assessment_lists_partner_inputs_as_partner_data_only():
    from sv_assessment.config import load_config

    config = load_config("config/kent_open_data.yml")
    gaps = availability.data_gaps(config, set(), ("person_ids",)).set_index("input")
    for kind in PARTNER_KINDS:
        status = gaps.loc[availability.need(kind).label, "status"]
        assert status == "not used by the open-data assessment (partner-data assessment only)"
