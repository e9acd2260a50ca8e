"""Checks made before a build reads any input: the folders it will write to can be written, and
the published assessment it would replace was built from the same configuration.

Found first, a read-only outputs folder costs a second, not a whole build and a raw
``PermissionError`` at the end; and an open-data build can no longer replace a partner
assessment that happens to share its year without a word.
"""

from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path

from sv_assessment.build import cache
from sv_assessment.config import AssessmentConfig
from sv_assessment.errors import BuildError


def check_writable(folder: Path, what: str, option: str) -> None:
    """Create the folder if need be and write (then remove) a file in it, or stop."""
    probe = folder / f".write-check-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"x" * 4096)
        probe.unlink()
    except OSError as error:
        raise BuildError(
            "start",
            f"cannot write to the {what} folder {folder}: {describe_os_error(error)}. Nothing "
            f"was built. Make it writable, or choose another folder with {option}.",
        ) from None


def describe_os_error(error: OSError) -> str:
    """An operating-system error in a person's words, with the file it concerns."""
    where = f" ({error.filename})" if error.filename else ""
    if error.errno == errno.ENOSPC:
        return f"the disk is full{where}; free some space and build again"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"permission denied{where}: the folder is read-only for this user"
    return f"{error.strerror or error}{where}"


def check_same_assessment(final_dir: Path, config: AssessmentConfig, replace: bool) -> None:
    """Stop before replacing an assessment published from another configuration file, unless
    told to (``--replace``). A config edited in place is the same assessment."""
    published = cache.read_json(final_dir / "run.json") or {}
    theirs = (published.get("assessment") or {}).get("config")
    if replace or not theirs or theirs == str(config.path):
        return
    if published.get("config_sha256") == config.fingerprint():
        return  # the same settings, from a copy of the file: the same assessment
    raise BuildError(
        "publish",
        f"{final_dir} holds the assessment built from {theirs}, and this build is from "
        f"{config.path}. Nothing was built, so that assessment is as it was. Give --replace "
        "to replace it, or publish this one elsewhere with --outputs.",
    )
