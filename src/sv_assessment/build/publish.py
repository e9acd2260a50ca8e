"""Atomic publication: build into a fresh staging folder, swap it in only when all has worked.

``outputs/<assessment>/.staging-<year>-<id>/`` holds a build in progress; ``publish`` renames it to
``outputs/<assessment>/<year>/`` (the previous one is renamed aside first, then removed). A build that is
killed leaves its staging folder behind: the next build removes it, once its owner process is
gone, and puts back a previous assessment if the kill fell between the two renames.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import uuid
from pathlib import Path

log = logging.getLogger(__name__)

OWNER_FILE = ".build-owner"
STAGING_PREFIX = ".staging-"
PREVIOUS_PREFIX = ".previous-"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _abandoned(folder: Path) -> bool:
    """True when the build that made this staging folder is no longer running."""
    try:
        owner = json.loads((folder / OWNER_FILE).read_text())
    except (OSError, ValueError):
        return True  # no owner record: killed before it was written, or an older build
    if owner.get("host") != socket.gethostname():
        return False  # another machine's build (shared drive): leave it alone
    return not _alive(int(owner.get("pid", -1)))


def recover_interrupted_publish(final_dir: Path) -> None:
    """If a build was killed between the two renames of ``publish``, put the old one back."""
    if final_dir.exists():
        return
    previous = sorted(
        final_dir.parent.glob(f"{PREVIOUS_PREFIX}{final_dir.name}-*"),
        key=lambda p: p.stat().st_mtime,
    )
    if previous:
        previous[-1].rename(final_dir)
        log.warning("restored %s from an interrupted publish", final_dir)


def clean_stale(outputs_dir: Path) -> list[Path]:
    """Remove staging folders of builds that were killed, and leftovers of earlier swaps."""
    removed = []
    for folder in sorted(outputs_dir.glob(f"{STAGING_PREFIX}*")):
        if folder.is_dir() and _abandoned(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for folder in sorted(outputs_dir.glob(f"{PREVIOUS_PREFIX}*")):
        final = outputs_dir / folder.name[len(PREVIOUS_PREFIX) :].rsplit("-", 1)[0]
        if final.exists():  # the swap finished; only the clean-up was interrupted
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    for folder in removed:
        log.info("removed %s, left by an interrupted build", folder)
    return removed


def prepare(outputs_dir: Path, final_dir: Path) -> None:
    """Before a build: restore an interrupted swap, then clear what killed builds left."""
    outputs_dir.mkdir(parents=True, exist_ok=True)
    recover_interrupted_publish(final_dir)
    clean_stale(outputs_dir)


def new_staging_dir(outputs_dir: Path, year: int) -> Path:
    """A fresh staging folder, marked with this process as its owner."""
    folder = outputs_dir / f"{STAGING_PREFIX}{year}-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    owner = {"pid": os.getpid(), "host": socket.gethostname()}
    (folder / OWNER_FILE).write_text(json.dumps(owner))
    return folder


def publish(staging_dir: Path, final_dir: Path) -> None:
    """Swap the finished staging folder in place of the published one."""
    (staging_dir / OWNER_FILE).unlink(missing_ok=True)
    if final_dir.exists():
        previous = final_dir.with_name(f"{PREVIOUS_PREFIX}{final_dir.name}-{uuid.uuid4().hex[:8]}")
        final_dir.rename(previous)
        staging_dir.rename(final_dir)
        shutil.rmtree(previous, ignore_errors=True)
    else:
        staging_dir.rename(final_dir)
