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


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "  minimum_count: 5",
            "  minimum_cont: 10",
            r"line 23: 'disclosure.minimum_cont' is not a",
        ),
        ("disclosure:", "disclosre:", r"'disclosre' is not a setting \(allowed here: assessment"),
        ("  public_place_only: true", "  public_place_onyl: true", "public_place_onyl"),
        ("  age_under: 25", '  age_under: "twenty"', "age_under"),
        ("    kind: police_offences", "    kind: police_offence", "'inputs.offences.kind'"),
        ("  minimum_count: 5", "  minimum_count: 1", "greater than or equal to 2"),
    ],
)
def test_every_unknown_key_or_bad_value_names_its_line(tmp_path: Path, old, new, expected):
    text = Path(load_config().path).read_text()
    assert old in text
    path = tmp_path / "bad.yml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ConfigError, match=expected) as caught:
        load_config(path)
    assert str(path) in str(caught.value)


def test_with_year_keeps_every_other_setting():
    config = load_config()
    moved = config.with_year(2023)
    assert moved.as_dict()["assessment"]["assessment_year"] == 2023
    assert {k: v for k, v in moved.as_dict().items() if k != "assessment"} == {
        k: v for k, v in config.as_dict().items() if k != "assessment"
    }


def test_a_place_narrows_the_assessment_to_one_district_by_name_or_code():
    config = load_config()
    for given in ("Thanet", "thanet ", "E07000114"):
        place = config.for_place(given)
        assert place.district_codes == ["E07000114"]
        assert place.area_name == "Thanet"
        assert place.assessment_year == config.assessment_year
    assert config.for_place(None) is config
    with pytest.raises(ConfigError, match="'Atlantis' is not one of the configured districts"):
        config.for_place("Atlantis")
