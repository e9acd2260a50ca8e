"""`pipeline.py init` drafts a config from an unfamiliar extract; after the analyst's edits,
`pipeline.py check` reads it exactly as the canonical extract of the same offences."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from sv_assessment.build.check import run_check
from sv_assessment.cli import main
from sv_assessment.config import District
from sv_assessment.demo.partner import generate_offences, generate_population
from tests import extract_shapes
from tests.conftest import SMALL_DISTRICTS

DISTRICTS = [(d["code"], d["name"], d["population"]) for d in SMALL_DISTRICTS]


@pytest.fixture(scope="module")
def drafted(tmp_path_factory) -> tuple[Path, pd.DataFrame, str]:
    base = tmp_path_factory.mktemp("init")
    frame = generate_offences(DISTRICTS, 2023, 2024, 300, seed=5)
    # The export carries no person ids and coordinates (optional): the staged columns are then empty.
    frame = frame.assign(
        victim_id=pd.NA, suspect_id=pd.NA, longitude=float("nan"), latitude=float("nan")
    ).astype({"victim_id": "string", "suspect_id": "string"})
    extract_shapes.write_rms_export(frame, base / "rms_export.csv")
    generate_population(DISTRICTS, 2023, 2024).to_csv(base / "population.csv", index=False)
    draft = base / "draft.yml"
    assert main(["init", "--from", str(base / "rms_export.csv"), "--output", str(draft)]) == 0
    return base, frame, draft.read_text()


def edit(base: Path, text: str) -> Path:
    """What the analyst does: fill each EDIT (area, population file) and the period."""
    text = text.replace('"EDIT: your area"', '"Testshire"')
    text = text.replace('"EDIT: your partnership"', '"Testshire CSP"')
    text = text.replace("years_covered: 5", "years_covered: 2")
    start = text.index('"EDIT: your population file')
    end = text.index('"', start + 1) + 1
    edited = base / "edited.yml"
    edited.write_text(text[:start] + f'"{base / "population.csv"}"' + text[end:])
    return edited


def test_the_draft_maps_every_field_and_marks_each_guess(drafted):
    _, _, text = drafted
    config = yaml.safe_load(text)
    offences = config["inputs"]["offences"]
    assert offences["columns"]["Crime Number"] == "offence_id"
    assert offences["columns"]["Location Type"] == "public_place_flag"
    assert offences["values"]["knife_flag"] == {"K": True, "": False}
    # "F" marks a firearm: a marker, never read as the flag word for false.
    assert offences["values"]["firearm_flag"] == {"F": True, "": False}
    assert offences["values"]["public_place_flag"]["Dwelling"] is False
    assert offences["values"]["public_place_flag"]["Street / highway"] is True
    assert offences["date_format"] == {"recorded_date": "%d.%m.%Y"}
    # Their own offence categories give way to the Home Office code's group (a public rule).
    assert "Crime Category" not in offences["columns"]
    for header in offences["columns"]:
        line = next(line for line in text.splitlines() if f'"{header}":' in line)
        assert "# GUESS" in line
    assert "EDIT" in text and "MO Text" in text.split("Not used")[1]
    assert "must never be" not in text  # unmatched columns' values are not copied into the draft


def test_init_refuses_to_overwrite(drafted, tmp_path: Path):
    base, _, _ = drafted
    target = tmp_path / "draft.yml"
    target.write_text("keep me")
    assert main(["init", "--from", str(base / "rms_export.csv"), "--output", str(target)]) == 1
    assert target.read_text() == "keep me"


def test_check_after_editing_the_draft_reads_the_same_offences(drafted, capsys):
    base, frame, text = drafted
    config = edit(base, text)
    assert main(["check", "--config", str(config), "--work", str(base / "work")]) == 0
    printed = capsys.readouterr().out
    assert "rows read" in printed and "column 'Weapon Used'" in printed
    assert "derived from offence_code" in printed
    staged = pd.read_parquet(next((base / "work").rglob("offences.parquet")))
    expected = frame.reset_index(drop=True)
    pd.testing.assert_frame_equal(staged.drop(columns=["source_row"]), expected, check_dtype=False)


def test_check_names_the_input_error(drafted, tmp_path: Path):
    base, _, text = drafted
    config = edit(tmp_path, text.replace('"HO Class": offence_code', '"HO Klass": offence_code'))
    (tmp_path / "population.csv").write_bytes((base / "population.csv").read_bytes())
    result = run_check(config, work_dir=tmp_path / "work")
    assert not result.ok
    assert "'HO Klass'" in result.summary and "'HO Class'" in result.summary


def test_a_workbook_draft_takes_the_data_sheet_below_its_title_block(tmp_path: Path):
    frame = generate_offences(DISTRICTS, 2024, 2024, 60, seed=2)
    extract_shapes.write_workbook(frame, tmp_path / "extract.xlsx")
    extract_shapes.write_lsoa_only(
        frame.dropna(subset=["lsoa_code"]),
        tmp_path / "lsoa_only.csv",
        tmp_path / "lookup.csv",
        [District(*d) for d in DISTRICTS],
    )
    draft = tmp_path / "draft.yml"
    files = [str(tmp_path / "extract.xlsx"), str(tmp_path / "lsoa_only.csv")]
    assert main(["init", "--from", *files, "--output", str(draft)]) == 0
    text = draft.read_text()
    assert "sheet 'Offences'" in text and "header on line 4" in text
    inputs = yaml.safe_load(text)["inputs"]
    workbook = inputs["offences"]
    assert workbook["sheet"] == "Offences"
    assert workbook["columns"]["Knife?"] == "knife_flag"
    assert workbook["columns"]["Group"] == "offence_group"
    assert "values" not in workbook  # Yes/No flags read as they are
    # LSOA codes only: the district needs the ONS lookup, which the analyst must give.
    assert inputs["offences_1"]["lsoa_lookup"].startswith("EDIT")


def test_help_names_init_and_check(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    printed = capsys.readouterr().out
    assert "pipeline.py init --from" in printed and "pipeline.py check --config" in printed


def test_a_build_with_a_bad_mapping_fails_naming_the_config_line(drafted, tmp_path, capsys):
    base, _, text = drafted
    config = edit(tmp_path, text.replace('"Weapon Used": knife_flag', '"Weapon": knife_flag'))
    (tmp_path / "population.csv").write_bytes((base / "population.csv").read_bytes())
    code = main(
        [
            "--config",
            str(config),
            "--work",
            str(tmp_path / "work"),
            "--outputs",
            str(tmp_path / "outputs"),
            "--format",
            "html",
            "--quiet",
        ]
    )
    assert code == 1
    message = capsys.readouterr().err
    line = next(i for i, t in enumerate(config.read_text().splitlines(), 1) if '"Weapon"' in t)
    assert "BUILD FAILED" in message and f"line {line}" in message and "'Weapon Used'" in message
    assert not (tmp_path / "outputs").exists() or not any((tmp_path / "outputs").rglob("*.html"))


def test_example_values_are_shown_on_the_terminal_never_written(drafted, tmp_path, capsys):
    base, frame, _ = drafted
    draft = tmp_path / "draft.yml"
    assert main(["init", "--from", str(base / "rms_export.csv"), "--output", str(draft)]) == 0
    printed = capsys.readouterr().out
    profile = printed.split("# DRAFT")[0]
    assert "'Date Recorded': date %d.%m.%Y" in profile
    an_id = next(i for i in frame["offence_id"] if i in profile)
    assert an_id not in draft.read_text()
