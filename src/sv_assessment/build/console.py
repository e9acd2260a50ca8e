"""What a person running a build sees: the build's progress and real warnings on the console,
everything (other libraries' chatter, tracebacks) in a log file, and a failure as one paragraph
that says what went wrong, that the published assessment is unchanged, and where the log is.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path

from sv_assessment.build.guards import describe_os_error
from sv_assessment.config import ConfigError
from sv_assessment.errors import BuildError

KEEP_LOGS = 20
# Warnings known to be noise, each with why: they say nothing about this build's data.
KNOWN_NOISE = (
    # plotly passes options Kaleido's shared browser server does not take; images are the same.
    (UserWarning, r"The kopts argument is ignored if using a server"),
)
_FILE_HANDLER: logging.Handler | None = None
log = logging.getLogger("sv_assessment")


STEPS = ("inputs and contracts", "notebooks", "assemble", "publish")


class StepTimer:
    """Times each step and says on the console which step of how many is running."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def step(self, name: str):
        timer = self

        class _Step:
            def __enter__(self):
                log.info("▶ step %d/%d: %s", STEPS.index(name) + 1, len(STEPS), name)
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                timer.timings[name] = round(time.perf_counter() - self.start, 2)
                if exc[0] is None:
                    log.info("✔ %s (%.1f s)", name, timer.timings[name])

        return _Step()


class Stopped(BaseException):
    """The build was asked to stop (SIGTERM): unwind, cleaning up, like Ctrl-C."""


class _Console(logging.Filter):
    """The build's own lines, and warnings and errors from anything else."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name.startswith("sv_assessment") or record.levelno >= logging.WARNING


def _log_folder(work_root: Path) -> Path:
    for folder in (work_root / "logs", Path(tempfile.gettempdir()) / "sv-assessment-logs"):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if os.access(folder, os.W_OK):
                return folder
        except OSError:
            continue
    raise OSError(f"no folder to write the build log in (tried {work_root / 'logs'})")


def start(work_root: Path, quiet: bool = False) -> Path:
    """Send the console its lines and the log file everything; returns the log file's path."""
    global _FILE_HANDLER
    folder = _log_folder(work_root)
    for old in sorted(folder.glob("build-*.log"))[:-KEEP_LOGS]:
        old.unlink(missing_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"build-{stamp}-{os.getpid()}.log"
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING if quiet else logging.INFO)
    console.addFilter(_Console())
    console.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    _FILE_HANDLER = logging.FileHandler(path, encoding="utf-8")
    _FILE_HANDLER.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.handlers[:] = [console, _FILE_HANDLER]
    logging.captureWarnings(True)
    for category, message in KNOWN_NOISE:
        warnings.filterwarnings("ignore", message=message, category=category)
    signal.signal(signal.SIGTERM, _stop)
    return path


def _stop(signum, frame) -> None:
    raise Stopped(f"signal {signum}")


def explain(error: BaseException, log_path: Path) -> str:
    """One paragraph for a failed build; the traceback goes to the log file it names."""
    if _FILE_HANDLER is not None:
        _FILE_HANDLER.emit(
            logging.LogRecord(
                "sv_assessment.failure",
                logging.ERROR,
                __file__,
                0,
                "build failed:\n%s",
                ("".join(traceback.format_exception(error)),),
                None,
            )
        )
        _FILE_HANDLER.flush()
    if isinstance(error, BuildError | ConfigError):
        what = str(error)
    elif isinstance(error, OSError):
        what = f"could not read or write a file: {describe_os_error(error)}"
    elif isinstance(error, KeyboardInterrupt | Stopped):
        what = "stopped before it finished (interrupted); its helper processes were stopped too"
    else:
        what = f"an unexpected error ({type(error).__name__}: {error})"
    return (
        f"BUILD FAILED: {what.rstrip('. ')}. The last published assessment (if any) is unchanged. The "
        f"full log, with the technical detail, is {log_path}"
    )
