import pandas as pd
import pytest

from sv_assessment import contracts
from sv_assessment.config import load_config
from sv_assessment.demo import generate_offences


@pytest.fixture(scope="module")
def config():
    return load_config()


@pytest.fixture(scope="module")
def offences(config):
    districts = [(d.code, d.name, d.population) for d in config.districts[:3]]
    frame = generate_offences(districts, 2020, 2024, 400, seed=7)
    frame["source_row"] = range(2, len(frame) + 2)
    return frame


def validate(frame, config):
    return contracts.validate_input(
        frame, "police_offences", "offences", "offences.csv", contracts.contract_parameters(config)
    )


def test_clean_demo_data_passes(offences, config):
    report = validate(offences, config)
    assert report.critical_failures == []
    assert report.rows_set_aside == 0


def test_district_outside_the_area_is_critical_and_named(offences, config):
    broken = offences.copy()
    broken.loc[3, "district_code"] = "E09000001"
    report = validate(broken, config)
    failure = next(f for f in report.critical_failures if f.column == "district_code")
    assert failure.expectation == "expect_column_values_to_be_in_set"
    assert failure.example_rows == [5]
    message = str(contracts.ContractBreach(report.critical_failures))
    assert "offences" in message and "district_code" in message and "E09000001" in message


def test_duplicate_ids_are_critical(offences, config):
    broken = offences.copy()
    broken.loc[1, "offence_id"] = broken.loc[0, "offence_id"]
    report = validate(broken, config)
    assert any(
        f.expectation == "expect_column_values_to_be_unique" for f in report.critical_failures
    )


def test_impossible_age_sets_the_row_aside_with_its_reason(offences, config):
    broken = offences.copy()
    broken["victim_age"] = broken["victim_age"].astype("Int64")
    broken.loc[10, "victim_age"] = 150
    report = validate(broken, config)
    assert report.critical_failures == []
    used, aside = contracts.split_quarantine(broken, report)
    assert len(aside) == 1 and aside.loc[0, "source_row"] == 12
    assert "victim_age" in aside.loc[0, "set_aside_reason"]
    assert len(used) + len(aside) == len(broken)


def test_recorded_date_in_the_future_is_critical(offences, config):
    broken = offences.copy()
    broken.loc[0, "recorded_date"] = pd.Timestamp("2099-01-01")
    report = validate(broken, config)
    assert any(f.column == "recorded_date" for f in report.critical_failures)
