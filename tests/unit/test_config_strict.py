"""The issue-12 configuration cases (item 6): every unknown key, wrong type, unknown value and
out-of-range setting stops the build with the file, the line, the key and what is allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sv_assessment.config import ConfigError, load_config

DEMO = Path(load_config().path).read_text()


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "key", "allowed"),
    [
        ("  minimum_count: 5", "  minimum_cont: 10", "disclosure.minimum_cont", "minimum_count"),
        ("disclosure:", "disclosre:", "'disclosre'", "disclosure"),
        (
            "  public_place_only: true",
            "  public_place_onyl: true",
            "public_place_onyl",
            "public_place_only",
        ),
        ("  age_under: 25", '  age_under: "25"', "serious_violence.age_under", "integer"),
        (
            "    kind: police_offences",
            "    kind: police_offence",
            "inputs.offences.kind",
            "'police_offences'",
        ),
        (
            "  offence_groups: [Homicide, Attempted murder, Violence with injury]",
            "  offence_groups: [homicide, Attempted murder, Violence with injury]",
            "serious_violence.offence_groups",
            "'Homicide'",
        ),
        (
            "  offence_groups: [Homicide, Attempted murder, Violence with injury]",
            "  offence_groups: [Homicide, Murder]",
            "serious_violence.offence_groups",
            "Possession of weapons",
        ),
        ("  minimum_count: 5", "  minimum_count: 1", "disclosure.minimum_count", "2"),
        ("  years_covered: 5", "  years_covered: 0", "assessment.years_covered", "1"),
        (
            "    optional: true",
            "    optional: true\n    set_aside_ceiling: 1.5",
            "inputs.ae_attendances.set_aside_ceiling",
            "1",
        ),
    ],
    ids=[
        "unknown key",
        "unknown section",
        "misspelt flag",
        "number as text",
        "unknown kind",
        "group in the wrong case",
        "unknown group",
        "threshold too low",
        "no years",
        "ceiling above 1",
    ],
)
def test_each_config_mistake_stops_naming_file_line_key_and_what_is_allowed(
    tmp_path, old, new, key, allowed
):
    assert old in DEMO
    text = DEMO.replace(old, new, 1)
    path = tmp_path / "partner.yml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    line = line_of(text, new.strip().splitlines()[-1].split(":")[0])
    assert f"{path}, line {line}" in message, message
    assert key in message and allowed in message, message
