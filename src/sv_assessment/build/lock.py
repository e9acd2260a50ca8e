"""One build per assessment at a time: a lock on the assessment's work folder.

Two builds of one assessment at once would stage their inputs into the same folder while the
other's notebooks read it, and publish tables from two different inputs. The lock is taken
before anything is read and held until the build has published or failed; the operating system
releases it when the process ends, however it ends, so a killed build never leaves it held.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from sv_assessment.errors import BuildError

LOCK_FILE = "build.lock"
# Who holds the lock, written once it is held: a waiting process may truncate the lock file.
HOLDER_FILE = "build.lock.holder.json"


def _holder() -> dict:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "command": " ".join(sys.argv) or sys.executable,
    }


def describe_holder(folder: Path) -> str:
    try:
        holder = json.loads((folder / HOLDER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "another build (it has not yet said who it is)"
    return (
        f"the build started {holder.get('started')} by process {holder.get('pid')} on "
        f"{holder.get('host')} ({holder.get('command')})"
    )


@contextmanager
def assessment_lock(folder: Path, assessment: str, wait_seconds: float = 0) -> Iterator[None]:
    """Hold the assessment's lock for the block, or raise BuildError naming who holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / LOCK_FILE))
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        raise BuildError(
            "lock",
            f"another build of {assessment} is running: {describe_holder(folder)}. Two builds "
            "of one assessment at once would mix their inputs, so this one stops here; run it "
            "again when that one has finished (or give --wait SECONDS to wait for it).",
        ) from None
    try:
        (folder / HOLDER_FILE).write_text(json.dumps(_holder()), encoding="utf-8")
        yield
    finally:
        (folder / HOLDER_FILE).unlink(missing_ok=True)
        lock.release()
