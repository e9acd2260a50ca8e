"""The run record: what went in (hashes, row counts), with what code and settings, and how long."""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
from importlib import metadata

from sv_assessment import __version__
from sv_assessment.config import AssessmentConfig
from sv_assessment.paths import PROJECT_ROOT

RECORDED_PACKAGES = (
    "pandas",
    "numpy",
    "scipy",
    "plotly",
    "kaleido",
    "papermill",
    "nbformat",
    "great-expectations",
    "pypandoc-binary",
    "typst",
    "pyarrow",
)


def package_versions() -> dict[str, str]:
    versions = {}
    for name in RECORDED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def code_version() -> str:
    """The git commit of the code (with '+dirty' when there are uncommitted changes)."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return f"sv_assessment {__version__} (no git)"


def run_record(
    config: AssessmentConfig,
    inputs: dict,
    timings: dict[str, float],
    notebook_seconds: dict[str, float],
    formats: tuple[str, ...],
    engine: str,
) -> dict:
    reconciled = all(
        info.get("rows_read") == info.get("rows_used", 0) + info.get("rows_set_aside", 0)
        for info in inputs.values()
        if info.get("provided")
    )
    if not reconciled:  # staging checks this per input; the record must never say otherwise
        raise RuntimeError(f"row counts do not reconcile (read = used + set aside): {inputs}")
    return {
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "assessment": config.summary(),
        "config_sha256": config.fingerprint(),
        "config": config.as_dict(),
        "inputs": inputs,
        "rows_reconciled": reconciled,
        "code_version": code_version(),
        "package_version": __version__,
        "python": platform.python_version(),
        "packages": package_versions(),
        "formats": list(formats),
        "engine": engine,
        "timings_seconds": timings,
        "notebook_seconds": notebook_seconds,
    }
