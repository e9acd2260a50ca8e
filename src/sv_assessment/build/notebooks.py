"""Chapters as Papermill jobs: which notebooks the report lists, what each one's cache key is,
and running them in parallel, each in its own kernel, into the work folder's cache."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass
from pathlib import Path

from sv_assessment.build import cache, code_keys, processes
from sv_assessment.catalog import WorkFolder
from sv_assessment.config import AssessmentConfig
from sv_assessment.errors import BuildError
from sv_assessment.paths import COMMENTARY_DIR, PROJECT_ROOT

log = logging.getLogger("sv_assessment")

DATA_QUALITY = "data_quality"  # the chapter run first, in any project


def kernel_config(sockets: Path):
    """Kernels talk to the build over Unix sockets in a private folder, not TCP ports: several
    kernels (and other builds) starting at once can then never race for a port, and nothing
    listens on the network."""
    from traitlets.config import Config

    return Config({"KernelManager": {"transport": "ipc", "ip": str(sockets / "kernel")}})


def execute_notebook(
    source: Path,
    target: Path,
    parameters: dict,
    reads: dict | None,
    keep_failed: Path | None = None,
) -> float:
    """Run one notebook with Papermill; returns seconds taken. Raises BuildError naming the cell
    and where the executed notebook, with its traceback, is kept (``keep_failed``).

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
        with tempfile.TemporaryDirectory(prefix="sv-kernel-") as sockets:
            papermill.execute_notebook(
                str(source),
                str(target),
                parameters=parameters,
                kernel_name="python3",
                progress_bar=False,
                cwd=str(PROJECT_ROOT),
                log_output=False,
                config=kernel_config(Path(sockets)),
                kernel_manager_class=processes.QUIET_KERNEL_MANAGER,
            )
    except PapermillExecutionError as error:
        if keep_failed is not None:
            keep_failed.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(target, keep_failed)
        raise BuildError(
            "notebooks",
            f"{source.name} raised in cell {error.cell_index} "
            f"(execution count {error.exec_count}): {error.ename}: {error.evalue}. "
            f"The executed notebook with the traceback is kept at {keep_failed or target}",
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
    failed_copy: Path | None = None  # where it is kept if it fails (the cache keeps successes)

    @property
    def kernel_log(self) -> Path:
        return self.entry.parent / "kernel.log"


def _use_checkout_package() -> None:
    """Kernels must import this checkout's package, installed or not."""
    source_root = str(PROJECT_ROOT / "src")
    paths = os.environ.get("PYTHONPATH", "").split(os.pathsep)
    if source_root not in paths:
        os.environ["PYTHONPATH"] = os.pathsep.join([source_root, *filter(None, paths)])


def _run_job(job: NotebookJob, parameters: dict, staged: dict) -> float:
    """Execute into a temporary folder beside the cache entry, then rename it into place, but
    only if the staged data it read is the snapshot its key was made from (``staged``)."""
    tmp = job.entry.parent / f".tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir(parents=True)
    if job.failed_copy is not None:
        job.failed_copy.unlink(missing_ok=True)
    job.kernel_log.unlink(missing_ok=True)
    os.environ[processes.KERNEL_LOG_ENV] = str(job.kernel_log)
    try:
        seconds = execute_notebook(
            job.source,
            tmp / "notebook.ipynb",
            {**parameters, "tables_dir": str(tmp / "tables")},
            job.reads,
            job.failed_copy,
        )
        if cache.snapshot(Path(parameters["staged_dir"])) != staged:
            raise BuildError(
                "notebooks",
                f"the staged data changed while {job.name} ran (was another program writing "
                "to the work folder?); its result was not kept. Build again.",
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
    staged = cache.snapshot(Path(parameters["staged_dir"]))
    start = time.perf_counter()
    pool = processes.worker_pool(max(1, min(jobs, len(ordered))))
    try:
        futures = {pool.submit(_run_job, job, parameters, staged): job.name for job in ordered}
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                if future.exception() is not None:
                    raise future.exception()
                name = futures[future]
                seconds[name] = future.result()
                log.info(
                    "  notebook %d/%d %s (%.1f s; %.0f s so far)",
                    len(seconds),
                    len(ordered),
                    name,
                    seconds[name],
                    time.perf_counter() - start,
                )
    except BaseException:
        processes.stop_pool(pool)  # the running chapters too, and at once: their kernels follow
        raise
    pool.shutdown(wait=True)
    return seconds


def plan_notebooks(
    names: list[str],
    notebooks_dir: Path,
    cache_dir: Path,
    manifest: dict,
    logical_parameters: dict,
    config: AssessmentConfig,
) -> list[NotebookJob]:
    missing = [n for n in names if not (notebooks_dir / f"{n}.ipynb").exists()]
    if missing:
        raise BuildError(
            "notebooks", f"notebooks listed in the report's Quarto profile not found: {missing}"
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
        # Structured entries beside it (e.g. 13_priorities.yml) are the chapter's input too.
        # The summary lists the priorities, so their entries are its input too.
        stems = [name, *(["13_priorities"] if name == "01_summary" else [])]
        entries = sorted(
            p for stem in stems for p in COMMENTARY_DIR.glob(f"{stem}.*") if p.suffix != ".md"
        )
        if entries:
            depends["commentary_entries"] = {p.name: cache.file_sha256(p) for p in entries}
        code = code_keys.notebook_code(source)
        key = cache.notebook_key(source, logical_parameters, depends, config.fingerprint(), code)
        step_dir = cache_dir / name
        previous = [cache.read_json(e / "entry.json") or {} for e in step_dir.glob("*/")]
        last = max((p.get("seconds", 0.0) for p in previous), default=0.0)
        failed = WorkFolder(cache_dir.parent).failed_dir / f"{name}.ipynb"
        planned.append(NotebookJob(name, source, key, step_dir / key[:32], reads, last, failed))
    return planned
