from pathlib import Path

import pytest

from sv_assessment.config import ConfigError, load_config


def test_demo_config_reads_kent_and_medway():
    config = load_config()
    assert config.area_name == "Kent and Medway"
    assert len(config.districts) == 13
    assert config.years == [2020, 2021, 2022, 2023, 2024]
    assert sum(d.population for d in config.districts) == 1_855_900
    assert "Violence with injury" in config.serious_violence.offence_groups


def test_year_override_moves_the_window():
    config = load_config(year=2023)
    assert config.assessment_year == 2023
    assert config.years[0] == 2019


def test_fingerprint_changes_with_settings(small_config_path: Path):
    assert load_config(small_config_path).fingerprint() != load_config().fingerprint()


def test_missing_config_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yml")


def test_repeated_district_codes_are_rejected(tmp_path: Path):
    path = tmp_path / "bad.yml"
    path.write_text(Path(load_config().path).read_text().replace("E07000106", "E07000105"))
    with pytest.raises(ConfigError, match="repeat"):
        load_config(path)
