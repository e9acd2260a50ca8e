"""The data.police.uk reader checks what the files claim (issue 15): the force each row falls
within, the Month column against the file's month, a month given twice, months with no records."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sv_assessment.config import District
from sv_assessment.demo import police_uk as demo_police_uk
from sv_assessment.ingest import police_uk
from sv_assessment.ingest.tabular import InputError

DISTRICTS = [("E07000105", "Ashford", 132700), ("E07000114", "Thanet", 140600)]
CONFIGURED = tuple(District(c, n, p) for c, n, p in DISTRICTS)
MONTHS = ["2024-01", "2024-02", "2024-03"]


def _write(root: Path) -> Path:
    data = root / "kent"
    demo_police_uk.write_street_files(
        data, DISTRICTS, "kent", "Kent Police", MONTHS, seed=5, crimes_per_1000_per_month=1.0
    )
    return data


def _rewrite(path: Path, change) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames
        rows = list(reader)
    rows = change(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def test_rows_of_another_force_are_excluded_and_counted(tmp_path: Path) -> None:
    data = _write(tmp_path)
    path = data / "2024-02" / "2024-02-kent-street.csv"

    def other_force(rows: list[dict]) -> list[dict]:
        for row in rows[:7]:
            row["Falls within"] = "Metropolitan Police Service"
            row["LSOA code"] = row["LSOA name"] = ""  # no location: the district cannot catch it
        return rows

    _rewrite(path, other_force)
    read = police_uk.read_street_files(data, CONFIGURED, "kent", "Kent Police")
    assert read.summary["other_force_removed"] == 7
    assert read.summary["other_forces"] == {"Metropolitan Police Service": 7}
    assert not read.frame["falls_within"].eq("Metropolitan Police Service").any()


def test_no_row_of_the_configured_force_is_an_error(tmp_path: Path) -> None:
    data = _write(tmp_path)
    with pytest.raises(InputError, match="Falls within"):
        police_uk.read_street_files(data, CONFIGURED, "kent", "Sussex Police")


def test_month_column_must_match_the_file(tmp_path: Path) -> None:
    data = _write(tmp_path)
    path = data / "2024-03" / "2024-03-kent-street.csv"

    def wrong_month(rows: list[dict]) -> list[dict]:
        rows[2]["Month"] = "2024-04"  # a month after the file's: never a re-publication
        return rows

    _rewrite(path, wrong_month)
    with pytest.raises(InputError) as error:
        police_uk.read_street_files(data, CONFIGURED, "kent", "Kent Police")
    message = str(error.value)
    assert "2024-03-kent-street.csv" in message and "Month" in message and "4" in message


def test_an_earlier_month_on_a_record_with_no_crime_id_is_an_error(tmp_path: Path) -> None:
    data = _write(tmp_path)

    def asb_from_january(rows: list[dict]) -> list[dict]:
        asb = next(r for r in rows if not r["Crime ID"])
        asb["Month"] = "2024-01"
        return rows

    _rewrite(data / "2024-03" / "2024-03-kent-street.csv", asb_from_january)
    with pytest.raises(InputError, match="Month"):
        police_uk.read_street_files(data, CONFIGURED, "kent", "Kent Police")


def test_a_month_present_twice_is_an_error(tmp_path: Path) -> None:
    data = _write(tmp_path)
    copy = data / "second_download" / "2024-02"
    copy.mkdir(parents=True)
    original = data / "2024-02" / "2024-02-kent-street.csv"
    (copy / original.name).write_bytes(original.read_bytes())
    with pytest.raises(InputError, match="2024-02.*more than once|twice"):
        police_uk.read_street_files(data, CONFIGURED, "kent", "Kent Police")


def test_a_header_only_month_is_reported_as_empty_not_as_a_zero_month(tmp_path: Path) -> None:
    data = _write(tmp_path)
    _rewrite(data / "2024-02" / "2024-02-kent-street.csv", lambda rows: [])
    read = police_uk.read_street_files(data, CONFIGURED, "kent", "Kent Police")
    assert read.summary["months_without_records"] == ["2024-02"]
    assert read.summary["months"] == ["2024-01", "2024-03"]
    assert read.summary["files"] == 3


def _open_data_config(tmp_path: Path, missing_months: str):
    from sv_assessment.config import parse_config

    raw = {
        "source": "police_uk",
        "assessment": {"area_name": "Test", "assessment_year": 2024, "years_covered": 1},
        "police_uk": {"force": "kent", "missing_months": missing_months},
        "inputs": {"crimes": {"path": str(tmp_path / "kent"), "kind": "police_uk_street"}},
        "districts": [{"code": c, "name": n, "population": p} for c, n, p in DISTRICTS],
    }
    return parse_config(raw, tmp_path / "c.yml")


def test_a_missing_month_stops_the_build_when_configured(tmp_path: Path) -> None:
    from sv_assessment.build import staging

    config = _open_data_config(tmp_path, "stop")
    summary = {"months": [f"2024-{m:02d}" for m in range(1, 13) if m != 7]}
    with pytest.raises(InputError, match="2024-07"):
        staging._check_coverage(config, config.inputs["crimes"], summary)


def test_a_missing_month_is_recorded_and_warned_by_default(tmp_path: Path, caplog) -> None:
    from sv_assessment.build import staging

    config = _open_data_config(tmp_path, "warn")
    summary = {"months": [f"2024-{m:02d}" for m in range(1, 13) if m != 7]}
    staging._check_coverage(config, config.inputs["crimes"], summary)
    assert summary["months_missing_in_window"] == ["2024-07"]
    assert "2024-07" in caplog.text and "never as zero" in caplog.text


def test_run_record_of_an_open_data_build_has_no_partner_definition(tmp_path: Path) -> None:
    summary = _open_data_config(tmp_path, "warn").summary()
    assert "serious_violence" not in summary and summary["police_uk"]["force"] == "kent"
