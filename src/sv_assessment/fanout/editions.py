"""Editions: from one configuration, the area's assessment and one edition per district (and per
group of districts named in ``editions.groups``), each a complete assessment of that place,
built in parallel on Dask, and an index page that links them side by side.

Editions share the area's staged inputs, contracts and cache of inputs: the inputs are staged
once (a task of its own, before any edition starts), and each edition then has its own cache of
chapters keyed on its place, so a re-run rebuilds only the editions that failed or changed.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sv_assessment.build import BuildOptions, cache
from sv_assessment.catalog import WorkFolder
from sv_assessment.config import AssessmentConfig, ConfigError, load_config
from sv_assessment.fanout import index_page
from sv_assessment.fanout.cluster import BuildJob, JobOutcome, dask_client, run_jobs
from sv_assessment.ingest.national import slug

log = logging.getLogger("sv_assessment")
AREA = "area"  # the name of the whole area's edition


@dataclass(frozen=True)
class Edition:
    name: str  # its folder, e.g. "ashford"
    place: str | None  # the ``district`` its chapters are given; None for the whole area
    title: str
    districts: tuple[str, ...]


def plan_editions(config: AssessmentConfig) -> list[Edition]:
    """The area first, then each named group, then each district (if ``editions.districts``)."""
    editions = [Edition(AREA, None, config.area_name, tuple(d.name for d in config.districts))]
    for name, members in config.place_groups().items():
        editions.append(Edition(slug(name), name, name, tuple(d.name for d in members)))
    if config.document is None or config.document.editions.districts:
        for district in config.districts:
            editions.append(
                Edition(slug(district.name), district.code, district.name, (district.name,))
            )
    names = [e.name for e in editions]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ConfigError(f"config {config.path}: editions share a folder name: {repeated}")
    return editions


def edition_outputs(options: BuildOptions, config: AssessmentConfig, edition: Edition) -> Path:
    """Where an edition publishes: the area where a plain build does; a place beside it."""
    if edition.place is None:
        return options.outputs_dir
    return options.outputs_dir / "editions" / config.path.stem / edition.name


def index_path(options: BuildOptions, config: AssessmentConfig) -> Path:
    return (
        options.outputs_dir
        / "editions"
        / config.path.stem
        / str(config.assessment_year)
        / "index.html"
    )


def _job(name: str, task: str, options: BuildOptions, log_dir: Path, **changes) -> BuildJob:
    fields = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(options).items()}
    fields.update({k: (str(v) if isinstance(v, Path) else v) for k, v in changes.items()})
    return BuildJob(name, task, fields, str(log_dir))


@dataclass
class EditionsResult:
    index: Path
    outcomes: list[JobOutcome]

    @property
    def failed(self) -> list[str]:
        return [o.name for o in self.outcomes if not o.ok]


def build_editions(
    options: BuildOptions,
    scheduler: str | None = None,
    workers: int | None = None,
    report: Callable[[str], None] = print,
) -> EditionsResult:
    """Stage once, then build every edition on the cluster, then write the index page."""
    config = load_config(options.config_path, options.year)
    editions = plan_editions(config)
    work = WorkFolder.for_assessment(config.path.stem, config.assessment_year, options.work_dir)
    log_dir = work.root / "editions" / "_logs"
    options.config_path = config.path
    options.year = config.assessment_year
    with dask_client(scheduler, workers) as client:
        report(f"{len(editions)} editions of {config.area_name}; staging the inputs once")
        [staged] = run_jobs(client, [_job("_inputs", "stage", options, log_dir)], report)
        if staged.ok:
            jobs = [
                _job(
                    e.name,
                    "build",
                    options,
                    log_dir,
                    outputs_dir=edition_outputs(options, config, e),
                    district=e.place,
                    edition=None if e.place is None else e.name,
                    force=options.force,
                    staged_once=True,  # staged above; no edition may stage them again
                )
                for e in editions
            ]
            outcomes = run_jobs(client, jobs, report)
        else:
            outcomes = [
                JobOutcome(e.name, False, error=f"inputs not staged: {staged.error}")
                for e in editions
            ]
    target = index_path(options, config)
    rows = [
        index_page.edition_row(e, o, config, target.parent)
        for e, o in zip(editions, outcomes, strict=True)
    ]
    index_page.write_atomic(target, index_page.editions_page(config, rows))
    cache.write_json_atomic(
        target.parent / "editions.json",
        {o.name: {"ok": o.ok, "error": o.error, **o.result} for o in outcomes},
    )
    return EditionsResult(target, outcomes)


def relative_link(target: Path, start: Path) -> str:
    return os.path.relpath(target, start).replace(os.sep, "/")


def load_status(index: Path) -> dict:
    return json.loads((index.parent / "editions.json").read_text(encoding="utf-8"))
