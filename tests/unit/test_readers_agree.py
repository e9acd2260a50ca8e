"""The fast CSV reader and the strict reader give the same result on the same file: the same
typed frame, or the fast one steps aside so that the strict one explains the error."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sv_assessment.ingest import canonical, fast_csv
from sv_assessment.ingest.errors import InputError

HEADER = [
    "offence_id",
    "recorded_date",
    "occurred_at",
    "offence_code",
    "offence_description",
    "offence_group",
    "knife_flag",
    "firearm_flag",
    "domestic_abuse_flag",
    "public_place_flag",
    "district_code",
    "district_name",
    "lsoa_code",
    "victim_age",
    "victim_sex",
    "suspect_age",
    "suspect_sex",
]
GOOD = {
    "offence_id": "A1",
    "recorded_date": "2024-03-01",
    "occurred_at": "2024-03-01 22:15",
    "offence_code": "8N",
    "offence_description": "Assault with injury",
    "offence_group": "Violence with injury",
    "knife_flag": "true",
    "firearm_flag": "false",
    "domestic_abuse_flag": "false",
    "public_place_flag": "true",
    "district_code": "E07000105",
    "district_name": "Ashford",
    "lsoa_code": "E01000001",
    "victim_age": "20",
    "victim_sex": "Male",
    "suspect_age": "21",
    "suspect_sex": "Female",
}
TEXT = ["", " ", "x", " padded ", "a,b", 'say "hi"', "two\nlines", "\u200bzw", "é", "Ünïcode"]
DATES = [
    "2024-03-01",
    "01/03/2024",
    "2024-3-1",
    "2024-02-30",
    "31/02/2024",
    " 2024-03-01",
    "2024-03-01T00:00",
    "",
    "yesterday",
    "2024-03-01 00:00:00",
]
TIMES = [
    "2024-03-01 22:15",
    "2024-03-01 22:15:07",
    "2024-03-01T22:15",
    "2024-03-01T22:15:07",
    "01/03/2024 22:15",
    "2024-03-01",
    "",
    "2024-03-01 25:00",
    "2024-03-01T22:15:07Z",
    "2024-03-01 22:15:07.5",
]
FLAGS = ["true", "false", "TRUE", "False", "yes", "No", "Y", "n", "1", "0", "", "maybe", " t"]
AGES = [
    "20",
    "0",
    "",
    " 7 ",
    "1,700",
    "1,7",
    "NaN",
    "nan",
    "inf",
    "20.0",
    "20.5",
    "-3",
    "1e3",
    "0x10",
    "٣",
]
SEXES = ["Male", "Female", "Unknown", "M", "F", "u", "male", "", "X"]

COLUMN_VALUES = {
    "recorded_date": DATES,
    "occurred_at": TIMES,
    "knife_flag": FLAGS,
    "firearm_flag": FLAGS,
    "domestic_abuse_flag": FLAGS,
    "public_place_flag": FLAGS,
    "victim_age": AGES,
    "suspect_age": AGES,
    "victim_sex": SEXES,
    "suspect_sex": SEXES,
    "offence_description": TEXT,
    "offence_id": ["A1", "B2", "c3", "A1\u200b", " D4 "],
}


def cell(column: str):
    return st.sampled_from(COLUMN_VALUES.get(column, [GOOD[column]]))


rows = st.lists(st.fixed_dictionaries({c: cell(c) for c in HEADER}), min_size=1, max_size=6)


def write_csv(path: Path, records: list[dict]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def read_both(path: Path):
    fast = fast_csv.read_clean_csv(path, "police_offences")
    try:
        strict = canonical.read_table(path, "police_offences")[0]
    except InputError as error:
        strict = error
    return fast, strict


def assert_agree(path: Path) -> None:
    fast, strict = read_both(path)
    if isinstance(strict, Exception):
        assert fast is None, f"the fast reader accepted what the strict one refuses: {strict}"
    elif fast is not None:
        pd.testing.assert_frame_equal(fast, strict, check_dtype=True)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(records=rows)
def test_the_two_readers_agree_on_generated_files(tmp_path, records):
    path = tmp_path / "offences.csv"
    write_csv(path, records)
    assert_agree(path)


@pytest.mark.parametrize(
    "column, value, expected",
    [
        ("occurred_at", "2024-03-01T22:15", pd.Timestamp("2024-03-01 22:15")),
        ("victim_age", "NaN", None),
        ("victim_age", "1,7", None),
        ("victim_age", "1,700", 1700),
        ("suspect_sex", "M", "Male"),
    ],
)
def test_cases_from_the_issue_read_the_same_on_both_paths(tmp_path, column, value, expected):
    path = tmp_path / "offences.csv"
    write_csv(path, [GOOD, {**GOOD, "offence_id": "B2", column: value}])
    fast, strict = read_both(path)
    if expected is None:
        assert fast is None and isinstance(strict, InputError)
        assert column in str(strict) and "rows 3" in str(strict)
    else:
        assert strict[column].iloc[1] == expected
        assert fast is None or fast[column].iloc[1] == expected


def test_a_quoted_newline_is_read_and_later_rows_keep_their_file_lines(tmp_path):
    path = tmp_path / "offences.csv"
    records = [{**GOOD, "offence_id": f"A{i}"} for i in range(3)]
    records[0]["offence_description"] = "two\nlines"
    records[2]["victim_age"] = "not an age"
    write_csv(path, records)
    with pytest.raises(InputError, match="rows 5"):  # header 1, rows 2-3, 4, 5
        canonical.read_table(path, "police_offences")
    records[2]["victim_age"] = "30"
    write_csv(path, records)
    fast, strict = read_both(path)
    assert strict["offence_description"].iloc[0] == "two\nlines"
    assert strict["source_row"].tolist() == [2, 4, 5]
    assert fast is None or fast["source_row"].tolist() == [2, 4, 5]
