from pathlib import Path

import pandas as pd
import pytest

from sv_assessment.build.cache import file_sha256
from sv_assessment.ingest import canonical
from sv_assessment.ingest.errors import InputError
from sv_assessment.schema import required_columns

HEADER = (
    "Crime Reference,Recorded Date,Occurred At,HO Code,Offence Description,Offence Group,"
    "Knife,Firearm,Domestic Abuse,Public Place,District Code,District Name,LSOA Code,"
    "Victim Age,Victim Sex,Suspect Age,Suspect Sex"
)


def write(tmp_path: Path, lines: list[str], name: str = "offences.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def row(**changes: str) -> str:
    values = {
        "id": "X1",
        "recorded": "2024-03-02",
        "occurred": "2024-03-01 22:15",
        "knife": "true",
        "age": "19",
    }
    values.update(changes)
    return (
        f"{values['id']},{values['recorded']},{values['occurred']},8N,Assault with injury,"
        f"Violence with injury,{values['knife']},false,no,yes,E07000105,Ashford,E01900001,"
        f"{values['age']},Male,,"
    )


def test_headers_match_case_and_space_insensitively_through_aliases(tmp_path: Path):
    frame = canonical.read_input(write(tmp_path, [HEADER, row()]), "police_offences")
    assert set(required_columns("police_offences")) <= set(frame.columns)
    assert frame.loc[0, "offence_id"] == "X1"
    assert frame.loc[0, "knife_flag"] is True or bool(frame.loc[0, "knife_flag"])
    assert frame.loc[0, "public_place_flag"]
    assert not frame.loc[0, "domestic_abuse_flag"]
    assert frame.loc[0, "occurred_at"] == pd.Timestamp("2024-03-01 22:15")
    assert pd.isna(frame.loc[0, "suspect_age"])
    assert frame.loc[0, "source_row"] == 2


def test_uk_dates_are_read_day_first(tmp_path: Path):
    frame = canonical.read_input(
        write(tmp_path, [HEADER, row(recorded="02/03/2024", occurred="01/03/2024 22:15")]),
        "police_offences",
    )
    assert frame.loc[0, "recorded_date"] == pd.Timestamp("2024-03-02")


def test_impossible_date_names_file_column_and_row(tmp_path: Path):
    path = write(tmp_path, [HEADER, row(), row(id="X2", recorded="31/02/2024")])
    with pytest.raises(InputError) as error:
        canonical.read_input(path, "police_offences")
    message = str(error.value)
    assert "offences.csv" in message and "recorded_date" in message and "rows 3" in message
    assert "31/02/2024" in message


def test_non_numeric_age_is_an_error_not_a_guess(tmp_path: Path):
    with pytest.raises(InputError, match="victim_age.*rows 2.*not a whole number"):
        canonical.read_input(write(tmp_path, [HEADER, row(age="twenty")]), "police_offences")


def test_unknown_flag_word_is_an_error(tmp_path: Path):
    with pytest.raises(InputError, match="knife_flag"):
        canonical.read_input(write(tmp_path, [HEADER, row(knife="maybe")]), "police_offences")


def test_missing_required_column_is_named(tmp_path: Path):
    header = HEADER.replace("District Code,", "")
    line = row().replace("E07000105,", "")
    with pytest.raises(InputError, match="district_code.*required column missing"):
        canonical.read_input(write(tmp_path, [header, line]), "police_offences")


def test_empty_file_is_an_error(tmp_path: Path):
    path = tmp_path / "population.csv"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        canonical.read_input(path, "population")


def test_reading_never_changes_the_source(tmp_path: Path):
    path = write(tmp_path, [HEADER, row()])
    before, digest = path.read_bytes(), file_sha256(path)
    frame = canonical.read_input(path, "police_offences")
    assert path.read_bytes() == before and file_sha256(path) == digest
    assert frame["offence_id"].tolist() == ["X1"]
