import pandas as pd

from sv_assessment.contracts import suites


def validate(frame, kent_config):
    return suites.validate_input(
        frame,
        "police_offences",
        "offences",
        "offences.csv",
        suites.contract_parameters(kent_config),
    )


def test_clean_demo_data_passes(demo_offences, kent_config):
    report = validate(demo_offences, kent_config)
    assert report.critical_failures == []
    assert report.rows_set_aside == 0


def test_district_outside_the_area_is_critical_and_named(demo_offences, kent_config):
    broken = demo_offences.copy()
    broken.loc[3, "district_code"] = "E09000001"
    report = validate(broken, kent_config)
    failure = next(f for f in report.critical_failures if f.column == "district_code")
    assert failure.expectation == "expect_column_values_to_be_in_set"
    assert failure.example_rows == [5]
    message = str(suites.ContractBreach(report.critical_failures))
    assert "offences" in message and "district_code" in message and "E09000001" in message


def test_duplicate_ids_are_critical(demo_offences, kent_config):
    broken = demo_offences.copy()
    broken.loc[1, "offence_id"] = broken.loc[0, "offence_id"]
    report = validate(broken, kent_config)
    assert any(
        f.expectation == "expect_column_values_to_be_unique" for f in report.critical_failures
    )


def test_impossible_age_sets_the_row_aside_with_its_reason(demo_offences, kent_config):
    broken = demo_offences.copy()
    broken["victim_age"] = broken["victim_age"].astype("Int64")
    broken.loc[10, "victim_age"] = 150
    report = validate(broken, kent_config)
    assert report.critical_failures == []
    used, aside = suites.split_quarantine(broken, report)
    assert len(aside) == 1 and aside.loc[0, "source_row"] == 12
    assert "victim_age" in aside.loc[0, "set_aside_reason"]
    assert len(used) + len(aside) == len(broken)


def test_recorded_date_in_the_future_is_critical(demo_offences, kent_config):
    broken = demo_offences.copy()
    broken.loc[0, "recorded_date"] = pd.Timestamp("2099-01-01")
    report = validate(broken, kent_config)
    assert any(f.column == "recorded_date" for f in report.critical_failures)
