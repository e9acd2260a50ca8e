"""The run record: what went in (hashes, row counts), with what code and settings, and how long."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

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


NOTEBOOK_SUFFIX = ".ipynb"


def git_blob_id(data: bytes) -> str:
    """The id git gives a file's contents (SHA-1 of ``blob <size>\\0<bytes>``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def notebook_code(text: str) -> str:
    """What of a notebook is code: each cell's type, source and tags, and the notebook's
    ``sv_assessment`` metadata (its declared reads); never outputs or counts."""
    notebook = json.loads(text)
    cells = [
        (
            cell.get("cell_type"),
            "".join(cell.get("source", "")),
            cell.get("metadata", {}).get("tags", []),
        )
        for cell in notebook.get("cells", [])
    ]
    return json.dumps([cells, notebook.get("metadata", {}).get("sv_assessment")], sort_keys=True)


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", *args], cwd=root, input=stdin, capture_output=True, check=True
    ).stdout


def changed_files(root: Path) -> list[str]:
    """Tracked files whose working copy is not the committed one (missing ones included)."""
    changed: list[tuple[str, str]] = []
    for entry in _git(root, "ls-files", "-s", "-z").split(b"\0"):
        if not entry:
            continue
        meta, path = entry.decode().split("\t", 1)
        mode, blob, _stage = meta.split()
        file = root / path
        if mode == "160000":  # a submodule: its own commit, not a file here
            continue
        try:
            data = str(file.readlink()).encode() if mode == "120000" else file.read_bytes()
        except OSError:
            changed.append((path, ""))
            continue
        if git_blob_id(data) != blob:
            changed.append((path, blob))
    notebooks = [(p, b) for p, b in changed if p.endswith(NOTEBOOK_SUFFIX) and b]
    if not notebooks:
        return [p for p, _ in changed]
    committed = _cat_blobs(root, [b for _, b in notebooks])
    same = {
        path
        for (path, blob) in notebooks
        if _same_notebook_code((root / path).read_text(encoding="utf-8"), committed[blob])
    }
    return [p for p, _ in changed if p not in same]


def _same_notebook_code(working: str, committed: str) -> bool:
    try:
        return notebook_code(working) == notebook_code(committed)
    except (ValueError, AttributeError):  # not a notebook git would accept either
        return False


def _cat_blobs(root: Path, blobs: list[str]) -> dict[str, str]:
    """Committed contents of the given blobs, in one ``git cat-file --batch`` call."""
    out = _git(root, "cat-file", "--batch", stdin="".join(b + "\n" for b in blobs).encode())
    contents: dict[str, str] = {}
    position = 0
    for blob in blobs:
        header_end = out.index(b"\n", position)
        size = int(out[position:header_end].split()[2])
        start = header_end + 1
        contents[blob] = out[start : start + size].decode("utf-8")
        position = start + size + 1
    return contents


def code_version(root: Path = PROJECT_ROOT) -> str:
    """The git commit of the code, with '+dirty' when a tracked file differs from it.

    Cheap and filter-free on purpose: ``git status`` runs the notebook filter (nbstripout, a
    Python start per notebook; ~40 s in a fresh clone). Here git only lists the tracked files
    and their blob ids (``git ls-files -s``, no contents read) and each file is hashed in this
    process as git would store it. A notebook counts as changed only if its code changed
    (cells, tags, declared reads): its outputs are what the filter strips, not code."""
    try:
        commit = _git(root, "rev-parse", "--short", "HEAD").decode().strip()
        return commit + ("+dirty" if changed_files(root) else "")
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
        info.get("rows_read")
        == info.get("rows_used", 0)
        + info.get("rows_set_aside", 0)
        + info.get("rows_out_of_scope", 0)
        for info in inputs.values()
        if info.get("provided")
    )
    if not reconciled:  # staging checks this per input; the record must never say otherwise
        raise RuntimeError(
            f"row counts do not reconcile (read = used + set aside + out of scope): {inputs}"
        )
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
