"""Nothing lost, nothing mixed (issue 12), the parts that need no notebook: demo data is written
only for the synthetic demo, only into its own folder and never over a file; one build of an
assessment at a time; an unwritable outputs folder found first; an assessment never replaced
by one from another config without --replace; a failure told in one paragraph with the
traceback in a log file."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sv_assessment.build import BuildOptions, build, guards, lock, staging
from sv_assessment.config import load_config
from sv_assessment.demo import partner as demo
from sv_assessment.errors import BuildError
from sv_assessment.ingest.errors import InputError
from sv_assessment.paths import PROJECT_ROOT
from tests.conftest import write_config


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("demo")
    staging.ensure_demo_inputs(load_config(write_config(base, offences_per_year=200)))
    return base / "data"


def partner_config(folder: Path, data: Path, synthetic: bool, generate: bool) -> Path:
    """A partner's config pointing at ``data``: real or synthetic, demo generation on or off."""
    path = write_config(folder, offences_per_year=200)
    raw = yaml.safe_load(path.read_text())
    for spec in raw["inputs"].values():
        spec["path"] = str(data / Path(spec["path"]).name)
    raw["assessment"]["synthetic_data"] = synthetic
    raw["demo"]["generate_if_missing"] = generate
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def test_a_real_extract_is_never_overwritten_by_demo_data(demo_data, tmp_path):
    """The issue's case: real offences and population, no A&E file, a copied demo config with
    synthetic_data false but generate_if_missing left true."""
    real = tmp_path / "partner"
    real.mkdir()
    for name in ("offences.csv", "population.csv"):
        (real / name).write_bytes((demo_data / name).read_bytes().replace(b"\n", b"\r\n"))
    before = {p.name: digest(p) for p in real.iterdir()}
    config = load_config(partner_config(tmp_path, real, synthetic=False, generate=True))
    staging.ensure_demo_inputs(config)
    staged = staging.stage_inputs(config, tmp_path / "staged")
    assert {p.name: digest(p) for p in real.iterdir()} == before  # no file changed or added
    assert staged.inputs["ae_attendances"]["provided"] is False


def test_a_missing_real_input_is_reported_not_made_up(demo_data, tmp_path):
    real = tmp_path / "partner"
    real.mkdir()
    (real / "offences.csv").write_bytes((demo_data / "offences.csv").read_bytes())
    config = load_config(partner_config(tmp_path, real, synthetic=False, generate=True))
    with pytest.raises(InputError, match="population.csv.*file not found"):
        staging.stage_inputs(config, tmp_path / "staged")
    assert sorted(p.name for p in real.iterdir()) == ["offences.csv"]


def test_the_demo_writes_only_into_a_folder_of_its_own_and_never_over_a_file(demo_data, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "offences.csv").write_bytes(b"someone's own file")
    (shared / "notes.txt").write_text("not the demo's")
    config = load_config(partner_config(tmp_path, shared, synthetic=True, generate=True))
    with pytest.raises(InputError, match="folder of their own.*notes.txt"):
        staging.ensure_demo_inputs(config)
    assert sorted(p.name for p in shared.iterdir()) == ["notes.txt", "offences.csv"]
    assert (shared / "offences.csv").read_bytes() == b"someone's own file"
    with pytest.raises(FileExistsError):  # the writer itself refuses to write over a file
        demo.write_inputs({"population": shared / "offences.csv"}, [], 2024, 2024, 1, 1)


def test_the_demo_fills_in_only_what_is_missing_from_its_own_folder(demo_data, tmp_path):
    own = tmp_path / "demo"
    own.mkdir()
    for name in ("offences.csv", "ae_attendances.csv", demo.README):
        (own / name).write_bytes((demo_data / name).read_bytes())
    kept = digest(own / "offences.csv")
    config = load_config(partner_config(tmp_path, own, synthetic=True, generate=True))
    staging.ensure_demo_inputs(config)
    assert (own / "population.csv").read_bytes() == (demo_data / "population.csv").read_bytes()
    assert digest(own / "offences.csv") == kept


def options_for(config_path: Path, tmp_path: Path, **more) -> BuildOptions:
    return BuildOptions(
        config_path=config_path,
        outputs_dir=tmp_path / "outputs",
        work_dir=tmp_path / "work",
        formats=("html",),
        **more,
    )


def test_a_second_build_of_the_same_assessment_stops_naming_the_first(tmp_path):
    config_path = write_config(tmp_path, offences_per_year=200)
    work = tmp_path / "work" / "small_assessment" / "2024"
    held = lock.assessment_lock(work, "small_assessment 2024")
    with held, pytest.raises(BuildError, match="another build of small_assessment 2024") as caught:
        build(options_for(config_path, tmp_path))
    message = str(caught.value)
    assert f"process {os.getpid()}" in message and "--wait" in message
    assert not (work / "staged").exists()  # it stopped before reading anything
    assert not (work / lock.HOLDER_FILE).exists()  # released, and who held it forgotten


def test_an_unwritable_outputs_folder_stops_the_build_before_it_starts(tmp_path):
    config_path = write_config(tmp_path, offences_per_year=200)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the outputs folder should be")
    options = options_for(config_path, tmp_path)
    options.outputs_dir = blocker / "outputs"
    with pytest.raises(BuildError, match="cannot write to the outputs folder") as caught:
        build(options)
    assert "--outputs" in str(caught.value)
    assert not (tmp_path / "work" / "small_assessment").exists()
    assert not (tmp_path / "data").exists()  # not even the demo inputs were made


def test_os_errors_are_told_in_words():
    full = OSError(errno.ENOSPC, "No space left on device", "/data/out/tables/x.csv")
    assert "the disk is full (/data/out/tables/x.csv)" in guards.describe_os_error(full)
    denied = PermissionError(errno.EACCES, "Permission denied", "/srv/outputs")
    assert "read-only" in guards.describe_os_error(denied)


def test_an_assessment_from_another_config_is_not_replaced_unless_told(tmp_path):
    config = load_config(write_config(tmp_path, offences_per_year=200))
    final = tmp_path / "outputs" / "small_assessment" / "2024"
    final.mkdir(parents=True)
    other = {"assessment": {"config": "/elsewhere/small_assessment.yml"}, "config_sha256": "x"}
    (final / "run.json").write_text(json.dumps(other))
    with pytest.raises(BuildError, match="built from /elsewhere/small_assessment.yml"):
        guards.check_same_assessment(final, config, replace=False)
    guards.check_same_assessment(final, config, replace=True)
    mine = {"assessment": {"config": str(config.path)}, "config_sha256": "changed since"}
    (final / "run.json").write_text(json.dumps(mine))
    guards.check_same_assessment(final, config, replace=False)  # the same file, edited


def test_a_failed_build_says_what_in_one_paragraph_and_logs_the_traceback(tmp_path):
    config_path = write_config(tmp_path, offences_per_year=200)
    raw = yaml.safe_load(config_path.read_text())
    raw["demo"]["generate_if_missing"] = False  # and no inputs: the build must say so
    config_path.write_text(yaml.safe_dump(raw, sort_keys=False))
    command = [sys.executable, str(PROJECT_ROOT / "pipeline.py"), "--config", str(config_path)]
    command += ["--outputs", str(tmp_path / "outputs"), "--work", str(tmp_path / "work")]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd=PROJECT_ROOT)
    assert done.returncode == 1
    failure = done.stderr.split("BUILD FAILED: ", 1)[1]
    assert "\n" not in failure.strip() and "Traceback" not in done.stderr
    assert "offences.csv" in failure and "file not found" in failure
    log = Path(failure.rsplit("the technical detail, is ", 1)[1].strip())
    assert log.is_file() and "Traceback" in log.read_text()
