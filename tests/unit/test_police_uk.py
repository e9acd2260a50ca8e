"""The data.police.uk street-level reader, on small files written here in the published format."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from sv_assessment.build.cache import file_sha256
from sv_assessment.catalog import StagedData
from sv_assessment.config import ConfigError, District, load_config
from sv_assessment.demo import police_uk as demo_police_uk
from sv_assessment.ingest import police_uk
from sv_assessment.ingest.errors import InputError

# The published header, spelled out here rather than imported, so the test checks the reader
# against the format itself.
HEADER = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]
DISTRICTS = (
    District("E07000105", "Ashford", 132700),
    District("E07000115", "Tonbridge and Malling", 132200),
    District("E07000116", "Tunbridge Wells", 115300),
    District("E07000112", "Folkestone and Hythe", 109800, ("Shepway",)),
)
VSO = "Violence and sexual offences"


def record(
    crime_id: str,
    month: str,
    lsoa_name: str,
    crime_type: str = VSO,
    outcome: str = "Under investigation",
    lsoa_code: str = "E01024000",
) -> list[str]:
    located = bool(lsoa_name)
    return [
        crime_id,
        month,
        "Kent Police",
        "Kent Police",
        "0.871" if located else "",
        "51.14" if located else "",
        "On or near Sentinel Street" if located else "No Location",
        lsoa_code if located else "",
        lsoa_name,
        crime_type,
        outcome,
        "",
    ]


def write_month(root: Path, month: str, rows: list[list[str]], force: str = "kent") -> Path:
    path = root / month / f"{month}-{force}-street.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture()
def download(tmp_path: Path) -> Path:
    root = tmp_path / "kent"
    write_month(
        root,
        "2024-01",
        [
            record("a1", "2024-01", "Ashford 001B"),
            record("a2", "2024-01", "Tonbridge and Malling 012C", "Robbery"),
            record("a3", "2024-01", "Tunbridge Wells 003A", "Possession of weapons"),
            record("a4", "2024-01", "Shepway 007D"),  # the former name of Folkestone and Hythe
            record("", "2024-01", "Ashford 002A", "Anti-social behaviour", ""),
            record("a5", "2024-01", ""),  # no location published
            record("a6", "2024-01", "Wealden 004B"),  # a neighbouring force's area
            record("a7", "2024-01", "Folkestone and Hythe 010A", "Drugs", "Local resolution"),
        ],
    )
    write_month(
        root,
        "2024-02",
        [
            record("b1", "2024-02", "Tonbridge and Malling 001A"),
            record(
                "a1", "2024-01", "Ashford 001B", outcome="Awaiting court outcome"
            ),  # re-published
            record("", "2024-02", "", "Anti-social behaviour", ""),
            record(
                "b2", "2024-02", "Tonbridge 001A"
            ),  # not a district: the prefix is matched whole
        ],
    )
    write_month(root, "2024-02", [record("z1", "2024-02", "Sussex 001A")], force="sussex")
    return root


def read(source: Path, force: str | None = "kent") -> police_uk.StreetRead:
    return police_uk.read_street_files(source, DISTRICTS, force)


def test_districts_matched_on_the_whole_prefix(download: Path) -> None:
    frame = read(download).frame.set_index("crime_id", drop=False)
    assert frame.loc["a2", "district_code"] == "E07000115"
    assert frame.loc["a2", "district_name"] == "Tonbridge and Malling"
    assert frame.loc["a3", "district_code"] == "E07000116"
    assert frame.loc["a4", "district_code"] == "E07000112"
    assert frame.loc["a7", "district_name"] == "Folkestone and Hythe"
    assert frame.loc["b1", "district_code"] == "E07000115"
    assert "b2" not in frame.index  # "Tonbridge" alone is no configured district


def test_anti_social_behaviour_rows_kept_without_id_or_outcome(download: Path) -> None:
    result = read(download)
    asb = result.frame[result.frame["crime_type"] == "Anti-social behaviour"]
    assert len(asb) == 2
    assert asb["crime_id"].isna().all() and asb["last_outcome_category"].isna().all()
    assert result.summary["anti_social_behaviour_rows"] == 2


def test_rows_with_no_location_kept_without_district(download: Path) -> None:
    result = read(download)
    frame = result.frame
    nowhere = frame[frame["lsoa_code"].isna()]
    assert sorted(nowhere["crime_id"].fillna("ASB")) == ["ASB", "a5"]
    assert nowhere["district_code"].isna().all()
    assert result.summary["rows_without_location"] == 2


def test_neighbouring_areas_excluded_and_counted(download: Path) -> None:
    result = read(download)
    assert not result.frame["crime_id"].isin(["a6", "b2"]).any()
    assert result.summary["outside_area_removed"] == 2
    assert result.summary["outside_area_districts"] == {"Wealden": 1, "Tonbridge": 1}


def test_republished_crime_kept_once_from_the_latest_file(download: Path) -> None:
    result = read(download)
    a1 = result.frame[result.frame["crime_id"] == "a1"]
    assert len(a1) == 1
    assert a1["last_outcome_category"].iloc[0] == "Awaiting court outcome"
    assert a1["month"].iloc[0] == pd.Timestamp(2024, 1, 1)
    assert a1["source_file"].iloc[0] == "2024-02/2024-02-kent-street.csv"
    assert result.summary["republished_copies_removed"] == 1
    assert result.summary["rows_read"] == 12
    assert result.summary["rows_kept"] == 12 - 1 - 2
    assert result.frame["crime_id"].dropna().is_unique


def test_typed_schema_with_map_points_but_no_street_or_context(download: Path) -> None:
    frame = read(download).frame
    assert list(frame.columns[:10]) == [
        "crime_id",
        "month",
        "reported_by",
        "falls_within",
        "lsoa_code",
        "lsoa_name",
        "district_name",
        "district_code",
        "crime_type",
        "last_outcome_category",
    ]
    assert str(frame["month"].dtype) == "datetime64[ns]"
    assert (frame["month"] == frame["month"].dt.to_period("M").dt.start_time).all()
    lowered = {c.lower() for c in frame.columns}
    assert not lowered & {"location", "context"}
    text = frame.astype(str).to_csv()
    assert "Sentinel" not in text
    # The anonymised map point is kept as numbers (for hexagon maps), blank where no location.
    assert str(frame["longitude"].dtype) == "float64"
    located = frame["lsoa_code"].notna()
    assert (frame.loc[located, "latitude"] == 51.14).all()
    assert frame.loc[~located, ["longitude", "latitude"]].isna().all().all()


def test_a_map_point_that_is_not_a_number_names_the_file_column_and_line(
    download: Path,
) -> None:
    path = download / "2024-01" / "2024-01-kent-street.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace(",0.871,", ",east,")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read(download)
    message = str(caught.value)
    assert "2024-01-kent-street.csv" in message and "Longitude" in message and "2" in message


def test_zip_and_folder_read_the_same(download: Path, tmp_path: Path) -> None:
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for path in sorted(download.rglob("*.csv")):
            handle.write(path, f"a-download-folder/{path.relative_to(download).as_posix()}")
    from_folder, from_zip = read(download), read(archive)
    columns = [c for c in from_folder.frame.columns if c != "source_file"]
    pd.testing.assert_frame_equal(from_folder.frame[columns], from_zip.frame[columns])
    assert from_folder.summary == from_zip.summary
    assert file_sha256(download) != file_sha256(archive)
    before = file_sha256(download)
    write_month(download, "2024-03", [record("c1", "2024-03", "Ashford 001A")])
    assert file_sha256(download) != before


def test_the_force_is_chosen_when_several_are_present(download: Path) -> None:
    with pytest.raises(InputError, match="several forces"):
        read(download, None)
    (download / "2024-02" / "2024-02-sussex-street.csv").unlink()
    assert read(download, None).summary["forces"] == ["kent"]


def test_wrong_header_names_the_file(tmp_path: Path) -> None:
    path = write_month(tmp_path, "2024-03", [record("c1", "2024-03", "Ashford 001A")])
    path.write_text(path.read_text().replace("LSOA name", "LSOA_name"))
    with pytest.raises(InputError, match=r"2024-03-kent-street\.csv.*LSOA name"):
        read(tmp_path)


def test_bad_month_names_file_and_line(tmp_path: Path) -> None:
    write_month(
        tmp_path,
        "2024-03",
        [record("c1", "2024-03", "Ashford 001A"), record("c2", "March 2024", "Ashford 001A")],
    )
    with pytest.raises(InputError, match=r"2024-03-kent-street\.csv, column 'Month', rows 3"):
        read(tmp_path)


def test_no_files_found_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no street-level files"):
        read(tmp_path)


def test_generator_writes_the_published_format(tmp_path: Path) -> None:
    districts = [(d.code, d.name, d.population) for d in DISTRICTS]
    paths = demo_police_uk.write_street_files(
        tmp_path / "kent",
        districts,
        "kent",
        "Kent Police",
        ["2024-01", "2024-02"],
        seed=3,
        neighbours=("Wealden",),
    )
    assert [p.relative_to(tmp_path / "kent").as_posix() for p in paths] == [
        "2024-01/2024-01-kent-street.csv",
        "2024-02/2024-02-kent-street.csv",
    ]
    with paths[1].open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == HEADER
    body = rows[1:]
    assert any(r[0] == "" and r[9] == "Anti-social behaviour" and r[10] == "" for r in body)
    assert any(r[8] == "" and r[6] == "No Location" for r in body)
    assert any(r[8].startswith("Tonbridge and Malling ") for r in body)
    assert any(r[8].startswith("Wealden ") for r in body)
    assert any(r[1] == "2024-01" for r in body)  # re-published from January
    result = read(tmp_path / "kent")
    assert result.summary["republished_copies_removed"] > 0
    assert result.summary["outside_area_removed"] > 0


def _open_data_config(tmp_path: Path, **extra) -> Path:
    raw = {
        "source": "police_uk",
        "assessment": {"area_name": "Somewhere", "assessment_year": 2024, "years_covered": 2},
        "police_uk": {"force": "kent", "force_name": "Kent Police", **extra},
        "inputs": {"crimes": {"path": str(tmp_path / "kent"), "kind": "police_uk_street"}},
        "districts": [
            {"code": d.code, "name": d.name, "population": d.population, "aliases": list(d.aliases)}
            for d in DISTRICTS
        ],
    }
    path = tmp_path / "open.yml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_config_source_and_districts_by_name_or_code(tmp_path: Path) -> None:
    config = load_config(_open_data_config(tmp_path))
    assert config.source == "police_uk" and config.police_uk.force == "kent"
    assert config.police_uk.focus_crime_types == (VSO, "Possession of weapons", "Robbery")
    chosen = load_config(_open_data_config(tmp_path, districts=["E07000105", "tunbridge wells"]))
    assert chosen.district_codes == ["E07000105", "E07000116"]
    with pytest.raises(ConfigError, match="Nowhere"):
        load_config(_open_data_config(tmp_path, districts=["Nowhere"]))
    assert load_config("config/kent_medway.yml").source == "partner"


@pytest.mark.parametrize("name", ["kent_open_data", "west_yorkshire_open_data"])
def test_example_open_data_configs(name: str) -> None:
    config = load_config(f"config/{name}.yml")
    assert config.source == "police_uk" and config.police_uk.force
    spec = next(s for s in config.inputs.values() if s.kind == "police_uk_street")
    assert spec.path.as_posix().endswith(f"data/police_uk/{config.police_uk.force}")
    assert "TS001" in config.path.read_text()


def test_contract_sets_aside_unknown_crime_types(download: Path, tmp_path: Path) -> None:
    from sv_assessment.build import staging

    write_month(
        download,
        "2024-03",
        [
            record("m1", "2024-03", "Ashford 001A", "Made-up crime"),
            record("m2", "2024-03", "Ashford 001A"),
        ],
    )
    config = load_config(_open_data_config(tmp_path))
    staged = staging.stage_inputs(config, tmp_path / "staged")
    info = staged.inputs["crimes"]
    assert info["rows_set_aside"] == 1 and info["reader"]["outside_area_removed"] == 2
    used = StagedData(tmp_path / "staged").read("crimes")
    assert "m2" in set(used["crime_id"]) and "m1" not in set(used["crime_id"])
    assert not {"location", "context"} & set(used.columns)


def test_a_month_before_the_window_is_out_of_scope(download: Path, tmp_path: Path) -> None:
    from sv_assessment.build import staging

    write_month(download, "2021-05", [record("old", "2021-05", "Ashford 001A")])
    config = load_config(_open_data_config(tmp_path))
    staged = staging.stage_inputs(config, tmp_path / "staged")
    summary = next(iter(staged.inputs.values()))
    assert summary["rows_out_of_scope"] == 1
    frame = staged.staged.read(next(iter(staged.inputs)))
    assert "old" not in set(frame["crime_id"].astype(str))


def test_contract_stops_on_a_month_in_the_future(download: Path, tmp_path: Path) -> None:
    from sv_assessment.build import staging
    from sv_assessment.contracts.suites import ContractBreach

    write_month(download, "2099-05", [record("future", "2099-05", "Ashford 001A")])
    config = load_config(_open_data_config(tmp_path))
    with pytest.raises(ContractBreach, match="month"):
        staging.stage_inputs(config, tmp_path / "staged")


def test_population_from_input_or_config(tmp_path: Path) -> None:
    from types import SimpleNamespace

    from sv_assessment.chapters import open_data

    config = load_config(_open_data_config(tmp_path))
    from_config = open_data.population(SimpleNamespace(config=config, provided=lambda name: False))
    assert from_config["population"].tolist() == [d.population for d in DISTRICTS]
    estimates = pd.DataFrame(
        {
            "district_code": [d.code for d in DISTRICTS for _ in (1, 2)],
            "year": [y for _ in DISTRICTS for y in (2023, 2024)],
            "age_band": "0-9",
            "population": 1000,
        }
    )
    chapter = SimpleNamespace(
        config=config, provided=lambda name: name == "population", read=lambda name: estimates
    )
    from_input = open_data.population(chapter)
    assert from_input["population"].tolist() == [1000] * len(DISTRICTS)
    assert from_input["district"].tolist() == [d.name for d in DISTRICTS]
