"""A real build (GX, Papermill, Pandoc, Typst) of a small assessment with canaries planted:
nothing that identifies a person is published, row counts reconcile, a failure at any step
(a notebook cell, the assembly, the process killed, a contract breach) leaves the last good
assessment byte for byte, and rebuilding gives the same published tables."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from pypdf import PdfReader

from sv_assessment.build import NOTEBOOKS_DIR, BuildError, BuildOptions, build, staging
from sv_assessment.build import publish as publishing
from sv_assessment.build.cache import file_sha256
from sv_assessment.config import load_config
from sv_assessment.paths import PROJECT_ROOT
from tests.conftest import write_config

ROOT = PROJECT_ROOT
ASSESSMENT = "small_assessment"  # outputs/<assessment>/<year>: the config file's name
pytestmark = pytest.mark.e2e

CANARY_ID = "CANARY-ID-7731"
CANARY_STREET = "Canary Street Lane"
CANARY_QUARANTINED_ID = "CANARY-Q-5519"
CANARY_QUARANTINED_TEXT = "Canary Quarantine Close"
CANARY_WHEN = "2024-03-17 03:47"
CANARIES = (
    CANARY_ID,
    CANARY_STREET,
    CANARY_QUARANTINED_ID,
    CANARY_QUARANTINED_TEXT,
    CANARY_WHEN,
    "2024-03-17T03:47",
    "17/03/2024 03:47",
    "E01977310",  # a street-level (LSOA) code only the canary row carries
)


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def tree_hashes(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def plant_canaries(offences: Path) -> None:
    frame = pd.read_csv(offences, dtype=str, keep_default_na=False)
    row = frame.index[(frame["recorded_date"].str.startswith("2024"))][10]
    frame.loc[row, "offence_id"] = CANARY_ID
    frame.loc[row, "offence_description"] = CANARY_STREET
    frame.loc[row, "occurred_at"] = CANARY_WHEN
    frame.loc[row, "recorded_date"] = "2024-03-17"
    frame.loc[row, "victim_age"] = "97"
    frame.loc[row, "lsoa_code"] = "E01977310"
    other = frame.index[(frame["recorded_date"].str.startswith("2024"))][20]
    frame.loc[other, "offence_id"] = CANARY_QUARANTINED_ID
    frame.loc[other, "offence_description"] = CANARY_QUARANTINED_TEXT
    frame.loc[other, "victim_age"] = "150"  # fails a warning: set aside, never published
    frame.to_csv(offences, index=False, lineterminator="\n")


@pytest.fixture(scope="module")
def small_build(tmp_path_factory):
    base = tmp_path_factory.mktemp("trust")
    config_path = write_config(base, offences_per_year=1500)
    config = load_config(config_path)
    staging.ensure_demo_inputs(config)
    plant_canaries(config.inputs["offences"].path)
    raw = yaml.safe_load(config_path.read_text())
    raw["demo"]["generate_if_missing"] = False
    config_path.write_text(yaml.safe_dump(raw, sort_keys=False))
    outputs = base / "outputs"
    (outputs / ASSESSMENT).mkdir(parents=True)
    # What killed builds leave behind: a staging folder whose owner is gone, and one whose
    # owner (this process, standing in for a concurrent build) is still running.
    stale = outputs / ASSESSMENT / ".staging-2024-deadbeef"
    (stale / "tables").mkdir(parents=True)
    (stale / publishing.OWNER_FILE).write_text(
        json.dumps({"pid": dead_pid(), "host": os.uname().nodename})
    )
    live = publishing.new_staging_dir(outputs / ASSESSMENT, 2024)
    result = build(
        BuildOptions(config_path=config_path, outputs_dir=outputs, work_dir=base / "work")
    )
    yield {
        "base": base,
        "config": config_path,
        "outputs": outputs,
        "result": result,
        "stale": stale,
        "live": live,
    }
    shutil.rmtree(live, ignore_errors=True)


def published_text(path: Path) -> str:
    if path.suffix == ".pdf":
        return " ".join(page.extract_text() for page in PdfReader(path).pages)
    return path.read_bytes().decode("utf-8", errors="replace")


def test_no_canary_reaches_any_published_file(small_build):
    published = small_build["result"].published
    files = [p for p in published.rglob("*") if p.is_file()]
    suffixes = {p.suffix for p in files}
    assert {".html", ".pdf", ".csv", ".ipynb", ".json"} <= suffixes
    texts = {p: published_text(p).lower() for p in files}
    leaks = [
        f"{canary!r} in {p.relative_to(published)}"
        for p, text in texts.items()
        for canary in CANARIES
        if canary.lower() in text
    ]
    assert not leaks, leaks
    # The canaries did go in: one row used, one set aside.
    staged = small_build["base"] / "work" / "small_assessment" / "2024" / "staged"
    used = pd.read_parquet(staged / "offences.parquet", columns=["offence_id"])
    aside = pd.read_parquet(staged / "offences.quarantine.parquet")
    assert CANARY_ID in set(used["offence_id"])
    assert aside["offence_id"].tolist() == [CANARY_QUARANTINED_ID]


def test_run_record_reconciles_rows_and_says_what_went_in(small_build):
    published = small_build["result"].published
    full = small_build["result"].record  # the build's own record, before disclosure control
    record = json.loads((published / "run.json").read_text())
    config = load_config(small_build["config"])
    for name, info in full["inputs"].items():
        if not info["provided"]:
            continue
        assert info["rows_read"] == info["rows_used"] + info["rows_set_aside"], name
        assert info["sha256"] == file_sha256(config.inputs[name].path)
        assert record["inputs"][name]["sha256"] == info["sha256"]
    assert full["inputs"]["offences"]["rows_set_aside"] == 1
    # Published, one row set aside is a small count: hidden, and rows used with it, since
    # rows read less rows used would give it back. That the rows reconcile is still said.
    published_offences = record["inputs"]["offences"]
    assert published_offences["rows_set_aside"] == published_offences["rows_used"] == "[c]"
    assert published_offences["rows_read"] == full["inputs"]["offences"]["rows_read"]
    assert record["rows_reconciled"] is True
    assert record["config"]["disclosure"] == config.as_dict()["disclosure"]
    assert record["packages"]["great-expectations"] != "not installed"
    assert record["code_version"] and record["timings_seconds"]["notebooks"] > 0


def test_data_quality_page_is_published_self_contained(small_build):
    page = (small_build["result"].published / "data-quality" / "index.html").read_text()
    assert '<html lang="en-GB">' in page and "<title>" in page
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page)
    assert "<script" not in page
    assert "Rows set aside" in page and "victim_age" in page
    contracts = json.loads(
        (small_build["result"].published / "data-quality" / "contracts.json").read_text()
    )
    assert all("example_values" not in o for r in contracts for o in r["outcomes"])


def test_stale_staging_folders_are_cleared_but_a_running_build_is_not(small_build):
    assert not small_build["stale"].exists()
    assert small_build["live"].exists()
    assert not list(small_build["outputs"].glob(".previous-*"))
    assert not (small_build["result"].published / publishing.OWNER_FILE).exists()


@pytest.fixture
def last_good(small_build, tmp_path):
    """A copy of the published assessment as 'the last good one', and its hashes."""
    outputs = tmp_path / "outputs"
    shutil.copytree(small_build["result"].published, outputs / ASSESSMENT / "2024")
    return outputs, tree_hashes(outputs / ASSESSMENT / "2024")


def broken_notebooks(tmp_path: Path, cell: nbformat.NotebookNode, name: str) -> Path:
    folder = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, folder)
    path = folder / f"{name}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(cell)
    nbformat.write(notebook, path)
    return folder


def assert_untouched(outputs: Path, hashes: dict[str, str]) -> None:
    assert tree_hashes(outputs / ASSESSMENT / "2024") == hashes
    folder = outputs / ASSESSMENT
    assert not list(folder.glob(".staging-*")) and not list(folder.glob(".previous-*"))


def test_a_notebook_cell_raising_leaves_the_last_good_assessment(small_build, last_good, tmp_path):
    outputs, hashes = last_good
    cell = nbformat.v4.new_code_cell("raise ValueError('injected: the analysis broke')")
    notebooks = broken_notebooks(tmp_path, cell, "03_violence_profile")
    options = BuildOptions(
        config_path=small_build["config"],
        outputs_dir=outputs,
        work_dir=tmp_path / "work",
        notebooks_dir=notebooks,
        formats=("html",),
    )
    with pytest.raises(BuildError, match="03_violence_profile.*injected") as caught:
        build(options)
    assert_untouched(outputs, hashes)
    # The executed notebook, with its traceback, is kept where the message says.
    kept = tmp_path / "work" / ASSESSMENT / "2024" / "failed" / "03_violence_profile.ipynb"
    assert f"kept at {kept}" in str(caught.value)
    assert "injected: the analysis broke" in kept.read_text()


def test_a_chart_loading_a_cdn_script_fails_assembly_and_leaves_the_last_good(
    small_build, last_good, tmp_path
):
    """An analyst shows a Plotly chart with include_plotlyjs='cdn': the assembled HTML would
    load a script from the web, so assembly refuses it after every notebook has run."""
    outputs, hashes = last_good
    cell = nbformat.v4.new_code_cell(
        "from IPython.display import HTML, display\n"
        "display(HTML('<script src=\"https://cdn.plot.ly/plotly-2.35.2.min.js\"></script>'))"
    )
    notebooks = broken_notebooks(tmp_path, cell, "04_knife_crime")
    options = BuildOptions(
        config_path=small_build["config"],
        outputs_dir=outputs,
        work_dir=tmp_path / "work",
        notebooks_dir=notebooks,
        formats=("html",),
    )
    with pytest.raises(BuildError, match="remote asset") as caught:
        build(options)
    assert caught.value.step == "assemble"
    assert_untouched(outputs, hashes)


def pipeline(config: Path, outputs: Path, work: Path, **popen) -> subprocess.Popen:
    command = [sys.executable, str(ROOT / "pipeline.py"), "--config", str(config)]
    command += ["--outputs", str(outputs), "--work", str(work), "--format", "html"]
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen
    )


def test_contract_breach_via_pipeline_leaves_the_last_good(small_build, last_good, tmp_path):
    outputs, hashes = last_good
    raw = yaml.safe_load(small_build["config"].read_text())
    broken = tmp_path / "offences.csv"
    lines = Path(raw["inputs"]["offences"]["path"]).read_text().splitlines()
    lines[5] = lines[5].replace("E07000105", "E09000001").replace("E07000114", "E09000001")
    lines[5] = lines[5].replace("E06000035", "E09000001")
    broken.write_text("\n".join(lines) + "\n")
    raw["inputs"]["offences"]["path"] = str(broken)
    config = tmp_path / "broken.yml"
    config.write_text(yaml.safe_dump(raw, sort_keys=False))
    process = pipeline(config, outputs, tmp_path / "work")
    _, stderr = process.communicate(timeout=300)
    assert process.returncode != 0
    assert "district_code" in stderr and "Traceback" not in stderr
    assert_untouched(outputs, hashes)


def test_killed_build_then_rebuild_gives_identical_tables(small_build, last_good, tmp_path):
    outputs, hashes = last_good
    work = tmp_path / "work"
    process = pipeline(small_build["config"], outputs, work, start_new_session=True)
    deadline = time.monotonic() + 240
    # Killed once the first chapter has finished, while the others are still running.
    while time.monotonic() < deadline and not list(work.glob("*/*/cache/*/*/notebook.ipynb")):
        assert process.poll() is None, process.communicate()[1]
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)  # the machine went down mid-build
    process.communicate()
    assert process.returncode != 0
    assert tree_hashes(outputs / ASSESSMENT / "2024") == hashes
    stale = (
        outputs / ASSESSMENT / ".staging-2024-killed"
    )  # as a build killed while publishing would leave
    stale.mkdir()
    owner = {"pid": 999_999_999, "host": socket.gethostname()}  # a process that no longer runs
    (stale / ".build-owner").write_text(json.dumps(owner))
    # The next build clears what the killed one left, and publishes the same tables.
    result = build(
        BuildOptions(
            config_path=small_build["config"], outputs_dir=outputs, work_dir=work, formats=("html",)
        )
    )
    assert not list((outputs / ASSESSMENT).glob(".staging-*"))
    first = small_build["result"].published / "tables"
    tables = sorted(p.name for p in first.glob("*.csv"))
    assert tables and tables == sorted(p.name for p in (result.published / "tables").glob("*.csv"))
    for name in tables:
        assert (first / name).read_bytes() == (result.published / "tables" / name).read_bytes()
