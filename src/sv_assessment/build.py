"""Orchestration: config → staged inputs and contracts → notebooks (Papermill) → report → publish.

Incremental: every step is keyed by a content hash of what it depends on (see ``cache``), and a
step whose key is unchanged reuses its result from the work folder's cache instead of running.
A rebuild where nothing changed imports neither pandas, Great Expectations, Papermill nor
Plotly, and leaves the published folder as it is.

Everything that is published is first written into a fresh staging folder; only when every
step has succeeded does it replace ``outputs/<year>/``, so a failed build leaves the last good
assessment as it was.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from sv_assessment import cache
from sv_assessment import publish as publishing
from sv_assessment.config import PROJECT_ROOT, AssessmentConfig, load_config

log = logging.getLogger("sv_assessment")

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
OUTPUTS_DIR = PROJECT_ROOT / "outputs"
WORK_ROOT = PROJECT_ROOT / "build"  # the same as staging.WORK_ROOT, without importing pandas
REPORT_DIR = PROJECT_ROOT / "report"
CONTRACTS_DIR = PROJECT_ROOT / "data_contracts"
COMMENTARY_DIR = REPORT_DIR / "commentary"
DATA_QUALITY = "data_quality"  # the chapter run first, in any project
RAN, REUSED = "ran", "reused"


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
    work_dir: Path = WORK_ROOT  # staged inputs, the cache and the report project (not published)
    force: bool = False  # re-run every step, whatever the cache holds


@dataclass
class BuildResult:
    published: Path
    timings: dict[str, float]
    record: dict
    steps: dict[str, str] = field(default_factory=dict)  # step -> "ran" or "reused"
    publish_skipped: bool = False  # nothing changed: the published folder was left as it was

    @property
    def ran(self) -> list[str]:
        return [s for s, how in self.steps.items() if how == RAN]

    @property
    def reused(self) -> list[str]:
        return [s for s, how in self.steps.items() if how == REUSED]


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


def chapter_notebooks(source: str = "partner", report_dir: Path = REPORT_DIR) -> list[str]:
    """Notebooks in report order, relative to notebooks/ without the suffix, from the Quarto
    project for the config's source (read here without importing the report's dependencies)."""
    name = "_quarto.yml" if source == "partner" else f"_quarto.{source}.yml"
    project = yaml.safe_load((report_dir / name).read_text(encoding="utf-8"))
    return [
        Path(c).relative_to("notebooks").with_suffix("").as_posix()
        for c in project["book"]["chapters"]
        if c.endswith(".ipynb")
    ]


def execute_notebook(source: Path, target: Path, parameters: dict, reads: dict | None) -> float:
    """Run one notebook with Papermill; returns seconds taken. Raises BuildError naming the cell.

    The notebook's declared reads go to its kernel (``SV_ASSESSMENT_READS``), so that
    ``Chapter.read`` loads only those columns and refuses an input the notebook did not declare.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    if reads is None:
        os.environ.pop("SV_ASSESSMENT_READS", None)
    else:
        os.environ["SV_ASSESSMENT_READS"] = json.dumps(reads)
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


@dataclass
class NotebookJob:
    name: str
    source: Path
    key: str
    entry: Path  # cache/<name>/<key>/: notebook.ipynb, tables/*.csv, entry.json
    reads: dict | None
    previous_seconds: float = 0.0


def _use_checkout_package() -> None:
    """Kernels must import this checkout's package, installed or not."""
    source_root = str(PROJECT_ROOT / "src")
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if source_root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([source_root, *filter(None, paths)])


def _run_job(job: NotebookJob, parameters: dict) -> float:
    """Execute into a temporary folder beside the cache entry, then rename it into place."""
    tmp = job.entry.parent / f".tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        seconds = execute_notebook(
            job.source,
            tmp / "notebook.ipynb",
            {**parameters, "tables_dir": str(tmp / "tables")},
            job.reads,
        )
        (tmp / "tables").mkdir(exist_ok=True)
        cache.write_json_atomic(tmp / "entry.json", {"key": job.key, "seconds": seconds})
        shutil.rmtree(job.entry, ignore_errors=True)
        tmp.rename(job.entry)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return seconds


def run_notebooks(jobs_to_run: list[NotebookJob], parameters: dict, jobs: int) -> dict[str, float]:
    """Execute the chapters concurrently, each in its own kernel, ``jobs`` at a time.

    Data quality is submitted first (its problems surface first); the analysis chapters follow,
    longest first by their last recorded time, so the cores finish together. The first failure
    cancels the chapters not yet started.
    """
    if not jobs_to_run:
        return {}
    _use_checkout_package()
    ordered = sorted(
        jobs_to_run, key=lambda j: (not j.name.endswith(DATA_QUALITY), -j.previous_seconds)
    )
    seconds: dict[str, float] = {}
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(ordered)))) as pool:
        futures = {pool.submit(_run_job, job, parameters): job.name for job in ordered}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                if future.exception() is not None:
                    for other in pending:
                        other.cancel()
                    raise future.exception()
                seconds[futures[future]] = future.result()
                log.info("  notebook %s (%.1f s)", futures[future], seconds[futures[future]])
    return seconds


# Steps ------------------------------------------------------------------------------------------
def raw_fingerprints(config: AssessmentConfig, previous: dict | None) -> dict[str, dict]:
    previous = (previous or {}).get("raw", {})
    missing = [s for s in config.inputs.values() if not s.path.exists() and not s.optional]
    if missing and config.demo.get("generate_if_missing"):
        from sv_assessment import staging

        staging.ensure_demo_inputs(config)
    return {
        name: cache.raw_fingerprint(spec.path, previous.get(name))
        for name, spec in config.inputs.items()
    }


def stage(
    config: AssessmentConfig, staged_dir: Path, code: str, force: bool
) -> tuple[dict, dict, str]:
    """Stage and validate the inputs unless their key is unchanged; returns the manifest, the
    inputs summary and how the step went (``ran`` or ``reused``)."""
    manifest_path = staged_dir / cache.MANIFEST_FILE
    previous = cache.read_json(manifest_path)
    raw = raw_fingerprints(config, previous)
    key = cache.stage_key(config.fingerprint(), raw, CONTRACTS_DIR, code, config.assessment_year)
    if not force and previous and previous.get("stage_key") == key:
        if previous.get("raw") != raw:  # same contents, new mtimes: remember them
            cache.write_json_atomic(manifest_path, {**previous, "raw": raw})
        inputs = cache.read_json(staged_dir / "inputs.json")
        if inputs is not None:
            return previous, inputs, REUSED
    manifest_path.unlink(missing_ok=True)  # a failed staging must not look current
    staged = stage_or_fail(config, staged_dir)
    manifest = cache.staged_manifest(staged_dir, key, raw)
    cache.write_json_atomic(manifest_path, manifest)
    return manifest, staged.inputs, RAN


def plan_notebooks(
    names: list[str],
    notebooks_dir: Path,
    cache_dir: Path,
    manifest: dict,
    logical_parameters: dict,
    config: AssessmentConfig,
    code: str,
) -> list[NotebookJob]:
    missing = [n for n in names if not (notebooks_dir / f"{n}.ipynb").exists()]
    if missing:
        raise BuildError(
            "notebooks", f"notebooks listed in report/_quarto.yml not found: {missing}"
        )
    planned = []
    for name in names:
        source = notebooks_dir / f"{name}.ipynb"
        reads = cache.notebook_reads(source)
        try:
            depends = cache.reads_fingerprint(reads, manifest)
        except KeyError as error:
            raise BuildError(
                "notebooks", f"{source.name} metadata.sv_assessment.reads: {error.args[0]}"
            ) from None
        commentary = COMMENTARY_DIR / f"{name}.md"  # the analyst's text the chapter shows
        depends["commentary"] = cache.file_sha256(commentary) if commentary.exists() else None
        key = cache.notebook_key(source, logical_parameters, depends, config.fingerprint(), code)
        step_dir = cache_dir / name
        previous = [cache.read_json(e / "entry.json") or {} for e in step_dir.glob("*/")]
        last = max((p.get("seconds", 0.0) for p in previous), default=0.0)
        planned.append(NotebookJob(name, source, key, step_dir / key[:32], reads, last))
    return planned


def assembly_key(
    notebook_jobs: list[NotebookJob], options: BuildOptions, config: AssessmentConfig, code: str
) -> str:
    import datetime as dt

    return cache.json_key(
        {
            "notebooks": [(j.name, j.key) for j in notebook_jobs],
            "formats": sorted(options.formats),
            "engine": options.engine,
            "report": cache.tree_fingerprint(REPORT_DIR, "*"),
            "config": config.fingerprint(),
            "code": code,
            "date": dt.date.today().isoformat(),  # the report is dated the day it is built
        }
    )


def assemble(
    entry: Path,
    notebooks: Path,
    work_dir: Path,
    config: AssessmentConfig,
    options: BuildOptions,
) -> None:
    """Render the report into a temporary folder, then rename it into the cache entry."""
    from sv_assessment import report

    tmp = entry.parent / f".tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        project_dir = work_dir / "report"
        shutil.rmtree(project_dir, ignore_errors=True)
        project = report.write_project(project_dir, config, notebooks)
        if options.engine == "quarto":
            report.render_with_quarto(project_dir, tmp, options.formats)
        else:
            report.render_builtin(project_dir, project, tmp, config, options.formats)
        cache.write_json_atomic(tmp / "entry.json", {"formats": list(options.formats)})
        shutil.rmtree(entry, ignore_errors=True)
        tmp.rename(entry)
    except report.AssemblyError as error:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildError("assemble", str(error)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _copy_tree(source: Path, target: Path) -> None:
    """Copy (never hard-link: a published file edited in place must not change the cache)."""
    shutil.copytree(source, target, dirs_exist_ok=True)


def build(options: BuildOptions) -> BuildResult:
    timer = _Timer()
    steps: dict[str, str] = {}
    config: AssessmentConfig = load_config(options.config_path, options.year)
    log.info("config %s", json.dumps(config.summary()))
    final_dir = options.outputs_dir / str(config.assessment_year)
    publishing.prepare(
        options.outputs_dir, final_dir
    )  # restore, and clear killed builds' leftovers
    work_dir = options.work_dir / config.path.stem / str(config.assessment_year)
    staged_dir = work_dir / "staged"
    cache_dir = work_dir / "cache"
    code = cache.code_fingerprint()

    with timer.step("inputs and contracts"):
        manifest, inputs, steps["inputs and contracts"] = stage(
            config, staged_dir, code, options.force
        )
    names = chapter_notebooks(config.source)
    logical = {
        "config_path": str(config.path),
        "assessment_year": config.assessment_year,
        # Chart images for the PDF are made at assembly, so one executed chapter serves both.
        "static_images": False,
    }
    planned = plan_notebooks(
        names, options.notebooks_dir, cache_dir, manifest, logical, config, code
    )
    to_run = [j for j in planned if options.force or not cache.entry_complete(j.entry)]
    for job in planned:
        steps[f"notebook {job.name}"] = RAN if job in to_run else REUSED
    with timer.step("notebooks"):
        parameters = {**logical, "staged_dir": str(staged_dir)}
        notebook_seconds = run_notebooks(to_run, parameters, options.jobs)
    for job in planned:
        cache.touch(job.entry)
        cache.prune(job.entry.parent, keep=job.entry.name)

    assembly = assembly_key(planned, options, config, code)
    assembly_entry = cache_dir / "_assembly" / assembly[:32]
    build_key = cache.json_key({"assembly": assembly, "stage": manifest["stage_key"]})
    published = cache.read_json(final_dir / "run.json") or {}
    with timer.step("assemble"):
        if options.force or not cache.entry_complete(assembly_entry):
            joined = work_dir / "chapters"
            shutil.rmtree(joined, ignore_errors=True)
            joined.mkdir(parents=True)
            for job in planned:
                target = joined / f"{job.name}.ipynb"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(job.entry / "notebook.ipynb", target)
            assemble(assembly_entry, joined, work_dir, config, options)
            steps["assemble"] = RAN
        else:
            steps["assemble"] = REUSED
    cache.touch(assembly_entry)
    cache.prune(assembly_entry.parent, keep=assembly_entry.name)

    if (
        not options.force
        and all(how == REUSED for how in steps.values())
        and published.get("build_key") == build_key
    ):
        steps["publish"] = "skipped"
        log.info("nothing changed: %s is already this build, left as it was", final_dir)
        return BuildResult(final_dir, timer.timings, published, steps, publish_skipped=True)

    staging_dir = publishing.new_staging_dir(options.outputs_dir, config.assessment_year)
    try:
        with timer.step("publish"):
            from sv_assessment import datadocs, provenance

            (staging_dir / "tables").mkdir(parents=True, exist_ok=True)
            for job in planned:
                target = staging_dir / "notebooks" / f"{job.name}.ipynb"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(job.entry / "notebook.ipynb", target)
                _copy_tree(job.entry / "tables", staging_dir / "tables")
            for item in assembly_entry.iterdir():
                if item.name == "entry.json":
                    continue
                if item.is_dir():
                    _copy_tree(item, staging_dir / item.name)
                else:
                    shutil.copy2(item, staging_dir / item.name)
            datadocs.publish_data_quality(staged_dir, staging_dir / "data-quality", config)
            record = provenance.run_record(
                config, inputs, timer.timings, notebook_seconds, options.formats, options.engine
            )
            record["build_key"] = build_key
            record["steps"] = steps | {"publish": RAN}
            (staging_dir / "run.json").write_text(json.dumps(record, indent=2, default=str))
            publishing.publish(staging_dir, final_dir)
    except BaseException:
        shutil.rmtree(staging_dir, ignore_errors=True)
        raise
    steps["publish"] = RAN
    log.info(
        "published %s: %s",
        final_dir,
        ", ".join(p.name for p in sorted(final_dir.glob("assessment.*"))),
    )
    return BuildResult(final_dir, timer.timings, record, steps)


def stage_or_fail(config: AssessmentConfig, staged_dir: Path):
    from sv_assessment import staging
    from sv_assessment.contracts import ContractBreach
    from sv_assessment.ingest import InputError

    try:
        return staging.stage_inputs(config, staged_dir)
    except InputError as error:
        raise BuildError("inputs", str(error)) from None
    except ContractBreach as error:
        raise BuildError("contracts", str(error)) from None
