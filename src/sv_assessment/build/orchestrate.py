"""Orchestration: config → staged inputs and contracts → notebooks (Papermill) → report → publish.

Incremental: every step is keyed by a content hash of what it depends on (see ``cache``), and a
step whose key is unchanged reuses its result from the work folder's cache instead of running.
A rebuild where nothing changed imports neither pandas, Great Expectations, Papermill nor
Plotly, and leaves the published folder as it is.

Everything that is published is first written into a fresh staging folder; only when every
step has succeeded does it replace ``outputs/<assessment>/<year>/``, so a failed build leaves
the last good assessment as it was. One build of an assessment runs at a time (``lock``).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sv_assessment.build import cache, code_keys, console, guards, lock
from sv_assessment.build import publish as publishing
from sv_assessment.build.notebooks import NotebookJob, plan_notebooks, run_notebooks
from sv_assessment.catalog import StagedData, WorkFolder
from sv_assessment.config import AssessmentConfig, load_config
from sv_assessment.errors import BuildError
from sv_assessment.paths import CONTRACTS_DIR, NOTEBOOKS_DIR, OUTPUTS_DIR, REPORT_DIR, WORK_ROOT
from sv_assessment.rendering.profiles import chapter_notebooks

log = logging.getLogger("sv_assessment")

RAN, REUSED = "ran", "reused"


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
    replace: bool = False  # publish over an assessment built from another configuration file
    wait_seconds: float = 0  # how long to wait for another build of the same assessment
    # An edition (``fanout.editions``): the place its chapters are about (a district or a
    # group's name) and its folder; it reads the area's staged inputs and has its own cache.
    district: str | None = None
    edition: str | None = None
    staged_once: bool = False  # the caller staged the inputs for every edition: never re-stage


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


# Steps ------------------------------------------------------------------------------------------
def raw_fingerprints(config: AssessmentConfig, previous: dict | None) -> dict[str, dict]:
    previous = (previous or {}).get("raw", {})
    missing = config.absent_demo_inputs()
    if missing and config.demo.generate_if_missing:
        from sv_assessment.build import staging

        staging.ensure_demo_inputs(config)
    if config.demo.generate_if_missing and any(
        s.kind == "previous_tables" and not s.path.exists() for s in config.inputs.values()
    ):
        from sv_assessment.build import previous_demo  # pandas and the chapters: only if needed

        previous_demo.ensure(config)  # the demo's synthetic previous edition
    found = {
        name: cache.raw_fingerprint(spec.path, previous.get(name))
        for name, spec in config.inputs.items()
    }
    # A lookup file the reader uses is an input too: an edit to it must re-stage.
    for name, spec in config.inputs.items():
        if spec.lsoa_lookup is not None:
            key = f"{name}.lsoa_lookup"
            found[key] = cache.raw_fingerprint(spec.lsoa_lookup, previous.get(key))
    return found


def stage(config: AssessmentConfig, staged_dir: Path, force: bool) -> tuple[dict, dict, str]:
    """Stage and validate the inputs unless their key is unchanged; returns the manifest, the
    inputs summary and how the step went (``ran`` or ``reused``)."""
    manifest_path = StagedData(staged_dir).manifest_file
    previous = cache.read_json(manifest_path)
    raw = raw_fingerprints(config, previous)
    key = cache.stage_key(
        config.fingerprint(), raw, CONTRACTS_DIR, code_keys.stage_code(), config.assessment_year
    )
    if not force and previous and previous.get("stage_key") == key:
        if previous.get("raw") != raw:  # same contents, new mtimes: remember them
            cache.write_json_atomic(manifest_path, {**previous, "raw": raw})
        inputs = cache.read_json(StagedData(staged_dir).inputs_file)
        if inputs is not None:
            return previous, inputs, REUSED
    manifest_path.unlink(missing_ok=True)  # a failed staging must not look current
    staged = stage_or_fail(config, staged_dir, raw)
    manifest = cache.staged_manifest(staged_dir, key, raw)
    cache.write_json_atomic(manifest_path, manifest)
    return manifest, staged.inputs, RAN


def assembly_key(
    notebook_jobs: list[NotebookJob], options: BuildOptions, config: AssessmentConfig
) -> str:
    import datetime as dt

    return cache.json_key(
        {
            "notebooks": [(j.name, j.key) for j in notebook_jobs],
            "formats": sorted(options.formats),
            "engine": options.engine,
            "report": cache.tree_fingerprint(REPORT_DIR, "*"),
            "config": config.fingerprint(),
            "code": code_keys.render_code(),
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
    from sv_assessment.rendering import pandoc, project, quarto

    tmp = entry.parent / f".tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    try:
        project_dir = WorkFolder(work_dir).report_project_dir
        shutil.rmtree(project_dir, ignore_errors=True)
        written = project.write_project(project_dir, config, notebooks, options.engine)
        if options.engine == "quarto":
            quarto.render_with_quarto(project_dir, tmp, options.formats, config.source)
        else:
            pandoc.render_builtin(project_dir, written, tmp, config, options.formats)
        cache.write_json_atomic(tmp / "entry.json", {"formats": list(options.formats)})
        shutil.rmtree(entry, ignore_errors=True)
        tmp.rename(entry)
    except project.AssemblyError as error:
        shutil.rmtree(tmp, ignore_errors=True)
        raise BuildError("assemble", str(error)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _copy_tree(source: Path, target: Path) -> None:
    """Copy (never hard-link: a published file edited in place must not change the cache)."""
    shutil.copytree(source, target, dirs_exist_ok=True)


def published_dir(outputs_dir: Path, config: AssessmentConfig, edition: str | None = None) -> Path:
    """``outputs/<assessment>/<year>/``: each configuration publishes in its own folder (an
    edition's outputs folder is already its own: ``outputs/editions/<config>/<place>/``)."""
    if edition:
        return outputs_dir / str(config.assessment_year)
    return outputs_dir / config.path.stem / str(config.assessment_year)


def build(options: BuildOptions) -> BuildResult:
    """Check the folders, take the assessment's lock (one build of it at a time), build."""
    config: AssessmentConfig = load_config(options.config_path, options.year)
    log.info("config %s", json.dumps(config.summary()))
    final_dir = published_dir(options.outputs_dir, config, options.edition)
    work = WorkFolder.for_assessment(config.path.stem, config.assessment_year, options.work_dir)
    guards.check_writable(final_dir.parent, "outputs", "--outputs")
    guards.check_writable(work.root, "work", "--work")
    name = f"{config.path.stem} {config.assessment_year}"
    # Editions build side by side from the area's staged inputs: each holds its own folder.
    held = work.edition(options.edition) if options.edition else work
    if options.edition:
        name += f" (edition {options.edition})"
    with lock.assessment_lock(held.root, name, options.wait_seconds):
        guards.check_same_assessment(final_dir, config, options.replace)
        publishing.prepare(final_dir.parent, final_dir)  # restore, clear killed builds' leftovers
        return _build(options, config, final_dir, work)


def _build(
    options: BuildOptions, config: AssessmentConfig, final_dir: Path, work: WorkFolder
) -> BuildResult:
    timer = console.StepTimer()
    steps: dict[str, str] = {}
    staged_dir = work.staged.directory
    if options.edition:
        work = work.edition(options.edition)
    work_dir = work.root
    cache_dir = work.cache_dir

    with timer.step("inputs and contracts"):
        force_stage = options.force and not options.staged_once
        manifest, inputs, steps["inputs and contracts"] = stage(config, staged_dir, force_stage)
    if options.staged_once and steps["inputs and contracts"] != REUSED:
        raise BuildError(
            "inputs", "an edition reads the area's staged inputs, which were not current"
        )
    names = chapter_notebooks(config.source)
    logical = {
        "config_path": str(config.path),
        "assessment_year": config.assessment_year,
        # Chart images for the PDF are made at assembly, so one executed chapter serves both.
        "static_images": False,
        **({"district": options.district} if options.district else {}),
    }
    planned = plan_notebooks(names, options.notebooks_dir, cache_dir, manifest, logical, config)
    to_run = [j for j in planned if options.force or not cache.entry_complete(j.entry)]
    for job in planned:
        steps[f"notebook {job.name}"] = RAN if job in to_run else REUSED
    with timer.step("notebooks"):
        parameters = {**logical, "staged_dir": str(staged_dir)}
        notebook_seconds = run_notebooks(to_run, parameters, options.jobs)
    for job in planned:
        cache.touch(job.entry)
        cache.prune(job.entry.parent, keep=job.entry.name)

    assembly = assembly_key(planned, options, config)
    assembly_entry = cache_dir / "_assembly" / assembly[:32]
    build_key = cache.json_key({"assembly": assembly, "stage": manifest["stage_key"]})
    published = cache.read_json(final_dir / "run.json") or {}
    with timer.step("assemble"):
        if options.force or not cache.entry_complete(assembly_entry):
            joined = work.chapters_dir
            shutil.rmtree(joined, ignore_errors=True)
            joined.mkdir(parents=True)
            for job in planned:
                target = joined / f"{job.name}.ipynb"
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(job.entry / "notebook.ipynb", target)
            assemble(assembly_entry, joined, work_dir, place_config(config, options), options)
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

    staging_dir = publishing.new_staging_dir(final_dir.parent, config.assessment_year)
    try:
        with timer.step("publish"):
            from sv_assessment import provenance
            from sv_assessment.build import disclosure_check
            from sv_assessment.contracts import quality_page

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
            quality_page.publish_data_quality(staged_dir, staging_dir / "data-quality", config)
            record = provenance.run_record(
                config, inputs, timer.timings, notebook_seconds, options.formats, options.engine
            )
            record["build_key"] = build_key
            if options.edition:
                record["edition"] = {"name": options.edition, "district": options.district}
            record["steps"] = steps | {"publish": RAN}
            # The last gate: the run record with small counts hidden, then every published file
            # attacked; a breach stops here and publishes nothing.
            disclosure_check.publish_checked_record(staging_dir, record, config)
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


def place_config(config: AssessmentConfig, options: BuildOptions) -> AssessmentConfig:
    """The config an edition's report is titled from: narrowed to its place."""
    return config.for_place(options.district) if options.district else config


def stage_or_fail(config: AssessmentConfig, staged_dir: Path, raw: dict[str, dict]):
    from sv_assessment.build import staging
    from sv_assessment.contracts.suites import ContractBreach
    from sv_assessment.ingest.errors import InputError

    try:
        return staging.stage_inputs(config, staged_dir, raw=raw)
    except InputError as error:
        raise BuildError("inputs", str(error)) from None
    except ContractBreach as error:
        raise BuildError("contracts", str(error)) from None
