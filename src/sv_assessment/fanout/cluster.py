"""Many builds on a Dask cluster, each as its own operating-system process.

Dask schedules; it does not run notebooks in its threads (Papermill and Jupyter kernels are not
thread-safe): each task starts ``python -m sv_assessment.fanout.worker`` and waits for it, so a
build that fails, hangs or is killed affects no other. A local cluster is started on the cores
available unless the address of an existing scheduler is given (``--scheduler``; with
dask-jobqueue, start the cluster in Python and pass its ``scheduler_address``, see README).
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sv_assessment.paths import PROJECT_ROOT

log = logging.getLogger("sv_assessment")


@dataclass(frozen=True)
class BuildJob:
    """One build to run: its name, what the worker is to do and the build's options."""

    name: str
    task: str  # "build" (one assessment or edition) or "stage" (inputs and contracts only)
    options: dict  # BuildOptions fields as plain JSON (paths as text)
    log_dir: str

    def log_path(self) -> Path:
        return Path(self.log_dir) / f"{self.name}.log"

    def result_path(self) -> Path:
        return Path(self.log_dir) / f"{self.name}.result.json"


@dataclass
class JobOutcome:
    name: str
    ok: bool
    result: dict = field(default_factory=dict)
    error: str = ""


class BuildFailed(RuntimeError):
    """A build process ended with an error; the message is the end of its log."""


@contextlib.contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator:
    """A client of the given scheduler, or of a local cluster of ``workers`` processes (default:
    the cores available), each running one build at a time."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    n = max(1, workers or len(os.sched_getaffinity(0)))
    with (
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def _die_with_parent() -> None:
    """In the build process: be killed if the Dask worker that started it dies, so a killed
    worker never leaves a build running unseen (its edition is then re-run or reported)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _tail(path: Path, lines: int = 12) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return "\n".join(text[-lines:])


def run_build_process(job: BuildJob) -> dict:
    """Run on a Dask worker: the build in its own process; its result, or BuildFailed.

    A build process killed by a signal (e.g. out of memory) is started once more; a build that
    fails with an error is not (it would fail the same way)."""
    source = str(PROJECT_ROOT / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([source, os.environ.get("PYTHONPATH", "")])}
    job.log_path().parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "sv_assessment.fanout.worker", json.dumps(job.__dict__)]
    for attempt in (1, 2):
        job.result_path().unlink(missing_ok=True)
        with job.log_path().open("ab") as out:
            out.write(f"\n--- {job.name}: attempt {attempt} ---\n".encode())
            out.flush()
            code = subprocess.call(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=str(PROJECT_ROOT),
                preexec_fn=_die_with_parent,
            )
        if code == 0 and job.result_path().is_file():
            return json.loads(job.result_path().read_text(encoding="utf-8"))
        if code >= 0:
            break
    raise BuildFailed(f"exit code {code}; end of {job.log_path()}:\n{_tail(job.log_path())}")


def progress_line(total: int, done: int, running: int, failed: int) -> str:
    waiting = total - done - running - failed
    return (
        f"editions: {done} done, {running} running, {failed} failed, {waiting} waiting (of {total})"
    )


def _executing(client) -> set[str]:
    """Keys the workers are running now (the scheduler's "processing" also counts tasks
    queued on a worker, which would overstate what is running)."""
    try:
        per_worker = client.run(
            lambda dask_worker: [str(t.key) for t in dask_worker.state.executing]
        )
    except Exception:  # a worker lost mid-query: the next refresh will see the rest
        return set()
    return {key for keys in per_worker.values() for key in keys}


def run_jobs(
    client, jobs: list[BuildJob], report: Callable[[str], None] = print
) -> list[JobOutcome]:
    """Every job on the cluster; one failing stops no other. Reports progress as it changes."""
    from distributed import wait

    futures = {
        client.submit(run_build_process, job, key=f"{job.name}-{time.time_ns()}", pure=False): job
        for job in jobs
    }
    outcomes: dict[str, JobOutcome] = {}
    pending, last = set(futures), ""
    while pending:
        try:
            finished, pending = wait(pending, timeout=2, return_when="FIRST_COMPLETED")
        except TimeoutError:  # nothing finished in the last 2 s: refresh "running" below
            finished = set()
        for future in finished:
            job = futures[future]
            try:
                outcomes[job.name] = JobOutcome(job.name, True, future.result())
            except Exception as error:  # a build error, or a worker lost too often (KilledWorker)
                outcomes[job.name] = JobOutcome(
                    job.name, False, error=f"{type(error).__name__}: {error}"
                )
                log.error("edition %s failed: %s", job.name, error)
        executing = _executing(client)
        running = sum(1 for f in pending if str(f.key) in executing)
        failed = sum(1 for o in outcomes.values() if not o.ok)
        line = progress_line(len(jobs), len(outcomes) - failed, running, failed)
        if line != last:
            report(line)
            last = line
    return [outcomes[job.name] for job in jobs]
