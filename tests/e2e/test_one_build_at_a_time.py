"""Two builds at once, and a build killed at points through ingest, notebooks, assembly and
publish (issue 12), with the real pipeline in subprocesses: the second build refuses and names
the first, which publishes a consistent report; after each kill the published folder is the
previous good one or the new good one, no process of the build is left, and the next build
publishes the same tables."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import yaml

from sv_assessment.build import chapter_notebooks, lock, staging
from sv_assessment.config import load_config
from sv_assessment.paths import PROJECT_ROOT
from tests.conftest import write_config

NOISE = (
    "Kernel is running over TCP",
    "Created temporary directory",
    "UserWarning",
    "KeyboardInterrupt caught in kernel",
    "Traceback",
)


def pipeline(config: Path, base: Path, marker: str, *more: str) -> subprocess.Popen:
    """The pipeline as a person runs it; every process it starts inherits ``marker``."""
    command = [sys.executable, str(PROJECT_ROOT / "pipeline.py"), "--config", str(config)]
    command += ["--outputs", str(base / "outputs"), "--work", str(base / "work")]
    command += ["--format", "html", "--jobs", "2", *more]
    env = {**os.environ, "SV_TEST_MARKER": marker}
    return subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def processes_with(marker: str) -> list[int]:
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if f"SV_TEST_MARKER={marker}".encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            continue
    return found


def wait_for_no_processes(marker: str, seconds: float = 20) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := processes_with(marker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def tables(published: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((published / "tables").glob("*.csv"))
    }


def tree(published: Path) -> dict[str, str]:
    return {
        str(p.relative_to(published)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(published.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def two_at_once(tmp_path_factory):
    """Build A starts; once it holds the lock and is in its notebooks, build B starts."""
    base = tmp_path_factory.mktemp("two")
    config = write_config(base, offences_per_year=1500)
    staging.ensure_demo_inputs(load_config(config))
    raw = yaml.safe_load(config.read_text())
    raw["demo"]["generate_if_missing"] = False
    config.write_text(yaml.safe_dump(raw, sort_keys=False))
    work = base / "work" / "small_assessment" / "2024"
    marker = uuid.uuid4().hex
    first = pipeline(config, base, marker)
    deadline = time.monotonic() + 300
    while not (work / "staged" / "manifest.json").exists():
        assert first.poll() is None, first.communicate()[1]
        assert time.monotonic() < deadline
        time.sleep(0.1)
    started = time.monotonic()
    second = pipeline(config, base, marker)
    second_out, second_err = second.communicate(timeout=120)
    second_seconds = time.monotonic() - started
    first_out, first_err = first.communicate(timeout=600)
    return {
        "base": base,
        "config": config,
        "marker": marker,
        "first": (first.returncode, first_err, first.pid),
        "second": (second.returncode, second_err, second_seconds),
        "published": base / "outputs" / "small_assessment" / "2024",
    }


def test_a_second_build_refuses_at_once_naming_the_first(two_at_once):
    code, stderr, seconds = two_at_once["second"]
    _, _, first_pid = two_at_once["first"]
    assert code == 1 and seconds < 60
    assert "another build of small_assessment 2024 is running" in stderr
    assert f"process {first_pid}" in stderr and "Traceback" not in stderr


def test_the_first_publishes_a_consistent_report_with_a_readable_console(two_at_once):
    code, stderr, _ = two_at_once["first"]
    assert code == 0, stderr
    record = json.loads((two_at_once["published"] / "run.json").read_text())
    offences = load_config(two_at_once["config"]).inputs["offences"].path
    assert (
        record["inputs"]["offences"]["sha256"] == hashlib.sha256(offences.read_bytes()).hexdigest()
    )
    assert record["rows_reconciled"] is True
    assert "▶ step 1/4: inputs and contracts" in stderr and "▶ step 4/4: publish" in stderr
    chapters = len(chapter_notebooks())
    assert f"notebook {chapters}/{chapters}" in stderr
    assert not [noise for noise in NOISE if noise in stderr], stderr
    assert not wait_for_no_processes(two_at_once["marker"])


# Where each kill lands: a line the build prints, then a short random wait.
KILL_AFTER = (
    "▶ step 1/4",  # ingest and contracts
    "▶ step 2/4",  # notebooks starting
    "notebook 3/8",  # notebooks running
    "▶ step 3/4",  # assembly
    "▶ step 4/4",  # publish
)


def test_killed_builds_leave_the_previous_or_the_new_assessment_and_no_process(two_at_once):
    base, config = two_at_once["base"], two_at_once["config"]
    published = two_at_once["published"]
    expected_tables = tables(published)
    assert expected_tables
    rng = random.Random(12)
    for point in KILL_AFTER:
        previous = tree(published)
        marker = uuid.uuid4().hex
        process = pipeline(config, base, marker, "--force")
        for line in process.stderr:
            if point in line:
                break
        time.sleep(rng.uniform(0, 0.4))
        os.kill(process.pid, signal.SIGKILL)  # only the build's own process, as kill -9 would
        process.communicate()
        assert not wait_for_no_processes(marker), f"processes left after a kill at {point}"
        now = tree(published)
        if now != previous:  # then it must be the whole new assessment, never a mix
            assert set(now) == set(previous), point
            assert tables(published) == expected_tables, point
            json.loads((published / "run.json").read_text())
    final = pipeline(config, base, uuid.uuid4().hex)
    _, stderr = final.communicate(timeout=600)
    assert final.returncode == 0, stderr
    assert tables(published) == expected_tables
    assert not list(published.parent.glob(".staging-*"))
    assert not (base / "work" / "small_assessment" / "2024" / lock.HOLDER_FILE).exists()
