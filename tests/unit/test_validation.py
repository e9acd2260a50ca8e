"""The lean GX validation gives the same report as the reference ``contracts.validate_input``."""

import pandas as pd

from sv_assessment.contracts import suites, validation


def both(frame, kent_config):
    args = (
        "police_offences",
        "offences",
        "offences.csv",
        suites.contract_parameters(kent_config),
    )
    return suites.validate_input(frame, *args), validation.validate_input(frame, *args)


def broken_frames(demo_offences):
    district = demo_offences.copy()
    district.loc[3, "district_code"] = "E09000001"
    duplicate = demo_offences.copy()
    duplicate.loc[1, "offence_id"] = duplicate.loc[0, "offence_id"]
    age = demo_offences.copy()
    age.loc[10, "victim_age"] = 150
    age.loc[11, "suspect_age"] = -1
    future = demo_offences.copy()
    future.loc[0, "recorded_date"] = pd.Timestamp("2099-01-01")
    lsoa = demo_offences.copy()
    lsoa.loc[[4, 8], "lsoa_code"] = "X123"
    lsoa.loc[9, "victim_sex"] = "F"
    flags = demo_offences.copy()
    flags.loc[[2, 7], "knife_flag"] = pd.NA
    return [demo_offences, district, duplicate, age, future, lsoa, flags]


def test_same_outcomes_and_rows_set_aside(demo_offences, kent_config):
    for frame in broken_frames(demo_offences):
        reference, lean = both(frame, kent_config)

        def order(report):
            return sorted(report.outcomes, key=lambda o: (o.expectation, o.column, o.severity))

        for a, b in zip(order(reference), order(lean), strict=True):
            assert (a.expectation, a.column, a.severity, a.success, a.unexpected_count) == (
                b.expectation,
                b.column,
                b.severity,
                b.success,
                b.unexpected_count,
            )
            if not a.success and a.severity != "info":
                assert a.example_rows == b.example_rows
        assert lean.set_aside_reasons == reference.set_aside_reasons
