"""Orchestration: config → staged inputs and contracts → notebooks (Papermill) → report → publish.

Everything is written into a fresh staging folder; only when every step has succeeded does it
replace ``outputs/<year>/``, so a failed build leaves the last good assessment as it was.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from sv_assessment import datadocs, provenance, report, staging
from sv_assessment import publish as publishing
from sv_assessment.config import PROJECT_ROOT, AssessmentConfig, load_config

log = logging.getLogger("sv_assessment")

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"


class BuildError(RuntimeError):
    """A build step failed; ``step`` names it and the message says what to do."""

    def __init__(self, step: str, message: str) -> None:
        self.step, self.detail = step, message
        super().__init__(f"step '{step}' failed: {message}")

    def __reduce__(self):  # raised in notebook worker processes: must survive pickling
        return (type(self), (self.step, self.detail))


@dataclass
class BuildOptions:
    config_path: Path | None = None
    year: int | None = None
    formats: tuple[str, ...] = ("html", "pdf")
    engine: str = "builtin"
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    outputs_dir: Path = OUTPUTS_DIR
    notebooks_dir: Path = NOTEBOOKS_DIR
    work_dir: Path = staging.WORK_ROOT  # staged inputs and the report project (not published)


@dataclass
class BuildResult:
    published: Path
    timings: dict[str, float]
    record: dict


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def step(self, name: str):
        timer = self

        class _Step:
            def __enter__(self):
                log.info("▶ %s", name)
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                timer.timings[name] = round(time.perf_counter() - self.start, 2)
                if exc[0] is None:
                    log.info("✔ %s (%.1f s)", name, timer.timings[name])

        return _Step()


def execute_notebook(source: Path, target: Path, parameters: dict) -> float:
    """Run one notebook with Papermill; returns seconds taken. Raises BuildError naming the cell."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(source),
            str(target),
            parameters=parameters,
            kernel_name="python3",
            progress_bar=False,
            cwd=str(PROJECT_ROOT),
            log_output=False,
        )
    except PapermillExecutionError as error:
        raise BuildError(
            "notebooks",
            f"{source.name} raised in cell {error.cell_index} "
            f"(execution count {error.exec_count}): {error.ename}: {error.evalue}. "
            f"The executed notebook with the traceback is at {target}",
        ) from None
    return round(time.perf_counter() - start, 2)


def run_notebooks(
    names: list[str], notebooks_dir: Path, target_dir: Path, parameters: dict, jobs: int
) -> dict[str, float]:
    """Execute the chapters concurrently (each in its own kernel); data quality goes first in
    the list so that, with one job, its problems surface before the analysis chapters."""
    target_dir.mkdir(parents=True, exist_ok=True)
    for name in names:  # chapters may sit in sub-folders, e.g. notebooks/open_data/
        (target_dir / f"{name}.ipynb").parent.mkdir(parents=True, exist_ok=True)
    # Kernels must import this checkout's package, installed or not.
    source_root = str(PROJECT_ROOT / "src")
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if source_root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([source_root, *filter(None, paths)])
    missing = [n for n in names if not (notebooks_dir / f"{n}.ipynb").exists()]
    if missing:
        raise BuildError(
            "notebooks", f"notebooks listed in report/_quarto.yml not found: {missing}"
        )
    seconds: dict[str, float] = {}
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {
            pool.submit(
                execute_notebook,
                notebooks_dir / f"{n}.ipynb",
                target_dir / f"{n}.ipynb",
                parameters,
            ): n
            for n in names
        }
        for future in as_completed(futures):
            seconds[futures[future]] = future.result()
            log.info("  notebook %s (%.1f s)", futures[future], seconds[futures[future]])
    return seconds


def build(options: BuildOptions) -> BuildResult:
    timer = _Timer()
    config: AssessmentConfig = load_config(options.config_path, options.year)
    log.info("config %s", json.dumps(config.summary()))
    final_dir = options.outputs_dir / str(config.assessment_year)
    publishing.prepare(
        options.outputs_dir, final_dir
    )  # restore, and clear killed builds' leftovers
    staging_dir = publishing.new_staging_dir(options.outputs_dir, config.assessment_year)
    work_dir = options.work_dir / config.path.stem / str(config.assessment_year)
    staged_dir = work_dir / "staged"
    try:
        with timer.step("inputs and contracts"):
            staged = stage_or_fail(config, staged_dir)
        project = report.load_project(source=config.source)
        names = report.chapter_notebooks(project)
        parameters = {
            "config_path": str(config.path),
            "assessment_year": config.assessment_year,
            "staged_dir": str(staged_dir),
            "tables_dir": str(staging_dir / "tables"),
            "static_images": "pdf" in options.formats,
        }
        with timer.step("notebooks"):
            notebook_seconds = run_notebooks(
                names, options.notebooks_dir, staging_dir / "notebooks", parameters, options.jobs
            )
        with timer.step("assemble"):
            project_dir = work_dir / "report"
            shutil.rmtree(project_dir, ignore_errors=True)
            project = report.write_project(project_dir, config, staging_dir / "notebooks")
            rendered = (
                report.render_with_quarto(project_dir, staging_dir, options.formats)
                if options.engine == "quarto"
                else report.render_builtin(
                    project_dir, project, staging_dir, config, options.formats
                )
            )
        datadocs.publish_data_quality(staged_dir, staging_dir / "data-quality", config)
        record = provenance.run_record(
            config, staged.inputs, timer.timings, notebook_seconds, options.formats, options.engine
        )
        (staging_dir / "run.json").write_text(json.dumps(record, indent=2, default=str))
        with timer.step("publish"):
            publishing.publish(staging_dir, final_dir)
    except BuildError:
        shutil.rmtree(staging_dir, ignore_errors=True)
        raise
    except report.AssemblyError as error:
        shutil.rmtree(staging_dir, ignore_errors=True)
        raise BuildError("assemble", str(error)) from None
    except BaseException:
        shutil.rmtree(staging_dir, ignore_errors=True)
        raise
    log.info(
        "published %s: %s", final_dir, ", ".join(p.name for p in (rendered.html, rendered.pdf) if p)
    )
    return BuildResult(final_dir, timer.timings, record)


def stage_or_fail(config: AssessmentConfig, staged_dir: Path) -> staging.StagedData:
    from sv_assessment.contracts import ContractBreach
    from sv_assessment.ingest import InputError

    try:
        return staging.stage_inputs(config, staged_dir)
    except InputError as error:
        raise BuildError("inputs", str(error)) from None
    except ContractBreach as error:
        raise BuildError("contracts", str(error)) from None
