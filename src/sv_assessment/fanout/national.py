"""Every local authority at once: a national data.police.uk archive ingested once (DuckDB,
Parquet by local authority), an open-data assessment built for each local authority in the ONS
mid-year estimates file on Dask, and a national index page that ranks and compares them.

Each partnership's assessment (a local authority, or a group of them named in a partnerships
file: ``fanout.partnerships``) is an ordinary open-data build from a config written for it (its
districts, their populations, their partitions of the archive as the input), so it is staged,
checked, cached and published exactly as a single partnership's would be.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

from sv_assessment.build import BuildOptions, cache, code_keys
from sv_assessment.config import POLICE_UK_FOCUS_CRIME_TYPES
from sv_assessment.fanout import index_page, national_page, partnerships
from sv_assessment.fanout.cluster import BuildJob, JobOutcome, dask_client, run_jobs
from sv_assessment.ingest import national
from sv_assessment.ingest.ons_population import read_mid_year_estimates

log = logging.getLogger("sv_assessment")


@dataclass(frozen=True)
class NationalRequest:
    archive: Path
    population: Path
    sheet: str | None = None
    synthetic: bool = False
    minimum_count: int = 5
    only: tuple[str, ...] = ()  # these areas only (ONS codes or names); empty for all
    partnerships: Path | None = None  # groups of local authorities (fanout.partnerships)


@dataclass
class NationalResult:
    index: Path
    outcomes: list[JobOutcome]
    coverage: dict


def ingest_once(request: NationalRequest, areas: list[national.Area], out_dir: Path) -> dict:
    """The archive as partitioned Parquet, re-read only when its files, the areas or the
    ingest code changed."""
    files = national.archive_files(request.archive)
    key = cache.json_key(
        {
            "files": [
                (str(f.path), f.path.stat().st_size, f.path.stat().st_mtime_ns) for f in files
            ],
            "areas": [(a.code, a.name) for a in areas],
            "code": code_keys.fingerprint([code_keys.PACKAGE_DIR / "ingest" / "national.py"]),
        }
    )
    marker = out_dir / "ingest.json"
    previous = cache.read_json(marker) or {}
    if previous.get("key") == key and (out_dir / national.COVERAGE_FILE).is_file():
        return national.read_coverage(out_dir)
    summary = national.ingest_archive(request.archive, areas, out_dir)
    cache.write_json_atomic(marker, {"key": key})
    return summary


def area_config(
    partnership: partnerships.Partnership,
    rows_by_force: dict[str, int],
    partition: Path,
    year: int,
    years_covered: int,
    request: NationalRequest,
    force_names: dict[str, str],
) -> dict:
    """An open-data config for one partnership: a local authority, or a named group of them
    (its members as its districts)."""
    main_force = max(rows_by_force, key=rows_by_force.get)
    names = [
        force_names.get(f, f) for f in sorted(rows_by_force, key=rows_by_force.get, reverse=True)
    ]
    name = partnership.name
    return {
        "source": "police_uk",
        "assessment": {
            "area_name": name,
            "partnership": name if partnership.grouped else f"{name} Community Safety Partnership",
            "assessment_year": year,
            "years_covered": years_covered,
            "synthetic_data": request.synthetic,
        },
        "police_uk": {"force": main_force, "force_name": " and ".join(names)},
        "disclosure": {"minimum_count": request.minimum_count},
        "inputs": {"crimes": {"path": str(partition), "kind": "police_uk_street"}},
        "districts": [
            {"code": a.code, "name": a.name, "population": a.population}
            for a in partnership.members
        ],
    }


def force_names(out_dir: Path) -> dict[str, str]:
    """Each force's name as its files give it ("Falls within"), from the ingested archive."""
    import duckdb

    rows = duckdb.sql(
        f"""SELECT regexp_extract(source_file, '\\d{{4}}-\\d{{2}}-([a-z0-9-]+)-street\\.csv$', 1),
                   min(falls_within)
            FROM read_parquet('{(out_dir / "crimes").as_posix()}/**/*.parquet')
            GROUP BY 1"""
    ).fetchall()
    return {force: name for force, name in rows if name}


def build_national(
    request: NationalRequest,
    options: BuildOptions,
    scheduler: str | None = None,
    workers: int | None = None,
    report: Callable[[str], None] = print,
) -> NationalResult:
    every_area = read_mid_year_estimates(request.population, request.sheet)
    groups = partnerships.read_groups(request.partnerships) if request.partnerships else {}
    units = partnerships.group_areas(every_area, groups, request.partnerships)
    units = partnerships.choose(units, request.only)
    areas = [a for unit in units for a in unit.members]
    work = options.work_dir / "national"
    archive_dir = work / "archive"
    report(
        f"ingesting {request.archive} once for {len(areas)} local authorities in "
        f"{len(units)} partnerships (DuckDB)"
    )
    coverage = ingest_once(request, areas, archive_dir)
    months = coverage["months"]
    year = options.year or int(months[-1][:4])
    years_covered = max(1, min(3, year - int(months[0][:4]) + 1))
    names = force_names(archive_dir)
    configs_dir = work / str(year) / "configs"
    configs_dir.mkdir(parents=True, exist_ok=True)
    assessed = [u for u in units if partnerships.rows_by_force(u, coverage)]
    jobs = []
    for unit in assessed:
        config = area_config(
            unit,
            partnerships.rows_by_force(unit, coverage),
            partnerships.partition(unit, archive_dir, work / str(year) / "partnerships"),
            year,
            years_covered,
            request,
            names,
        )
        path = configs_dir / f"{unit.code}.yml"
        text = yaml.safe_dump(config, sort_keys=False)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:  # keep mtimes
            path.write_text(text, encoding="utf-8")
        fields = {
            "config_path": str(path),
            "year": year,
            "formats": list(options.formats),
            "engine": options.engine,
            "jobs": options.jobs,
            "force": options.force,
            "outputs_dir": str(options.outputs_dir / "national" / unit.code),
            "work_dir": str(work / "areas"),
            "notebooks_dir": str(options.notebooks_dir),
        }
        jobs.append(BuildJob(unit.code, "build", fields, str(work / str(year) / "_logs")))
    with dask_client(scheduler, workers) as client:
        outcomes = run_jobs(client, jobs, report)
    index = options.outputs_dir / "national" / str(year) / "index.html"
    table = national_page.area_table(
        archive_dir, units, coverage, year, POLICE_UK_FOCUS_CRIME_TYPES
    )
    links = {o.name: index_page.report_file(Path(o.result["published"])) for o in outcomes if o.ok}
    failures = {o.name: o.error for o in outcomes if not o.ok}
    text = national_page.national_page(
        table, coverage, year, links, failures, index.parent, request
    )
    index_page.write_atomic(index, text)
    cache.write_json_atomic(
        index.parent / "areas.json",
        {o.name: {"ok": o.ok, "error": o.error, **o.result} for o in outcomes},
    )
    (index.parent / "coverage.json").write_text(json.dumps(coverage, indent=2), encoding="utf-8")
    return NationalResult(index, outcomes, coverage)
