"""Editions and the national build through a real local Dask cluster (two worker processes),
HTML only to keep it short: three district editions beside the area, and every partnership of a
three-force archive with a month missing (two of its local authorities grouped into one
partnership), with a worker killed mid-build; and a build process killed twice (as an out-of-memory
kill would) is started once more, then reported, without stopping the other job."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import signal
import threading
import time
from dataclasses import asdict
from pathlib import Path

import pytest
import yaml

from sv_assessment.build import BuildOptions
from sv_assessment.config import DEFAULT_CONFIG
from sv_assessment.fanout.cluster import BuildJob, dask_client, run_jobs
from sv_assessment.fanout.editions import AREA, build_editions
from sv_assessment.fanout.national import NationalRequest, build_national
from tests.conftest import SMALL_DISTRICTS, write_config
from tests.national_archive import MISSING, NO_ROWS, write_archive, write_population


@pytest.fixture(scope="module")
def scheduler():
    """One local cluster for the module; the builds reach it by address (``--scheduler``)."""
    with dask_client(workers=2) as client:
        yield client


def _options(base: Path, config: Path | None = None) -> BuildOptions:
    return BuildOptions(
        config_path=config,
        formats=("html",),
        jobs=1,
        outputs_dir=base / "outputs",
        work_dir=base / "work",
    )


def _year_row(published: Path, year: int) -> dict:
    with (published / "tables" / "sv_rate_by_year.csv").open(encoding="utf-8") as handle:
        return next(r for r in csv.DictReader(handle) if r["Year"] == str(year))


def _no_staging_left(outputs: Path) -> bool:
    return not [p for p in outputs.rglob(".staging-*")]


def test_editions_for_three_districts_beside_the_area(scheduler, tmp_path):
    # Three years, not the demo's five: every chapter, fewer months to protect and to chart.
    assessment = {**yaml.safe_load(DEFAULT_CONFIG.read_text())["assessment"], "years_covered": 3}
    config = write_config(tmp_path, offences_per_year=3000, assessment=assessment)
    lines: list[str] = []
    result = build_editions(
        _options(tmp_path, config), scheduler.scheduler.address, report=lines.append
    )
    assert result.failed == []
    by_name = {o.name: o for o in result.outcomes}
    assert set(by_name) == {AREA, "ashford", "thanet", "medway"}
    assert any("4 done, 0 running, 0 failed" in line for line in lines)

    area = Path(by_name[AREA].result["published"])
    with (area / "tables" / "district_rates.csv").open(encoding="utf-8") as handle:
        area_rows = {r["District"]: r for r in csv.DictReader(handle)}
    for district in SMALL_DISTRICTS:
        name = district["name"]
        published = Path(by_name[name.lower()].result["published"])
        assert published.parent.name == name.lower()  # outputs/editions/<config>/<place>/<year>
        page = (published / "assessment.html").read_text(encoding="utf-8")
        assert f"<title>{name}" in page or f">{name}<" in page
        # The edition's own count is the area's count for that district, found independently.
        assert _year_row(published, 2024)["Offences"] == area_rows[name]["Offences 2024"]
    index = result.index.read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', index)
    assert len(links) == 4 and all((result.index.parent / link).is_file() for link in links)
    assert "http" not in index and _no_staging_left(tmp_path / "outputs")

    again = build_editions(
        _options(tmp_path, config), scheduler.scheduler.address, report=lambda _: None
    )
    assert all(o.ok and o.result["publish_skipped"] for o in again.outcomes)  # nothing rebuilt


def _kill_a_worker_mid_build(client, logs: Path, killed: list[str]) -> None:
    """Once an area's build has started, kill the worker process running it (SIGKILL)."""
    deadline = time.time() + 600
    while time.time() < deadline and not killed:
        started = [p for p in logs.glob("*.log") if "attempt 1" in p.read_text(errors="replace")]
        if started:
            time.sleep(3)  # let it get into its notebooks
            busy = client.run(
                lambda dask_worker: (os.getpid(), [str(t.key) for t in dask_worker.state.executing])
            )
            for pid, keys in busy.values():
                if keys:
                    killed.append(keys[0].rsplit("-", 1)[0])
                    os.kill(pid, signal.SIGKILL)
                    return
        time.sleep(0.5)


def test_every_local_authority_of_a_three_force_archive(scheduler, tmp_path):
    archive = write_archive(tmp_path)
    groups = tmp_path / "partnerships.yml"  # two local authorities form one partnership
    groups.write_text("partnerships:\n  Alpha and Beta: [Alpha Town, E07000901]\n")
    request = NationalRequest(
        archive, write_population(tmp_path), synthetic=True, partnerships=groups
    )
    options = _options(tmp_path)
    killed: list[str] = []
    killer = threading.Thread(
        target=_kill_a_worker_mid_build,
        args=(scheduler, tmp_path / "work" / "national" / "2024" / "_logs", killed),
        daemon=True,
    )
    killer.start()
    result = build_national(request, options, scheduler.scheduler.address, report=lambda _: None)
    killer.join(timeout=5)

    codes = {"alpha-and-beta", "E06000902", "W06000901"}
    assert {o.name for o in result.outcomes} == codes  # the area with no rows is not built
    assert all(o.ok for o in result.outcomes), [o.error for o in result.outcomes]
    assert killed, "no worker was killed"
    log = (tmp_path / "work" / "national" / "2024" / "_logs" / f"{killed[0]}.log").read_text()
    assert log.count("attempt 1") == 2  # the killed build was run again from the start
    for outcome in result.outcomes:  # each published whole: page, tables and run record
        published = Path(outcome.result["published"])
        assert (published / "assessment.html").is_file() and (published / "run.json").is_file()
    assert _no_staging_left(tmp_path / "outputs")
    grouped = next(o for o in result.outcomes if o.name == "alpha-and-beta")
    page = (Path(grouped.result["published"]) / "assessment.html").read_text(encoding="utf-8")
    assert "Alpha and Beta" in page and "Alpha Town" in page and "Beta Vale" in page

    index = result.index.read_text(encoding="utf-8")
    pair = re.search(r"<tr><th scope=\"row\">Alpha and Beta</th>(.*?)</tr>", index).group(1)
    assert "E06000901, E07000901" in pair and "50,000" in pair
    assert "Alpha Town</th>" not in index  # one row for the partnership, not one per member
    force, month = MISSING
    gamma = re.search(r"<tr><th scope=\"row\">Gamma City</th>(.*?)</tr>", index).group(1)
    assert "not ranked" in gamma and f"{force}: {month}" in gamma and "11 of 12" in gamma
    assert ">0<" not in gamma  # missing, never zero
    nowhere = re.search(rf"<tr><th scope=\"row\">{NO_ROWS[1]}</th>(.*?)</tr>", index).group(1)
    assert "no rows in the archive" in nowhere
    ranked = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>(\d+)</td>", index)
    assert sorted(rank for _, rank in ranked) == ["1", "2"]  # Gamma City: not ranked
    assert 'role="img"' in index and "<script src=" not in index  # plotly.js inline, no CDN


def _kill_build_process(name: str, times: int, killed: list[int]) -> None:
    """Kill the build process (not its Dask worker) of job ``name`` each time it starts, as
    the kernel's out-of-memory killer would, ``times`` times."""
    import psutil

    deadline = time.time() + 300
    seen: set[int] = set()
    while time.time() < deadline and len(killed) < times:
        for process in psutil.process_iter(["pid", "cmdline"]):
            line = " ".join(process.info["cmdline"] or [])
            ours = "sv_assessment.fanout.worker" in line and f'"name": "{name}"' in line
            if ours and process.pid not in seen:
                seen.add(process.pid)
                time.sleep(1)
                with contextlib.suppress(psutil.Error):
                    process.kill()
                    killed.append(process.pid)
        time.sleep(0.2)


def test_a_build_process_killed_twice_is_reported_and_stops_no_other(scheduler, tmp_path):
    jobs = []
    for name in ("kept", "doomed"):
        (tmp_path / name).mkdir()
        config = write_config(tmp_path / name, offences_per_year=200)
        options = {
            k: str(v) if isinstance(v, Path) else v
            for k, v in asdict(_options(tmp_path / name, config)).items()
        }
        jobs.append(
            BuildJob(name, "stage", json.loads(json.dumps(options)), str(tmp_path / "logs"))
        )
    killed: list[int] = []
    killer = threading.Thread(target=_kill_build_process, args=("doomed", 2, killed), daemon=True)
    killer.start()
    lines: list[str] = []
    kept, doomed = run_jobs(scheduler, jobs, lines.append)
    killer.join(timeout=5)
    assert len(killed) == 2
    assert kept.ok and Path(kept.result["staged"]).is_dir()  # the other job was not stopped
    assert not doomed.ok and "exit code -9" in doomed.error  # started once more, then reported
    log = (tmp_path / "logs" / "doomed.log").read_text()
    assert "attempt 1" in log and "attempt 2" in log and "attempt 3" not in log
    assert "1 done, 0 running, 1 failed" in lines[-1]
