"""Content keys for incremental builds: what each step depends on, hashed with cheap imports only.

A no-change rebuild must decide that nothing changed in well under a second, so this module
imports only the standard library and YAML (pyarrow is imported lazily, and only when staging
has actually run and the staged columns need fingerprinting).

Keys
----
- **stage**: the raw inputs (size + mtime fast check, else SHA-256), the config, the contract
  suites, the code of staging (``code_keys``) and the date the contracts' "latest allowed" date is taken from.
- **notebook**: the notebook file, its logical parameters, the staged columns and files it
  declares it reads (``metadata.sv_assessment.reads``), the config and the package code.
- **assembly**: every chapter's key, the formats, the engine, the report project (report/),
  the config, the package code and the build date (printed on the report).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from sv_assessment.catalog import SUMMARY_FILES, StagedData

PACKAGE_DIR = Path(__file__).resolve().parent
KEEP_ENTRIES = 3  # cached executions kept per notebook (the current one and older ones)


def sha256_bytes(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()


def json_key(value: Any) -> str:
    return sha256_bytes(json.dumps(value, sort_keys=True, default=str))


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, or of a folder: each file's relative name and hash, in name order."""
    digest = hashlib.sha256()
    if path.is_dir():
        for item in sorted(p for p in path.rglob("*") if p.is_file()):
            digest.update(f"{item.relative_to(path).as_posix()}\0{file_sha256(item)}\n".encode())
        return digest.hexdigest()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _size_and_mtime(path: Path) -> tuple[int, int]:
    """A cheap change signal; for a folder, summed over its files (any edit moves it)."""
    if not path.is_dir():
        stat = path.stat()
        return stat.st_size, stat.st_mtime_ns
    stats = [(p.relative_to(path).as_posix(), p.stat()) for p in path.rglob("*") if p.is_file()]
    signature = hashlib.sha256(
        "".join(f"{n}:{st.st_size}:{st.st_mtime_ns};" for n, st in sorted(stats)).encode()
    ).hexdigest()
    return sum(st.st_size for _, st in stats), int(signature[:15], 16)


def tree_fingerprint(root: Path, pattern: str) -> str:
    """Hash of every file matching ``pattern`` under ``root``: relative paths and contents."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob(pattern)):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def raw_fingerprint(path: Path, previous: dict | None = None) -> dict:
    """Size, mtime and SHA-256 of a raw input; the hash is reused when size and mtime match."""
    if not path.exists():
        return {"path": str(path), "absent": True}
    size, mtime = _size_and_mtime(path)
    found = {"path": str(path), "size": size, "mtime_ns": mtime}
    if previous and all(previous.get(k) == found[k] for k in found) and previous.get("sha256"):
        found["sha256"] = previous["sha256"]
    else:
        found["sha256"] = file_sha256(path)
    return found


def unchanged(path: Path, fingerprint: dict) -> bool:
    """Whether a raw input still has the size and modification time it was fingerprinted with."""
    if not path.exists() or fingerprint.get("absent"):
        return not path.exists() and bool(fingerprint.get("absent"))
    size, mtime = _size_and_mtime(path)
    return (size, mtime) == (fingerprint.get("size"), fingerprint.get("mtime_ns"))


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_json_atomic(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(value, indent=2, sort_keys=True, default=str), encoding="utf-8")
    os.replace(tmp, path)


# Staging ---------------------------------------------------------------------------------------
def contracts_date(assessment_year: int, today: dt.date | None = None) -> str:
    """The date the contracts compare against (the year end, or today within the year)."""
    today = today or dt.date.today()
    return min(dt.date(assessment_year, 12, 31), today).isoformat()


def stage_key(
    config_fingerprint: str,
    raw: dict[str, dict],
    contracts_dir: Path,
    code: str,
    assessment_year: int,
) -> str:
    return json_key(
        {
            "config": config_fingerprint,
            "raw": {name: fp.get("sha256", "absent") for name, fp in raw.items()},
            "contracts": tree_fingerprint(contracts_dir, "*.json"),
            "code": code,
            "contracts_date": contracts_date(assessment_year),
        }
    )


def column_fingerprints(parquet: Path) -> dict[str, str]:
    """One hash per column of a staged Parquet file, from its column chunks' bytes as written
    (nothing is decoded). The same data written by the same writer gives the same bytes; a new
    pyarrow version may change them, which only re-runs the notebooks, never wrongly reuses."""
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(parquet).metadata
    digests = {
        metadata.schema.column(i).path: hashlib.sha256(
            str(metadata.schema.column(i).physical_type).encode()
        )
        for i in range(metadata.num_columns)
    }
    with parquet.open("rb") as handle:
        for group in range(metadata.num_row_groups):
            row_group = metadata.row_group(group)
            for i in range(row_group.num_columns):
                chunk = row_group.column(i)
                start = chunk.data_page_offset
                if chunk.has_dictionary_page and chunk.dictionary_page_offset is not None:
                    start = min(start, chunk.dictionary_page_offset)
                handle.seek(start)
                digest = digests[chunk.path_in_schema]
                digest.update(f"{group}:{chunk.num_values}".encode())
                remaining = chunk.total_compressed_size
                while remaining > 0:
                    block = handle.read(min(remaining, 1 << 22))
                    if not block:
                        break
                    digest.update(block)
                    remaining -= len(block)
    return {name: digest.hexdigest() for name, digest in digests.items()}


def staged_manifest(staged_dir: Path, key: str, raw: dict[str, dict]) -> dict:
    """Fingerprints of what the notebooks can read: each staged column and summary file."""
    columns = {}
    for name in raw:
        parquet = StagedData(staged_dir).path(name)
        if parquet.exists():
            columns[name] = column_fingerprints(parquet)
    files = {
        name: file_sha256(staged_dir / name)
        for name in SUMMARY_FILES
        if (staged_dir / name).exists()
    }
    return {"stage_key": key, "raw": raw, "columns": columns, "files": files}


# Notebooks -------------------------------------------------------------------------------------
def notebook_reads(notebook_path: Path) -> dict | None:
    """``metadata.sv_assessment.reads`` of a notebook, or None when it declares nothing."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    return notebook.get("metadata", {}).get("sv_assessment", {}).get("reads")


# Optional inputs a chapter may declare that a config may leave out altogether (the chapter
# then says what is not available); any other undeclared name is a mistake in the notebook.
OPTIONAL_INPUT_NAMES = frozenset(
    {"ae_attendances", "deprivation", "boundaries", "previous_assessment", "population"}
    | {"hospital_admissions", "ambulance_callouts", "school_exclusions", "youth_justice"}
)


def reads_fingerprint(reads: dict | None, manifest: dict) -> dict:
    """The hashes of exactly the staged columns and files a notebook declares it reads.

    A notebook that declares nothing depends on everything staged. Raises ``KeyError`` naming
    a declared input or column that staging did not produce.
    """
    if reads is None:
        return {"everything": json_key([manifest["columns"], manifest["files"]])}
    found: dict[str, Any] = {"inputs": {}, "files": {}}
    for name, columns in (reads.get("inputs") or {}).items():
        staged = manifest["columns"].get(name)
        if staged is None:
            if name not in manifest["raw"] and name not in OPTIONAL_INPUT_NAMES:
                raise KeyError(f"input '{name}' is not in the config")
            found["inputs"][name] = "not provided"
            continue
        wanted = sorted(staged) if columns == "*" else list(columns)
        unknown = [c for c in wanted if c not in staged]
        if unknown:
            raise KeyError(f"input '{name}' has no column(s) {unknown}")
        found["inputs"][name] = {c: staged[c] for c in wanted}
    for name in reads.get("files") or []:
        found["files"][name] = manifest["files"].get(name, "absent")
    return found


def notebook_key(
    notebook_path: Path, parameters: dict, reads: dict, config_fingerprint: str, code: str
) -> str:
    return json_key(
        {
            "source": sha256_bytes(notebook_path.read_bytes()),
            "parameters": parameters,
            "reads": reads,
            "config": config_fingerprint,
            "code": code,
        }
    )


def entry_complete(entry: Path) -> bool:
    return (entry / "entry.json").exists()


def prune(step_dir: Path, keep: str, limit: int = KEEP_ENTRIES) -> None:
    """Drop all but the ``limit`` most recently used cache entries of one step."""
    if not step_dir.is_dir():
        return
    entries = sorted(
        (p for p in step_dir.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    kept = 0
    for entry in entries:
        if entry.name == keep or kept < limit - 1:
            kept += entry.name != keep
            continue
        shutil.rmtree(entry, ignore_errors=True)
    for stale in step_dir.glob(".tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)


def snapshot(folder: Path) -> dict[str, list[int]]:
    """Each file in a folder with its size, modification time and inode: a rewrite of any of
    them (by anything) changes this, at the cost of a few ``stat`` calls."""
    return {
        path.name: [path.stat().st_size, path.stat().st_mtime_ns, path.stat().st_ino]
        for path in sorted(folder.iterdir())
        if path.is_file()
    }


def touch(entry: Path) -> None:
    os.utime(entry)
