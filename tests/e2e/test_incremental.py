"""Incremental builds: an unchanged key reuses the step, a changed one re-runs only that step."""

from __future__ import annotations

import pandas as pd
import pytest

from sv_assessment.build import BuildOptions, build, cache, code_keys
from sv_assessment.build import orchestrate as build_module
from sv_assessment.paths import COMMENTARY_DIR
from tests.conftest import write_config

pytestmark = pytest.mark.e2e
ALL = set(build_module.chapter_notebooks())


def notebooks_ran(result) -> set[str]:
    return {s.removeprefix("notebook ") for s in result.ran if s.startswith("notebook ")}


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    base = tmp_path_factory.mktemp("incremental")
    options = BuildOptions(
        config_path=write_config(base, offences_per_year=2000),
        formats=("html",),
        jobs=2,
        outputs_dir=base / "outputs",
        work_dir=base / "work",
    )
    first = build(options)
    return base, options, first


def test_first_build_runs_everything(project):
    _, _, first = project
    assert notebooks_ran(first) == ALL
    assert {"inputs and contracts", "assemble", "publish"} <= set(first.ran)


def test_unchanged_rebuild_executes_no_notebook_and_keeps_the_published_folder(project):
    _, options, first = project
    before = (first.published / "run.json").read_text()
    again = build(options)
    assert again.ran == []
    assert again.publish_skipped
    assert (again.published / "run.json").read_text() == before


def test_one_column_read_by_one_analysis_chapter_reruns_only_that_chapter(project):
    base, options, _ = project
    path = base / "data" / "offences.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw["victim_sex"] = (
        raw["victim_sex"].map({"Female": "Male", "Male": "Female"}).fillna(raw["victim_sex"])
    )
    raw.to_csv(path, index=False)
    result = build(options)
    # victim_sex is read by the violence profile and the who chapter (victims by sex) among the
    # analysis chapters; data quality (completeness of every column), methods (the input's
    # SHA-256) and data gaps (what each input provides) read every input file.
    assert notebooks_ran(result) == {
        "03_violence_profile",
        "12_who",
        "02_data_quality",
        "09_methods",
        "11_data_gaps",
    }
    reused = {"01_summary", "04_knife_crime", "05_districts", "06_places", "07_health"}
    assert {f"notebook {name}" for name in reused} <= set(result.reused)
    assert "inputs and contracts" in result.ran and "assemble" in result.ran


def test_column_hashes_pick_out_the_readers():
    manifest = {
        "raw": {"offences": {}},
        "columns": {"offences": {"a": "1", "b": "2"}},
        "files": {"inputs.json": "x"},
    }
    changed = {**manifest, "columns": {"offences": {"a": "1", "b": "3"}}}
    reads_a = {"inputs": {"offences": ["a"]}}
    reads_b = {"inputs": {"offences": ["b"]}}
    fp = cache.reads_fingerprint
    assert fp(reads_a, manifest) == fp(reads_a, changed)
    assert fp(reads_b, manifest) != fp(reads_b, changed)
    assert fp(None, manifest) != fp(None, changed)
    with pytest.raises(KeyError, match="zz"):
        fp({"inputs": {"offences": ["zz"]}}, manifest)


def test_a_change_to_a_chapters_code_reruns_that_chapter_not_staging(project, monkeypatch):
    _, options, _ = project
    real = code_keys.notebook_code

    def edited(path):
        return real(path) + ("-edited" if path.stem == "04_knife_crime" else "")

    monkeypatch.setattr(code_keys, "notebook_code", edited)
    result = build(options)
    assert notebooks_ran(result) == {"04_knife_crime"}
    assert "inputs and contracts" in result.reused
    assert {"assemble", "publish"} <= set(result.ran)


def test_a_change_to_the_staging_code_reruns_staging(project, monkeypatch):
    _, options, _ = project
    real = code_keys.stage_code()
    monkeypatch.setattr(code_keys, "stage_code", lambda: real + "-edited")
    result = build(options)
    assert "inputs and contracts" in result.ran
    # The staged columns are the same, so no chapter needs to run again.
    assert notebooks_ran(result) == set()


def test_editing_a_chapters_commentary_reruns_that_chapter(project):
    _, options, _ = project
    commentary = COMMENTARY_DIR / "05_districts.md"
    assert not commentary.exists()
    try:
        commentary.write_text("Districts: a note from the analyst.\n")
        result = build(options)
    finally:
        commentary.unlink(missing_ok=True)
    assert notebooks_ran(result) == {"05_districts"}
    assert (
        "Districts: a note from the analyst." in (result.published / "assessment.html").read_text()
    )


def test_force_reruns_everything(project):
    _, options, _ = project
    options.force = True
    try:
        result = build(options)
    finally:
        options.force = False
    assert notebooks_ran(result) == ALL
    assert not result.publish_skipped
