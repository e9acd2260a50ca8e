"""The config's mapping of an extract's headers and codes, and the derivations of missing fields:
each rule on a few rows made in code, and each bad mapping an error naming the config line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from sv_assessment.config import District, load_config
from sv_assessment.config_file import ConfigError
from sv_assessment.ingest import derive
from sv_assessment.ingest.canonical import read_mapped, to_canonical
from sv_assessment.ingest.errors import InputError
from sv_assessment.ingest.mapping import ExtractMapping
from tests.conftest import write_config

DISTRICTS = (
    District("E07000105", "Ashford", 132700),
    District("E07000115", "Tonbridge and Malling", 132200),
    District("E06000035", "Medway", 279800, ("Medway Towns",)),
)


def extract(**overrides) -> pd.DataFrame:
    """Two offences as text, in our headers; ``overrides`` replace or drop (None) columns."""
    columns = {
        "offence_id": ["A1", "A2"],
        "recorded_date": ["2024-01-05", "2024-02-06"],
        "offence_code": ["8N", "105A"],
        "offence_description": ["Assault with injury", "Assault without injury"],
        "offence_group": ["Violence with injury", "Violence without injury"],
        "knife_flag": ["true", "false"],
        "firearm_flag": ["false", "false"],
        "domestic_abuse_flag": ["false", "true"],
        "public_place_flag": ["true", "false"],
        "district_code": ["E07000105", "E06000035"],
        "district_name": ["Ashford", "Medway"],
    }
    for name, value in overrides.items():
        if value is None:
            columns.pop(name, None)
        else:
            columns[name] = value
    return pd.DataFrame(columns, dtype=object)


def canonical(frame: pd.DataFrame, **mapping) -> pd.DataFrame:
    plan = ExtractMapping(districts=DISTRICTS, input_name="offences", **mapping)
    return to_canonical(frame, "police_offences", Path("extract.csv"), mapping=plan)


def config_with(tmp_path: Path, offences: dict) -> Path:
    """A config file whose offences input is ``offences`` (written, so lines can be named)."""
    path = write_config(tmp_path)
    raw = yaml.safe_load(path.read_text())
    raw["inputs"]["offences"] = offences
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_their_headers_and_codes_become_ours():
    frame = extract(knife_flag=None, victim_sex=None)
    frame["Weapon Used"] = ["K", ""]
    frame["IP Gender"] = ["M", "u"]  # case does not matter
    frame["MO Text"] = ["free text", "never read"]
    typed = canonical(
        frame,
        columns={"Weapon Used": "knife_flag", "IP Gender": "victim_sex"},
        values={"knife_flag": {"K": True, "": False}, "victim_sex": {"M": "Male", "U": "Unknown"}},
    )
    assert typed["knife_flag"].tolist() == [True, False]
    assert typed["victim_sex"].tolist() == ["Male", "Unknown"]
    assert "MO Text" not in typed.columns and "Weapon Used" not in typed.columns


def test_yaml_yes_no_keys_match_the_words_in_the_extract():
    # `{Yes: true, No: false}` unquoted in YAML arrives as boolean keys.
    frame = extract(public_place_flag=["Yes", "No"])
    typed = canonical(frame, values={"public_place_flag": {True: True, False: False}})
    assert typed["public_place_flag"].tolist() == [True, False]


def test_location_type_gives_the_public_place_flag():
    frame = extract(public_place_flag=None)
    frame["Location Type"] = ["Street / highway", "Dwelling"]
    typed = canonical(
        frame,
        columns={"Location Type": "public_place_flag"},
        values={"public_place_flag": {"Street / highway": True, "Dwelling": False}},
    )
    assert typed["public_place_flag"].tolist() == [True, False]


def test_a_location_type_with_no_mapping_is_an_error_naming_the_config_line(tmp_path: Path):
    data = tmp_path / "extract.csv"
    frame = extract(public_place_flag=None)
    frame["Location Type"] = ["Street / highway", "Car park"]
    frame.to_csv(data, index=False)
    config = config_with(
        tmp_path,
        {
            "path": str(data),
            "kind": "police_offences",
            "columns": {"Location Type": "public_place_flag"},
            "values": {"public_place_flag": {"Street / highway": True}},
        },
    )
    from sv_assessment.build.staging import extract_mapping

    cfg = load_config(config)
    spec = cfg.inputs["offences"]
    with pytest.raises(InputError) as error:
        read_mapped(spec.path, spec.kind, mapping=extract_mapping(cfg, spec))
    message = str(error.value)
    assert "'Car park'" in message and "row" in message and "public_place_flag" in message
    assert f"line {line_of(config, 'public_place_flag:')}" in message


def test_a_mapped_header_not_in_the_file_lists_the_headers_and_the_config_line(tmp_path: Path):
    data = tmp_path / "extract.csv"
    extract(offence_id=None).assign(**{"Crime No": ["A1", "A2"]}).to_csv(data, index=False)
    config = config_with(
        tmp_path,
        {"path": str(data), "kind": "police_offences", "columns": {"Crime Number": "offence_id"}},
    )
    from sv_assessment.build.staging import extract_mapping

    cfg = load_config(config)
    spec = cfg.inputs["offences"]
    with pytest.raises(InputError) as error:
        read_mapped(spec.path, spec.kind, mapping=extract_mapping(cfg, spec))
    message = str(error.value)
    assert "'Crime Number'" in message and "'Crime No'" in message
    assert f"line {line_of(config, 'Crime Number')}" in message


def test_a_date_in_another_format_than_the_configs_names_the_config_line(tmp_path: Path):
    data = tmp_path / "extract.csv"
    extract(recorded_date=["05.01.2024", "2024-02-06"]).to_csv(data, index=False)
    config = config_with(
        tmp_path,
        {
            "path": str(data),
            "kind": "police_offences",
            "date_format": {"recorded_date": "%d.%m.%Y"},
        },
    )
    from sv_assessment.build.staging import extract_mapping

    cfg = load_config(config)
    spec = cfg.inputs["offences"]
    with pytest.raises(InputError) as error:
        read_mapped(spec.path, spec.kind, mapping=extract_mapping(cfg, spec))
    assert "'2024-02-06'" in str(error.value)
    assert f"line {line_of(config, 'recorded_date: ')}" in str(error.value)


def test_mapping_to_a_field_we_do_not_have_is_a_config_error_with_its_line(tmp_path: Path):
    config = config_with(
        tmp_path,
        {"path": "x.csv", "kind": "police_offences", "columns": {"Crime Number": "crime_ref"}},
    )
    with pytest.raises(ConfigError) as error:
        load_config(config)
    assert "crime_ref" in str(error.value) and "offence_id" in str(error.value)
    assert f"line {line_of(config, 'columns:')}" in str(error.value)


def test_offence_group_and_description_from_home_office_codes():
    frame = extract(offence_group=None, offence_description=None, offence_code=["08N", " 34b"])
    typed = canonical(frame)
    assert typed["offence_group"].tolist() == ["Violence with injury", "Robbery"]
    assert typed["offence_description"].tolist() == [
        "Assault with injury",
        "Robbery of personal property",
    ]


def test_unknown_offence_codes_are_listed_not_guessed():
    frame = extract(offence_group=None, offence_code=["8N", "ZZ9"])
    with pytest.raises(InputError) as error:
        canonical(frame)
    assert "'ZZ9' (1 rows)" in str(error.value) and "values: offence_code:" in str(error.value)


def test_a_local_code_mapped_to_a_home_office_code_is_classified():
    frame = extract(offence_group=None, offence_code=["008/01", "105A"])
    typed = canonical(frame, values={"offence_code": {"008/01": "8N"}})
    assert typed["offence_group"].tolist() == ["Violence with injury", "Violence without injury"]


def test_codes_outside_violence_keep_their_home_office_group():
    frame = extract(offence_group=None, offence_code=["28E", "8N"])
    typed = canonical(frame)
    # Not one of the assessment's groups: the contract sets such rows aside and counts them.
    assert typed["offence_group"].tolist() == ["Theft offences", "Violence with injury"]


def test_the_classification_table_cites_its_source_and_date():
    source = derive.classification_source()
    assert "Home Office Counting Rules" in source and "2026" in source
    table = derive.offence_classification()
    assert table.index.is_unique
    assert set(table.loc[["1", "2", "8N", "105A", "34B", "10D"], "offence_group"]) == {
        "Homicide",
        "Attempted murder",
        "Violence with injury",
        "Violence without injury",
        "Robbery",
        "Possession of weapons",
    }


def write_lookup(path: Path, rows: list[tuple[str, str]]) -> Path:
    """An ONS OA -> LSOA -> MSOA -> LAD lookup: a row per output area, LSOAs repeat."""
    frame = pd.DataFrame(
        [
            {
                "OA21CD": f"E00{i:06d}",
                "LSOA21CD": lsoa,
                "LSOA21NM": "x",
                "MSOA21CD": "E02000001",
                "LAD22CD": lad,
                "LAD22NM": "y",
                "ObjectId": i,
            }
            for i, (lsoa, lad) in enumerate(rows + rows)
        ]
    )
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_district_from_lsoa_codes_through_the_ons_lookup(tmp_path: Path):
    lookup = write_lookup(
        tmp_path / "lookup.csv", [("E01024001", "E07000105"), ("E01024002", "E06000035")]
    )
    frame = extract(district_code=None, district_name=None, lsoa_code=["E01024002", "E01024001"])
    typed = canonical(frame, lsoa_lookup=lookup)
    assert typed["district_code"].tolist() == ["E06000035", "E07000105"]
    assert typed["district_name"].tolist() == ["Medway", "Ashford"]


def test_an_lsoa_missing_from_the_lookup_is_an_error(tmp_path: Path):
    lookup = write_lookup(tmp_path / "lookup.csv", [("E01024001", "E07000105")])
    frame = extract(district_code=None, district_name=None, lsoa_code=["E01024001", "E01099999"])
    with pytest.raises(InputError) as error:
        canonical(frame, lsoa_lookup=lookup)
    assert "'E01099999'" in str(error.value) and "lookup" in str(error.value)


def test_a_lookup_without_the_ons_columns_lists_its_headers(tmp_path: Path):
    lookup = tmp_path / "lookup.csv"
    pd.DataFrame({"lsoa": ["E01024001"], "district": ["E07000105"]}).to_csv(lookup, index=False)
    frame = extract(district_code=None, lsoa_code=["E01024001", "E01024001"])
    with pytest.raises(InputError, match="LSOA21CD.*lsoa, district"):
        canonical(frame, lsoa_lookup=lookup)


def test_district_from_the_lsoa_name_prefix_and_aliases():
    frame = extract(district_code=None, district_name=None)
    frame["LSOA name"] = ["Tonbridge and Malling 012C", "Medway Towns 001A"]
    typed = canonical(frame)
    assert typed["district_code"].tolist() == ["E07000115", "E06000035"]
    assert typed["district_name"].tolist() == ["Tonbridge and Malling", "Medway"]


def test_an_lsoa_name_outside_the_area_is_an_error_suggesting_aliases():
    frame = extract(district_code=None, district_name=None)
    frame["LSOA name"] = ["Ashford 001A", "Wealden 003B"]
    with pytest.raises(InputError, match="'Wealden'.*aliases"):
        canonical(frame)


def test_district_code_from_the_district_name():
    typed = canonical(extract(district_code=None, district_name=["ashford", "Medway Towns"]))
    assert typed["district_code"].tolist() == ["E07000105", "E06000035"]


def test_rows_keep_their_file_lines_through_derivations():
    frame = extract(offence_group=None)
    typed = to_canonical(
        frame,
        "police_offences",
        Path("x.csv"),
        lines=np.array([7, 9]),
        mapping=ExtractMapping(districts=DISTRICTS),
    )
    assert typed["source_row"].tolist() == [7, 9]


def test_the_classification_table_is_part_of_the_staging_code_key():
    from sv_assessment.build import code_keys

    assert derive.CLASSIFICATION_FILE in code_keys.data_files(Path(derive.__file__))
    staging = code_keys.closure(code_keys.PACKAGE_DIR / e for e in code_keys.STAGE_ENTRY)
    assert Path(derive.__file__) in staging


def test_the_lsoa_lookup_is_fingerprinted_as_an_input(tmp_path: Path):
    from sv_assessment.build.orchestrate import raw_fingerprints

    lookup = write_lookup(tmp_path / "lookup.csv", [("E01024001", "E07000105")])
    data = tmp_path / "extract.csv"
    extract().to_csv(data, index=False)
    config = config_with(
        tmp_path, {"path": str(data), "kind": "police_offences", "lsoa_lookup": str(lookup)}
    )
    before = raw_fingerprints(load_config(config), None)["offences.lsoa_lookup"]
    write_lookup(lookup, [("E01024001", "E06000035")])
    after = raw_fingerprints(load_config(config), None)["offences.lsoa_lookup"]
    assert before["sha256"] != after["sha256"]


def test_a_missing_lookup_file_names_the_config_line(tmp_path: Path):
    data = tmp_path / "extract.csv"
    extract(district_code=None, district_name=None, lsoa_code=["E01024001"] * 2).to_csv(
        data, index=False
    )
    config = config_with(
        tmp_path,
        {"path": str(data), "kind": "police_offences", "lsoa_lookup": str(tmp_path / "nope.csv")},
    )
    from sv_assessment.build.staging import extract_mapping

    cfg = load_config(config)
    spec = cfg.inputs["offences"]
    with pytest.raises(InputError) as error:
        read_mapped(spec.path, spec.kind, mapping=extract_mapping(cfg, spec))
    assert "nope.csv" in str(error.value) and "does not exist" in str(error.value)
    assert f"line {line_of(config, 'lsoa_lookup')}" in str(error.value)


def test_values_for_a_field_no_column_gives_are_an_error():
    with pytest.raises(InputError, match="values of victim_sex.*no column"):
        canonical(extract(), values={"victim_sex": {"M": "Male"}})


def test_a_date_time_format_also_reads_midnight_written_as_the_date():
    frame = extract()
    frame["occurred_at"] = ["05.01.2024 22:15", "06.02.2024"]
    typed = canonical(frame, date_formats={"occurred_at": "%d.%m.%Y %H:%M"})
    assert typed["occurred_at"].tolist() == [
        pd.Timestamp("2024-01-05 22:15"),
        pd.Timestamp("2024-02-06"),
    ]
